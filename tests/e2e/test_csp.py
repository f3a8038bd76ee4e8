"""The pages the partner API, ProConnect, the second factor, the reading of acts and the national
view added work under the Content Security Policy (config/settings.py: no inline script, style
or handler; our own PDF framed by our own page only): the browser refuses nothing on them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from directory.models import Organisation, Role
from procedure.models import ActDocument, ReadingBatch, Stage
from tests.e2e.conftest import sign_in
from tests.e2e.test_proconnect import provider  # noqa: F401 - the local OpenID Connect provider
from tests.factories import DEMO_PASSWORD, CommuneFactory, OrganisationFactory, member
from tests.partner_api import partner
from tests.procedure import act_pdfs
from tests.procedure.factories import procedure_at

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_api_documentation_works_under_the_csp(page, csp_violations, screenshot):
    page.goto("/api/documentation/")
    expect(page.get_by_text("/api/v1/actes/lot/")).to_be_visible()
    screenshot("csp-api-documentation")
    assert csp_violations == []


def test_the_sign_in_page_with_proconnect_works_under_the_csp(page, provider, csp_violations):  # noqa: F811
    page.goto("/connexion/")
    expect(page.get_by_role("link", name="S'identifier avec ProConnect")).to_be_visible()
    assert csp_violations == []


def test_totp_enrolment_and_the_token_pages_work_under_the_csp(
    page, administrator, csp_violations, screenshot
):
    partner(Organisation.Kind.SIAO)
    page.goto("/connexion/")
    page.get_by_label("Adresse électronique").fill("admin@example.org")
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_test_id("totp-key")).to_be_visible()
    expect(page.locator("main svg").first).to_be_visible()  # the QR code
    screenshot("csp-totp-enrolment")
    assert csp_violations == []
    page.context.clear_cookies()
    sign_in(page, email="admin@example.org", password=DEMO_PASSWORD)
    page.goto("/jetons-api/")
    expect(page.get_by_label("Nom du jeton")).to_be_visible()
    assert csp_violations == []


def test_the_reading_page_frames_our_own_pdf_under_the_csp(page, secretariat, csp_violations, screenshot):
    act = act_pdfs.act("commandement_de_payer", layout=0, seed=11)
    document = ActDocument.objects.create(
        batch=ReadingBatch.objects.create(created_by=secretariat),
        file=SimpleUploadedFile("acte.pdf", act.pdf, "application/pdf"),
        name="acte.pdf",
        sha256="0" * 64,
        status=ActDocument.Status.READ,
        procedure=procedure_at(Stage.PAYMENT_ORDER),
    )
    sign_in(page, email="secretariat@example.org", password=DEMO_PASSWORD)
    with page.expect_response(f"**/actes/lire/{document.pk}/pdf/") as pdf:
        page.goto(f"/actes/lire/{document.pk}/")
    assert pdf.value.status == 200
    screenshot("csp-reading-check")
    page.goto(f"/actes/lire/lots/{document.batch_id}/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert csp_violations == []


def test_the_national_view_works_under_the_csp(page, csp_violations, screenshot):
    CommuneFactory(insee_code="21231", name="Dijon", departement_code="21")
    dihal = OrganisationFactory(code="dihal", kind=Organisation.Kind.STATE, name="DIHAL")
    member(role=Role.NATIONAL_STEERING, organisation=dihal, email="dihal@example.org")
    sign_in(page, email="dihal@example.org", password=DEMO_PASSWORD)
    page.goto("/indicateurs/national/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    # No figures yet: the refresh is asked from the page (run at once here: tasks are eager).
    page.get_by_role("button", name="Mettre à jour les chiffres").click()
    expect(page.get_by_text("Chiffres arrêtés le")).to_be_visible()
    expect(page.locator('#par-departement tr[data-departement="21"]')).to_be_visible()
    screenshot("csp-national")
    assert csp_violations == []

"""Issue 12's "done when", in the browser, on the demo (setup_departement 21, seed_demo): the CCAS
de Dijon's social worker finds the ASLL recommendation of the demo in the inbox, answers it, and
the secretariat reads the answer on the case and in the follow-up of the commission's next
session; the médiation pré-expulsion (public sector only) refuses a private-sector case with its
reason, and takes it with the secretariat's."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from commissions.models import Recommendation, Session
from directory.models import Notification
from households.models import HousingSector
from procedure.models import Stage
from tests.commissions.factories import CommissionFactory, ReviewRequestFactory, SessionFactory
from tests.e2e.conftest import sign_in
from tests.factories import DEMO_PASSWORD
from tests.procedure.factories import procedure_at

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(db, settings):
    call_command("setup_departement", "21", stdout=io.StringIO())
    settings.DEBUG = True  # seed_demo refuses to run otherwise; the pages are served as usual after
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False


def test_the_ccas_answers_the_asll_recommendation_and_the_secretariat_reads_it(page, screenshot, demo):
    asll = (
        Recommendation.objects.filter(kind=Recommendation.Kind.ASLL, responsible__code="ccas-dijon")
        .select_related("procedure__household", "agenda_item__session")
        .order_by("pk")
        .first()
    )
    household = asll.procedure.household.label

    sign_in(page, email="ts.ccas-dijon@demo.prevex.fr", password=DEMO_PASSWORD)
    page.get_by_role("link", name="Demandes reçues", exact=True).first.click()
    received = page.get_by_test_id("received-recommendations")
    expect(received).to_contain_text("Mesure ASLL")
    screenshot("ccas-inbox-recommendations")
    received.get_by_role("link", name=f"Mesure ASLL — {household}").first.click()
    expect(page.get_by_test_id("recommendation-facts")).to_contain_text(household)
    page.locator("label[for=id_answer_0]").click()  # the DSFR radio: its label takes the click
    expect(page.get_by_label("Réalisée", exact=True)).to_be_checked()
    page.get_by_label("Réalisée le").fill(f"{asll.agenda_item.session.date:%Y-%m-%d}")
    page.get_by_label("Ce qui a été fait").fill("Mesure ASLL ouverte, premier rendez-vous tenu")
    screenshot("ccas-answer-form")
    page.get_by_role("button", name="Transmettre la réponse").click()
    expect(page.locator(".fr-alert--success")).to_contain_text("transmise au secrétariat")

    page.context.clear_cookies()
    sign_in(page, email="secretariat@demo.prevex.fr", password=DEMO_PASSWORD)
    # The answer is among the secretariat's notifications, counted in the header's badge.
    unread = Notification.objects.filter(user__email="secretariat@demo.prevex.fr", read_at__isnull=True)
    assert unread.filter(kind="reponse_preconisation").exists()
    expect(page.get_by_test_id("unread-badge")).to_have_text(
        str(min(unread.count(), 99)) + "+" * (unread.count() > 99)
    )
    page.goto(f"/procedures/{asll.procedure_id}/")
    panel = page.get_by_test_id("commissions-panel")
    expect(panel).to_contain_text("Mesure ASLL ouverte, premier rendez-vous tenu")
    expect(panel.get_by_test_id("recommendation-answer").first).to_contain_text("réalisée")
    next_session = (
        Session.objects.filter(
            commission=asll.agenda_item.session.commission, date__gt=asll.agenda_item.session.date
        )
        .order_by("date")
        .first()
    )
    page.goto(f"/commissions/seances/{next_session.pk}/")
    follow_up = page.get_by_test_id("earlier-recommendations")
    expect(follow_up).to_contain_text("Mesure ASLL ouverte, premier rendez-vous tenu")
    screenshot("session-follow-up-with-answer")


def test_a_public_sector_formation_refuses_a_private_sector_case_with_its_reason(
    page, screenshot, secretariat
):
    mediation = CommissionFactory(mediation=True)
    session = SessionFactory(commission=mediation, date=timezone.localdate() + datetime.timedelta(days=10))
    private = procedure_at(
        Stage.ORDER_TO_VACATE, sector=HousingSector.PRIVATE, household__label="Ménage Privé"
    )
    ReviewRequestFactory(procedure=private, commission=mediation)

    sign_in(page, email="secretariat@example.org", password=DEMO_PASSWORD)
    page.goto(f"/commissions/seances/{session.pk}/")
    page.get_by_label("Dossier en attente d'examen").select_option(
        label=f"Ménage Privé — {private.reference}"
    )
    page.get_by_role("button", name="Inscrire à l'ordre du jour").click()
    error = page.get_by_test_id("add-item-error")
    expect(error).to_contain_text("le logement relève du parc privé, la formation examine le parc public")
    expect(page.get_by_label("Dossier en attente d'examen")).to_have_value(
        str(private.review_requests.get().pk)
    )
    screenshot("agenda-misfit-refused")
    expect(page.get_by_test_id("agenda-item")).to_have_count(0)

    page.get_by_label("Motif de l'inscription hors critères").fill("Bailleur privé conventionné, à examiner")
    page.get_by_role("button", name="Inscrire à l'ordre du jour").click()
    expect(page.locator(".fr-alert--success")).to_contain_text("inscrit à l'ordre du jour")
    expect(page.get_by_test_id("agenda-item")).to_contain_text("Hors critères")


def test_a_questionnaire_s_pdf_holds_the_commune_s_social_service_and_the_adil(page, demo, tmp_path):
    from directory.models import Organisation
    from letters.services.contacts import contact_line
    from procedure.models import Procedure, Stage

    # At the assignation the Charte foresees the household's questionnaire (letters/rules.py).
    case = (
        Procedure.objects.filter(lease__commune__insee_code="21231", current_stage=Stage.SUMMONS)
        .order_by("pk")
        .first()
    )
    ccas, adil = Organisation.objects.get(code="ccas-dijon"), Organisation.objects.get(kind="adil")

    sign_in(page, email="secretariat@demo.prevex.fr", password=DEMO_PASSWORD)
    page.goto(f"/procedures/{case.pk}/")
    page.get_by_label("Courriers prévus à cette étape").select_option(
        label="Courrier et questionnaire au ménage"
    )
    page.get_by_role("button", name="Générer le courrier").click()
    expect(page.locator(".fr-alert--success")).to_contain_text("Courrier et questionnaire au ménage")
    link = page.locator("#courriers").get_by_role("link", name="Courrier et questionnaire au ménage").first
    response = page.request.get(link.get_attribute("href"))  # the browser shows the PDF inline
    assert response.ok and response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "questionnaire.pdf"
    pdf.write_bytes(response.body())
    reader = PdfReader(str(pdf))
    text = " ".join(" ".join(page_.extract_text() for page_ in reader.pages).split())
    assert " ".join(contact_line(ccas).split()) in text
    assert " ".join(contact_line(adil).split()) in text
    assert f"{ccas.address}, {ccas.postal_code} {ccas.city}" in text and adil.address in text


def test_the_new_pages_have_no_serious_accessibility_violation(page, screenshot, demo):
    from tests.e2e.test_accessibility import assert_accessible

    asll = (
        Recommendation.objects.filter(kind=Recommendation.Kind.ASLL, status="en_cours").order_by("pk").first()
    )
    sign_in(page, email="ts.ccas-dijon@demo.prevex.fr", password=DEMO_PASSWORD)
    for path in [
        "/orientations/",
        f"/commissions/preconisations/{asll.pk}/reponse/",
        "/notifications/",
        "/notifications/preferences/",
    ]:
        assert_accessible(page, path)
    screenshot("notification-preferences")
    page.context.clear_cookies()
    sign_in(page, email="secretariat@demo.prevex.fr", password=DEMO_PASSWORD)
    session = Session.objects.filter(status="publiee", items__isnull=False).order_by("pk").first()
    for path in ["/commissions/saisines/", f"/commissions/seances/{session.pk}/", "/file-de-travail/"]:
        assert_accessible(page, path)
    screenshot("secretariat-work-queue")
    page.context.clear_cookies()
    sign_in(page, email="membre.caf@demo.prevex.fr", password=DEMO_PASSWORD)
    for path in ["/commissions/mes-seances/", "/commissions/mes-seances/agenda/"]:
        assert_accessible(page, path)

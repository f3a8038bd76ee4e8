"""Issue 4's "done when", in the browser, with the real organisations of the Côte-d'Or: the
secretariat records an assignation, asks for a DSF in one click and sees it routed to the CCAS de
Dijon; the CCAS's social worker finds it in the inbox, files the DSF and downloads its PDF; the
secretariat sees it done and the task completed; the CD's social worker gets a 404 on the case and
ADEFO sees only its visites anticipation."""

import datetime
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from directory.models import Commune, Organisation, Role
from procedure.models import Stage
from referrals import services
from referrals.models import Referral
from tests.e2e.conftest import sign_in
from tests.factories import DEMO_PASSWORD, member
from tests.procedure.factories import procedure_at
from tests.referrals.departement import load_departement
from tests.referrals.factories import acting

ACT_DATE = re.compile(r"Date de l'acte")  # case-sensitive: not the debt's « à la date de l'acte »

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

K = Referral.Kind


@pytest.fixture
def people(db):
    load_departement()

    def worker(code, email, role=Role.SOCIAL_WORKER):
        return member(role=role, organisation=Organisation.objects.get(code=code), email=email)

    return {
        "secretariat": worker("ddets-21", "secretariat@demo.prevex.fr", Role.SECRETARIAT),
        "ts.ccas-dijon": worker("ccas-dijon", "ts.ccas-dijon@demo.prevex.fr"),
        "ts.cd21": worker("cd21-agence-dijon", "ts.cd21@demo.prevex.fr"),
        "adefo": worker("adefo", "adefo@demo.prevex.fr"),
    }


def dijon_case(label, *, on):
    commune = Commune.objects.get(insee_code="21231")
    return procedure_at(
        Stage.PAYMENT_ORDER,
        on=on,
        lease__commune=commune,
        lease__postal_code="21000",
        household__label=label,
    )


@pytest.fixture
def open_as(browser, live_server):
    """A fresh browser context signed in as one of the demo e-mails."""
    contexts = []

    def open_page(email):
        context = browser.new_context(
            base_url=live_server.url, locale="fr-FR", viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        sign_in(page, email=email, password=DEMO_PASSWORD)
        expect(page.get_by_role("button", name="Se connecter")).to_have_count(0)
        return page

    yield open_page
    for context in contexts:
        context.close()


def shoot(page, name):
    """A full-page screenshot into $PREVEX_SCREENSHOTS when set."""
    folder = os.environ.get("PREVEX_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_dsf_from_the_assignation_to_the_pdf_seen_by_each_organisation(people, open_as, tmp_path):
    today = timezone.localdate()
    hearing = today + datetime.timedelta(days=60)
    case = dijon_case("M. et Mme Lefèvre", on=today - datetime.timedelta(days=80))

    # The secretariat records the assignation with its hearing date on the case page.
    secretariat = open_as("secretariat@demo.prevex.fr")
    secretariat.goto(f"/procedures/{case.pk}/")
    form = secretariat.locator("#enregistrer-acte")
    form.get_by_label("Acte ou fait").select_option(label="Assignation")
    form.get_by_label(ACT_DATE).fill(today.isoformat())
    form.get_by_label("Date d'audience").fill(hearing.isoformat())
    form.get_by_role("button", name="Enregistrer l'acte").click()
    expect(secretariat.locator(".fr-alert--success")).to_contain_text("Demander un diagnostic social")

    # One click asks for the DSF, routed to the CCAS de Dijon, due 5 working days before the hearing.
    panel = secretariat.get_by_test_id("referrals-panel")
    expect(panel.get_by_test_id("suggested-organisation")).to_have_text("CCAS de Dijon")
    shoot(secretariat, "referrals-case-before-request")
    panel.get_by_role("button", name="Demander un DSF").click()
    expect(secretariat.locator(".fr-alert--success")).to_contain_text("Demande adressée à CCAS de Dijon.")
    row = secretariat.get_by_test_id("case-referral")
    expect(row).to_contain_text("CCAS de Dijon")
    expect(row.get_by_test_id("referral-status")).to_have_text("Demandée")
    referral = Referral.objects.get(procedure=case, kind=K.DSF)
    due = f"{referral.due_date:%d/%m/%Y}"
    assert referral.due_date < hearing and referral.task is not None

    # The CCAS's social worker finds it in the inbox with its due date and files the DSF.
    worker = open_as("ts.ccas-dijon@demo.prevex.fr")
    worker.get_by_role("link", name="Demandes reçues").first.click()
    inbox_row = worker.get_by_test_id("inbox-row").filter(has_text="M. et Mme Lefèvre")
    expect(inbox_row).to_contain_text(due)
    shoot(worker, "referrals-inbox")
    inbox_row.get_by_role("link", name=re.compile("Diagnostic social et financier")).click()
    expect(worker.get_by_test_id("due-date")).to_contain_text(due)
    worker.get_by_role("button", name="Accepter la demande").click()
    worker.get_by_role("link", name="Rédiger le diagnostic").click()
    # Issue 12 §2: the first draft holds what Prévex knows of the lease.
    expect(worker.get_by_test_id("prefilled")).to_be_visible()
    expect(worker.get_by_label("Situation locative")).to_have_value(re.compile("Bailleur : "))
    worker.get_by_label("Composition et situation du ménage").fill("Couple, deux enfants ; Monsieur en CDD.")
    worker.get_by_label("Situation locative").fill("Loyer de 610 € charges comprises, APL au bailleur.")
    worker.get_by_label("Besoin d'accompagnement").select_option(label="Budgétaire")
    worker.get_by_label("Préconisations").fill("Plan d'apurement sur 24 mois et ASLL maintien.")
    shoot(worker, "referrals-dsf-form")
    worker.get_by_role("button", name="Relire et transmettre le diagnostic").click()
    expect(worker.get_by_test_id("diagnosis-review")).to_contain_text("Plan d'apurement sur 24 mois")
    shoot(worker, "referrals-dsf-confirm")
    worker.get_by_role("button", name="Confirmer la transmission").click()
    expect(worker.get_by_test_id("referral-status").first).to_have_text("Faite")
    with worker.expect_download() as download_info:
        worker.get_by_role("link", name="Télécharger le DSF (PDF)").click()
    pdf = tmp_path / "dsf.pdf"
    download_info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    shoot(worker, "referrals-detail-done")

    # The secretariat sees the DSF done on the case, and the task completed.
    secretariat.goto(f"/procedures/{case.pk}/")
    expect(secretariat.get_by_test_id("case-referral").get_by_test_id("referral-status")).to_have_text(
        "Faite"
    )
    expect(secretariat.get_by_test_id("case-tasks")).not_to_contain_text("Demander un diagnostic social")
    expect(secretariat.get_by_test_id("requestable-tasks")).to_have_count(0)
    shoot(secretariat, "referrals-case-done")
    secretariat.get_by_role("link", name="File de travail").first.click()
    expect(
        secretariat.get_by_test_id("filed-diagnosis").filter(has_text="M. et Mme Lefèvre")
    ).to_contain_text("CCAS de Dijon")

    # The CD's social worker cannot open the case; ADEFO sees only its visites anticipation.
    visit_case = dijon_case("Mme Garnier", on=today)
    acting(people["secretariat"])
    adefo = Organisation.objects.get(code="adefo")
    services.request_referral(
        procedure=visit_case, kind=K.ANTICIPATION_VISIT, addressed_to=adefo, user=people["secretariat"]
    )
    cd_worker = open_as("ts.cd21@demo.prevex.fr")
    assert cd_worker.goto(f"/procedures/{case.pk}/").status == 404
    assert cd_worker.goto(f"/orientations/{referral.pk}/").status == 404

    operator = open_as("adefo@demo.prevex.fr")
    operator.goto("/orientations/")
    rows = operator.get_by_test_id("inbox-row")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Visite anticipation")
    expect(rows).to_contain_text("Mme Garnier")
    assert operator.goto(f"/procedures/{case.pk}/").status == 404
    shoot(operator, "referrals-inbox-adefo")

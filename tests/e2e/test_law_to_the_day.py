"""Issue 10's "done when", in the browser, on a demo case: a CQL of 31 August 2026 reads "expulsion
possible à partir du 01/04/2027" with the rule that decided it; a réquisition wrongly dated on the
last day of the 2 months is flagged on the case and in the work queue, then corrected with a
reason: the deadline and the work queue change, and the history shows both dates."""

import datetime
import re

import pytest
import time_machine
from playwright.sync_api import expect

from directory.models import Organisation, Role
from procedure import demo
from procedure.models import Procedure
from tests.e2e.conftest import sign_in
from tests.factories import DEMO_PASSWORD, member
from tests.referrals.departement import load_departement

ACT_DATE = re.compile(r"Date de l'acte")  # case-sensitive: not the debt's « à la date de l'acte »

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def on_1_december_2026():
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC), tick=True):
        yield


@pytest.fixture
def demo_case(on_1_december_2026):
    load_departement()
    demo.seed_cases()
    member(
        role=Role.SECRETARIAT,
        organisation=Organisation.objects.get(code="ddets-21"),
        email="secretariat@demo.prevex.fr",
    )
    # The demo case judged four months ago, awaiting its CQL (procedure.demo._awaiting_cql).
    return Procedure.objects.get(reference="DEMO-2026-0061")


def record_act(page, *, kind, date):
    form = page.locator("#enregistrer-acte")
    form.get_by_label("Acte ou fait").select_option(label=kind)
    form.get_by_label(ACT_DATE).fill(date)
    form.get_by_role("button", name="Enregistrer l'acte").click()


def test_cql_of_31_august_then_a_corrected_requisition(page, demo_case, screenshot):
    sign_in(page, email="secretariat@demo.prevex.fr", password=DEMO_PASSWORD)
    page.goto(f"/procedures/{demo_case.pk}/")

    record_act(page, kind="Commandement de quitter les lieux", date="2026-08-31")

    deadlines = page.get_by_test_id("case-deadlines")
    expect(deadlines).to_contain_text(
        "Expulsion possible à partir du 01/04/2027 : fin de la trêve hivernale (CPCE L.412-6)"
    )
    screenshot("law-cql-31-august")

    # The réquisition recorded on the last day of the 2 months (31 October): premature.
    record_act(page, kind="Réquisition de la force publique", date="2026-10-31")
    expect(page.get_by_test_id("case-anomaly")).to_contain_text(
        "Réquisition du 31/10/2026 avant la fin des 2 mois suivant le commandement de quitter les lieux "
        "du 31/08/2026 : elle est réputée faite le 01/11/2026"
    )
    expect(deadlines).to_contain_text("Décision du préfet attendue au plus tard le 01/01/2027")
    page.goto("/file-de-travail/?action=anomalies")
    expect(page.get_by_test_id("tache")).to_contain_text(["Anomalie : Réquisition du 31/10/2026"])
    screenshot("law-work-queue-anomaly")

    # The secretariat corrects the date, with a reason.
    page.goto(f"/procedures/{demo_case.pk}/")
    page.get_by_role(
        "link", name=re.compile("Rectifier ou annuler : Réquisition de la force publique")
    ).click()
    form = page.get_by_test_id("correct-event")
    form.get_by_label(ACT_DATE).fill("2026-11-02")
    form.get_by_label("Motif de la rectification").fill("Date du procès-verbal mal recopiée")
    form.get_by_role("button", name="Enregistrer la rectification").click()

    expect(page.locator(".fr-alert--success")).to_contain_text("Acte rectifié")
    expect(page.get_by_test_id("case-anomaly")).to_have_count(0)
    expect(deadlines).to_contain_text("Décision du préfet attendue au plus tard le 02/01/2027")
    timeline = page.get_by_test_id("case-timeline")
    expect(timeline).to_contain_text("Rectification d'un acte")
    expect(timeline).to_contain_text("date : 31/10/2026 → 02/11/2026")
    expect(timeline).to_contain_text("Motif : Date du procès-verbal mal recopiée")
    screenshot("law-after-correction")
    page.goto("/file-de-travail/?action=anomalies")
    expect(page.get_by_test_id("tache")).to_have_count(0)

    page.goto(f"/procedures/{demo_case.pk}/")
    page.get_by_role("link", name=re.compile("Règle appliquée : Expulsion possible")).click()
    expect(page.locator("#regle-treve")).to_contain_text("ordonnance n° 2021-141 du 10 février 2021")
    screenshot("law-rules-page")


def test_a_correction_that_breaks_the_order_is_refused_in_french_and_keeps_what_was_typed(
    page, demo_case, screenshot
):
    sign_in(page, email="secretariat@demo.prevex.fr", password=DEMO_PASSWORD)
    page.goto(f"/procedures/{demo_case.pk}/")
    record_act(page, kind="Commandement de quitter les lieux", date="2026-08-31")
    page.get_by_role(
        "link", name=re.compile("Rectifier ou annuler : Commandement de quitter les lieux")
    ).click()

    form = page.get_by_test_id("correct-event")
    form.get_by_label(ACT_DATE).fill("2026-01-05")
    form.get_by_label("Motif de la rectification").fill("Erreur de saisie")
    form.get_by_role("button", name="Enregistrer la rectification").click()

    expect(page.get_by_test_id("correction-errors")).to_contain_text(
        re.compile(r"Un commandement de quitter les lieux ne peut pas précéder le jugement du \d\d/\d\d/2026")
    )
    expect(page.get_by_test_id("correct-event").get_by_label(ACT_DATE)).to_have_value("2026-01-05")
    expect(page.get_by_label("Motif de la rectification")).to_have_value("Erreur de saisie")
    screenshot("law-correction-refused")

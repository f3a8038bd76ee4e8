"""The secretariat records a judgment and a CQL by hand on a public-sector and a private-sector case,
and sees the different actions the Charte prescribes; a CQL of 15 October allows an eviction only
from 1 April (end of the winter truce)."""

import datetime
import re

import pytest
import time_machine
from playwright.sync_api import expect

from households.models import HousingSector
from procedure.models import Stage
from tests.e2e.conftest import sign_in
from tests.factories import DEMO_PASSWORD
from tests.procedure.factories import procedure_at

ACT_DATE = re.compile(r"Date de l'acte")  # case-sensitive: not the debt's « à la date de l'acte »

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SECTOR_ACTIONS = {
    HousingSector.PUBLIC: (
        "Convoquer le ménage en commission de médiation pré-expulsion",
        "visite anticipation",
    ),
    HousingSector.PRIVATE: (
        "Missionner un opérateur pour une visite anticipation",
        "médiation pré-expulsion",
    ),
}


@pytest.fixture
def in_november():
    with time_machine.travel(datetime.datetime(2026, 11, 20, 10, tzinfo=datetime.UTC), tick=True):
        yield


def record_act(page, *, kind, date, **fields):
    form = page.locator("#enregistrer-acte")
    form.get_by_label("Acte ou fait").select_option(label=kind)
    form.get_by_label(ACT_DATE).fill(date)
    for label, value in fields.items():
        form.get_by_label(label).select_option(label=value)
    form.get_by_role("button", name="Enregistrer l'acte").click()


@pytest.mark.parametrize("sector", [HousingSector.PUBLIC, HousingSector.PRIVATE])
def test_secretariat_records_a_judgment_and_a_cql_and_sees_the_charte_actions_of_the_sector(
    page, secretariat, screenshot, in_november, sector
):
    procedure = procedure_at(
        Stage.HEARING, sector=sector, on=datetime.date(2026, 9, 8), household__label="Mme Roussel"
    )
    expected, absent = SECTOR_ACTIONS[sector]
    sign_in(page, email="secretariat@example.org", password=DEMO_PASSWORD)
    page.goto(f"/procedures/{procedure.pk}/")
    expect(page.get_by_role("heading", name="Mme Roussel")).to_be_visible()
    expect(page.get_by_test_id("case-sector")).to_have_text(sector.label)

    page.locator("#enregistrer-acte").get_by_label("Acte ou fait").select_option(label="Jugement")
    expect(page.get_by_label("Date d'audience")).to_be_hidden()
    expect(page.get_by_label("Issue du jugement")).to_be_visible()
    record_act(page, kind="Jugement", date="2026-09-22", **{"Issue du jugement": "Résiliation du bail"})

    expect(page.locator(".fr-alert--success")).to_contain_text(
        "Tâches créées : Informer les services sociaux du jugement"
    )
    expect(page.get_by_test_id("case-stepper")).to_contain_text("Étape 4 sur 7")

    record_act(page, kind="Commandement de quitter les lieux", date="2026-10-15")

    expect(page.get_by_test_id("case-stepper")).to_contain_text("Étape 5 sur 7")
    tasks = page.get_by_test_id("case-tasks")
    expect(tasks).to_contain_text(expected)
    expect(tasks).not_to_contain_text(absent)
    expect(page.get_by_test_id("case-deadlines")).to_contain_text(
        "Expulsion possible à partir du 01/04/2027 : fin de la trêve hivernale"
    )
    expect(page.get_by_test_id("case-timeline")).to_contain_text("Commandement de quitter les lieux")
    screenshot(f"case-after-cql-{sector}")


def test_a_refused_act_shows_the_french_error_and_keeps_what_was_typed(
    page, secretariat, screenshot, in_november
):
    procedure = procedure_at(Stage.HEARING, on=datetime.date(2026, 9, 8))
    sign_in(page, email="secretariat@example.org", password=DEMO_PASSWORD)
    page.goto(f"/procedures/{procedure.pk}/")

    form = page.locator("#enregistrer-acte")
    form.get_by_label("Observations").fill("Reçu par courrier")
    record_act(page, kind="Jugement", date="2026-08-01", **{"Issue du jugement": "Demande rejetée"})

    form = page.locator("#enregistrer-acte")
    expect(form).to_contain_text(re.compile(r"Un jugement ne peut pas .*l'audience du 08/09/2026"))
    expect(form.get_by_label(ACT_DATE)).to_have_value("2026-08-01")
    expect(form.get_by_label("Observations")).to_have_value("Reçu par courrier")
    expect(form.get_by_label("Issue du jugement")).to_have_value("rejet")
    screenshot("case-refused-act")

"""With the keyboard only: a misspelt name typed in the header's search box finds its case
(trigram similarity on PostgreSQL; accents and case ignored on SQLite), and the letter menu of a case
offers the Charte's letters for its stage, the others behind « Autres courriers »."""

import pytest
from django.db import connection
from playwright.sync_api import expect

from households.models import HousingSector
from procedure.models import Stage
from procedure.services import refresh_search_text
from tests.e2e.conftest import sign_in
from tests.factories import DEMO_PASSWORD
from tests.households.factories import PersonFactory
from tests.procedure.factories import procedure_at

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# What a secretary types for Mme Rousseau: a letter missing on PostgreSQL, accents and capitals on SQLite.
TYPED = "rouseau" if connection.vendor == "postgresql" else "ROUSSÉAU"


def case_of(last_name, reference, **fields):
    procedure = procedure_at(
        Stage.SUMMONS, reference=reference, household__label=f"Mme {last_name}", **fields
    )
    PersonFactory(household=procedure.household, last_name=last_name, first_name="Lucie")
    refresh_search_text(procedure.household)
    return procedure


def test_a_misspelt_search_finds_its_case_with_the_keyboard(page, secretariat, screenshot):
    target = case_of("Rousseau", "EXP-21-ROUS")
    case_of("Bernard", "EXP-21-BERN")
    sign_in(page, email="secretariat@example.org", password=DEMO_PASSWORD)

    page.get_by_role("search").get_by_role("searchbox").first.focus()
    page.keyboard.type(TYPED)
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"/procedures/{target.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mme Rousseau")
    expect(page.get_by_text("Dossier EXP-21-ROUS")).to_be_visible()


def test_the_letter_menu_offers_the_stage_s_letters_and_the_others_apart(
    page, secretariat, directory_contacts
):
    procedure = procedure_at(Stage.PAYMENT_ORDER, sector=HousingSector.PUBLIC, reference="EXP-21-PUB")
    sign_in(page, email="secretariat@example.org", password=DEMO_PASSWORD)
    page.goto(f"/procedures/{procedure.pk}/")
    letters = page.locator("#courriers")
    expect(letters).to_contain_text("La Charte ne prévoit aucun courrier à cette étape pour ce parc.")
    other = letters.get_by_label("Autre courrier")
    expect(other).to_be_hidden()

    letters.get_by_role("button", name="Autres courriers").focus()
    page.keyboard.press("Enter")
    expect(other).to_be_visible()
    page.keyboard.press("Tab")
    expect(other).to_be_focused()
    other.select_option(label="Demande de diagnostic social et financier")
    page.keyboard.press("Tab")
    expect(letters.get_by_role("button", name="Générer ce courrier")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.locator(".fr-alert--success")).to_contain_text("Demande de diagnostic social et financier")
    expect(
        page.locator("#courriers").get_by_role("link", name="Demande de diagnostic social et financier")
    ).to_be_visible()

"""The secretariat, with the keyboard only, filters the list of procedures, saves the view as its
default, signs out, signs in again and finds the list opened with that view."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.factories import DEMO_PASSWORD
from tests.procedure.factories import ProcedureFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sector_filter(page):
    return page.get_by_role("group", name="Filtrer les procédures").get_by_label("Parc")


def test_a_saved_default_view_is_reopened_after_signing_out(page, secretariat):
    ProcedureFactory(reference="PUB-1", lease__public=True)
    ProcedureFactory(reference="PRIVE-1", lease__private=True)
    sign_in(page, email="secretariat@example.org", password=DEMO_PASSWORD)
    page.goto("/procedures/")
    sector_filter(page).focus()
    page.keyboard.type("Parc pub")
    page.get_by_role("button", name="Filtrer").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("procedure")).to_have_count(1)

    page.get_by_text("Enregistrer la vue actuelle ou choisir la vue par défaut").focus()
    page.keyboard.press("Enter")  # opens the <details>
    page.get_by_label("Nom de la vue").focus()
    page.keyboard.type("Parc public")
    page.keyboard.press("Tab")  # « Partager avec tout le secrétariat »
    page.keyboard.press("Tab")  # « M'ouvrir cette vue par défaut »
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    expect(page.locator(".fr-alert--success")).to_contain_text("Vue « Parc public » enregistrée.")

    page.get_by_role("button", name="Se déconnecter").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Se déconnecter")).to_have_count(0)
    sign_in(page, email="secretariat@example.org", password=DEMO_PASSWORD)
    page.get_by_role("link", name="Liste des procédures", exact=True).first.focus()
    page.keyboard.press("Enter")

    expect(sector_filter(page)).to_have_value("public")
    expect(page.get_by_test_id("procedure")).to_have_count(1)
    expect(page.get_by_test_id("procedure")).to_contain_text("PUB-1")
    expect(
        page.get_by_test_id("saved-views").get_by_role("link", name="Parc public · par défaut")
    ).to_be_visible()

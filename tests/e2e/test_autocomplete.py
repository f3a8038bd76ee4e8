"""Choosing among many with the keyboard only: typing "chen" in the commune offers Chenôve (accents
and case ignored), arrows and Enter choose it, and the case is created in that commune; the
organisation of a referral is offered with its kind, the Charte's suggestion first."""

import pytest
from playwright.sync_api import expect

from households.models import Lease
from tests.e2e.conftest import sign_in
from tests.factories import DEMO_PASSWORD, CommuneFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def communes(db):
    CommuneFactory()
    CommuneFactory(insee_code="21166", name="Chenôve", postal_codes="21300")
    CommuneFactory(insee_code="21054", name="Beaune", postal_codes="21200")
    return CommuneFactory(insee_code="21171", name="Chevigny-Saint-Sauveur", postal_codes="21800")


def test_the_commune_autocomplete_offers_chenove_for_chen_with_the_keyboard(page, secretariat, communes):
    sign_in(page, email="secretariat@example.org", password=DEMO_PASSWORD)
    page.goto("/procedures/nouvelle/")
    commune = page.get_by_role("combobox", name="Commune")
    commune.focus()
    page.keyboard.type("chen")

    options = page.get_by_role("listbox").get_by_role("option")
    expect(options).to_have_text(["Chenôve (21166)"])
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(commune).to_have_value("Chenôve (21166)")

    commune.fill("")
    page.keyboard.type("CHEV")
    expect(options).to_have_text(["Chevigny-Saint-Sauveur (21171)"])
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")

    form = page.get_by_test_id("create-case")
    for field, value in {
        "reference": "EXP-21-0999",
        "label": "Mme Girard",
        "last_name": "Girard",
        "address": "2 rue de la Paix",
        "postal_code": "21800",
        "owner_name": "M. Roy",
    }.items():
        form.locator(f"#id_{field}").focus()
        page.keyboard.type(value)
    form.get_by_label("Parc privé").focus()
    page.keyboard.press("Space")
    form.get_by_role("button", name="Créer le dossier").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Mme Girard")).to_be_visible()
    assert Lease.objects.get().commune.name == "Chevigny-Saint-Sauveur"

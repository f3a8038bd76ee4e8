"""The case page at 1280 px and on a 390 px phone: nothing wider than the screen, the sommaire on
top, and its links reached and followed with the keyboard."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from households.models import Lease
from procedure.models import Stage
from tests.e2e.conftest import sign_in
from tests.factories import DEMO_PASSWORD
from tests.procedure.factories import procedure_at

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_the_case_page_fits_the_screen_and_its_sommaire_jumps_to_the_history(
    page, secretariat, screenshot, width
):
    case = procedure_at(Stage.JUDGMENT, on=datetime.date(2026, 6, 10), household__label="M. et Mme Lefèvre")
    Lease.objects.filter(pk=case.lease_id).update(rent=Decimal("1850.50"))
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, email="secretariat@example.org", password=DEMO_PASSWORD)
    page.goto(f"/procedures/{case.pk}/")

    expect(page.get_by_test_id("case-lease")).to_contain_text("1\xa0850,50\xa0€")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(f"case-page-{width}")

    page.get_by_test_id("case-summary").get_by_role("link", name="Historique").focus()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#historique-titre"
    page.get_by_test_id("history-filters").get_by_role("link", name="Actes").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("timeline-entry")).to_have_count(4)  # CP, assignation, audience, jugement

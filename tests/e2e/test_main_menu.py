"""The main menu of the secretariat and of the administrator holds on one line at 1280 px (issue 13):
its sub-menus (DSFR « menu déroulant ») open and are followed with the keyboard only."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.factories import DEMO_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def menu_rows(page):
    """The distinct tops of the menu's entries, and the menu's height against one entry's."""
    return page.evaluate(
        """() => {
            const items = [...document.querySelectorAll('#fr-navigation > .fr-nav__list > .fr-nav__item')];
            const list = document.querySelector('#fr-navigation > .fr-nav__list').getBoundingClientRect();
            const entry = items[0].getBoundingClientRect();
            return {
                tops: [...new Set(items.map((item) => Math.round(item.getBoundingClientRect().top)))],
                count: items.length,
                listHeight: Math.round(list.height),
                entryHeight: Math.round(entry.height),
                right: Math.max(...items.map((item) => item.getBoundingClientRect().right)),
            };
        }"""
    )


@pytest.mark.parametrize(
    ("persona", "email", "entries"),
    [("secretariat", "secretariat@example.org", 7), ("administrator", "admin@example.org", 8)],
)
def test_the_menu_holds_on_one_line_at_1280_px(page, request, persona, email, entries, screenshot):
    request.getfixturevalue(persona)
    sign_in(page, email=email, password=DEMO_PASSWORD)
    page.goto("/")

    rows = menu_rows(page)

    assert rows["count"] == entries
    assert len(rows["tops"]) == 1, rows
    assert rows["listHeight"] <= rows["entryHeight"] + 1, rows
    assert rows["right"] <= 1280
    screenshot(f"menu-{persona}-1280")


def test_a_sub_menu_opens_and_is_followed_with_the_keyboard(page, administrator):
    sign_in(page, email="admin@example.org", password=DEMO_PASSWORD)
    page.goto("/")
    navigation = page.get_by_role("navigation", name="Menu principal")
    journal = navigation.get_by_role("link", name="Journal des consultations")
    expect(journal).to_be_hidden()

    navigation.get_by_role("button", name="Administration").focus()
    page.keyboard.press("Enter")
    expect(navigation.get_by_role("button", name="Administration")).to_have_attribute("aria-expanded", "true")
    expect(journal).to_be_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(journal).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_contain_text("Journal des consultations")
    expect(navigation.get_by_role("button", name="Administration")).to_have_attribute("aria-current", "true")

"""Accessibility of the main page of each role, in the browser: axe-core (shipped inside the
axe-playwright-python package, no download at run time) finds no violation of impact « serious » or
« critical » (RGAA: contrast, labels, landmarks, table headers, names of buttons and links), and the
keyboard reaches the skip link first, follows it to the content, and sees where the focus is."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from procedure.models import Stage
from tests.e2e.conftest import sign_in
from tests.factories import DEMO_PASSWORD
from tests.procedure.factories import procedure_at
from tests.referrals.factories import referral

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BLOCKING = {"serious", "critical"}


def blocking_violations(page):
    """The violations a person would be stopped by, one line per rule with the first elements it hit."""
    response = Axe().run(page).response
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[node['target'] for node in v['nodes'][:3]]}"
        for v in response["violations"]
        if v["impact"] in BLOCKING
    ]


def assert_accessible(page, path):
    page.goto(path)
    expect(page.locator("main#content")).to_be_visible()
    assert blocking_violations(page) == [], path


@pytest.fixture
def referred_case(secretariat, ccas_dijon):
    procedure = procedure_at(Stage.SUMMONS)
    made = referral(procedure=procedure, secretariat=secretariat, addressed_to=ccas_dijon)
    return procedure, made


def test_sign_in_page_has_no_serious_violation(page):
    assert_accessible(page, "/connexion/")


def test_secretariat_pages_have_no_serious_violation(page, secretariat, referred_case):
    procedure, _ = referred_case
    sign_in(page, email=secretariat.email, password=DEMO_PASSWORD)
    event = procedure.events.get(kind=Stage.SUMMONS)
    correction = f"/procedures/{procedure.pk}/actes/{event.pk}/rectifier/"
    for path in [
        "/",
        "/file-de-travail/",
        "/procedures/",
        f"/procedures/{procedure.pk}/",
        f"/procedures/{procedure.pk}/historique-des-modifications/",
        correction,
        "/regles/",
    ]:
        assert_accessible(page, path)


def test_the_administrators_history_of_changes_has_no_serious_violation(page, administrator, ccas_dijon):
    from referrals.models import Referral, RoutingRule

    rule = RoutingRule.objects.create(kind=Referral.Kind.DSF, organisation=ccas_dijon)
    rule.priority = 10
    rule.save()
    sign_in(page, email=administrator.email, password=DEMO_PASSWORD)
    assert_accessible(page, "/historique/")
    assert_accessible(page, f"/historique/?objet=routingrule&id={rule.pk}")


def test_social_worker_pages_have_no_serious_violation(page, social_worker, referred_case):
    _, made = referred_case
    sign_in(page, email=social_worker.email, password=DEMO_PASSWORD)
    for path in ["/orientations/", f"/orientations/{made.pk}/"]:
        assert_accessible(page, path)


def test_commission_member_sessions_have_no_serious_violation(page, commission_member):
    sign_in(page, email=commission_member.email, password=DEMO_PASSWORD)
    assert_accessible(page, "/commissions/mes-seances/")


def test_skip_link_is_the_first_tab_stop_and_leads_to_the_content(page, secretariat, referred_case):
    sign_in(page, email=secretariat.email, password=DEMO_PASSWORD)
    page.goto("/file-de-travail/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Contenu")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#content"
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('content').contains(document.activeElement)")


def test_every_tab_stop_of_the_work_queue_shows_the_focus(page, secretariat, referred_case):
    """Tabs through the whole page: each focused element draws an outline (the DSFR's focus ring),
    and the « Fait » and « Écarter » actions of a task are among the tab stops."""
    sign_in(page, email=secretariat.email, password=DEMO_PASSWORD)
    page.goto("/file-de-travail/")
    reached, unmarked = [], []
    for _ in range(120):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => { const e = document.activeElement;
                // The DSFR draws the ring of an enlarged link (the header's and footer's brand) with a
                // pseudo-element spread over its block.
                const ring = (s) => s.outlineStyle !== 'none' && s.outlineWidth !== '0px';
                const marked = [null, '::before', '::after'].some((p) => ring(getComputedStyle(e, p)));
                return {name: (e.innerText || e.getAttribute('aria-label') || e.name || e.tagName).trim(),
                        tag: e.tagName, marked}; }"""
        )
        if focused["tag"] == "BODY":
            break
        reached.append(focused["name"])
        if not focused["marked"]:
            unmarked.append(focused["name"])
    assert "Fait" in reached
    assert "Écarter" in reached
    assert unmarked == []

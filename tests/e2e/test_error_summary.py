"""A refused form, with the keyboard only, in each family of forms (the secretariat's, the social
workers', the administrators'): the error summary at the top of the form takes the focus and is in
view, it lists each error as a link that takes the focus to its field, and the typed values are kept
(RGAA 11.10, 11.11)."""

import datetime

import pytest
from playwright.sync_api import expect

from directory.models import Organisation, Role
from procedure.models import Stage
from referrals.models import Referral
from tests.e2e.conftest import sign_in
from tests.factories import DEMO_PASSWORD, member
from tests.procedure.factories import procedure_at
from tests.referrals.departement import load_departement
from tests.referrals.factories import case_in, referral

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def focused(page, attribute):
    return page.evaluate(f"document.activeElement.getAttribute('{attribute}')")


def summary_in_view(page):
    return page.evaluate(
        "(() => { const r = document.querySelector('[data-error-summary]').getBoundingClientRect();"
        " return r.top >= 0 && r.top < window.innerHeight; })()"
    )


def follow_first_error_link(page):
    """Tab from the summary to its first link and follow it with Enter; returns the focused id."""
    page.keyboard.press("Tab")
    assert focused(page, "data-error-link") == ""
    page.keyboard.press("Enter")
    return focused(page, "id")


def test_refused_act_puts_its_error_summary_in_focus_and_keeps_the_typed_values(
    page, secretariat, screenshot
):
    procedure = procedure_at(Stage.PAYMENT_ORDER, on=datetime.date(2026, 9, 1), household__label="Mme Roux")
    sign_in(page, email="secretariat@example.org", password=DEMO_PASSWORD)
    page.goto(f"/procedures/{procedure.pk}/")
    form = page.locator("#enregistrer-acte")
    form.get_by_label("Acte ou fait").focus()
    page.keyboard.type("Assignation")  # the select's type-ahead
    form.get_by_label("Dette à la date de l'acte (€)").focus()  # the act's date is left empty
    page.keyboard.type("1850.50")
    page.keyboard.press("Enter")

    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_focused()
    assert summary_in_view(page)
    expect(summary).to_contain_text("L'acte n'est pas enregistré : 2 erreurs à corriger")
    expect(summary.get_by_role("link", name="Date de l'acte : Ce champ est obligatoire.")).to_be_visible()
    expect(summary.get_by_role("link", name="Date d'audience")).to_be_visible()
    expect(form.get_by_label("Acte ou fait")).to_have_value("assignation")
    expect(form.get_by_label("Dette à la date de l'acte (€)")).to_have_value("1850.50")
    screenshot("refused-act")

    assert follow_first_error_link(page) == "id_date"


@pytest.fixture
def dsf_in_progress(db):
    load_departement()
    worker = member(
        role=Role.SOCIAL_WORKER,
        organisation=Organisation.objects.get(code="ccas-dijon"),
        email="ts.ccas-dijon@demo.prevex.fr",
    )
    ddets = Organisation.objects.get(code="ddets-21")
    chief = member(role=Role.SECRETARIAT, organisation=ddets, email="sec@demo.prevex.fr")
    case = case_in("21231", household__label="M. et Mme Lefèvre")
    return referral(procedure=case, secretariat=chief, worker=worker, status=Referral.Status.ACCEPTED)


def test_social_worker_refused_diagnosis_shows_its_summary_in_focus(page, dsf_in_progress):
    sign_in(page, email="ts.ccas-dijon@demo.prevex.fr", password=DEMO_PASSWORD)
    page.goto(f"/orientations/{dsf_in_progress.pk}/diagnostic/")
    # The draft comes prefilled with the household and the lease (issue 12): the worker rewrites the
    # lease and asks to file it without the support needed nor the recommendations.
    expect(page.get_by_label("Situation du ménage")).not_to_have_value("")
    page.get_by_label("Situation locative").focus()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("Loyer de 610 €, APL au bailleur.")
    page.get_by_role("button", name="Relire et transmettre le diagnostic").focus()
    page.keyboard.press("Enter")

    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_focused()
    assert summary_in_view(page)
    expect(summary).to_contain_text("2 erreurs à corriger")
    expect(page.get_by_label("Situation locative")).to_have_value("Loyer de 610 €, APL au bailleur.")
    assert follow_first_error_link(page) == "id_support_needed"


def test_administrator_refused_form_shows_its_summary_in_focus(page, administrator):
    sign_in(page, email="admin@example.org", password=DEMO_PASSWORD)
    page.goto("/admin/procedure/wintertruce/add/")
    page.locator("input[type=submit][name=_save]").focus()
    page.keyboard.press("Enter")

    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("erreurs à corriger")
    target = follow_first_error_link(page)
    assert target and target.startswith("id_")

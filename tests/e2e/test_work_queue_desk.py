"""The secretariat, with the keyboard only, filters the work queue to the private sector, marks
every task of that filtered selection (more than one page of cases) as done, confirms the count,
and finds the public-sector tasks untouched."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from procedure.models import Task
from procedure.rules import Action
from tests.e2e.conftest import sign_in
from tests.factories import DEMO_PASSWORD
from tests.procedure.factories import ProcedureFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def open_task(procedure, days, kind=Action.ACKNOWLEDGE):
    due = timezone.localdate() + datetime.timedelta(days=days)
    return Task.objects.create(procedure=procedure, kind=kind, title=Action(kind).label, due_date=due)


def test_bulk_done_on_a_whole_filtered_selection_with_the_keyboard(page, secretariat, screenshot):
    for n in range(53):
        case = ProcedureFactory(lease__private=True)
        open_task(case, days=n - 3)
        if n % 10 == 0:
            open_task(case, days=n + 5, kind=Action.REQUEST_DSF)
    public = [open_task(ProcedureFactory(lease__public=True), days=1) for _ in range(2)]
    sign_in(page, email="secretariat@example.org", password=DEMO_PASSWORD)
    page.goto("/file-de-travail/")
    screenshot("work-queue-desk")

    page.get_by_label("Parc").focus()
    page.keyboard.type("Parc priv")  # the select's type-ahead
    page.get_by_role("button", name="Filtrer").focus()
    page.keyboard.press("Enter")
    # 11: cases are no longer counted (decision 016), the page says which ones it shows.
    expect(page.locator("caption")).to_have_text("Tâches à faire : 59 tâches · dossiers 1 à 50")

    page.get_by_label("Toute la sélection filtrée, toutes pages comprises (59 tâches)").focus()
    page.keyboard.press("Space")
    page.get_by_label("Action sur la sélection").focus()
    page.keyboard.press("ArrowDown")  # from « Choisir… » to « Marquer comme faites »
    page.get_by_role("button", name="Appliquer à la sélection").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_test_id("confirm-question")).to_contain_text("Marquer 59 tâches comme faites ?")
    expect(page.get_by_role("button", name="Confirmer")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.locator(".fr-alert--success")).to_contain_text("59 tâches marquées comme faites.")
    expect(page.get_by_text("Aucune tâche à faire avec ces filtres.")).to_be_visible()
    assert Task.objects.filter(status=Task.Status.DONE).count() == 59
    assert {task.status for task in Task.objects.filter(pk__in=[t.pk for t in public])} == {Task.Status.OPEN}

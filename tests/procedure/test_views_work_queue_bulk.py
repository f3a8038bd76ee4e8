"""The work queue as a desk: one row per case, and actions on a selection of tasks (chosen tasks,
whole cases, the whole filtered selection), confirmed with their count, in one UPDATE."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from directory.models import Role
from households.models import HousingSector
from procedure.models import Task
from procedure.rules import Action
from tests.conftest import client_for
from tests.factories import member
from tests.procedure.factories import ProcedureFactory

pytestmark = pytest.mark.django_db

URL = reverse("procedure:work_queue")
BULK = reverse("procedure:work_queue_bulk")


def task_on(procedure, *, days, kind=Action.ACKNOWLEDGE):
    return Task.objects.create(
        procedure=procedure,
        kind=kind,
        title=Action(kind).label,
        due_date=timezone.localdate() + datetime.timedelta(days=days),
    )


def statuses(*tasks):
    return [Task.objects.get(pk=task.pk).status for task in tasks]


def test_one_row_per_case_with_its_tasks_the_most_urgent_case_first(secretariat_client):
    calm, urgent = ProcedureFactory(), ProcedureFactory()
    calm_task = task_on(calm, days=5)
    urgent_later = task_on(urgent, days=8, kind=Action.REQUEST_DSF)
    urgent_first = task_on(urgent, days=-2)

    page = secretariat_client.get(URL).context["page_obj"]

    assert [row.procedure.pk for row in page] == [urgent.pk, calm.pk]
    assert [task.pk for task in page[0].tasks] == [urgent_first.pk, urgent_later.pk]
    assert [task.pk for task in page[1].tasks] == [calm_task.pk]


def test_bulk_done_asks_for_confirmation_with_the_count_and_changes_nothing_yet(secretariat_client):
    tasks = [task_on(ProcedureFactory(), days=-1) for _ in range(3)]

    response = secretariat_client.post(
        BULK, {"lot-action": "faite", "tache": [tasks[0].pk, tasks[1].pk], "next": URL}
    )

    assert response.status_code == 200
    assert "Marquer 2 tâches comme faites ?" in response.content.decode()
    assert statuses(*tasks) == [Task.Status.OPEN] * 3


def test_confirmed_bulk_done_closes_the_chosen_tasks_and_says_how_many(secretariat_client, secretariat):
    tasks = [task_on(ProcedureFactory(), days=-1) for _ in range(3)]

    response = secretariat_client.post(
        BULK,
        {"lot-action": "faite", "tache": [tasks[0].pk, tasks[1].pk], "next": URL, "confirme": "1"},
        follow=True,
    )

    assert statuses(*tasks) == [Task.Status.DONE, Task.Status.DONE, Task.Status.OPEN]
    assert Task.objects.get(pk=tasks[0].pk).closed_by == secretariat
    assert "2 tâches marquées comme faites." in response.content.decode()


def test_a_whole_case_selects_all_its_open_tasks(secretariat_client):
    case, other = ProcedureFactory(), ProcedureFactory()
    first, second, elsewhere = (
        task_on(case, days=1),
        task_on(case, days=3, kind=Action.REQUEST_DSF),
        task_on(other, days=1),
    )

    secretariat_client.post(BULK, {"lot-action": "faite", "dossier": [case.pk], "next": URL, "confirme": "1"})

    assert statuses(first, second, elsewhere) == [Task.Status.DONE, Task.Status.DONE, Task.Status.OPEN]


def test_all_of_the_filtered_selection_reaches_every_page_and_only_the_filter(secretariat_client):
    private = [task_on(ProcedureFactory(lease__private=True), days=-1) for _ in range(55)]
    public = task_on(ProcedureFactory(lease__public=True), days=-1)
    filters = f"sector={HousingSector.PRIVATE}"

    question = secretariat_client.post(
        BULK, {"lot-action": "faite", "lot-everything": "on", "lot-filters": filters}
    )
    secretariat_client.post(
        BULK, {"lot-action": "faite", "lot-everything": "on", "lot-filters": filters, "confirme": "1"}
    )

    assert "Marquer 55 tâches comme faites ?" in question.content.decode()
    assert set(statuses(*private)) == {Task.Status.DONE}
    assert statuses(public) == [Task.Status.OPEN]


def test_setting_aside_without_a_reason_shows_the_error_and_keeps_the_choice(secretariat_client):
    task = task_on(ProcedureFactory(), days=-1)

    response = secretariat_client.post(BULK, {"lot-action": "ecarter", "tache": [task.pk], "lot-reason": " "})

    html = response.content.decode()
    assert 'data-testid="error-summary"' in html
    assert "Indiquez pourquoi ces tâches sont écartées." in html
    assert f'value="{task.pk}" id="tache-choix-{task.pk}" checked' in html
    assert statuses(task) == [Task.Status.OPEN]


def test_nothing_chosen_is_refused_in_french(secretariat_client):
    task_on(ProcedureFactory(), days=-1)

    response = secretariat_client.post(BULK, {"lot-action": "faite"})

    assert "Cochez au moins une tâche ou un dossier" in response.content.decode()


def test_set_aside_with_a_reason_records_it_on_every_task(secretariat_client):
    tasks = [task_on(ProcedureFactory(), days=-1) for _ in range(2)]

    secretariat_client.post(
        BULK,
        {
            "lot-action": "ecarter",
            "lot-reason": "Doublon EXPLOC",
            "tache": [t.pk for t in tasks],
            "confirme": "1",
        },
    )

    assert {(t.status, t.set_aside_reason) for t in Task.objects.all()} == {
        (Task.Status.SET_ASIDE, "Doublon EXPLOC")
    }


def test_assigned_tasks_show_in_mes_taches_of_the_assignee_only(secretariat_client, ddets):
    colleague = member(role=Role.SECRETARIAT, organisation=ddets, email="marc@example.org", first_name="Marc")
    mine, unassigned = task_on(ProcedureFactory(), days=1), task_on(ProcedureFactory(), days=2)

    response = secretariat_client.post(
        BULK,
        {"lot-action": "attribuer", "lot-assignee": colleague.pk, "tache": [mine.pk], "confirme": "1"},
        follow=True,
    )

    assert "1 tâche attribuée à Marc" in response.content.decode()
    shown = client_for(colleague).get(URL, {"assignee": "moi"}).context["page_obj"]
    assert [task.pk for row in shown for task in row.tasks] == [mine.pk]
    my_own = secretariat_client.get(URL, {"assignee": "moi"}).context["page_obj"]
    assert [task.pk for row in my_own for task in row.tasks] == []
    nobody = secretariat_client.get(URL, {"assignee": "personne"}).context["page_obj"]
    assert [task.pk for row in nobody for task in row.tasks] == [unassigned.pk]


def test_a_task_closed_meanwhile_keeps_who_closed_it(secretariat_client, secretariat, administrator):
    task = task_on(ProcedureFactory(), days=-1)
    Task.objects.filter(pk=task.pk).update(status=Task.Status.DONE, closed_by=administrator)

    response = secretariat_client.post(
        BULK, {"lot-action": "faite", "tache": [task.pk], "confirme": "1"}, follow=True
    )

    assert Task.objects.get(pk=task.pk).closed_by == administrator
    assert "Aucune tâche à faire dans cette sélection : rien n'a changé." in response.content.decode()


@pytest.mark.parametrize("client_name", ["social_worker_client", "commission_member_client"])
def test_other_roles_get_403_on_bulk_actions(request, client_name):
    task = task_on(ProcedureFactory(), days=-1)

    response = request.getfixturevalue(client_name).post(
        BULK, {"lot-action": "faite", "tache": [task.pk], "confirme": "1"}
    )

    assert response.status_code == 403
    assert statuses(task) == [Task.Status.OPEN]


def test_bulk_on_5000_tasks_is_one_request_with_the_same_queries_as_on_2(
    secretariat_client, django_assert_num_queries
):
    procedure = ProcedureFactory()
    due = timezone.localdate()
    data = {"lot-action": "faite", "lot-everything": "on", "confirme": "1"}
    Task.objects.bulk_create(
        [
            Task(procedure=procedure, departement_code="21", kind=f"k{i}", title="Relancer", due_date=due)
            for i in range(2)
        ]
    )
    secretariat_client.get(URL)  # the first request stores the acting organisation in the session
    with CaptureQueriesContext(connection) as two:
        secretariat_client.post(BULK, data)
    Task.objects.bulk_create(
        [
            Task(procedure=procedure, departement_code="21", kind=f"n{i}", title="Relancer", due_date=due)
            for i in range(5000)
        ]
    )

    with django_assert_num_queries(len(two)):
        secretariat_client.post(BULK, data)

    assert Task.objects.filter(status=Task.Status.OPEN).count() == 0
    assert Task.objects.filter(status=Task.Status.DONE).count() == 5002

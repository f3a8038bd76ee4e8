"""What the work queue reads for a page (issue 11, docs/decisions/016): the secretariat's members
once for its two drop-downs, the rows' columns only, whatever the cases and their assignees."""

import pytest
from django.db import connection
from django.db.models.signals import pre_init
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directory.models import Role, User
from procedure.models import Stage, Task
from tests.factories import member
from tests.procedure.factories import ProcedureFactory, procedure_at
from tests.procedure.test_views_work_queue import task_on

pytestmark = pytest.mark.django_db

URL = reverse("procedure:work_queue")


def _colleagues(ddets, count):
    return [
        member(
            role=Role.SECRETARIAT,
            organisation=ddets,
            email=f"collegue{n}@example.org",
            first_name=f"Collègue{n}",
            last_name="Banc",
        )
        for n in range(count)
    ]


def _members_queries(queries):
    return [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith('SELECT "directory_user"."id"')
        and '"directory_membership"' in query["sql"]
    ]


def test_the_members_are_read_once_for_the_filter_and_the_bulk_form(secretariat_client, ddets):
    colleagues = _colleagues(ddets, 3)
    task_on(ProcedureFactory(), days=-1)
    secretariat_client.get(URL)  # the first request stores the acting organisation in the session
    with CaptureQueriesContext(connection) as queries:
        html = secretariat_client.get(URL).content.decode()

    assert len(_members_queries(queries)) == 1
    for colleague in colleagues:  # in « Attribuée à » and in the bulk form's « Attribuer à »
        assert html.count(f'<option value="{colleague.pk}">{colleague.get_full_name()}</option>') == 2


def test_the_rows_read_their_columns_only_whatever_the_cases_assignees_and_members(
    secretariat_client, ddets, django_assert_num_queries
):
    task_on(ProcedureFactory(), days=-1)
    secretariat_client.get(URL)
    with CaptureQueriesContext(connection) as one_row:
        secretariat_client.get(URL)
    colleagues = _colleagues(ddets, 5)
    for days in range(12):
        task = task_on(procedure_at(Stage.SUMMONS), days=days)
        Task.objects.filter(pk=task.pk).update(assignee=colleagues[days % 5])

    with django_assert_num_queries(len(one_row)) as queries:
        response = secretariat_client.get(URL)

    assert len(response.context["page_obj"]) == 13
    assert "attribuée à Collègue4 Banc" in response.content.decode()
    rows = [q["sql"] for q in queries.captured_queries if '"procedure_task"."procedure_id" IN (' in q["sql"]]
    assert len(rows) == 1
    assert '"procedure_task"."title"' in rows[0] and '"procedure_procedure"."household_label"' in rows[0]
    # the household, lease and commune printed from the procedure's copies (decision 017): no join
    assert all(table not in rows[0] for table in ('"households_household"', '"households_lease"'))
    for unprinted in (
        '"procedure_task"."created_at"',
        '"procedure_procedure"."opened_at"',
        '"directory_user"."password"',
    ):
        assert unprinted not in rows[0]


def test_the_rows_tasks_are_read_as_values_not_as_model_instances(secretariat_client, ddets):
    """A page's some 170 tasks, each a Task with its assignee, were a third of the rows' time: the
    rows read them as values (issue 11). A task and an assignee still print as before."""
    (colleague,) = _colleagues(ddets, 1)
    for days in range(3):
        task = task_on(procedure_at(Stage.SUMMONS), days=days)
    Task.objects.filter(pk=task.pk).update(assignee=colleague)
    secretariat_client.get(URL)
    built = []

    def count(sender, **kwargs):
        built.append(sender)

    pre_init.connect(count, sender=Task)
    pre_init.connect(count, sender=User)
    try:
        response = secretariat_client.get(URL)
    finally:
        pre_init.disconnect(count, sender=Task)
        pre_init.disconnect(count, sender=User)

    html = response.content.decode()
    assert html.count('data-testid="tache"') >= 3
    assert "attribuée à Collègue0 Banc" in html
    assert Task not in built
    members = response.wsgi_request.acting.secretariat_members
    assert built.count(User) <= 1 + len(members)  # the signed-in user and the members

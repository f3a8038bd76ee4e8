"""The secretariat's work queue: open tasks soonest first, filters, "Fait" and "Écarter"."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from households.models import HousingSector
from procedure import extensions
from procedure.models import Stage, Task
from procedure.rules import Action
from procedure.services import refresh_next_due
from tests.factories import CommuneFactory, TerritoryFactory
from tests.procedure.factories import ProcedureFactory, procedure_at

pytestmark = pytest.mark.django_db

URL = reverse("procedure:work_queue")


def _today():
    """Read at each use: a module-level date goes stale when a run crosses midnight."""
    return timezone.localdate()


def task_on(procedure, *, days, kind=Action.ACKNOWLEDGE, title=None, reference="Charte II.B étape 2"):
    """An open task due `days` from today (negative: overdue; None: no due date), its case's next
    due date refreshed as every writer of tasks does (services.refresh_next_due)."""
    task = Task.objects.create(
        procedure=procedure,
        kind=kind,
        title=title or Action(kind).label,
        legal_reference=reference,
        due_date=None if days is None else _today() + datetime.timedelta(days=days),
    )
    refresh_next_due([procedure.pk])
    return task


def tasks_shown(response):
    """The tasks in the order the queue shows them: case by case, the most urgent first."""
    return [task.pk for case in response.context["page_obj"] for task in case.tasks]


@pytest.mark.parametrize("client_name", ["secretariat_client", "administrator_client"])
def test_secretariat_and_administrator_see_the_work_queue(request, client_name):
    task = task_on(ProcedureFactory(), days=3)

    response = request.getfixturevalue(client_name).get(URL)

    assert response.status_code == 200
    assert tasks_shown(response) == [task.pk]


@pytest.mark.parametrize(
    "client_name", ["social_worker_client", "other_social_worker_client", "commission_member_client"]
)
def test_other_roles_get_403_on_the_work_queue(request, client_name):
    response = request.getfixturevalue(client_name).get(URL)

    assert response.status_code == 403


def test_overdue_tasks_come_first_then_the_soonest(secretariat_client):
    procedure = ProcedureFactory()
    later = task_on(procedure, days=10, kind=Action.REQUEST_DSF)
    overdue = task_on(procedure, days=-4, kind=Action.ACKNOWLEDGE)
    today = task_on(procedure, days=0, kind=Action.INFORM_SOCIAL_SERVICES)

    response = secretariat_client.get(URL)

    assert tasks_shown(response) == [overdue.pk, today.pk, later.pk]


def test_a_row_shows_the_case_its_commune_stage_sector_due_date_and_legal_reference(secretariat_client):
    procedure = procedure_at(Stage.PAYMENT_ORDER, on=_today() - datetime.timedelta(days=20))
    Task.objects.filter(procedure=procedure).delete()
    task_on(procedure, days=-3, title="Accuser réception", reference="Charte II.B étape 2")

    html = secretariat_client.get(URL).content.decode()

    assert reverse("procedure:detail", args=[procedure.pk]) in html
    assert procedure.reference in html
    assert procedure.household.label in html
    assert "Dijon" in html
    assert "Commandement de payer" in html
    assert "Parc privé" in html
    assert "en retard de 3 jours" in html
    assert "prevex-overdue" in html
    assert "Charte II.B étape 2" in html
    assert "<caption>Tâches à faire : 1 tâche · dossier 1</caption>" in html


def test_closed_tasks_are_not_in_the_queue(secretariat_client):
    task = task_on(ProcedureFactory(), days=1)
    Task.objects.filter(pk=task.pk).update(status=Task.Status.DONE)

    response = secretariat_client.get(URL)

    assert tasks_shown(response) == []
    assert "Aucune tâche à faire" in response.content.decode()


def test_filter_by_action_kind(secretariat_client):
    procedure = ProcedureFactory()
    dsf = task_on(procedure, days=1, kind=Action.REQUEST_DSF)
    task_on(procedure, days=1, kind=Action.ACKNOWLEDGE)

    response = secretariat_client.get(URL, {"action": Action.REQUEST_DSF})

    assert tasks_shown(response) == [dsf.pk]


def test_filter_by_stage_of_the_procedure(secretariat_client):
    at_summons = procedure_at(Stage.SUMMONS, on=_today() - datetime.timedelta(days=5))
    at_payment_order = procedure_at(Stage.PAYMENT_ORDER, on=_today() - datetime.timedelta(days=5))

    response = secretariat_client.get(URL, {"stage": Stage.SUMMONS})

    shown = {case.procedure.pk for case in response.context["page_obj"]}
    assert shown == {at_summons.pk}
    assert at_payment_order.tasks.filter(status=Task.Status.OPEN).exists()


def test_filter_by_territory_uses_its_communes(secretariat_client):
    beaune = CommuneFactory(insee_code="21054", name="Beaune", postal_codes="21200")
    territory = TerritoryFactory(name="Agence solidarités Beaune")
    territory.communes.add(beaune)
    in_beaune = task_on(ProcedureFactory(lease__commune=beaune), days=2)
    task_on(ProcedureFactory(), days=2)

    response = secretariat_client.get(URL, {"territory": territory.pk})

    assert tasks_shown(response) == [in_beaune.pk]


def test_filter_by_sector(secretariat_client):
    public = task_on(ProcedureFactory(lease__public=True), days=2)
    task_on(ProcedureFactory(lease__private=True), days=2)

    response = secretariat_client.get(URL, {"sector": HousingSector.PUBLIC})

    assert tasks_shown(response) == [public.pk]


def test_filter_overdue_only(secretariat_client):
    procedure = ProcedureFactory()
    overdue = task_on(procedure, days=-1)
    task_on(procedure, days=0, kind=Action.REQUEST_DSF)

    response = secretariat_client.get(URL, {"period": "en_retard"})

    assert tasks_shown(response) == [overdue.pk]


def test_done_closes_the_task_and_returns_to_the_filtered_queue(secretariat_client, secretariat):
    task = task_on(ProcedureFactory(), days=-2)
    back = f"{URL}?action={Action.ACKNOWLEDGE}"

    response = secretariat_client.post(reverse("procedure:task_done", args=[task.pk]), {"next": back})

    assert response.status_code == 302
    assert response.url == back
    task.refresh_from_db()
    assert task.status == Task.Status.DONE
    assert task.closed_by == secretariat


def test_done_refuses_a_redirect_to_another_site(secretariat_client):
    task = task_on(ProcedureFactory(), days=-2)

    response = secretariat_client.post(
        reverse("procedure:task_done", args=[task.pk]), {"next": "https://example.com/"}
    )

    assert response.url == URL


def test_set_aside_without_a_reason_changes_nothing_and_says_why(secretariat_client):
    task = task_on(ProcedureFactory(), days=-2)

    response = secretariat_client.post(
        reverse("procedure:task_set_aside", args=[task.pk]), {"reason": "  ", "next": URL}, follow=True
    )

    task.refresh_from_db()
    assert task.status == Task.Status.OPEN
    assert "indiquez le motif" in response.content.decode()


def test_set_aside_with_a_reason_closes_the_task(secretariat_client):
    task = task_on(ProcedureFactory(), days=-2)

    secretariat_client.post(
        reverse("procedure:task_set_aside", args=[task.pk]), {"reason": "Ménage déjà relogé", "next": URL}
    )

    task.refresh_from_db()
    assert task.status == Task.Status.SET_ASIDE
    assert task.set_aside_reason == "Ménage déjà relogé"


def test_a_rows_actions_are_buttons_of_the_pages_one_csrf_protected_form(secretariat_client):
    """« Fait » and « Écarter la tâche » send the queue's form (its one CSRF token and return
    address) to their task's address; no form, token or hidden field is repeated per task."""
    tasks = [task_on(ProcedureFactory(), days=-2)]
    one_task = secretariat_client.get(URL).content.decode()
    tasks += [task_on(ProcedureFactory(), days=days) for days in (3, 4)]

    html = secretariat_client.get(URL).content.decode()

    assert html.count("csrfmiddlewaretoken") == one_task.count("csrfmiddlewaretoken")
    assert html.count('name="next"') == one_task.count('name="next"')
    assert html.count("<form") == one_task.count("<form")
    for task in tasks:
        assert f'formaction="{reverse("procedure:task_done", args=[task.pk])}"' in html
        assert f'formaction="{reverse("procedure:task_set_aside", args=[task.pk])}"' in html
        assert f'name="motif-{task.pk}" rows="2" maxlength="250" required' in html


def test_done_from_the_queues_form_closes_that_task_only(secretariat_client):
    """The button sends the whole form: the ticked boxes and the bulk action's fields are ignored."""
    task, ticked = task_on(ProcedureFactory(), days=-2), task_on(ProcedureFactory(), days=-1)
    form = {"lot-action": "faite", "tache": [ticked.pk], f"motif-{ticked.pk}": "", "next": URL}

    response = secretariat_client.post(reverse("procedure:task_done", args=[task.pk]), form)

    assert response.url == URL
    assert [Task.objects.get(pk=t.pk).status for t in (task, ticked)] == [Task.Status.DONE, Task.Status.OPEN]


def test_set_aside_from_the_queues_form_reads_the_motive_named_after_its_task(secretariat_client):
    task, other = task_on(ProcedureFactory(), days=-2), task_on(ProcedureFactory(), days=-1)
    form = {f"motif-{other.pk}": "Pas celui-ci", f"motif-{task.pk}": " Ménage\r\ndéjà relogé ", "next": URL}

    secretariat_client.post(reverse("procedure:task_set_aside", args=[task.pk]), form)

    task.refresh_from_db()
    assert (task.status, task.set_aside_reason) == (Task.Status.SET_ASIDE, "Ménage déjà relogé")
    assert Task.objects.get(pk=other.pk).status == Task.Status.OPEN


def test_set_aside_from_the_queues_form_with_only_another_tasks_motive_is_refused(secretariat_client):
    task, other = task_on(ProcedureFactory(), days=-2), task_on(ProcedureFactory(), days=-1)
    form = {f"motif-{other.pk}": "Pas celui-ci", f"motif-{task.pk}": "", "next": URL}

    response = secretariat_client.post(reverse("procedure:task_set_aside", args=[task.pk]), form, follow=True)

    assert "indiquez le motif" in response.content.decode()
    assert [Task.objects.get(pk=t.pk).status for t in (task, other)] == [Task.Status.OPEN] * 2


@pytest.mark.parametrize("url_name", ["procedure:task_done", "procedure:task_set_aside"])
def test_social_worker_cannot_close_a_task(social_worker_client, url_name):
    task = task_on(ProcedureFactory(), days=-2)

    response = social_worker_client.post(reverse(url_name, args=[task.pk]), {"reason": "non"})

    assert response.status_code == 403
    task.refresh_from_db()
    assert task.status == Task.Status.OPEN


def test_closing_an_unknown_task_is_a_404(secretariat_client):
    response = secretariat_client.post(reverse("procedure:task_done", args=[999999]))

    assert response.status_code == 404


def test_the_sections_other_apps_register_show_below_the_tasks(secretariat_client, monkeypatch):
    section = ("procedure/_list_home_work_queue.html", lambda request: {"overdue": 7, "due_today": 0})
    monkeypatch.setattr(extensions, "WORK_QUEUE_SECTIONS", [section])

    html = secretariat_client.get(URL).content.decode()

    assert "<strong>7</strong> tâches en retard" in html


def test_query_count_does_not_grow_with_the_tasks(secretariat_client, django_assert_num_queries, reading):
    task_on(ProcedureFactory(), days=-1)
    secretariat_client.get(URL)  # the first request stores the acting organisation in the session
    with CaptureQueriesContext(connection) as one_row:
        secretariat_client.get(URL, {"sector": HousingSector.PRIVATE})
    for days in range(19):
        task_on(procedure_at(Stage.SUMMONS), days=days)

    with django_assert_num_queries(len(one_row)):
        response = secretariat_client.get(URL, {"sector": HousingSector.PRIVATE})

    assert len(response.context["page_obj"]) == 20  # cases


def test_home_page_shows_the_secretariat_its_overdue_and_today_tasks(secretariat_client):
    procedure = ProcedureFactory()
    task_on(procedure, days=-3)
    task_on(procedure, days=-1, kind=Action.REQUEST_DSF)
    task_on(procedure, days=0, kind=Action.INFORM_SOCIAL_SERVICES)
    task_on(procedure, days=5, kind=Action.CONVENE_MEDIATION)

    html = secretariat_client.get(reverse("home")).content.decode()

    assert "<strong>2</strong> tâches en retard, <strong>1</strong> à faire aujourd'hui" in html
    assert URL in html


def test_home_page_of_a_social_worker_has_no_work_queue_block(social_worker_client):
    html = social_worker_client.get(reverse("home")).content.decode()

    assert "bloc-file-de-travail" not in html


def test_the_task_count_stops_at_the_cap(secretariat_client, monkeypatch):
    """The queue counts its tasks up to CAP (a bounded subquery), never every open task."""
    from procedure.views import work_queue

    monkeypatch.setattr(work_queue, "QUEUE_CAP", 2)
    for days in (1, 2, 3):
        task_on(ProcedureFactory(), days=days)

    content = secretariat_client.get(URL).content.decode()

    assert "Tâches à faire : plus de 2 tâches" in content
    monkeypatch.setattr(work_queue, "QUEUE_CAP", 3)
    assert "Tâches à faire : 3 tâches" in secretariat_client.get(URL).content.decode()


def cases_shown(response):
    return [case.procedure.pk for case in response.context["page_obj"]]


@pytest.fixture(params=["read_whole", "walked"])
def reading(request, monkeypatch):
    """The queue reads a selection of up to QUEUE_CAP tasks whole and orders its cases in Python,
    a larger one by walking the open tasks' index: both give the same order (docs/decisions/016)."""
    from procedure.views import work_queue

    if request.param == "walked":
        monkeypatch.setattr(work_queue, "QUEUE_CAP", 0)
    return request.param


def test_cases_come_by_their_most_urgent_task_those_without_a_due_date_last(secretariat_client, reading):
    undated, later, sooner = ProcedureFactory(), ProcedureFactory(), ProcedureFactory()
    Task.objects.create(procedure=undated, kind=Action.ACKNOWLEDGE, title="Sans échéance", due_date=None)
    task_on(later, days=9)
    task_on(later, days=-1, kind=Action.REQUEST_DSF)
    task_on(sooner, days=-5)
    tied = ProcedureFactory()
    task_on(tied, days=-1)  # the same day as `later`'s most urgent task: by case then

    response = secretariat_client.get(URL)

    assert cases_shown(response) == [sooner.pk, later.pk, tied.pk, undated.pk]


def test_a_case_with_two_tasks_due_the_same_day_shows_once_with_both(secretariat_client, reading):
    procedure = ProcedureFactory()
    first = task_on(procedure, days=2)
    second = task_on(procedure, days=2, kind=Action.REQUEST_DSF)

    response = secretariat_client.get(URL)

    assert cases_shown(response) == [procedure.pk]
    assert tasks_shown(response) == [first.pk, second.pk]


def test_a_filter_on_the_tasks_orders_the_cases_by_their_tasks_of_the_filter(secretariat_client, reading):
    """Filtered on an action, a case comes by its most urgent task of that action, not by another
    action's task that is more urgent."""
    urgent_elsewhere, urgent_here = ProcedureFactory(), ProcedureFactory()
    task_on(urgent_elsewhere, days=-10, kind=Action.ACKNOWLEDGE)
    task_on(urgent_elsewhere, days=8, kind=Action.REQUEST_DSF)
    task_on(urgent_here, days=3, kind=Action.REQUEST_DSF)

    response = secretariat_client.get(URL, {"action": Action.REQUEST_DSF})

    assert cases_shown(response) == [urgent_here.pk, urgent_elsewhere.pk]
    assert secretariat_client.get(URL).context["page_obj"].object_list[0].procedure == urgent_elsewhere


def test_pages_follow_one_another_without_counting_the_cases(secretariat_client, monkeypatch, reading):
    from procedure.views import work_queue

    monkeypatch.setattr(work_queue, "PER_PAGE", 2)
    procedures = [ProcedureFactory() for _ in range(5)]
    for days, procedure in enumerate(procedures):
        task_on(procedure, days=days)

    pages = [secretariat_client.get(URL, {"page": number}).context["page_obj"] for number in (1, 2, 3, 4)]

    assert [[case.procedure.pk for case in page] for page in pages] == [
        [procedures[0].pk, procedures[1].pk],
        [procedures[2].pk, procedures[3].pk],
        [procedures[4].pk],
        [],
    ]
    assert [page.has_next for page in pages] == [True, True, False, False]
    assert "dossiers 3 à 4" in secretariat_client.get(URL, {"page": 2}).content.decode()
    assert "la file s'arrête avant" in secretariat_client.get(URL, {"page": 4}).content.decode()
    assert secretariat_client.get(URL, {"page": "x"}).context["page_obj"].number == 1


def test_a_selection_of_few_tasks_is_read_once_without_walking_the_open_tasks(secretariat_client):
    """Up to QUEUE_CAP tasks, the read that counts them also orders their cases: no walk."""
    later, sooner = procedure_at(Stage.SUMMONS), procedure_at(Stage.SUMMONS)
    task_on(later, days=3)
    task_on(sooner, days=-30)

    with CaptureQueriesContext(connection) as captured:
        response = secretariat_client.get(URL, {"stage": Stage.SUMMONS})

    assert set(cases_shown(response)) == {sooner.pk, later.pk}
    assert "plus de" not in response.context["task_count"]
    assert not [q for q in captured.captured_queries if "NOT EXISTS" in q["sql"]]


def test_the_walk_comes_back_past_the_cap(secretariat_client, monkeypatch):
    from procedure.views import work_queue

    monkeypatch.setattr(work_queue, "QUEUE_CAP", 1)
    for days in (3, -1):
        task_on(procedure_at(Stage.SUMMONS), days=days, kind=Action.REQUEST_DSF)

    with CaptureQueriesContext(connection) as captured:
        response = secretariat_client.get(URL, {"action": Action.REQUEST_DSF})

    assert response.context["task_count"] == "plus de 1 tâches"
    assert len([q for q in captured.captured_queries if "NOT EXISTS" in q["sql"]]) == 1


@pytest.mark.parametrize(
    ("query", "kept", "left_out"),
    [
        ({"stage": Stage.SUMMONS}, {"stage": Stage.SUMMONS}, {"stage": Stage.HEARING}),
        (
            {"sector": HousingSector.PRIVATE},
            {"sector": HousingSector.PRIVATE},
            {"sector": HousingSector.PUBLIC},
        ),
        (
            {"stage": Stage.SUMMONS, "sector": HousingSector.PRIVATE},
            {"stage": Stage.SUMMONS, "sector": HousingSector.PRIVATE},
            {"stage": Stage.SUMMONS, "sector": HousingSector.PUBLIC},
        ),
    ],
)
def test_a_stage_or_a_sector_alone_shows_its_cases_by_their_most_urgent_task(
    secretariat_client, reading, query, kept, left_out
):
    """Filtered on the case alone, past QUEUE_CAP the cases are read from their side in the order of
    their next due date (WorkQueueFilter.cases_alone): the same cases in the same order as read
    whole, with all their open tasks; a case with no open task or outside the filter never."""

    def case(**wanted):
        """A case with the stage and sector wanted, without the tasks of its acts."""
        procedure = procedure_at(
            wanted.get("stage", Stage.SUMMONS), sector=wanted.get("sector", HousingSector.PRIVATE)
        )
        Task.objects.filter(procedure=procedure).delete()
        refresh_next_due([procedure.pk])
        return procedure

    undated, later, sooner, tied = case(**kept), case(**kept), case(**kept), case(**kept)
    task_on(undated, days=None)
    task_on(later, days=9)
    task_on(later, days=-1, kind=Action.REQUEST_DSF)
    task_on(sooner, days=-5)
    task_on(tied, days=-1)  # the same day as `later`'s most urgent task: by case then
    task_on(case(**left_out), days=-30)
    done = case(**kept)
    Task.objects.filter(pk=task_on(done, days=-40).pk).update(status=Task.Status.DONE)
    refresh_next_due([done.pk])

    response = secretariat_client.get(URL, query)

    assert cases_shown(response) == [sooner.pk, later.pk, tied.pk, undated.pk]
    assert [len(row.tasks) for row in response.context["page_obj"]] == [1, 2, 1, 1]


def test_the_filters_and_bulk_form_render_no_template_per_field_or_option(secretariat_client):
    """Written in Python (directory/field_groups.py, issue 11), with their labels and ids."""
    procedure_at(Stage.SUMMONS)
    response = secretariat_client.get(URL)
    html = response.content.decode()

    assert '<label for="id_action" class="fr-label">' in html
    assert '<label for="id_lot-action" class="fr-label">' in html
    assert '<span class="fr-required-marker" aria-hidden="true">\xa0*</span>' in html
    assert '<select name="action" class="fr-select" id="id_action">' in html
    assert '<select name="lot-action" class="fr-select" required id="id_lot-action">' in html
    templates = {template.name for template in response.templates}
    assert not templates & {
        "dsfr/form_field_snippets/input_snippet.html",
        "django/forms/widgets/select_option.html",
    }


def test_the_drop_downs_read_their_options_without_a_server_side_cursor(secretariat_client, secretariat):
    """The territories and the bulk form's members in one plain query each (issue 11)."""
    procedure_at(Stage.SUMMONS)
    secretariat_client.get(URL)  # the first request stores the acting organisation in the session
    with CaptureQueriesContext(connection) as queries:
        html = secretariat_client.get(URL).content.decode()

    assert f'<option value="{secretariat.pk}">Sophie' in html
    assert not [query["sql"] for query in queries.captured_queries if query["sql"].startswith("DECLARE")]

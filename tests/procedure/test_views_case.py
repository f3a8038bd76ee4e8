"""The case page: who may open it, what it shows, the access log, and a flat query count."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from households.models import HousingSector, Person
from procedure import access, extensions, services
from procedure.models import AccessLog, EventKind, Stage, Task
from procedure.rules import Action
from tests.procedure.factories import ProcedureFactory, procedure_at

pytestmark = pytest.mark.django_db

PARIS_NOON = "{} 12:00 +01:00"


def case_url(procedure):
    return reverse("procedure:detail", args=[procedure.pk])


@pytest.fixture
def grant_case(monkeypatch):
    """An access grant opening one case to every non-secretariat role (as referrals will)."""
    return lambda procedure: monkeypatch.setattr(access, "GRANTS", [lambda user: Q(pk=procedure.pk)])


@pytest.fixture
def case():
    return procedure_at(Stage.JUDGMENT, household__label="M. et Mme Lefèvre", on=datetime.date(2026, 6, 10))


def test_secretariat_sees_household_lease_and_stage(secretariat_client, case):
    response = secretariat_client.get(case_url(case))

    assert response.status_code == 200
    page = response.content.decode()
    assert "M. et Mme Lefèvre" in page
    assert case.reference in page
    assert "Parc privé" in page
    assert "Étape 4 sur 7" in page
    assert "Audience et jugement" in page
    assert "Étape suivante :</span> Commandement de quitter les lieux" in page
    assert case.lease.address in page
    assert case.landlord.name in page


def test_administrator_sees_the_case(administrator_client, case):
    assert administrator_client.get(case_url(case)).status_code == 200


@pytest.mark.parametrize(
    "persona", ["social_worker_client", "other_social_worker_client", "commission_member_client"]
)
def test_other_roles_without_a_grant_get_404(request, persona, case):
    client = request.getfixturevalue(persona)

    assert client.get(case_url(case)).status_code == 404
    assert not AccessLog.objects.exists()


def test_social_worker_with_a_grant_sees_the_case_without_the_secretariat_forms(
    social_worker_client, case, grant_case
):
    grant_case(case)

    response = social_worker_client.get(case_url(case))

    assert response.status_code == 200
    assert "Enregistrer le prochain acte" not in response.content.decode()
    assert 'name="reason"' not in response.content.decode()


def test_every_opening_writes_an_access_log_row(secretariat_client, secretariat, ddets, case):
    secretariat_client.get(case_url(case))
    secretariat_client.get(case_url(case))

    rows = list(AccessLog.objects.filter(procedure=case))
    assert len(rows) == 2
    assert {(row.user, row.organisation, row.context) for row in rows} == {(secretariat, ddets, "dossier")}


def _case_with_facts(count):
    procedure = procedure_at(Stage.SUMMONS, on=datetime.date(2026, 3, 2))
    for day in range(count):
        services.record_event(
            procedure=procedure, kind=EventKind.FSL_AID, date=datetime.date(2026, 4, 1 + day)
        )
    return procedure


def test_query_count_does_not_grow_with_the_number_of_events(secretariat_client, django_assert_num_queries):
    few, many = _case_with_facts(2), _case_with_facts(20)
    secretariat_client.get(case_url(few))  # the session and the acting organisation settle
    with CaptureQueriesContext(connection) as queries:
        assert secretariat_client.get(case_url(few)).status_code == 200

    with django_assert_num_queries(len(queries)):
        response = secretariat_client.get(case_url(many))

    assert response.content.decode().count('data-testid="timeline-entry"') > 20


def test_timeline_merges_events_tasks_and_changes_newest_first(secretariat_client, secretariat, case):
    task = case.tasks.filter(status=Task.Status.OPEN).first()
    services.set_aside_task(task=task, user=secretariat, reason="Déjà fait par téléphone")
    services.update_household(
        household=case.household,
        data={"children": 3},
        expected_version=case.household.version,
        user=secretariat,
    )

    page = secretariat_client.get(case_url(case)).content.decode()

    timeline = page[page.index('data-testid="case-timeline"') :]
    assert f"Tâche écartée : {task.title}" in timeline
    assert "Motif : Déjà fait par téléphone" in timeline
    assert "Modification : ménage" in timeline
    assert "enfants : 1 → 3" in timeline
    assert "Jugement" in timeline
    # newest first: today's change comes before the judgment of June
    assert timeline.index("Modification : ménage") < timeline.index("Jugement")
    assert timeline.index("Jugement") < timeline.index("Commandement de payer")


def test_timeline_and_panels_show_what_other_apps_register(secretariat_client, case, monkeypatch):
    def entries(procedure, user):
        return [
            extensions.TimelineEntry(
                at=datetime.date(2026, 6, 20), title="Demande de DSF au CCAS", kind="referral"
            )
        ]

    monkeypatch.setattr(extensions, "TIMELINE_SOURCES", [entries])
    stepper = {"current": 3, "total": 7, "title": "Panneau de test 7"}
    monkeypatch.setattr(
        extensions, "CASE_PANELS", [("procedure/_case_stepper.html", lambda r, p: {"stepper": stepper})]
    )

    page = secretariat_client.get(case_url(case)).content.decode()

    assert "Demande de DSF au CCAS" in page
    assert "Panneau de test 7" in page


@time_machine.travel(PARIS_NOON.format("2026-11-20"), tick=False)
def test_cql_of_15_october_shows_eviction_possible_from_1_april(secretariat_client):
    procedure = procedure_at(Stage.ORDER_TO_VACATE, on=datetime.date(2026, 10, 15))

    page = secretariat_client.get(case_url(procedure)).content.decode()

    assert "Expulsion possible à partir du 01/04/2027 : fin de la trêve hivernale" in page
    assert "CPCE L.412-6" in page
    assert 'href="/regles/#regle-treve"' in page


@pytest.mark.parametrize(
    ("sector", "expected", "absent"),
    [
        (HousingSector.PUBLIC, "commission de médiation pré-expulsion", "visite anticipation"),
        (HousingSector.PRIVATE, "visite anticipation", "commission de médiation pré-expulsion"),
    ],
)
def test_public_and_private_cases_show_different_tasks_after_a_cql(
    secretariat_client, sector, expected, absent
):
    procedure = procedure_at(Stage.ORDER_TO_VACATE, sector=sector, on=datetime.date(2026, 10, 15))

    page = secretariat_client.get(case_url(procedure)).content.decode()

    tasks = page[page.index('data-testid="case-tasks"') : page.index('data-testid="case-timeline"')]
    assert expected in tasks
    assert absent not in tasks


def test_anomalies_show_as_error_alerts(secretariat_client):
    procedure = procedure_at(Stage.PAYMENT_ORDER, on=datetime.date(2026, 1, 5))
    services.record_event(
        procedure=procedure,
        kind=EventKind.SUMMONS,
        date=datetime.date(2026, 3, 2),
        hearing_date=datetime.date(2026, 3, 20),
    )

    page = secretariat_client.get(case_url(procedure)).content.decode()

    assert 'data-testid="case-anomaly"' in page
    assert "notifiée moins de 6 semaines avant l&#x27;audience du 20/03/2026" in page


def test_household_members_and_vulnerabilities_show(secretariat_client):
    procedure = ProcedureFactory(holder=False)
    Person.objects.create(
        household=procedure.household,
        role=Person.Role.HOLDER,
        last_name="Durand",
        first_name="Léa",
        birth_year=1990,
        is_pregnant=True,
    )

    page = secretariat_client.get(case_url(procedure)).content.decode()

    assert "Léa Durand" in page
    assert "année de naissance 1990" in page
    assert "Grossesse" in page
    assert "Aucune étape" in page


def test_secretariat_marks_a_task_done(secretariat_client, secretariat, case):
    task = case.tasks.filter(status=Task.Status.OPEN).first()

    response = secretariat_client.post(reverse("procedure:complete_task", args=[case.pk, task.pk]))

    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.closed_by) == (Task.Status.DONE, secretariat)


def test_setting_a_task_aside_needs_a_reason(secretariat_client, case):
    task = case.tasks.filter(status=Task.Status.OPEN).first()
    url = reverse("procedure:set_aside_task", args=[case.pk, task.pk])

    secretariat_client.post(url, {"reason": ""})
    task.refresh_from_db()
    assert task.status == Task.Status.OPEN

    secretariat_client.post(url, {"reason": "Ménage parti"})
    task.refresh_from_db()
    assert (task.status, task.set_aside_reason) == (Task.Status.SET_ASIDE, "Ménage parti")


@pytest.mark.parametrize(
    "persona", ["social_worker_client", "other_social_worker_client", "commission_member_client"]
)
def test_other_roles_cannot_close_tasks(request, persona, case):
    task = case.tasks.filter(status=Task.Status.OPEN).first()
    client = request.getfixturevalue(persona)

    assert client.post(reverse("procedure:complete_task", args=[case.pk, task.pk])).status_code == 404
    task.refresh_from_db()
    assert task.status == Task.Status.OPEN


def test_granted_social_worker_cannot_close_tasks(social_worker_client, case, grant_case):
    grant_case(case)
    task = case.tasks.filter(status=Task.Status.OPEN).first()

    assert (
        social_worker_client.post(reverse("procedure:complete_task", args=[case.pk, task.pk])).status_code
        == 403
    )


REQUESTABLE = [
    Action.REQUEST_DSF,
    Action.UPDATE_DSF,
    Action.REQUEST_ANTICIPATION_VISIT,
    Action.REQUEST_ASSESSMENT,
]


def _case_with_tasks(count, secretariat):
    """A case with `count` open tasks, each one a referral fulfils, and as many changes to its household."""
    procedure = procedure_at(Stage.SUMMONS, on=datetime.date(2026, 3, 2), sector=HousingSector.PUBLIC)
    procedure.tasks.update(status=Task.Status.DONE)
    for number in range(count):
        action = REQUESTABLE[number % len(REQUESTABLE)]
        Task.objects.create(procedure=procedure, kind=action.value, title=action.label, due_date=None)
    household = procedure.household
    for children in range(count):
        household = services.update_household(
            household=household, data={"children": children + 1}, expected_version=household.version,
            user=secretariat,
        )  # fmt: skip
    return procedure


def test_query_count_does_not_grow_with_open_tasks_and_history(
    secretariat_client, secretariat, django_assert_num_queries
):
    one, ten = _case_with_tasks(1, secretariat), _case_with_tasks(10, secretariat)
    secretariat_client.get(case_url(one))  # the session and the acting organisation settle
    with CaptureQueriesContext(connection) as queries:
        assert secretariat_client.get(case_url(one)).status_code == 200

    with django_assert_num_queries(len(queries)):
        response = secretariat_client.get(case_url(ten))

    assert response.content.decode().count(Action.REQUEST_DSF.label) >= 3


def test_the_case_page_reads_the_acts_once_for_its_tasks_and_panels(secretariat_client, case):
    """Issue 11: the tasks take their act, and the commissions panel its terminated lease, from the
    acts the page has already read (a join and a query less)."""
    secretariat_client.get(case_url(case))  # the session and the acting organisation settle
    with CaptureQueriesContext(connection) as queries:
        assert secretariat_client.get(case_url(case)).status_code == 200

    sql = [query["sql"] for query in queries.captured_queries]
    assert len([text for text in sql if 'FROM "procedure_procedureevent"' in text]) == 1
    tasks = [text for text in sql if 'FROM "procedure_task"' in text]
    assert tasks and not [text for text in tasks if 'JOIN "procedure_procedureevent"' in text]

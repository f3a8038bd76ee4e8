"""Correcting and cancelling a mistaken act (services.correct_event, cancel_event): a mandatory
reason, the history keeps the act as it was, everything downstream follows, order kept."""

import datetime

import pytest

from procedure import deadlines, rules, services
from procedure.models import ChangeLog, EventKind, ProcedureEvent, Stage, Task
from procedure.services import EventRefused
from tests.procedure.factories import ProcedureFactory, procedure_at

D = datetime.date
pytestmark = pytest.mark.django_db


def record(procedure, kind, date, **fields):
    return services.record_event(procedure=procedure, kind=kind, date=date, **fields)[0]


@pytest.fixture
def at_cql():
    procedure = procedure_at(Stage.JUDGMENT, on=D(2026, 6, 1))
    cql = record(procedure, Stage.ORDER_TO_VACATE, D(2026, 6, 10))
    return procedure, cql


def kinds_of_deadlines(procedure, today):
    return {deadline.kind: deadline.date for deadline in deadlines.next_deadlines(procedure, today=today)}


def test_correcting_the_cql_date_moves_the_eviction_date_and_the_due_dates(at_cql, secretariat):
    procedure, cql = at_cql
    assert kinds_of_deadlines(procedure, D(2026, 6, 11))["expulsion"] == D(2026, 8, 11)

    services.correct_event(
        event=cql, data={"date": D(2026, 8, 31)}, reason="Date mal saisie", user=secretariat
    )

    # CQL 31 August 2026: possible 1 November, in the truce: 1 April 2027 (CPCE L.412-6).
    assert kinds_of_deadlines(procedure, D(2026, 9, 1))["expulsion"] == D(2027, 4, 1)
    acknowledge = Task.objects.get(event=cql, kind=rules.Action.ACKNOWLEDGE)
    assert (acknowledge.status, acknowledge.due_date) == (Task.Status.OPEN, D(2026, 9, 7))


def test_the_history_keeps_the_act_as_it_was_who_and_why(at_cql, secretariat):
    procedure, cql = at_cql

    services.correct_event(
        event=cql, data={"date": D(2026, 8, 31)}, reason="Date mal saisie", user=secretariat
    )

    change = ChangeLog.objects.get(object_type="procedureevent", object_id=cql.pk)
    assert change.changes == {"date": ["2026-06-10", "2026-08-31"]}
    assert (change.user, change.reason, change.procedure) == (secretariat, "Date mal saisie", procedure)


def test_a_correction_without_a_reason_is_refused_and_changes_nothing(at_cql, secretariat):
    _, cql = at_cql

    with pytest.raises(EventRefused, match="Indiquez le motif"):
        services.correct_event(event=cql, data={"date": D(2026, 8, 31)}, reason="  ", user=secretariat)

    cql.refresh_from_db()
    assert cql.date == D(2026, 6, 10)
    assert not ChangeLog.objects.filter(object_type="procedureevent").exists()


def test_a_correction_that_breaks_the_order_of_the_acts_is_refused_in_french(at_cql, secretariat):
    _, cql = at_cql

    with pytest.raises(EventRefused) as refusal:
        services.correct_event(event=cql, data={"date": D(2026, 5, 1)}, reason="Erreur", user=secretariat)

    assert refusal.value.messages == [
        "Un commandement de quitter les lieux ne peut pas précéder le jugement du 01/06/2026."
    ]
    cql.refresh_from_db()
    assert cql.date == D(2026, 6, 10)


def test_correcting_the_kind_sets_aside_the_old_tasks_and_creates_the_new_ones(secretariat):
    procedure = procedure_at(Stage.HEARING, on=D(2026, 5, 4))
    act = record(procedure, EventKind.JUDGMENT, D(2026, 6, 1), judgment_outcome="resiliation")

    services.correct_event(
        event=act,
        data={"kind": EventKind.ORDER_TO_VACATE, "judgment_outcome": ""},
        reason="C'était le CQL",
        user=secretariat,
    )

    inform = Task.objects.get(event=act, kind=rules.Action.INFORM_JUDGMENT)
    assert (inform.status, inform.set_aside_reason) == (
        Task.Status.SET_ASIDE,
        "Acte rectifié : C'était le CQL",
    )
    assert Task.objects.filter(event=act, kind=rules.Action.UPDATE_DSF, status=Task.Status.OPEN).exists()
    assert rules.current_stage(procedure.events.all()) == Stage.ORDER_TO_VACATE


def test_cancelling_an_act_keeps_it_in_the_history_and_out_of_every_reader(at_cql, secretariat):
    procedure, cql = at_cql

    services.cancel_event(event=cql, reason="Enregistré sur le mauvais dossier", user=secretariat)

    assert not ProcedureEvent.objects.filter(pk=cql.pk).exists()
    kept = ProcedureEvent.all_objects.get(pk=cql.pk)
    assert (kept.cancelled_by, kept.cancellation_reason) == (secretariat, "Enregistré sur le mauvais dossier")
    assert rules.current_stage(procedure.events.all()) == Stage.JUDGMENT
    assert type(procedure).objects.get(pk=procedure.pk).current_stage == Stage.JUDGMENT
    assert "expulsion" not in kinds_of_deadlines(procedure, D(2026, 6, 11))
    assert not Task.objects.filter(event=cql, status=Task.Status.OPEN).exists()


def test_cancelling_a_closing_act_reopens_the_tasks_it_had_set_aside(secretariat):
    procedure = procedure_at(Stage.ORDER_TO_VACATE, on=D(2026, 6, 10))
    open_before = set(
        Task.objects.filter(procedure=procedure, status=Task.Status.OPEN).values_list("pk", flat=True)
    )
    departure = record(procedure, EventKind.DEPARTURE, D(2026, 6, 20))
    assert not Task.objects.filter(procedure=procedure, status=Task.Status.OPEN).exists()

    services.cancel_event(event=departure, reason="Le ménage n'est pas parti", user=secretariat)

    reopened = set(
        Task.objects.filter(procedure=procedure, status=Task.Status.OPEN).values_list("pk", flat=True)
    )
    assert reopened == open_before
    assert not rules.is_closed(procedure.events.all())


def test_the_same_act_can_be_recorded_again_after_its_cancellation(at_cql, secretariat):
    procedure, cql = at_cql
    services.cancel_event(event=cql, reason="Doublon mal daté", user=secretariat)

    again, created = services.record_event(
        procedure=procedure, kind=Stage.ORDER_TO_VACATE, date=D(2026, 6, 10)
    )

    assert created and again.pk != cql.pk


def test_a_correction_that_removes_an_anomaly_closes_its_work_queue_task(secretariat):
    procedure = ProcedureFactory()
    record(procedure, Stage.ORDER_TO_VACATE, D(2026, 1, 5))
    requisition = record(procedure, Stage.POLICE_REQUEST, D(2026, 3, 5))
    anomaly = Task.objects.get(procedure=procedure, kind__startswith="anomalie:requisition")
    assert anomaly.title.startswith("Anomalie : Réquisition du 05/03/2026 avant la fin des 2 mois")
    assert anomaly.status == Task.Status.OPEN

    services.correct_event(
        event=requisition, data={"date": D(2026, 3, 6)}, reason="Date du PV", user=secretariat
    )

    anomaly.refresh_from_db()
    assert anomaly.status == Task.Status.SET_ASIDE
    assert deadlines.anomalies(procedure) == []

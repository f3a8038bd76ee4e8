"""Recording acts: the order of the stages, the dates, idempotence, the Charte's tasks."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from households.models import HousingSector
from procedure import services
from procedure.models import EventKind, JudgmentOutcome, PoliceDecision, ProcedureEvent, Stage, Task
from procedure.rules import Action
from procedure.services import EventRefused
from tests.procedure.factories import ProcedureFactory, procedure_at

D = datetime.date
pytestmark = pytest.mark.django_db


def test_payment_order_after_the_order_to_vacate_is_refused_in_french():
    procedure = procedure_at(Stage.ORDER_TO_VACATE, on=D(2026, 3, 12))
    with pytest.raises(EventRefused) as refusal:
        services.record_event(procedure=procedure, kind=Stage.PAYMENT_ORDER, date=D(2026, 3, 20))
    assert refusal.value.messages == [
        "Un commandement de payer ne peut pas être enregistré "
        "après le commandement de quitter les lieux du 12/03/2026."
    ]
    assert refusal.value.field == "date"


def test_a_later_stage_dated_before_an_earlier_one_is_refused():
    procedure = ProcedureFactory()
    services.record_event(procedure=procedure, kind=Stage.PAYMENT_ORDER, date=D(2026, 3, 1))
    with pytest.raises(
        EventRefused, match="Une assignation ne peut pas précéder le commandement de payer du 01/03"
    ):
        services.record_event(
            procedure=procedure, kind=Stage.SUMMONS, date=D(2026, 2, 1), hearing_date=D(2026, 4, 1)
        )


def test_a_procedure_may_begin_at_any_stage_and_learn_of_earlier_acts_later():
    procedure = ProcedureFactory()
    services.record_event(procedure=procedure, kind=Stage.ORDER_TO_VACATE, date=D(2026, 3, 1))
    _, created = services.record_event(procedure=procedure, kind=Stage.PAYMENT_ORDER, date=D(2025, 6, 1))
    assert created


def test_a_date_in_the_future_is_refused():
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    with pytest.raises(EventRefused, match="dans le futur"):
        services.record_event(procedure=ProcedureFactory(), kind=Stage.PAYMENT_ORDER, date=tomorrow)


def test_summons_requires_a_hearing_after_its_date():
    procedure = ProcedureFactory()
    with pytest.raises(EventRefused) as refusal:
        services.record_event(
            procedure=procedure, kind=Stage.SUMMONS, date=D(2026, 3, 1), hearing_date=D(2026, 3, 1)
        )
    assert refusal.value.field == "hearing_date"
    with pytest.raises(EventRefused, match="date d'audience"):
        services.record_event(procedure=procedure, kind=Stage.SUMMONS, date=D(2026, 3, 1))


def test_judgment_requires_its_outcome_and_police_decision_granted_or_refused():
    procedure = ProcedureFactory()
    with pytest.raises(EventRefused) as refusal:
        services.record_event(procedure=procedure, kind=Stage.JUDGMENT, date=D(2026, 3, 1))
    assert refusal.value.field == "judgment_outcome"
    with pytest.raises(EventRefused) as refusal:
        services.record_event(
            procedure=procedure, kind=Stage.POLICE_ASSISTANCE, date=D(2026, 3, 1), police_decision="peut-etre"
        )
    assert refusal.value.field == "police_decision"
    assert not ProcedureEvent.objects.exists()


def test_unknown_kind_is_refused_on_the_kind_field():
    with pytest.raises(EventRefused) as refusal:
        services.record_event(procedure=ProcedureFactory(), kind="saisie_immobiliere", date=D(2026, 3, 1))
    assert refusal.value.field == "kind"


def test_recording_the_same_act_twice_returns_the_existing_one_without_new_tasks():
    procedure = ProcedureFactory()
    first, created = services.record_event(procedure=procedure, kind=Stage.PAYMENT_ORDER, date=D(2026, 3, 1))
    tasks = Task.objects.count()
    again, created_again = services.record_event(
        procedure=procedure, kind=Stage.PAYMENT_ORDER, date=D(2026, 3, 1)
    )
    assert (created, created_again, again.pk) == (True, False, first.pk)
    assert Task.objects.count() == tasks == 4


def task_kinds(procedure, stage):
    return set(Task.objects.filter(procedure=procedure, event__kind=stage).values_list("kind", flat=True))


def test_cql_creates_different_tasks_in_the_public_and_private_sectors():
    public = procedure_at(Stage.ORDER_TO_VACATE, sector=HousingSector.PUBLIC, on=D(2026, 3, 2))
    private = procedure_at(Stage.ORDER_TO_VACATE, sector=HousingSector.PRIVATE, on=D(2026, 3, 2))
    assert task_kinds(public, Stage.ORDER_TO_VACATE) == {
        Action.ACKNOWLEDGE,
        Action.QUESTIONNAIRE_HOUSEHOLD,
        Action.CONVENE_MEDIATION,
        Action.UPDATE_DSF,
    }
    assert task_kinds(private, Stage.ORDER_TO_VACATE) == {
        Action.ACKNOWLEDGE,
        Action.QUESTIONNAIRE_HOUSEHOLD,
        Action.QUESTIONNAIRE_OWNER,
        Action.REQUEST_ANTICIPATION_VISIT,
        Action.UPDATE_DSF,
    }


def test_tasks_carry_due_dates_and_references():
    procedure = ProcedureFactory()
    services.record_event(
        procedure=procedure, kind=Stage.SUMMONS, date=D(2026, 3, 2), hearing_date=D(2026, 5, 12)
    )
    dsf = Task.objects.get(procedure=procedure, kind=Action.REQUEST_DSF)
    acknowledge = Task.objects.get(procedure=procedure, kind=Action.ACKNOWLEDGE)
    assert dsf.due_date == D(2026, 5, 4)
    assert "décret 2021-8" in dsf.legal_reference
    assert acknowledge.due_date == D(2026, 3, 9)
    assert acknowledge.title == Action.ACKNOWLEDGE.label


def test_granted_police_assistance_creates_six_information_tasks():
    procedure = procedure_at(
        Stage.POLICE_ASSISTANCE, on=D(2026, 6, 1), police_decision=PoliceDecision.GRANTED
    )
    assert len(task_kinds(procedure, Stage.POLICE_ASSISTANCE)) == 6


def test_a_closed_case_refuses_new_acts():
    procedure = procedure_at(Stage.DEPARTURE, on=D(2026, 6, 1))
    with pytest.raises(EventRefused, match="Ce dossier est clos"):
        services.record_event(procedure=procedure, kind=Stage.EVICTION, date=D(2026, 6, 10))


def test_facts_do_not_take_part_in_the_order():
    procedure = procedure_at(
        Stage.JUDGMENT, on=D(2026, 3, 1), judgment_outcome=JudgmentOutcome.TERMINATION_SUSPENDED
    )
    _, created = services.record_event(procedure=procedure, kind=EventKind.REPAYMENT_PLAN, date=D(2025, 1, 1))
    assert created


def test_event_and_tasks_are_written_in_one_transaction():
    procedure = ProcedureFactory()
    Task.objects.create(procedure=procedure, event=None, kind="x", title="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        services.record_event(procedure=procedure, kind=Stage.PAYMENT_ORDER, date=D(2026, 3, 1))
        raise IntegrityError("rollback")
    assert not ProcedureEvent.objects.filter(procedure=procedure).exists()
    assert Task.objects.filter(procedure=procedure).count() == 1


def test_debt_given_with_an_act_updates_the_procedure_and_is_logged():
    procedure = ProcedureFactory(debt=1000)
    services.record_event(procedure=procedure, kind=Stage.PAYMENT_ORDER, date=D(2026, 3, 1), debt=1500)
    procedure.refresh_from_db()
    assert procedure.debt == 1500
    assert procedure.changes.get().changes == {"debt": ["1000.00", "1500"]}


def test_complete_tasks_closes_the_open_tasks_of_these_actions():
    procedure = procedure_at(Stage.SUMMONS, on=D(2026, 3, 2))
    assert services.complete_tasks(procedure=procedure, actions=[Action.REQUEST_DSF]) == 1
    assert Task.objects.get(procedure=procedure, kind=Action.REQUEST_DSF).status == Task.Status.DONE


def test_setting_a_task_aside_requires_a_reason(secretariat):
    task = procedure_at(Stage.PAYMENT_ORDER, on=D(2026, 3, 2)).tasks.first()
    with pytest.raises(EventRefused):
        services.set_aside_task(task=task, user=secretariat, reason=" ")
    services.set_aside_task(task=task, user=secretariat, reason="Ménage déjà connu")
    task.refresh_from_db()
    assert (task.status, task.set_aside_reason, task.closed_by) == (
        Task.Status.SET_ASIDE,
        "Ménage déjà connu",
        secretariat,
    )

"""An act makes some open tasks pointless: they are set aside with the reason, never lost."""

import datetime

import pytest

from households.models import HousingSector
from procedure import services
from procedure.models import EventKind, Outcome, Stage, Task
from procedure.rules import Action
from tests.procedure.factories import ProcedureFactory

D = datetime.date
pytestmark = pytest.mark.django_db


def _open(procedure, action):
    return procedure.tasks.filter(kind=action, status=Task.Status.OPEN)


def test_a_later_stage_replaces_the_same_action_of_an_earlier_stage():
    procedure = ProcedureFactory(lease__sector=HousingSector.PRIVATE)
    services.record_event(procedure=procedure, kind=Stage.PAYMENT_ORDER, date=D(2026, 3, 2))
    first = _open(procedure, Action.QUESTIONNAIRE_HOUSEHOLD).get()

    services.record_event(
        procedure=procedure, kind=Stage.SUMMONS, date=D(2026, 5, 4), hearing_date=D(2026, 7, 6)
    )

    first.refresh_from_db()
    assert first.status == Task.Status.SET_ASIDE
    assert first.set_aside_reason == "Remplacée par la même action après l'assignation du 04/05/2026."
    assert _open(procedure, Action.QUESTIONNAIRE_HOUSEHOLD).get().event.kind == Stage.SUMMONS


def test_tasks_of_other_actions_stay_open_after_a_later_stage():
    procedure = ProcedureFactory(lease__sector=HousingSector.PUBLIC)
    services.record_event(
        procedure=procedure, kind=Stage.SUMMONS, date=D(2026, 5, 4), hearing_date=D(2026, 7, 6)
    )
    services.record_event(procedure=procedure, kind=Stage.ORDER_TO_VACATE, date=D(2026, 9, 1))
    assert _open(procedure, Action.REQUEST_DSF).exists()


def test_a_closing_act_sets_every_open_task_aside_with_its_reason():
    procedure = ProcedureFactory(lease__sector=HousingSector.PUBLIC)
    services.record_event(procedure=procedure, kind=Stage.ORDER_TO_VACATE, date=D(2026, 9, 1))
    assert procedure.tasks.filter(status=Task.Status.OPEN).exists()

    services.record_event(
        procedure=procedure, kind=EventKind.CLOSURE, date=D(2026, 10, 5), closure_reason=Outcome.REHOUSED
    )

    assert not procedure.tasks.filter(status=Task.Status.OPEN).exists()
    reasons = set(procedure.tasks.values_list("set_aside_reason", flat=True))
    assert reasons == {"Dossier clos : la clôture du dossier du 05/10/2026."} or all(
        reason.startswith("Dossier clos : ") and reason.endswith("du 05/10/2026.") for reason in reasons
    )


def test_a_fact_leaves_the_tasks_alone():
    procedure = ProcedureFactory(lease__sector=HousingSector.PUBLIC)
    services.record_event(procedure=procedure, kind=Stage.PAYMENT_ORDER, date=D(2026, 3, 2))
    before = procedure.tasks.filter(status=Task.Status.OPEN).count()
    services.record_event(procedure=procedure, kind=EventKind.REPAYMENT_PLAN, date=D(2026, 3, 20))
    assert procedure.tasks.filter(status=Task.Status.OPEN).count() == before

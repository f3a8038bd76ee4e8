"""The summary stored on the procedure (current stage, its rank, closed, last act date): written by
services.refresh_summary in the act's transaction, checked against the rules by check_consistency
(docs/decisions/003)."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from households.models import HousingSector
from procedure import services
from procedure.models import EventKind, Outcome, Procedure, ProcedureEvent, Stage, Task
from referrals.models import Referral
from tests.factories import OrganisationFactory
from tests.procedure.factories import ProcedureFactory, procedure_at
from tests.referrals.factories import referral

pytestmark = pytest.mark.django_db
D = datetime.date


def summary(procedure):
    return Procedure.objects.filter(pk=procedure.pk).values(*services.SUMMARY_FIELDS).get()


def test_a_procedure_without_act_has_no_stage():
    procedure = ProcedureFactory()

    empty = {"current_stage": "", "stage_rank": None, "closed": False, "last_act_date": None}
    assert summary(procedure) == empty


def test_recording_an_act_stores_the_stage_its_rank_and_its_date_in_the_same_call():
    procedure = procedure_at(Stage.SUMMONS, on=D(2026, 3, 2))

    assert summary(procedure) == {
        "current_stage": "assignation",
        "stage_rank": 2,
        "closed": False,
        "last_act_date": D(2026, 3, 2),
    }
    assert procedure.current_stage == "assignation"  # the caller's instance too


def test_a_fact_moves_the_last_act_date_but_not_the_stage():
    procedure = procedure_at(Stage.PAYMENT_ORDER, on=D(2026, 3, 2))

    services.record_event(procedure=procedure, kind=EventKind.FSL_AID, date=D(2026, 3, 20))

    assert summary(procedure)["current_stage"] == "commandement_de_payer"
    assert summary(procedure)["last_act_date"] == D(2026, 3, 20)


def test_a_closure_closes_the_case_and_keeps_its_stage():
    procedure = procedure_at(Stage.JUDGMENT, on=D(2026, 3, 2))

    services.record_event(
        procedure=procedure, kind=EventKind.CLOSURE, date=D(2026, 4, 1), closure_reason=Outcome.DEBT_CLEARED
    )

    assert summary(procedure) == {
        "current_stage": "jugement",
        "stage_rank": 4,
        "closed": True,
        "last_act_date": D(2026, 4, 1),
    }


def test_a_departure_is_the_furthest_stage_and_closes_the_case():
    procedure = procedure_at(Stage.DEPARTURE, on=D(2026, 3, 2))

    assert summary(procedure) == {
        "current_stage": "depart",
        "stage_rank": 9,
        "closed": True,
        "last_act_date": D(2026, 3, 2),
    }


def test_an_act_refused_by_the_rules_leaves_the_summary_unchanged():
    procedure = procedure_at(Stage.SUMMONS, on=D(2026, 3, 2))
    before = summary(procedure)

    with pytest.raises(services.EventRefused):
        services.record_event(procedure=procedure, kind=EventKind.PAYMENT_ORDER, date=D(2026, 3, 10))

    assert summary(procedure) == before


def test_refresh_summaries_recomputes_many_procedures_in_one_statement(django_assert_num_queries):
    procedures = [procedure_at(stage, on=D(2026, 3, 2)) for stage in (Stage.HEARING, Stage.EVICTION)]
    Procedure.objects.update(current_stage="", stage_rank=None, closed=False, last_act_date=None)

    with django_assert_num_queries(1):
        services.refresh_summaries([procedure.pk for procedure in procedures])

    assert [summary(p)["current_stage"] for p in procedures] == ["audience", "expulsion"]
    assert [summary(p)["closed"] for p in procedures] == [False, True]


def check_consistency():
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("check_consistency", stdout=out, stderr=err)
    except SystemExit as exit:
        return exit.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # seed_demo is for development machines
    call_command("setup_departement", "21", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())


def test_check_consistency_finds_no_difference_on_the_demo(demo):
    code, out, err = check_consistency()

    count = Procedure.objects.count()
    assert count > 10 and Procedure.objects.exclude(current_stage="").count() == count
    assert (code, err) == (0, "")
    assert f"{count} procédures vérifiées : aucun écart." in out


def test_check_consistency_reports_a_stored_stage_that_drifted_from_the_events():
    procedure = procedure_at(Stage.ORDER_TO_VACATE, on=D(2026, 3, 2), sector=HousingSector.PUBLIC)
    ProcedureEvent.objects.create(procedure=procedure, kind=EventKind.POLICE_REQUEST, date=D(2026, 6, 1))

    code, _, err = check_consistency()

    assert code == 1
    assert f"{procedure.reference} : current_stage vaut 'commandement_de_quitter_les_lieux', " in err
    assert "attendu 'requisition_force_publique'" in err
    assert "3 écarts sur 1 procédures." in err  # the stage, its rank and the last act date


def test_check_consistency_reports_an_act_counted_in_another_departement():
    """Decision 017: an act carries its case's département (the national view counts it there); one
    left behind by a writer is reported."""
    procedure = procedure_at(Stage.SUMMONS, on=D(2026, 3, 2), sector=HousingSector.PUBLIC)
    assert set(procedure.events.values_list("departement_code", flat=True)) == {procedure.departement_code}
    procedure.events.filter(kind=EventKind.SUMMONS).update(departement_code="71")

    code, _, err = check_consistency()

    assert code == 1
    assert f"{procedure.reference} : departement_code des actes vaut '71', attendu '21'" in err
    assert "1 écarts sur 1 procédures." in err


def test_check_consistency_reports_a_task_in_another_departement_s_work_queue():
    """The tasks carry their case's département too: the secretariat's work queue reads it (issue 16)."""
    procedure = procedure_at(Stage.SUMMONS, on=D(2026, 3, 2), sector=HousingSector.PUBLIC)
    assert set(procedure.tasks.values_list("departement_code", flat=True)) == {procedure.departement_code}
    procedure.tasks.filter(pk=procedure.tasks.first().pk).update(departement_code="71")

    code, _, err = check_consistency()

    assert code == 1
    assert f"{procedure.reference} : departement_code des tâches vaut '71', attendu '21'" in err
    assert "1 écarts sur 1 procédures." in err


def test_a_task_without_a_departement_is_refused_by_the_database():
    procedure = procedure_at(Stage.SUMMONS, on=D(2026, 3, 2), sector=HousingSector.PUBLIC)
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.bulk_create([Task(procedure=procedure, kind="relance", title="Relancer")])


def test_an_act_without_a_departement_is_refused_by_the_database():
    procedure = procedure_at(Stage.SUMMONS, on=D(2026, 3, 2), sector=HousingSector.PUBLIC)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcedureEvent.objects.bulk_create(
            [ProcedureEvent(procedure=procedure, kind=EventKind.HEARING, date=D(2026, 5, 4))]
        )


def test_check_consistency_reports_a_referral_counted_in_another_departement(secretariat):
    """The referrals carry their case's département too (registered by the referrals app)."""
    procedure = procedure_at(Stage.SUMMONS, on=D(2026, 3, 2), sector=HousingSector.PUBLIC)
    made = referral(procedure=procedure, secretariat=secretariat, addressed_to=OrganisationFactory(ccas=True))
    assert made.departement_code == procedure.departement_code
    Referral.objects.filter(pk=made.pk).update(departement_code="71")

    code, _, err = check_consistency()

    assert code == 1
    assert f"{procedure.reference} : departement_code des orientations vaut '71', attendu '21'" in err

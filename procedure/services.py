"""The services of the procedure: recording acts, tasks, deadlines, search, history.

Views parse input and call one of these; every rule lives in rules.py with its legal reference.
"""

import functools
import hashlib
import unicodedata
from contextlib import contextmanager
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.db.models import (
    Case,
    Exists,
    F,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import Contains, GreaterThanOrEqual
from django.utils import timezone

from directory.acting import acting_organisation
from directory.models import Commune
from households.models import Household, Landlord, Lease, Person

from . import bulk, rules
from .deadlines import anomalies, fr_date, has_housing_benefit
from .extensions import DEPARTEMENT_COPIES
from .models import (
    ANOMALY_TASK_PREFIX,
    LIST_KEYS,
    AccessLog,
    ChangeLog,
    EventKind,
    JudgmentOutcome,
    Outcome,
    PoliceDecision,
    Procedure,
    ProcedureEvent,
    Task,
)

# How the messages name each act: (indefinite, definite) forms.
ACT_NAMES = {
    EventKind.UNPAID_RENT: ("Un impayé", "l'impayé"),
    EventKind.PAYMENT_ORDER: ("Un commandement de payer", "le commandement de payer"),
    EventKind.SUMMONS: ("Une assignation", "l'assignation"),
    EventKind.HEARING: ("Une audience", "l'audience"),
    EventKind.JUDGMENT: ("Un jugement", "le jugement"),
    EventKind.ORDER_TO_VACATE: (
        "Un commandement de quitter les lieux",
        "le commandement de quitter les lieux",
    ),
    EventKind.POLICE_REQUEST: ("Une réquisition de la force publique", "la réquisition de la force publique"),
    EventKind.POLICE_ASSISTANCE: (
        "Une décision sur le concours de la force publique",
        "la décision sur le concours",
    ),
    EventKind.EVICTION: ("Une expulsion", "l'expulsion"),
    EventKind.DEPARTURE: ("Un départ du ménage", "le départ du ménage"),
}


def act_name(kind, definite=False) -> str:
    names = ACT_NAMES.get(kind)
    if names is None:
        label = EventKind(kind).label
        return f"le fait « {label} »" if definite else f"Le fait « {label} »"
    return names[1] if definite else names[0]


class EventRefused(ValidationError):
    """An act the rules refuse; the French message names the problem, `.field` the form field."""

    def __init__(self, message, *, field="date"):
        super().__init__(message, code="refused")
        self.field = field


# ---------------------------------------------------------------------------------------------
# Recording acts
# ---------------------------------------------------------------------------------------------


def record_event(
    *,
    procedure,
    kind,
    date,
    user=None,
    source=ProcedureEvent.Source.MANUAL,
    hearing_date=None,
    judgment_outcome="",
    police_decision="",
    closure_reason="",
    time_to_leave_until=None,
    debt=None,
    note="",
) -> tuple[ProcedureEvent, bool]:
    """Record an act or fact on a procedure and create the Charte's tasks (Charte II.B).

    The acts follow the legal order of the stages (rules.STAGE_ORDER) and never go back in time;
    the same act twice (same kind and date) returns the existing one. One transaction, the
    procedure row locked so that two concurrent recordings are serialised.
    """
    kind = _valid_kind(kind)
    details = {
        "hearing_date": hearing_date,
        "judgment_outcome": judgment_outcome or "",
        "police_decision": police_decision or "",
        "closure_reason": closure_reason or "",
        "time_to_leave_until": time_to_leave_until,
    }
    check_fields(kind, date, details)
    with transaction.atomic():
        locked = Procedure.objects.select_for_update().select_related("lease").get(pk=procedure.pk)
        existing = ProcedureEvent.objects.filter(procedure=locked, kind=kind, date=date).first()
        if existing is not None:
            return existing, False
        events = list(locked.events.all())
        check_order(kind, date, events)
        event = ProcedureEvent.objects.create(
            procedure=locked,
            kind=kind,
            date=date,
            debt=debt,
            note=note,
            source=source,
            recorded_by=user,
            **details,
        )
        if debt is not None:
            _update_debt(locked, debt, user)
        _follow_event(locked, event, user)
        refresh_summary(locked)
        refresh_next_due([locked.pk])
    for name in SUMMARY_FIELDS:
        setattr(procedure, name, getattr(locked, name))
    return event, True


def _follow_event(procedure, event, user) -> None:
    """What an act sets off: the Charte's tasks, the tasks it makes pointless, the report it
    completes (CCH R.824) and the anomalies of the work queue."""
    created = create_tasks(procedure=procedure, event=event)
    supersede_tasks(procedure=procedure, event=event, new_actions={task.kind for task in created}, user=user)
    if event.kind in (EventKind.BENEFIT_PAYER_REPORT, EventKind.LANDLORD_REVIEW_REQUEST):
        complete_tasks(procedure=procedure, actions=[rules.Action.CHECK_BENEFIT_PAYER_REPORT], user=user)
    sync_anomaly_tasks(procedure=procedure, user=user)


def _valid_kind(kind) -> str:
    if kind not in EventKind.values:
        raise EventRefused("Choisissez un acte ou un fait de la liste.", field="kind")
    return str(kind)


def check_fields(kind, date, details, *, today=None) -> None:
    """The act's details as the law asks them; `today` given by the import (read once a file)."""
    if date is None:
        raise EventRefused("Indiquez la date de l'acte.")
    if date > (today or timezone.localdate()):
        raise EventRefused(
            f"La date du {fr_date(date)} est dans le futur : un acte est enregistré une fois signifié."
        )
    if kind == EventKind.SUMMONS:
        if details["hearing_date"] is None:
            raise EventRefused("Indiquez la date d'audience de l'assignation.", field="hearing_date")
        if details["hearing_date"] <= date:
            raise EventRefused(
                f"La date d'audience ({fr_date(details['hearing_date'])}) doit suivre celle de l'assignation "
                f"({fr_date(date)}).",
                field="hearing_date",
            )
    if kind == EventKind.JUDGMENT and details["judgment_outcome"] not in JudgmentOutcome.values:
        raise EventRefused("Indiquez l'issue du jugement.", field="judgment_outcome")
    if kind == EventKind.POLICE_ASSISTANCE and details["police_decision"] not in PoliceDecision.values:
        raise EventRefused(
            "Indiquez si le concours de la force publique est accordé ou refusé.", field="police_decision"
        )
    if kind == EventKind.CLOSURE and details["closure_reason"] not in Outcome.values:
        raise EventRefused("Indiquez le motif de clôture.", field="closure_reason")
    if kind == EventKind.TIME_TO_LEAVE:
        if details["time_to_leave_until"] is None:
            raise EventRefused(
                "Indiquez jusqu'à quelle date le juge accorde un délai pour quitter les lieux.",
                field="time_to_leave_until",
            )
        if refusal := rules.time_to_leave_refusal(date, details["time_to_leave_until"]):
            raise EventRefused(refusal, field="time_to_leave_until")


def check_order(kind, date, events) -> None:
    """Refuse an act that goes back in the order of the stages or in time (rules.STAGE_ORDER)."""
    closing = [event for event in events if event.kind in rules.CLOSING_KINDS]
    if closing and kind != EventKind.CLOSURE:
        last = max(closing, key=lambda event: event.date)
        if date >= last.date:
            raise EventRefused(
                f"Ce dossier est clos ({act_name(last.kind, definite=True)} du {fr_date(last.date)}) : "
                f"aucun acte ne peut plus y être enregistré."
            )
    rank = rules.ORDERED_STAGE_RANKS.get(kind)
    if rank is None:
        return
    for event in sorted(events, key=lambda event: -(rules.stage_rank(event.kind) or 0)):
        other = rules.ORDERED_STAGE_RANKS.get(event.kind)
        if other is None:
            continue
        if other > rank and event.date < date:
            raise EventRefused(
                f"{act_name(kind)} ne peut pas être enregistré après {act_name(event.kind, definite=True)} "
                f"du {fr_date(event.date)}."
            )
        if other < rank and event.date > date:
            raise EventRefused(
                f"{act_name(kind)} ne peut pas précéder {act_name(event.kind, definite=True)} "
                f"du {fr_date(event.date)}."
            )


def _update_debt(procedure, debt, user) -> None:
    debt = Decimal(debt)
    if procedure.debt != debt:
        _log_changes(procedure, {"debt": (procedure.debt, debt)}, user)
        procedure.debt = debt
        procedure.version += 1
        procedure.save(update_fields=["debt", "version"])


def _action_rules(procedure, event) -> list:
    """The actions of rules.ACTIONS for this act; the CAF / MSA report only for a household with
    housing benefit (CCH R.824)."""
    found = rules.actions_for(event.kind, procedure.lease.sector, police_decision=event.police_decision)
    if has_housing_benefit(procedure):
        return found
    return [rule for rule in found if rule.action != rules.Action.CHECK_BENEFIT_PAYER_REPORT]


def tasks_for(*, procedure, event) -> list[Task]:
    """The Charte's actions for this act and sector, as unsaved tasks with their due dates (built by
    bulk.new: the import makes tens of thousands)."""
    stage_rules = _action_rules(procedure, event)
    return [
        bulk.new(
            Task,
            procedure=procedure,
            departement_code=procedure.departement_code,  # the case's (decision 017)
            event=event,
            kind=rule.action.value,
            title=rule.action.label,
            legal_reference=rule.reference,
            due_date=rules.action_due_date(rule, event.date, event.hearing_date),
        )
        for rule in stage_rules
    ]


def create_tasks(*, procedure, event) -> list[Task]:
    """The Charte's actions for this act and sector, as tasks with their due dates (idempotent)."""
    return Task.objects.bulk_create(tasks_for(procedure=procedure, event=event), ignore_conflicts=True)


def superseding_reason(event, new_actions) -> str:
    """Why an act sets open tasks aside, or "" when it sets none aside (supersede_tasks)."""
    if event.kind in rules.CLOSING_KINDS:
        return f"Dossier clos : {act_name(event.kind, definite=True)} du {fr_date(event.date)}."
    if rules.stage_rank(event.kind) is not None and new_actions:
        act = act_name(event.kind, definite=True)
        return f"Remplacée par la même action après {act} du {fr_date(event.date)}."
    return ""


def supersede_tasks(*, procedure, event, new_actions, user=None) -> int:
    """Set aside the open tasks an act makes pointless, so the work queue shows only live work.

    A closing act (eviction, departure, closure) ends every open task; an act of a later stage
    replaces the same action prescribed at an earlier stage (Charte II.B: e.g. the questionnaire
    at the assignation replaces the one at the commandement de payer not yet sent)."""
    reason = superseding_reason(event, new_actions)
    if not reason:
        return 0
    open_tasks = Task.objects.filter(procedure=procedure, status=Task.Status.OPEN).exclude(event=event)
    if event.kind not in rules.CLOSING_KINDS:
        open_tasks = open_tasks.filter(kind__in=new_actions)
    return open_tasks.update(
        status=Task.Status.SET_ASIDE,
        closed_at=timezone.now(),
        closed_by=user,
        set_aside_reason=reason[:250],
        superseded_by=event,
    )


# ---------------------------------------------------------------------------------------------
# Correcting and cancelling a mistaken act
# ---------------------------------------------------------------------------------------------

# What a correction may change on an act.
CORRECTABLE_FIELDS = (
    "kind",
    "date",
    "hearing_date",
    "judgment_outcome",
    "police_decision",
    "closure_reason",
    "time_to_leave_until",
    "debt",
    "note",
)


def _require_reason(reason) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise EventRefused("Indiquez le motif de la rectification ou de l'annulation.", field="reason")
    return reason[:250]


def correct_event(*, event, data, reason, user) -> ProcedureEvent:
    """Correct a mistaken act's kind, date or details, with a mandatory reason; the ChangeLog keeps
    it as it was, who corrected it and why. The corrected act must keep the order of the acts
    (check_order); its tasks, the tasks it had set aside and the anomalies follow the new facts."""
    reason = _require_reason(reason)
    with transaction.atomic():
        locked = Procedure.objects.select_for_update().select_related("lease").get(pk=event.procedure_id)
        event = ProcedureEvent.objects.select_for_update().get(pk=event.pk, procedure=locked)
        changes = {
            field: (getattr(event, field), data[field])
            for field in CORRECTABLE_FIELDS
            if field in data and getattr(event, field) != data[field]
        }
        if not changes:
            return event
        for field, (_, value) in changes.items():
            setattr(event, field, value)
        kind = _valid_kind(event.kind)
        check_fields(kind, event.date, _details(event))
        others = list(locked.events.exclude(pk=event.pk))
        if any(other.kind == kind and other.date == event.date for other in others):
            raise EventRefused(f"{event} est déjà enregistré sur ce dossier.")
        check_order(kind, event.date, others)
        event.save()
        _log_changes(event, changes, user, reason=reason, procedure=locked)
        _follow_correction(locked, event, user, reason=reason)
        refresh_summary(locked)
        refresh_next_due([locked.pk])
    return event


def cancel_event(*, event, reason, user) -> ProcedureEvent:
    """Cancel an act recorded by mistake, with a mandatory reason: it stays in the history, marked
    cancelled, and no stage, deadline, task, indicator or list reads it any more. Cancelling it
    reopens the tasks it had set aside and sets aside its own."""
    reason = _require_reason(reason)
    with transaction.atomic():
        locked = Procedure.objects.select_for_update().select_related("lease").get(pk=event.procedure_id)
        event = ProcedureEvent.objects.select_for_update().get(pk=event.pk, procedure=locked)
        event.cancelled_at, event.cancelled_by, event.cancellation_reason = timezone.now(), user, reason
        event.save(update_fields=["cancelled_at", "cancelled_by", "cancellation_reason"])
        _log_changes(
            event, {"cancelled_at": (None, event.cancelled_at)}, user, reason=reason, procedure=locked
        )
        _reopen_superseded(event)
        _set_aside_own_tasks(event, user, reason=f"Acte annulé : {reason}")
        sync_anomaly_tasks(procedure=locked, user=user)
        refresh_summary(locked)
        refresh_next_due([locked.pk])
    return event


def _details(event) -> dict:
    return {
        "hearing_date": event.hearing_date,
        "judgment_outcome": event.judgment_outcome,
        "police_decision": event.police_decision,
        "closure_reason": event.closure_reason,
        "time_to_leave_until": event.time_to_leave_until,
    }


def _reopen_superseded(event) -> None:
    """The tasks this act had set aside come back: the act no longer stands as it was."""
    Task.objects.filter(superseded_by=event, status=Task.Status.SET_ASIDE).update(
        status=Task.Status.OPEN, closed_at=None, closed_by=None, set_aside_reason="", superseded_by=None
    )


def _set_aside_own_tasks(event, user, *, reason, keep=()) -> None:
    Task.objects.filter(event=event, status=Task.Status.OPEN).exclude(kind__in=list(keep)).update(
        status=Task.Status.SET_ASIDE, closed_at=timezone.now(), closed_by=user, set_aside_reason=reason[:250]
    )


def _follow_correction(procedure, event, user, *, reason) -> None:
    """After a correction: the act's open tasks still prescribed get their new due dates, the others
    are set aside with the reason; then the act is followed as if just recorded."""
    _reopen_superseded(event)
    prescribed = {rule.action.value: rule for rule in _action_rules(procedure, event)}
    _set_aside_own_tasks(event, user, reason=f"Acte rectifié : {reason}", keep=prescribed)
    for task in Task.objects.filter(event=event, status=Task.Status.OPEN):
        task.due_date = rules.action_due_date(prescribed[task.kind], event.date, event.hearing_date)
        task.save(update_fields=["due_date"])
    _follow_event(procedure, event, user)


# ---------------------------------------------------------------------------------------------
# Anomalies in the work queue
# ---------------------------------------------------------------------------------------------


def _anomaly_task_kind(anomaly) -> str:
    """One task per distinct anomaly: its rule and a digest of its message (Task.kind is short)."""
    digest = hashlib.sha256(anomaly.message.encode()).hexdigest()[:16]
    return f"{ANOMALY_TASK_PREFIX}{anomaly.rule}:{digest}"[:60]


def sync_anomaly_tasks(*, procedure, user=None) -> None:
    """Each anomaly of the acts is an open task of the work queue, due the day it is found; it is
    set aside, with the reason, once a correction makes it disappear."""
    open_tasks = Task.objects.filter(
        procedure=procedure, status=Task.Status.OPEN, kind__startswith=ANOMALY_TASK_PREFIX
    )
    save_anomaly_tasks(*anomaly_tasks(procedure, anomalies(procedure), list(open_tasks)), user=user)


def anomaly_tasks(procedure, found, open_tasks) -> tuple[list[Task], list[Task]]:
    """Which anomaly tasks should exist, without a query: (the unsaved tasks of the anomalies
    `found` that no open task holds yet, the open anomaly tasks whose anomaly is gone)."""
    current = {_anomaly_task_kind(anomaly): anomaly for anomaly in found}
    mine = [task for task in open_tasks if task.kind.startswith(ANOMALY_TASK_PREFIX)]
    known = {task.kind for task in mine}
    new = [
        Task(
            procedure=procedure,
            departement_code=procedure.departement_code,  # the case's (decision 017)
            kind=key,
            title=f"Anomalie : {anomaly.message}"[:250],
            legal_reference=anomaly.reference[:120],
            due_date=timezone.localdate(),
        )
        for key, anomaly in current.items()
        if key not in known
    ]
    return new, [task for task in mine if task.kind not in current]


def save_anomaly_tasks(new, gone, *, user=None) -> None:
    """Write what anomaly_tasks says, for any number of procedures: two statements at most."""
    if gone:
        Task.objects.filter(pk__in=[task.pk for task in gone], status=Task.Status.OPEN).update(
            status=Task.Status.SET_ASIDE,
            closed_at=timezone.now(),
            closed_by=user,
            set_aside_reason="Anomalie levée : les actes ne la présentent plus.",
        )
    if new:
        Task.objects.bulk_create(new)


def create_case(*, reference, household, lease, landlord, user=None) -> Procedure:
    """Open a procedure for one household, one lease and one landlord (domain.md).

    Each of household, lease, landlord is either an instance or a dict of its fields: the household
    dict may hold a "holder" dict (the lease holder, a Person); the landlord dict is either
    {"organisation": <social landlord Organisation>} or the fields of a private owner."""
    reference = (reference or "").strip()
    if not reference:
        raise EventRefused(
            "Indiquez la référence de la procédure (EXPLOC ou commissaire de justice).", field="reference"
        )
    if Procedure.objects.filter(reference=reference).exists():
        raise EventRefused(f"Une procédure de référence {reference} existe déjà.", field="reference")
    with transaction.atomic():
        landlord = landlord if isinstance(landlord, Landlord) else landlord_from(**landlord)
        household = household if isinstance(household, Household) else _create_household(**household)
        if not isinstance(lease, Lease):
            lease = Lease.objects.create(household=household, landlord=landlord, **lease)
        procedure = Procedure.objects.create(
            reference=reference, household=household, lease=lease, landlord=landlord
        )
        _log_changes(procedure, {"reference": (None, reference)}, user)
        refresh_search_text(household)
    return procedure


def _create_household(*, holder=None, **fields) -> Household:
    fields = {name: value for name, value in fields.items() if value is not None}
    if not fields.get("label") and holder:
        fields["label"] = f"{holder.get('first_name', '')} {holder['last_name']}".strip()
    household = Household.objects.create(**fields)
    if holder:
        Person.objects.create(household=household, role=Person.Role.HOLDER, **holder)
    return household


def landlord_from(*, organisation=None, **fields) -> Landlord:
    """The Landlord of a social landlord organisation (created once), or a new private owner."""
    if organisation is not None:
        landlord, _ = Landlord.objects.get_or_create(
            organisation=organisation,
            defaults={"kind": Landlord.Kind.SOCIAL, "name": organisation.name, "siren": organisation.siren},
        )
        return landlord
    fields = {name: value for name, value in fields.items() if value is not None}
    fields.setdefault("kind", Landlord.Kind.PERSON)
    return Landlord.objects.create(**fields)


# ---------------------------------------------------------------------------------------------
# Tasks
# ---------------------------------------------------------------------------------------------


def complete_tasks(*, procedure, actions, user=None, note="") -> int:
    """Close the open tasks of these actions on the procedure (called when their work is done)."""
    values = [str(action) for action in actions]
    with tasks_written([procedure.pk]):
        return Task.objects.filter(procedure=procedure, kind__in=values, status=Task.Status.OPEN).update(
            status=Task.Status.DONE, closed_at=timezone.now(), closed_by=user, set_aside_reason=note[:250]
        )


def complete_task(*, task, user) -> Task:
    task.status, task.closed_at, task.closed_by = Task.Status.DONE, timezone.now(), user
    with tasks_written([task.procedure_id]):
        task.save(update_fields=["status", "closed_at", "closed_by"])
    return task


def set_aside_task(*, task, user, reason) -> Task:
    """Set a task aside; the reason is required (it shows on the timeline)."""
    if not (reason or "").strip():
        raise EventRefused("Indiquez pourquoi cette tâche est écartée.", field="reason")
    task.status, task.closed_at, task.closed_by = Task.Status.SET_ASIDE, timezone.now(), user
    task.set_aside_reason = reason.strip()[:250]
    with tasks_written([task.procedure_id]):
        task.save(update_fields=["status", "closed_at", "closed_by", "set_aside_reason"])
    return task


def close_tasks(tasks, *, user, reason="") -> int:
    """Close a selection of tasks in one UPDATE, whatever its size: done, or set aside when a reason
    is given. Tasks closed meanwhile (by a colleague) are left as they are; returns how many closed."""
    status = Task.Status.SET_ASIDE if reason.strip() else Task.Status.DONE
    cases = list(_open_among(tasks).order_by().values_list("procedure_id", flat=True).distinct())
    with tasks_written(cases):  # the cases read first, locked: a task reopened since elsewhere stays open
        selection = _open_among(tasks).filter(procedure_id__in=cases)
        return selection.update(
            status=status, closed_at=timezone.now(), closed_by=user, set_aside_reason=reason.strip()[:250]
        )


def assign_tasks(tasks, *, assignee) -> int:
    """Give a selection of open tasks to a member of the secretariat (None: to nobody), in one UPDATE."""
    return _open_among(tasks).update(assignee=assignee)


def _open_among(tasks):
    return Task.objects.filter(pk__in=tasks.order_by().values("pk"), status=Task.Status.OPEN)


# ---------------------------------------------------------------------------------------------
# The next due date, stored on the procedure (docs/decisions/003)
# ---------------------------------------------------------------------------------------------


def refresh_next_due(procedure_ids) -> int:
    """Recompute the stored next due date of these procedures, the soonest due date of their open
    tasks (None when none has one), in one UPDATE: the only writer of the column. Call it in the
    transaction of every write of their tasks (created, closed, set aside, reopened, re-dated,
    deleted), after the writes; `procedure_ids` is a list or a queryset of ids."""
    soonest = (
        Task.objects.filter(procedure=OuterRef("pk"), status=Task.Status.OPEN)
        .order_by()
        .values("procedure")
        .annotate(soonest=Min("due_date"))
        .values("soonest")
    )
    return Procedure.objects.filter(pk__in=procedure_ids).update(next_due_date=Subquery(soonest))


@contextmanager
def tasks_written(procedure_ids):
    """The transaction of a write of these procedures' tasks outside an act (a task done or set
    aside, a bulk action, a request or a letter closing its task): the procedures locked first, in
    the order of their ids, then their next due date refreshed after the writes. The lock comes
    before the writes, as in record_event (no deadlock with it), and makes the refresh read what a
    concurrent writer of the same case committed (READ COMMITTED: an UPDATE that waited for a row
    still computes its subquery from the snapshot it started with)."""
    ids = sorted(set(procedure_ids))
    with transaction.atomic():
        list(Procedure.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
        yield
        refresh_next_due(ids)


def _next_due_differing(procedures) -> list:
    """(reference, "next_due_date", stored, expected) of these procedures whose stored next due date
    is not the soonest due date of their open tasks, computed here from the tasks (check_consistency)."""
    expected = {}
    open_tasks = Task.objects.filter(procedure__in=procedures, status=Task.Status.OPEN).exclude(due_date=None)
    for procedure_id, due_date in open_tasks.order_by().values_list("procedure_id", "due_date"):
        expected[procedure_id] = min(due_date, expected.get(procedure_id, due_date))
    return [
        (procedure.reference, "next_due_date", procedure.next_due_date, expected.get(procedure.pk))
        for procedure in procedures
        if procedure.next_due_date != expected.get(procedure.pk)
    ]


# ---------------------------------------------------------------------------------------------
# The summary of the events, stored on the procedure (docs/decisions/003)
# ---------------------------------------------------------------------------------------------

SUMMARY_FIELDS = ("current_stage", "stage_rank", "closed", "last_act_date")


def summary_of(events) -> dict:
    """What the procedure's summary must hold, computed by the rules from its events."""
    stage = rules.current_stage(events)
    return {
        "current_stage": stage.value if stage else "",
        "stage_rank": rules.stage_rank(stage) if stage else None,
        "closed": rules.is_closed(events),
        "last_act_date": max((event.date for event in events), default=None),
    }


def _stage_rank_expression():
    return Case(
        *[When(kind=kind, then=Value(rank)) for kind, rank in rules.STAGE_RANKS.items()],
        output_field=IntegerField(),
    )


def refresh_summaries(procedure_ids) -> int:
    """Recompute the stored summary (current stage, its rank, closed, last act date) of these
    procedures from their events, in one UPDATE: the only writer of these columns. Call it in the
    transaction that adds, corrects or cancels an act; `procedure_ids` is a list or a queryset of ids."""
    events = ProcedureEvent.objects.filter(procedure=OuterRef("pk"))
    furthest = (
        events.filter(kind__in=list(rules.STAGE_RANKS))
        .annotate(rank=_stage_rank_expression())
        .order_by("-rank", "-date")
    )
    closing = events.filter(kind__in=[str(kind) for kind in rules.CLOSING_KINDS])
    return Procedure.objects.filter(pk__in=procedure_ids).update(
        current_stage=Coalesce(Subquery(furthest.values("kind")[:1]), Value("")),
        stage_rank=Subquery(furthest.values("rank")[:1]),
        closed=Exists(closing),
        last_act_date=Subquery(events.order_by("-date").values("date")[:1]),
    )


def refresh_summary(procedure) -> Procedure:
    """refresh_summaries for one procedure, the instance given updated too."""
    refresh_summaries([procedure.pk])
    stored = Procedure.objects.filter(pk=procedure.pk).values(*SUMMARY_FIELDS).get()
    for name, value in stored.items():
        setattr(procedure, name, value)
    return procedure


def check_summaries(*, chunk_size=2000) -> tuple[int, list]:
    """Every procedure's stored summary against summary_of(its events), and its next due date against
    its open tasks (_next_due_differing): (procedures checked,
    [(reference, field, stored, expected)]), read in chunks of `chunk_size` by primary key."""
    checked, differences, after = 0, [], 0
    fields = ("pk", "reference", "departement_code", "next_due_date", *SUMMARY_FIELDS)
    while True:
        chunk = list(Procedure.objects.filter(pk__gt=after).order_by("pk").only(*fields)[:chunk_size])
        if not chunk:
            return checked, differences
        events = {}
        for event in ProcedureEvent.objects.filter(procedure__in=chunk).only("procedure_id", "kind", "date"):
            events.setdefault(event.procedure_id, []).append(event)
        misplaced = _copies_elsewhere(chunk)
        differences += list_keys_differing(
            Procedure.objects.filter(pk__in=[p.pk for p in chunk]).order_by("pk")
        )
        differences += _next_due_differing(chunk)
        for procedure in chunk:
            for field, expected in summary_of(events.get(procedure.pk, [])).items():
                if getattr(procedure, field) != expected:
                    differences.append((procedure.reference, field, getattr(procedure, field), expected))
            for label, _ in _departement_copies():
                if codes := misplaced.get((procedure.pk, label)):
                    field, stored = f"departement_code {label}", ", ".join(sorted(codes))
                    differences.append((procedure.reference, field, stored, procedure.departement_code))
        checked, after = checked + len(chunk), chunk[-1].pk


def _departement_copies():
    """(label, queryset) of the rows carrying their case's département: the acts (cancelled ones
    too), and those the other apps register (extensions.DEPARTEMENT_COPIES)."""
    return [
        ("des actes", ProcedureEvent.all_objects.all()),
        ("des tâches", Task.objects.all()),
        *[(label, rows()) for label, rows in DEPARTEMENT_COPIES],
    ]


def _copies_elsewhere(procedures) -> dict:
    """{(procedure id, label): {département}} of the rows whose département is not their procedure's:
    the national view would count them in the wrong one (decision 017)."""
    found = {}
    for label, rows in _departement_copies():
        differing = (
            rows.filter(procedure__in=procedures)
            .exclude(departement_code=F("procedure__departement_code"))
            .order_by()
            .values_list("procedure_id", "departement_code")
            .distinct()
        )
        for procedure_id, code in differing:
            found.setdefault((procedure_id, label), set()).add(code)
    return found


def at_stage(stage, *, procedure_ref="pk"):
    """The condition "the current stage is `stage`" on the procedures (or, with procedure_ref, on
    the rows pointing at one), read from the stored summary."""
    field = "current_stage" if procedure_ref == "pk" else f"{procedure_ref}__current_stage"
    return Q(**{field: str(stage)})


# ---------------------------------------------------------------------------------------------
# Search and duplicates
# ---------------------------------------------------------------------------------------------


def normalise(text) -> str:
    """Lower case, accents removed, spaces collapsed: what search_text holds and searches use."""
    text = str(text or "")
    if not text.isascii():  # ASCII has nothing to decompose (a name in two, the import's thousands)
        text = unicodedata.normalize("NFKD", text)
        text = "".join(char for char in text if not unicodedata.combining(char))
    text = text.lower()
    text = "".join(char if char.isalnum() else " " for char in text)
    return " ".join(text.split())


def household_search_text(household) -> str:
    """The names the search box and the duplicates look for: household, persons, claim number."""
    return names_text(household, household.persons.all())


def names_text(household, persons) -> str:
    """household_search_text from these persons (the import's, before they are saved)."""
    lines = [normalise(household.label), normalise(household.benefit_claim_number)]
    for person in persons:
        lines.append(normalise(f"{person.last_name} {person.first_name} {person.birth_year or ''}"))
    return "\n".join(line for line in lines if line)


def household_address_text(household) -> str:
    """The leases' addresses, searched on their own (never mixed with the names)."""
    return addresses_text(household.leases.all())


def addresses_text(leases) -> str:
    """household_address_text from these leases (the import's, before they are saved)."""
    lines = [normalise(f"{lease.address} {lease.postal_code} {lease.commune.name}") for lease in leases]
    return "\n".join(line for line in lines if line)


def _search_texts(household) -> dict:
    return {
        "search_text": household_search_text(household),
        "address_text": household_address_text(household),
    }


def refresh_search_text(household) -> None:
    """Keep Household.search_text and address_text in step with its persons and leases (the
    services call it), and their copies on its procedures (LIST_KEYS, what the search reads)."""
    changed = {
        name: text for name, text in _search_texts(household).items() if text != getattr(household, name)
    }
    if changed:
        Household.objects.filter(pk=household.pk).update(**changed)
        for name, text in changed.items():
            setattr(household, name, text)
        refresh_list_keys(Procedure.objects.filter(household=household))


BULK_SET_PARAMETERS = 60_000


def bulk_set(model, objects, fields) -> None:
    """Write `fields` of many rows in one statement, as `bulk_update` does. On PostgreSQL an
    `UPDATE … FROM (VALUES …)` (bench-api: Django's CASE WHEN per row cost a fifth of an import of
    500 new cases, mostly in building its expressions); elsewhere `bulk_update`. The rows are also
    named by `pk = ANY(…)`: joined on the VALUES alone, PostgreSQL scanned the whole table (a hash
    join, 3.5 s for 5,000 procedures at 500,000: bench/importing.py)."""
    objects = list(objects)
    if not objects:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_update(objects, fields)
        return
    meta, quote = model._meta, connection.ops.quote_name
    columns = [meta.pk, *(meta.get_field(name) for name in fields)]
    row = "(" + ", ".join(f"%s::{column.db_type(connection)}" for column in columns) + ")"
    names = ", ".join(quote(column.column) for column in columns)
    assignments = ", ".join(f"{quote(column.column)} = v.{quote(column.column)}" for column in columns[1:])
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    size = BULK_SET_PARAMETERS // len(columns)  # PostgreSQL takes at most 65,535 parameters
    with connection.cursor() as cursor:
        for start in range(0, len(objects), size):
            batch = objects[start : start + size]
            params = [
                column.get_db_prep_save(getattr(instance, column.attname), connection)
                for instance in batch
                for column in columns
            ]
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (VALUES {', '.join([row] * len(batch))})"
                f" AS v ({names}) WHERE {table}.{pk} = v.{pk} AND {table}.{pk} = ANY(%s)",
                [*params, [instance.pk for instance in batch]],
            )


# pg_trgm's default word_similarity_threshold, the one its `%>` operator applies.
DEFAULT_WORD_SIMILARITY = 0.6


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def find_duplicates(
    *, last_name, first_name="", birth_year=None, benefit_claim_number="", address="", postal_code=""
) -> QuerySet:
    """The households likely to be the same one: same name and year of birth, same claim number
    or same address; accent- and case-insensitive, and fuzzy (trigrams) on PostgreSQL."""
    condition = Q(pk__in=[])
    name = normalise(f"{last_name} {first_name}")
    if name:
        name_match = Q(search_text__contains=name)
        if is_postgresql():
            name_match |= Q(pk__in=_trigram_matches(name))
        if birth_year:
            name_match &= Q(persons__birth_year=birth_year)
        condition |= name_match
    claim = "".join(str(benefit_claim_number or "").split())
    if claim:
        condition |= Q(benefit_claim_number=claim)
    street = normalise(f"{address} {postal_code}")
    if normalise(address):
        condition |= Q(address_text__contains=street)
    return Household.objects.filter(condition).distinct()


def _trigram_match(text, threshold=DEFAULT_WORD_SIMILARITY):
    """search_text holds words like `text` (pg_trgm word similarity ≥ threshold), as a condition on
    a Household or a Procedure (its copy). The `%>` operator (pg_trgm.word_similarity_threshold,
    0.6 by default) lets PostgreSQL use the GIN trigram index; another threshold is rechecked with
    the (slower) function."""
    from django.contrib.postgres.lookups import TrigramWordSimilar
    from django.contrib.postgres.search import TrigramWordSimilarity

    condition = Q(TrigramWordSimilar(F("search_text"), Value(text)))
    if threshold != DEFAULT_WORD_SIMILARITY:
        condition &= Q(GreaterThanOrEqual(TrigramWordSimilarity(Value(text), "search_text"), threshold))
    return condition


def _trigram_matches(text, threshold=DEFAULT_WORD_SIMILARITY):
    return Household.objects.filter(_trigram_match(text, threshold)).values("pk")


# The search reads at most this many households per part (names, addresses), procedures by
# reference and procedures of those households: the page ranks a bounded set, never every household
# sharing a common name (« martin » at 500,000: 300 procedures ranked instead of 900, p95 195 → 132 ms).
SEARCH_CANDIDATES = 300
# Names are read fuzzily (typos) only when their exact lookup finds fewer than a page of households.
FUZZY_BELOW = 50


# The fuzzy name matches read, in the GIN index's order, before the nearest SEARCH_CANDIDATES are
# kept: a typo of a common name matches thousands of households (« rouseau »: 9,881 Rousseau at
# 500,000), and ranking them all by distance took 480 ms; reading 600 of them takes 90 ms.
FUZZY_READ = 2 * SEARCH_CANDIDATES


def _nearest_names(letters, digits, visible, departements=()):
    """The `visible` procedures whose names hold words like `letters` (`_trigram_match`, read from
    the names in the letters of each of `departements`, `_keyed_names`, or else from the GIN
    trigram index that holds the département with the names) and every number of `digits`:
    FUZZY_READ of them, the nearest SEARCH_CANDIDATES by word distance.

    Raw SQL around the queryset's own for one reason: the matches are read in a MATERIALIZED CTE,
    planned without the LIMIT, so PostgreSQL keeps its bitmap index scan; with the LIMIT in sight it
    chose a sequential scan stopping early, testing `%>` on every row until enough matched (0.3 to
    13 s at 500,000)."""
    from django.contrib.postgres.lookups import TrigramWordSimilar

    like = _keyed_names(departements, lambda stored, keyed: TrigramWordSimilar(stored, keyed(letters)))
    numbers = (Q(search_text__contains=number) for number in digits)
    matches = visible.filter(like or _trigram_match(letters), *numbers)
    inner, params = matches.order_by().values("id", "search_text").query.sql_with_params()
    sql = (
        f"WITH matches AS MATERIALIZED ({inner})"
        " SELECT id FROM (SELECT id, search_text FROM matches LIMIT %s) AS read"
        " ORDER BY %s <<-> search_text, id LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, FUZZY_READ, letters, SEARCH_CANDIDATES])
        return [row[0] for row in cursor.fetchall()]


@functools.cache
def _names_are_keyed(alias) -> bool:
    """The index of the names in their département's letters is there (procedure migration 0038;
    not under the C locale, where ideographs have no trigram)."""
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT to_regclass('procedure_dep_search_keys') IS NOT NULL")
        return cursor.fetchone()[0]


def _letters(key, text):
    """`text` written in the letters of the département `key` (procedure migration 0038)."""
    return Func(key, text, function="prevex_keyed_text", output_field=TextField())


def _keyed_names(departements, condition) -> Q:
    """The names that meet `condition(stored, keyed)` in the letters of one of `departements`
    (the user's): `stored` the row's names in its département's letters, `keyed(text)` a text in
    that département's. What the GIN index `procedure_dep_search_keys` answers from that
    département's rows alone, exactly (LIKE) or fuzzily (`%>`), where the index of 0033 intersected
    them with the whole country's (procedure migration 0038). In place of the same condition on the
    plain text, which it equals: beside it PostgreSQL read both indexes and kept their common rows.
    Q() (the plain text then) on SQLite, without a département, past KEYED_DEPARTEMENTS or without
    the index."""
    if not (is_postgresql() and 0 < len(departements) <= KEYED_DEPARTEMENTS):
        return Q()
    if not _names_are_keyed(connection.alias):
        return Q()
    stored = _letters(F("departement_code"), F("search_text"))
    found = Q()
    for code in departements:
        found |= Q(condition(stored, lambda text, code=code: _letters(Value(code), Value(text))))
    return found


def _names_holding(words, departements) -> Q:
    """The names holding every word (the household's texts, copied on the procedure): each word of
    three letters or more in the letters of the user's départements where they are indexed
    (`_keyed_names`), any other on the plain text (a shorter word has no trigram)."""
    long_words = [word for word in words if len(word) >= 3]

    def holding_every_long_word(stored, letters):
        return Q(*(Contains(stored, letters(word)) for word in long_words))

    keyed = _keyed_names(departements, holding_every_long_word) if long_words else Q()
    plain = [word for word in words if not (keyed and len(word) >= 3)]
    return keyed & Q(*(Q(search_text__contains=word) for word in plain))


# A user of more départements reads the addresses from the index of migration 0033: each keyed
# lookup has its cost (41 ms for an organisation serving 101 départements at 500,000 procedures).
KEYED_DEPARTEMENTS = 3


def _address_keys(words, departements) -> Q:
    """The addresses holding every word's trigrams, keyed by one of `departements` (the user's):
    what the GIN index `procedure_dep_address_keys` answers from that département's rows alone
    (procedure migration 0034). The LIKE on each word still decides; words under three letters
    have no trigram and are left to it. Nothing to add on SQLite, without a département or past
    KEYED_DEPARTEMENTS."""
    from django.contrib.postgres.fields import ArrayField
    from django.contrib.postgres.lookups import DataContains

    keyed = " ".join(word for word in words if len(word) >= 3)
    if not (is_postgresql() and keyed and 0 < len(departements) <= KEYED_DEPARTEMENTS):
        return Q()

    def keys(key, text):
        return Func(key, text, function="prevex_keyed_trigrams", output_field=ArrayField(TextField()))

    stored = keys(F("departement_code"), F("address_text"))
    condition = Q()
    for code in departements:
        condition |= Q(DataContains(stored, keys(Value(code), Value(keyed))))
    return condition


def search_procedures(queryset, q, departements=()):
    """The search box, among the procedures of `queryset` (the user's scope): names and claim
    number, reference, and apart the addresses; accent- and case-insensitive, fuzzy and ranked by
    similarity on PostgreSQL. `departements`, the user's, key the addresses' trigrams
    (`_address_keys`): without them, or past KEYED_DEPARTEMENTS, the addresses are read from
    the index of migration 0033.

    Each part is an index lookup of its own within the scope, bounded to SEARCH_CANDIDATES rows, read
    once (their ids, a few hundred at most): the count and the page then read those procedures by
    primary key, and rank them by the names' word similarity to the terms, then the most recently
    opened first. The bound applies to the user's cases, never to the whole database's (a social
    worker's Martin, or a secretariat's in a national database, is found however many others come
    first). The names and addresses are the household's, copied on the procedure (LIST_KEYS). On
    PostgreSQL the GIN trigram indexes answer every part: names and claim numbers, addresses, each
    with the département in its index (procedure migration 0033), and UPPER(reference). Names are
    exact word parts first; the fuzzy `%>` lookup, whose cost grows with its matches (the similarity
    is rechecked on each), runs only when the exact one found fewer than FUZZY_BELOW cases (a typo, a
    rare name), its nearest SEARCH_CANDIDATES kept by distance among the first FUZZY_READ matches
    (`_nearest_names`).
    """
    words = normalise(q).split()
    if not words:
        return queryset.none()
    addresses = Q()
    for word in words:
        addresses &= Q(address_text__contains=word)
    addresses &= _address_keys(words, departements)
    names = _names_holding(words, departements)
    letters = " ".join(word for word in words if not word.isdigit())
    ranked = is_postgresql() and len(letters) >= 4

    def first(condition):
        return list(queryset.filter(condition).order_by().values_list("pk", flat=True)[:SEARCH_CANDIDATES])

    by_addresses = first(addresses)
    by_names = first(names)
    # Terms found as they are in an address are an address: the names are then not read fuzzily,
    # so that "rue Victor Hugo" finds the households of that street, not M. Victor Hugo.
    if ranked and not by_addresses and len(by_names) < FUZZY_BELOW:
        digits = [word for word in words if word.isdigit()]
        by_names += _nearest_names(letters, digits, queryset, departements)
    by_household = list(dict.fromkeys(by_names + by_addresses))[:SEARCH_CANDIDATES]  # each case once
    # Read by primary key alone: every id was read within the scope just now. The scope again beside
    # the ids made PostgreSQL walk the département's 20,000 cases to keep them (issue 16).
    matches = first(Q(reference__icontains=q.strip())) + by_household
    results = queryset.model.objects.filter(pk__in=matches)
    if not ranked:
        return results.order_by("-opened_at", "-pk")
    from django.contrib.postgres.search import TrigramWordSimilarity

    rank = TrigramWordSimilarity(Value(letters), "search_text")
    return results.annotate(rank=rank).order_by("-rank", "-opened_at", "-pk")


# ---------------------------------------------------------------------------------------------
# History and optimistic locking
# ---------------------------------------------------------------------------------------------


def _json(value):
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)


def change_log(obj, changes, user, *, reason="", procedure=None) -> ChangeLog:
    """The unsaved history row of these changes {field: (before, after)} to a household, lease,
    procedure or act (before, after, who, why); an act's change is logged on its procedure."""
    procedure = obj if isinstance(obj, Procedure) else procedure
    household = obj if isinstance(obj, Household) else getattr(procedure or obj, "household", None)
    return bulk.new(  # the import builds one a new case and a debt: ChangeLog() cost thrice as much
        ChangeLog,
        procedure=procedure,
        household=household,
        object_type=obj._meta.model_name,
        object_id=obj.pk,
        user=user,
        changes={field: [_json(before), _json(after)] for field, (before, after) in changes.items()},
        reason=reason,
    )


def _log_changes(obj, changes, user, *, reason="", procedure=None):
    log = change_log(obj, changes, user, reason=reason, procedure=procedure)
    log.save()
    return log


def _refuse_stale(obj, expected_version, what):
    last = (
        ChangeLog.objects.filter(object_type=obj._meta.model_name, object_id=obj.pk)
        .select_related("user")
        .first()
    )
    who = (last.user.get_full_name() or last.user.email) if last and last.user else "un autre utilisateur"
    when = timezone.localtime(last.at).strftime("%H:%M") if last else "--:--"
    raise ValidationError(
        f"{what} a été modifié par {who} à {when} depuis que vous l'avez ouvert : "
        "rechargez la page pour voir ses modifications, puis enregistrez à nouveau les vôtres.",
        code="stale",
    )


def _update(model, obj, data, expected_version, user, what):
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=obj.pk)
        if locked.version != expected_version:
            _refuse_stale(locked, expected_version, what)
        changes = {
            field: (getattr(locked, field), value)
            for field, value in data.items()
            if getattr(locked, field) != value
        }
        if not changes:
            return locked
        for field, (_, value) in changes.items():
            setattr(locked, field, value)
        locked.version += 1
        locked.save()
        _log_changes(locked, changes, user)
    return locked


def update_household(*, household, data, expected_version, user) -> Household:
    """Change a household's fields, refusing the save when someone changed it in between
    (optimistic locking on `version`); every change is kept (who, when, before, after)."""
    updated = _update(Household, household, data, expected_version, user, "Ce ménage")
    refresh_search_text(updated)
    return updated


def update_lease(*, lease, data, expected_version, user) -> Lease:
    updated = _update(Lease, lease, data, expected_version, user, "Ce bail")
    refresh_search_text(updated.household)
    return updated


def refresh_list_keys(procedures) -> int:
    """The household's label, the lease's commune and sector copied again on these procedures
    (Procedure.household_label…: what one département's list sorts and filters on from its own
    index, decision 017), in one UPDATE of those that differ."""
    differing = Q()
    for key, path in LIST_KEYS.items():
        differing |= ~Q(**{key: Coalesce(F(path), Value(""))})
    return procedures.filter(differing).update(
        **{
            key: Subquery(Procedure.objects.filter(pk=OuterRef("pk")).values(path)[:1])
            for key, path in LIST_KEYS.items()
        }
    )


def list_keys_saved(sender, instance, created, **kwargs) -> None:
    """post_save of a household, a lease or a commune (procedure/apps.py): its procedures' copies
    written again, whoever saved it (the services, the admin). A new one has no procedure yet."""
    if created:
        return
    paths = {Household: "household", Lease: "lease", Commune: "lease__commune"}
    refresh_list_keys(Procedure.objects.filter(**{paths[sender]: instance}))


def list_keys_differing(procedures) -> list:
    """[(reference, field, stored, expected)] of these procedures whose copies differ."""
    differences = []
    rows = procedures.values_list("reference", *LIST_KEYS, *LIST_KEYS.values())
    for reference, *values in rows:
        stored, expected = values[: len(LIST_KEYS)], values[len(LIST_KEYS) :]
        for key, have, want in zip(LIST_KEYS, stored, expected, strict=True):
            if have != (want or ""):
                differences.append((reference, key, have, want or ""))
    return differences


def update_procedure(*, procedure, data, expected_version, user) -> Procedure:
    return _update(Procedure, procedure, data, expected_version, user, "Cette procédure")


# ---------------------------------------------------------------------------------------------
# Access log
# ---------------------------------------------------------------------------------------------


def log_access(*, user, procedure=None, context="dossier", **detail) -> AccessLog:
    """Every read of a household's data is logged: user, acting organisation, what, time.

    One case: its `procedure`. Several (an export, a weekly list): no procedure, and `detail` says
    what was read, e.g. `filters={...}, rows=12` (law.md, "Data protection")."""
    return AccessLog.objects.create(
        user=user,
        organisation=acting_organisation(user),
        procedure=procedure,
        context=context,
        detail=detail,
    )


def log_access_to_each(*, user, procedures, context, **detail) -> None:
    """One access-log row per case of a page or a file that holds several (an agenda, say), in one
    statement: the case's readers are then known case by case (the subject export)."""
    organisation = acting_organisation(user)
    AccessLog.objects.bulk_create(
        AccessLog(user=user, organisation=organisation, procedure=procedure, context=context, detail=detail)
        for procedure in procedures
    )


def log_api_access(*, token, context, **detail) -> AccessLog:
    """A read of households' data through the partner API: the token and its organisation instead
    of a user (law.md, "Data protection"), `detail` as for `log_access`."""
    return AccessLog.objects.create(
        api_token=token, organisation=token.organisation, context=context, detail=detail
    )


# ---------------------------------------------------------------------------------------------
# Import of acts (formats.md), implemented in importing.py
# ---------------------------------------------------------------------------------------------


def import_acts(file_obj, *, filename="", file_format=None, user=None, dry_run=False, departements=None):
    """Import a CSV or XLSX file of acts, whole or not at all (formats.md); returns an ImportReport.
    `departements`: where the sender may write (the user's own by default; issue 16)."""
    from .importing import import_acts as run

    return run(
        file_obj,
        filename=filename,
        file_format=file_format,
        user=user,
        dry_run=dry_run,
        departements=departements,
    )

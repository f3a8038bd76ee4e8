"""The services of the procedure: recording acts, tasks, deadlines, search, history.

Views parse input and call one of these; every rule lives in rules.py with its legal reference.
"""

import datetime
import unicodedata
from decimal import Decimal
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.lookups import GreaterThanOrEqual
from django.utils import timezone

from directory.acting import acting_organisation
from households.models import Household, Landlord, Lease, Person

from . import rules
from .models import (
    AccessLog,
    ChangeLog,
    EventKind,
    JudgmentOutcome,
    Outcome,
    PoliceDecision,
    Procedure,
    ProcedureEvent,
    Stage,
    Task,
    WinterTruce,
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


def fr_date(date) -> str:
    return f"{date:%d/%m/%Y}"


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
    }
    _check_fields(kind, date, details)
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
        created = create_tasks(procedure=locked, event=event)
        supersede_tasks(procedure=locked, event=event, new_actions={task.kind for task in created}, user=user)
    return event, True


def _valid_kind(kind) -> str:
    if kind not in EventKind.values:
        raise EventRefused("Choisissez un acte ou un fait de la liste.", field="kind")
    return str(kind)


def _check_fields(kind, date, details) -> None:
    if date is None:
        raise EventRefused("Indiquez la date de l'acte.")
    if date > timezone.localdate():
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


def create_tasks(*, procedure, event) -> list[Task]:
    """The Charte's actions for this act and sector, as tasks with their due dates (idempotent)."""
    stage_rules = rules.actions_for(event.kind, procedure.lease.sector, police_decision=event.police_decision)
    tasks = [
        Task(
            procedure=procedure,
            event=event,
            kind=rule.action.value,
            title=rule.action.label,
            legal_reference=rule.reference,
            due_date=rules.action_due_date(rule, event.date, event.hearing_date),
        )
        for rule in stage_rules
    ]
    return Task.objects.bulk_create(tasks, ignore_conflicts=True)


def supersede_tasks(*, procedure, event, new_actions, user=None) -> int:
    """Set aside the open tasks an act makes pointless, so the work queue shows only live work.

    A closing act (eviction, departure, closure) ends every open task; an act of a later stage
    replaces the same action prescribed at an earlier stage (Charte II.B: e.g. the questionnaire
    at the assignation replaces the one at the commandement de payer not yet sent)."""
    open_tasks = Task.objects.filter(procedure=procedure, status=Task.Status.OPEN).exclude(event=event)
    if event.kind in rules.CLOSING_KINDS:
        reason = f"Dossier clos : {act_name(event.kind, definite=True)} du {fr_date(event.date)}."
    elif rules.stage_rank(event.kind) is not None and new_actions:
        open_tasks = open_tasks.filter(kind__in=new_actions)
        act = act_name(event.kind, definite=True)
        reason = f"Remplacée par la même action après {act} du {fr_date(event.date)}."
    else:
        return 0
    return open_tasks.update(
        status=Task.Status.SET_ASIDE, closed_at=timezone.now(), closed_by=user, set_aside_reason=reason[:250]
    )


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
    return Task.objects.filter(procedure=procedure, kind__in=values, status=Task.Status.OPEN).update(
        status=Task.Status.DONE, closed_at=timezone.now(), closed_by=user, set_aside_reason=note[:250]
    )


def complete_task(*, task, user) -> Task:
    task.status, task.closed_at, task.closed_by = Task.Status.DONE, timezone.now(), user
    task.save(update_fields=["status", "closed_at", "closed_by"])
    return task


def set_aside_task(*, task, user, reason) -> Task:
    """Set a task aside; the reason is required (it shows on the timeline)."""
    if not (reason or "").strip():
        raise EventRefused("Indiquez pourquoi cette tâche est écartée.", field="reason")
    task.status, task.closed_at, task.closed_by = Task.Status.SET_ASIDE, timezone.now(), user
    task.set_aside_reason = reason.strip()[:250]
    task.save(update_fields=["status", "closed_at", "closed_by", "set_aside_reason"])
    return task


# ---------------------------------------------------------------------------------------------
# Deadlines and anomalies
# ---------------------------------------------------------------------------------------------


class Deadline(NamedTuple):
    date: datetime.date
    label: str
    reference: str
    kind: str
    overdue: bool

    def __str__(self):
        return f"{self.label} ({self.reference})"


def truces_around(date) -> list:
    """The winter-truce periods near a date: the defaults, replaced by the recorded WinterTruce rows."""
    years = range(date.year - 1, date.year + 3)
    return rules.winter_truce_periods(years, WinterTruce.objects.all())


def _latest(events, kind):
    matching = [event for event in events if event.kind == kind]
    return max(matching, key=lambda event: event.date) if matching else None


def next_deadlines(procedure, *, today=None, events=None) -> list[Deadline]:
    """The procedure's coming legal deadlines, soonest first, with the rule and its reference."""
    today = today or timezone.localdate()
    events = list(procedure.events.all()) if events is None else events
    if rules.is_closed(events):
        return []
    stage = rules.current_stage(events)
    found = []
    found += _termination_deadline(procedure, events, stage)
    found += _hearing_deadlines(events, stage, today)
    found += _eviction_deadlines(events, stage, today)
    found += _police_decision_deadline(events, stage)
    return sorted(
        (Deadline(date, label, reference, kind, date < today) for date, label, reference, kind in found),
        key=lambda deadline: deadline.date,
    )


def _termination_deadline(procedure, events, stage):
    if stage != Stage.PAYMENT_ORDER:
        return []
    payment_order = _latest(events, EventKind.PAYMENT_ORDER)
    date, reference = rules.termination_clause_date(payment_order.date, procedure.lease.signed_on)
    return [
        (
            date,
            f"Clause résolutoire acquise le {fr_date(date)} faute de paiement",
            reference,
            "clause_resolutoire",
        )
    ]


def _hearing_deadlines(events, stage, today):
    summons = _latest(events, EventKind.SUMMONS)
    if summons is None or stage not in (Stage.SUMMONS, Stage.HEARING) or summons.hearing_date < today:
        return []
    hearing = summons.hearing_date
    dsf, reference = rules.dsf_deadline(hearing)
    return [
        (
            dsf,
            f"Audience le {fr_date(hearing)} : DSF attendu au plus tard le {fr_date(dsf)}",
            reference,
            "dsf",
        ),
        (hearing, f"Audience le {fr_date(hearing)}", "loi 89-462 art. 24", "audience"),
    ]


def _eviction_deadlines(events, stage, today):
    if stage not in (Stage.ORDER_TO_VACATE, Stage.POLICE_REQUEST, Stage.POLICE_ASSISTANCE):
        return []
    cql = _latest(events, EventKind.ORDER_TO_VACATE)
    if cql is None:
        return []
    decision = _latest(events, EventKind.POLICE_ASSISTANCE)
    if decision is not None and decision.police_decision == PoliceDecision.REFUSED:
        return []
    found = []
    if stage == Stage.ORDER_TO_VACATE:
        possible, reference = rules.requisition_possible_from(cql.date)
        if possible >= today:
            found.append(
                (
                    possible,
                    f"Réquisition de la force publique possible à partir du {fr_date(possible)}",
                    reference,
                    "requisition",
                )
            )
    eviction = rules.first_eviction_date(cql.date, truces_around(cql.date))
    if eviction >= today:
        two_months = rules.add_months(cql.date, 2)
        if eviction > two_months:
            label, reference = (
                f"Expulsion possible à partir du {fr_date(eviction)}, fin de la trêve hivernale",
                ("CPCE L.412-6"),
            )
        else:
            label = (
                f"Expulsion possible à partir du {fr_date(eviction)}, "
                "2 mois après le commandement de quitter les lieux"
            )
            reference = "CPCE L.412-1"
        found.append((eviction, label, reference, "expulsion"))
    return found


def _police_decision_deadline(events, stage):
    if stage != Stage.POLICE_REQUEST:
        return []
    requisition = _latest(events, EventKind.POLICE_REQUEST)
    cql = _latest(events, EventKind.ORDER_TO_VACATE)
    date, _ = rules.police_decision_deadline(requisition.date, cql.date if cql else None)
    label = f"Décision du préfet attendue avant le {fr_date(date)}, silence = refus"
    return [(date, label, "CPCE R.153-1", "decision_prefet")]


def anomalies(procedure, *, events=None) -> list[str]:
    """What is wrong in the procedure's acts: an assignation notified too late before the
    hearing (loi 89-462 art. 24 III), a premature réquisition (CE 18 Dec 2013), an eviction
    before the end of the delay or during the winter truce (CPCE L.412-1, L.412-6)."""
    events = list(procedure.events.all()) if events is None else events
    found = []
    for summons in (event for event in events if event.kind == EventKind.SUMMONS and event.hearing_date):
        deadline, reference = rules.summons_notice_deadline(summons.hearing_date, summons.date)
        if summons.date > deadline:
            delay = rules.rule_in_force(rules.SUMMONS_NOTICE, summons.date).value
            weeks = "6 semaines" if delay.days == 42 else str(delay)
            found.append(
                f"Assignation du {fr_date(summons.date)} notifiée moins de {weeks} avant l'audience du "
                f"{fr_date(summons.hearing_date)} (au plus tard le {fr_date(deadline)}) ({reference})."
            )
    cql = _latest(events, EventKind.ORDER_TO_VACATE)
    if cql is not None:
        possible, reference = rules.requisition_possible_from(cql.date)
        for requisition in (e for e in events if e.kind == EventKind.POLICE_REQUEST and e.date < possible):
            found.append(
                f"Réquisition du {fr_date(requisition.date)} avant la fin des 2 mois suivant le "
                f"commandement de quitter les lieux du {fr_date(cql.date)} : "
                f"elle est réputée faite le {fr_date(possible)} ({reference})."
            )
        eviction = _latest(events, EventKind.EVICTION)
        first = rules.first_eviction_date(cql.date, truces_around(cql.date))
        if eviction is not None and eviction.date < first:
            found.append(
                f"Expulsion du {fr_date(eviction.date)} avant le {fr_date(first)}, première date possible "
                f"(CPCE L.412-1, L.412-6)."
            )
    return found


# ---------------------------------------------------------------------------------------------
# The current stage in SQL
# ---------------------------------------------------------------------------------------------


def stage_rank_expression():
    return Case(
        *[When(kind=kind, then=Value(rank)) for kind, rank in rules.STAGE_RANKS.items()],
        default=Value(-1),
        output_field=IntegerField(),
    )


def annotate_stage(queryset):
    """Annotate `current_stage` (the furthest act's kind) and `closed` on Procedures, in SQL:
    the stage is derived from the events, never stored."""
    latest_act = (
        ProcedureEvent.objects.filter(procedure=OuterRef("pk"), kind__in=list(rules.STAGE_RANKS))
        .annotate(rank=stage_rank_expression())
        .order_by("-rank", "-date")
    )
    closing = ProcedureEvent.objects.filter(
        procedure=OuterRef("pk"), kind__in=[str(k) for k in rules.CLOSING_KINDS]
    )
    return queryset.annotate(current_stage=Subquery(latest_act.values("kind")[:1]), closed=Exists(closing))


def _events_of(kinds, procedure_ref):
    return ProcedureEvent.objects.filter(procedure=OuterRef(procedure_ref), kind__in=[str(k) for k in kinds])


def procedures_at_stage(stage):
    """The ids of the procedures whose current stage is `stage`: an act of that stage and none of a
    later one (rules.STAGE_ORDER), answered from the events alone by two index-only scans of the
    (kind, procedure) index and a hash anti-join, before any procedure row is read."""
    rank = rules.STAGE_RANKS[str(stage)]
    later = [kind for kind, other in rules.STAGE_RANKS.items() if other > rank]
    events = ProcedureEvent.objects.filter(kind=str(stage))
    if later:
        events = events.filter(~Exists(_events_of(later, "procedure_id")))
    return events.values("procedure_id")


def at_stage(stage, *, procedure_ref="pk"):
    """The condition "the current stage is `stage`" on the procedures (or, with procedure_ref, on
    the rows pointing at one): equivalent to filtering annotate_stage's current_stage, without
    deriving it for every row."""
    return Q(**{f"{procedure_ref}__in": procedures_at_stage(stage)})


def is_closed_condition(*, procedure_ref="pk"):
    """A closing fact recorded (rules.CLOSING_KINDS): closure, eviction or departure."""
    return Exists(_events_of(rules.CLOSING_KINDS, procedure_ref))


def stage_rank_for_sorting():
    """The current stage's rank (rules.STAGE_ORDER), None without act, to sort a whole list: one
    hashed IN (...) per stage, built once per query, instead of a subquery per row."""
    return Case(
        *[
            When(pk__in=ProcedureEvent.objects.filter(kind=kind).values("procedure"), then=Value(rank))
            for kind, rank in sorted(rules.STAGE_RANKS.items(), key=lambda item: -item[1])
        ],
        output_field=IntegerField(),
    )


# ---------------------------------------------------------------------------------------------
# Search and duplicates
# ---------------------------------------------------------------------------------------------


def normalise(text) -> str:
    """Lower case, accents removed, spaces collapsed: what search_text holds and searches use."""
    text = unicodedata.normalize("NFKD", str(text or ""))
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    text = "".join(char if char.isalnum() else " " for char in text)
    return " ".join(text.split())


def household_search_text(household) -> str:
    lines = [normalise(household.label), normalise(household.benefit_claim_number)]
    for person in household.persons.all():
        lines.append(normalise(f"{person.last_name} {person.first_name} {person.birth_year or ''}"))
    for lease in household.leases.select_related("commune"):
        lines.append(normalise(f"{lease.address} {lease.postal_code} {lease.commune.name}"))
    return "\n".join(line for line in lines if line)


def refresh_search_text(household) -> None:
    """Keep Household.search_text in step with its persons and leases (the services call it)."""
    text = household_search_text(household)
    if text != household.search_text:
        Household.objects.filter(pk=household.pk).update(search_text=text)
        household.search_text = text


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
        condition |= Q(search_text__contains=street)
    return Household.objects.filter(condition).distinct()


def _trigram_match(text, threshold=DEFAULT_WORD_SIMILARITY):
    """search_text holds words like `text` (pg_trgm word similarity ≥ threshold), as a condition on
    Household. The `%>` operator (pg_trgm.word_similarity_threshold, 0.6 by default) lets PostgreSQL
    use the GIN trigram index; another threshold is rechecked with the (slower) function."""
    from django.contrib.postgres.lookups import TrigramWordSimilar
    from django.contrib.postgres.search import TrigramWordSimilarity

    condition = Q(TrigramWordSimilar(F("search_text"), Value(text)))
    if threshold != DEFAULT_WORD_SIMILARITY:
        condition &= Q(GreaterThanOrEqual(TrigramWordSimilarity(Value(text), "search_text"), threshold))
    return condition


def _trigram_matches(text, threshold=DEFAULT_WORD_SIMILARITY):
    return Household.objects.filter(_trigram_match(text, threshold)).values("pk")


def search_procedures(queryset, q):
    """The search box: name, reference, address, claim number; accent-insensitive, fuzzy on PostgreSQL.

    The households are matched in one subquery on their own table (containment OR similarity), which
    PostgreSQL answers with the GIN trigram index (BitmapOr), and the references in another, with
    the GIN trigram index on UPPER(reference) (migration procedure 0003); each is hashed once, so the
    page walks the procedures in their default order (index on opened_at) and stops at 50 matches.
    """
    words = normalise(q).split()
    if not words:
        return queryset.none()
    text_match = Q()
    for word in words:
        text_match &= Q(search_text__contains=word)
    letters = " ".join(word for word in words if not word.isdigit())
    if is_postgresql() and len(letters) >= 4:
        text_match |= _trigram_match(letters)
    households = Household.objects.filter(text_match).values("pk")
    by_reference = Procedure.objects.filter(reference__icontains=q.strip()).order_by().values("pk")
    return queryset.filter(Q(pk__in=by_reference) | Q(household__in=households))


# ---------------------------------------------------------------------------------------------
# History and optimistic locking
# ---------------------------------------------------------------------------------------------


def _json(value):
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)


def _log_changes(obj, changes, user):
    household = obj if isinstance(obj, Household) else getattr(obj, "household", None)
    procedure = obj if isinstance(obj, Procedure) else None
    return ChangeLog.objects.create(
        procedure=procedure,
        household=household,
        object_type=obj._meta.model_name,
        object_id=obj.pk,
        user=user,
        changes={field: [_json(before), _json(after)] for field, (before, after) in changes.items()},
    )


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


def log_api_access(*, token, context, **detail) -> AccessLog:
    """A read of households' data through the partner API: the token and its organisation instead
    of a user (law.md, "Data protection"), `detail` as for `log_access`."""
    return AccessLog.objects.create(
        api_token=token, organisation=token.organisation, context=context, detail=detail
    )


# ---------------------------------------------------------------------------------------------
# Import of acts (formats.md), implemented in importing.py
# ---------------------------------------------------------------------------------------------


def import_acts(file_obj, *, filename="", file_format=None, user=None, dry_run=False):
    """Import a CSV or XLSX file of acts, whole or not at all (formats.md); returns an ImportReport."""
    from .importing import import_acts as run

    return run(file_obj, filename=filename, file_format=file_format, user=user, dry_run=dry_run)

"""The rehousing pool (Charte annexe 2): entries, offers and answers, the target period."""

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from directory.acting import (
    require_secretariat,
)
from procedure.models import EventKind, JudgmentOutcome, ProcedureEvent

from .. import scope
from ..models import (
    POOL_TARGET_MAX_MONTHS,
    POOL_TARGET_MIN_MONTHS,
    RehousingOffer,
    RehousingPoolEntry,
)
from .common import CommissionRefused

# ---------------------------------------------------------------------------------------------
# The rehousing pool (Charte annexe 2)
# ---------------------------------------------------------------------------------------------


def enter_pool(*, procedure, user, quota, recommendation=None, entered_on=None) -> RehousingPoolEntry:
    """Put a household forward for the prefectoral quota or the departmental agreement (Charte
    annexe 2: "ménages identifiés par la CCAPEX ou le secrétariat CCAPEX"); one open entry a case,
    and a second proposal for a case already in the pool returns its entry."""
    require_secretariat(user)
    existing = RehousingPoolEntry.objects.filter(
        procedure=procedure, status=RehousingPoolEntry.Status.IN_POOL
    ).first()
    if existing is not None:
        if recommendation is not None and existing.recommendation_id is None:
            existing.recommendation = recommendation
            existing.save(update_fields=["recommendation"])
        return existing
    by = RehousingPoolEntry.ProposedBy
    return RehousingPoolEntry.objects.create(
        procedure=procedure,
        recommendation=recommendation,
        proposed_by=by.COMMISSION if recommendation is not None else by.SECRETARIAT,
        quota=quota,
        entered_on=entered_on or timezone.localdate(),
        created_by=user,
    )


def update_pool_entry(*, entry, user, data) -> RehousingPoolEntry:
    """The secretariat checks the social report for the elements annexe 2 lists, names the lead
    landlord designated at the inter-landlord commission, and records the outcome (rehoused, or
    withdrawn with its reason)."""
    require_secretariat(user)
    status = data.get("status", entry.status)
    if status == RehousingPoolEntry.Status.WITHDRAWN and not data.get("withdrawal_reason"):
        raise CommissionRefused("Indiquez le motif du retrait du vivier.")
    if data.get("lead_landlord") and not data.get("lead_named_on"):
        raise CommissionRefused(
            "Indiquez la date de la commission inter-bailleurs qui a désigné le chef de file."
        )
    for field, value in data.items():
        setattr(entry, field, value)
    if status == RehousingPoolEntry.Status.IN_POOL:
        entry.outcome_on, entry.withdrawal_reason = None, ""
    elif entry.outcome_on is None:
        entry.outcome_on = timezone.localdate()
    if status != RehousingPoolEntry.Status.WITHDRAWN:
        entry.withdrawal_reason = ""
    entry.save()
    return entry


def add_offer(*, entry, user, landlord, offered_on, description="") -> RehousingOffer:
    require_secretariat(user)
    if entry.status != RehousingPoolEntry.Status.IN_POOL:
        raise CommissionRefused("Ce ménage n'est plus au vivier.")
    return RehousingOffer.objects.create(
        entry=entry, landlord=landlord, offered_on=offered_on, description=description.strip()
    )


def answer_offer(*, offer, user, answer, reason="", adapted=None) -> RehousingOffer:
    """A refusal or a withdrawal is recorded with its reason (Charte annexe 2: "le bailleur informe
    le travailleur social et la DDCS qui indiquera si le logement était bien adapté")."""
    require_secretariat(user)
    if answer in (RehousingOffer.Answer.REFUSED, RehousingOffer.Answer.WITHDRAWN) and not reason.strip():
        raise CommissionRefused("Indiquez le motif du refus ou du retrait de la proposition.")
    offer.answer, offer.reason, offer.adapted = answer, reason.strip()[:500], adapted
    offer.save(update_fields=["answer", "reason", "adapted"])
    return offer


def months_between(start, end) -> int:
    delta = relativedelta(end, start)
    return delta.years * 12 + delta.months


def pool_status(entry, *, today=None, terminated=None) -> dict:
    """Time in the pool against the 3-to-6-month target, and whether a DALO appeal is to be
    suggested: more than 6 months without rehousing after a judgment terminating the lease
    (Charte annexe 2: "Délai de relogement : 3 à 6 mois. Si résiliation de bail : DALO au motif
    d'être menacé d'expulsion"; CCH L.441-2-3)."""
    today = today or timezone.localdate()
    end = entry.outcome_on or today
    days = (end - entry.entered_on).days
    months = months_between(entry.entered_on, end)
    in_pool = entry.status == RehousingPoolEntry.Status.IN_POOL
    overdue = in_pool and end > entry.entered_on + relativedelta(months=POOL_TARGET_MAX_MONTHS)
    if terminated is None:
        terminated = lease_terminated(entry.procedure_id)
    return {
        "days": days,
        "months": months,
        "overdue": overdue,
        "in_target": in_pool and months >= POOL_TARGET_MIN_MONTHS and not overdue,
        "dalo_suggested": overdue and terminated,
    }


DALO_MESSAGE = (
    "Plus de 6 mois au vivier sans relogement après la résiliation du bail : un recours DALO au "
    "motif d'être menacé d'expulsion est à proposer au ménage (Charte annexe 2)."
)


def _termination_events():
    return ProcedureEvent.objects.filter(
        kind=EventKind.JUDGMENT, judgment_outcome=JudgmentOutcome.TERMINATION
    )


def lease_terminated(procedure_id) -> bool:
    return _termination_events().filter(procedure_id=procedure_id).exists()


def lease_terminated_by(events) -> bool:
    """lease_terminated from the case's effective events already read (the case page's)."""
    return any(
        event.kind == EventKind.JUDGMENT and event.judgment_outcome == JudgmentOutcome.TERMINATION
        for event in events
    )


def pool_entries(*, include_closed=False, user=None):
    """The pool's entries with their status, oldest first; terminated leases in one query (of the
    user's départements when given, issue 16)."""
    entries = (
        (scope.pool_entries(user) if user is not None else RehousingPoolEntry.objects)
        .select_related("procedure__household", "procedure__lease__commune", "lead_landlord")
        .annotate(
            terminated=Exists(_termination_events().filter(procedure=OuterRef("procedure"))),
            offer_count=Count("offers"),
            refusal_count=Count("offers", filter=Q(offers__answer=RehousingOffer.Answer.REFUSED)),
        )
    )
    if not include_closed:
        entries = entries.filter(status=RehousingPoolEntry.Status.IN_POOL)
    today = timezone.localdate()
    entries = list(entries.order_by("entered_on", "pk"))
    for entry in entries:
        entry.pool = pool_status(entry, today=today, terminated=entry.terminated)
    return entries

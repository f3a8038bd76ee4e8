"""Decisions and recommendations, the relevé de décisions, the members' summary of a case and the
merging of commissions (Charte II.A; décret 2026-83).
"""

from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from directory import history
from directory.acting import (
    require_secretariat,
)
from households.models import HousingSector
from procedure import rules

from ..models import (
    AgendaItem,
    Commission,
    Recommendation,
    RehousingPoolEntry,
    ReviewRequest,
    Session,
)
from .common import CommissionRefused, R
from .pool import enter_pool

# ---------------------------------------------------------------------------------------------
# Decisions and recommendations
# ---------------------------------------------------------------------------------------------


def record_decision(*, item, user, attendance, opinion) -> AgendaItem:
    """The commission's opinion on a case and who attended (Charte II.A.2: "Établir le relevé de
    décisions"); the session is then held and the saisine examined."""
    require_secretariat(user)
    if item.session.date > timezone.localdate():
        raise CommissionRefused("La séance n'a pas encore eu lieu.")
    if item.session.status == Session.Status.CLOSED:
        raise CommissionRefused("Cette séance est close.")
    with transaction.atomic():
        item.attendance, item.opinion, item.decided_at = attendance, opinion.strip(), timezone.now()
        item.save(update_fields=["attendance", "opinion", "decided_at"])
        Session.objects.filter(pk=item.session_id).update(status=Session.Status.HELD)
        item.session.status = Session.Status.HELD
        if item.review_request_id:
            ReviewRequest.objects.filter(pk=item.review_request_id).update(
                status=ReviewRequest.Status.EXAMINED
            )
            history.record_updates(ReviewRequest, [item.review_request_id], user=user)
    return item


# A recommendation of these kinds is handed to the organisation as a referral (referrals app).
REFERRAL_KINDS = {
    R.DSF: "dsf",
    R.CCAPEX_DIAGNOSIS: "diagnostic_ccapex",
    R.ANTICIPATION_VISIT: "visite_anticipation",
    R.ASLL: "accompagnement",
    R.MASP: "accompagnement",
    R.MLDA: "accompagnement",
}


def add_recommendation(
    *, item, user, kind, responsible, due_date, detail="", funding_source="", quota=""
) -> Recommendation:
    """A recommendation of the commission, with the organisation responsible and a due date; one
    that is a referral (DSF, diagnostic CCAPEX, visite anticipation, support measure) creates it,
    or is linked to the one already open of that kind; one of kind rehousing pool puts the
    household in the pool (Charte annexe 2), for the quota chosen."""
    from .. import follow_up

    require_secretariat(user)
    if item.session.date > timezone.localdate():
        raise CommissionRefused("La séance n'a pas encore eu lieu.")
    with transaction.atomic():
        referral = _referral_for(item, user, kind, responsible, due_date, detail, funding_source)
        recommendation = Recommendation.objects.create(
            agenda_item=item,
            procedure=item.procedure,
            kind=kind,
            detail=detail.strip(),
            responsible=responsible,
            due_date=due_date,
            referral=referral,
        )
        follow_up.announce(recommendation)
        if kind == R.REHOUSING_POOL:
            enter_pool(
                procedure=item.procedure,
                user=user,
                quota=quota or RehousingPoolEntry.Quota.PREFECTORAL,
                recommendation=recommendation,
            )
        return recommendation


def _referral_for(item, user, kind, responsible, due_date, detail, funding_source):
    from referrals import services as referral_services
    from referrals.models import Referral

    referral_kind = REFERRAL_KINDS.get(kind)
    if referral_kind is None:
        return None
    existing = Referral.objects.open().filter(procedure=item.procedure, kind=referral_kind).first()
    if existing is not None:
        return existing
    reason = (
        f"Préconisation de la {item.session.commission} du {item.session.date:%d/%m/%Y}. {detail}".strip()
    )
    try:
        return referral_services.request_referral(
            procedure=item.procedure,
            kind=referral_kind,
            addressed_to=responsible,
            user=user,
            reason=reason,
            due_date=due_date,
            funding_source=funding_source,
        )
    except referral_services.ReferralRefused as error:
        raise CommissionRefused(error.messages[0]) from error


def close_recommendation(*, recommendation, user, status, note="") -> Recommendation:
    """Follow a recommendation to its end: done, not done (the reason is required) or obsolete."""
    require_secretariat(user)
    if status not in (
        Recommendation.Status.DONE,
        Recommendation.Status.NOT_DONE,
        Recommendation.Status.OBSOLETE,
    ):
        raise CommissionRefused("Choisissez réalisée, non réalisée ou sans objet.")
    if status == Recommendation.Status.NOT_DONE and not note.strip():
        raise CommissionRefused("Indiquez pourquoi la préconisation n'a pas été réalisée.")
    recommendation.status, recommendation.outcome_note = status, note.strip()[:500]
    recommendation.closed_at, recommendation.closed_by = timezone.now(), user
    recommendation.save(update_fields=["status", "outcome_note", "closed_at", "closed_by"])
    return recommendation


def close_session(*, session, user) -> Session:
    require_secretariat(user)
    if session.status != Session.Status.HELD:
        raise CommissionRefused("Seule une séance tenue peut être close.")
    session.status = Session.Status.CLOSED
    session.save(update_fields=["status"])
    return session


def earlier_recommendations(session):
    """What became of the recommendations of the commission's earlier sessions (Charte II.A:
    "Assurer le suivi des dossiers"), shown on the next session."""
    return (
        Recommendation.objects.filter(
            agenda_item__session__commission=session.commission, agenda_item__session__date__lt=session.date
        )
        .select_related("procedure__household", "responsible", "agenda_item__session", "referral")
        .order_by("-agenda_item__session__date", "agenda_item__order", "pk")
    )


def sessions_with_counts(queryset):
    return queryset.annotate(item_count=Count("items", distinct=True))


# ---------------------------------------------------------------------------------------------
# The relevé de décisions
# ---------------------------------------------------------------------------------------------


def decision_record_html(session) -> str:
    """The relevé de décisions of a session (Charte II.A.2: "Établir le relevé de décisions")."""
    items = session.items.select_related("procedure__household", "procedure__lease__commune", "presenter")
    items = items.prefetch_related("recommendations__responsible")
    return render_to_string(
        "commissions/decision_record_pdf.html",
        {"session": session, "items": list(items), "chairs": list(session.commission.co_chairs.all())},
    )


def decision_record_pdf(session) -> bytes:
    require_decisions(session)
    return HTML(string=decision_record_html(session)).write_pdf()


def require_decisions(session):
    if session.status not in (Session.Status.HELD, Session.Status.CLOSED):
        raise CommissionRefused("Le relevé de décisions est établi une fois la séance tenue.")


# ---------------------------------------------------------------------------------------------
# The members' summary of a case
# ---------------------------------------------------------------------------------------------


def case_summary(session, item, procedure) -> dict:
    """What a member needs to examine the case: the household's composition, the stage, the acts'
    dates, the debt and the diagnoses shared with the commission; no name of a person, no contact
    details (Code pénal 226-13: only the strictly necessary)."""
    from households.models import Person
    from referrals.models import Diagnosis

    events = list(procedure.events.all())
    stage = rules.current_stage(events)
    persons = Person.objects.filter(household_id=procedure.household_id).order_by("role", "birth_year")
    diagnoses = Diagnosis.objects.filter(
        referral__procedure=procedure, shared_with_commission=True, status=Diagnosis.Status.SUBMITTED
    ).select_related("referral__addressed_to")
    return {
        "title": f"{procedure.household.label} — {session.commission}",
        "session": session,
        "item": item,
        "procedure": procedure,
        "household": procedure.household,
        "composition": [(person.get_role_display(), person.birth_year) for person in persons],
        "stage": stage.label if stage else "Aucun acte",
        "sector": HousingSector(procedure.lease.sector).label,
        "events": [event for event in events if rules.stage_rank(event.kind) is not None],
        "diagnoses": list(diagnoses),
    }


@transaction.atomic
def merge_commissions(*, commissions, into) -> int:
    """Merge formations into another (fiche action 4: the formations are reorganised): they are
    retired, their history kept, and their pending saisines move to `into` (unless it already has
    one for the same case)."""
    merged = commissions.exclude(pk=into.pk)
    already = ReviewRequest.objects.filter(
        commission=into, procedure=OuterRef("procedure"), status__in=ReviewRequest.OPEN_STATUSES
    )
    moving = ReviewRequest.objects.filter(commission__in=merged, status=ReviewRequest.Status.PENDING).exclude(
        Exists(already)
    )
    moved = list(moving.values_list("pk", flat=True))
    ReviewRequest.objects.filter(pk__in=moved).update(commission=into)
    history.record_updates(ReviewRequest, moved)
    retired = list(merged.values_list("pk", flat=True))
    count = Commission.objects.filter(pk__in=retired).update(
        is_active=False, retired_on=timezone.localdate(), merged_into=into
    )
    history.record_updates(Commission, retired)
    return count

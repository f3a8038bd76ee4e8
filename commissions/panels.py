"""What the commissions app adds to the procedure's pages (registered in apps.py): the access
grant, the case panel, the work-queue section and the timeline entries."""

from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from directory.acting import acting_organisation, acting_role, is_secretariat
from directory.models import Role
from procedure.extensions import TimelineEntry, once

from . import follow_up, scope, services
from .models import AgendaItem, Recommendation, RehousingPoolEntry, Session


def commission_grant(user) -> Q:
    """A commission member reads the cases on the published agenda of a session of a commission
    they sit on (as a named representative), until COMMISSION_ACCESS_DAYS after it (docs/
    architecture.md; Code pénal 226-13: only what the examination needs)."""
    organisation = acting_organisation(user)
    if acting_role(user) != Role.COMMISSION_MEMBER or organisation is None:
        return Q(pk__in=[])
    sessions = Session.objects.open_to_members().sat_on_by(user, organisation)
    # A case transferred to another département leaves its former formations' members (issue 16).
    items = AgendaItem.objects.filter(
        session__in=sessions.values("pk"),
        procedure__departement_code=F("session__commission__departement_code"),
    )
    return Q(pk__in=items.values("procedure_id"))


def recommendation_grant(user) -> Q:
    """An organisation named by a recommendation reads the case while it is open, and
    RECOMMENDATION_ACCESS_DAYS after it is answered or closed (like a referral)."""
    if is_secretariat(user):
        return Q(pk__in=[])
    return Q(pk__in=Recommendation.objects.visible_to(user).values("procedure_id"))


def case_panel(request, procedure) -> dict:
    """The case's saisines, examinations and recommendations; the saisine form's link."""
    secretariat = is_secretariat(request.user)
    may_refer = secretariat or request.acting.role in services.REFERRING_ROLES
    if not may_refer:
        return {"panel": None}
    today = timezone.localdate()
    case = _case_records(procedure)
    pool_entries = case["pool_entries"]
    for entry in pool_entries:
        entry.pool = services.pool_status(entry, today=today, terminated=case["terminated"])
    return {
        "panel": {
            "reviews": case["reviews"],
            "items": case["items"],
            "recommendations": case["recommendations"],
            "request_url": reverse("commissions:request_review", args=[procedure.pk]),
            "is_secretariat": secretariat,
            "organisation_id": getattr(request.acting.organisation, "pk", None),
            "today": today,
            "procedure_id": procedure.pk,
            "pool_entries": pool_entries,
            "in_pool": any(entry.status == RehousingPoolEntry.Status.IN_POOL for entry in pool_entries),
            "dalo_message": services.DALO_MESSAGE,
        }
    }


def _case_records(procedure) -> dict:
    """The case's saisines, agenda items, recommendations and rehousing pool entries, read once for
    the panel and the timeline (procedure.extensions.once)."""

    def load():
        return {
            "terminated": services.lease_terminated_by(procedure.events.all()),
            "reviews": list(procedure.review_requests.select_related("commission").order_by("-created_at")),
            "items": list(
                procedure.agenda_items.select_related("session__commission").order_by("-session__date")
            ),
            "recommendations": list(procedure.recommendations.select_related("responsible")),
            "pool_entries": list(
                procedure.rehousing_entries.prefetch_related("offers__landlord").order_by("-entered_on")
            ),
        }

    return once(procedure, "commissions", load)


SHOWN = 50  # the rows of each table of the work queue's section
# The columns the section's rows print (templates/commissions/work_queue_section.html and
# _recommendation_status.html), not every column of the recommendation, its organisation, case,
# household, agenda item, session and commission (issue 11, docs/decisions/016).
ROW_FIELDS = (
    "kind",
    "due_date",
    "procedure_id",
    "agenda_item_id",
    "responsible__name",
    "procedure__household_label",  # the procedure's copy (procedure.models.LIST_KEYS): one join less
    "agenda_item__session__date",
    "agenda_item__session__commission__name",
)
ANSWER_FIELDS = (*ROW_FIELDS, "status", "done_on", "answered_at", "answer", "outcome_note")


def work_queue_section(request) -> dict:
    """The overdue recommendations, for the secretariat (Charte II.A: "Assurer le suivi")."""
    if not is_secretariat(request.user):
        return {"overdue_recommendations": None}
    overdue = (
        scope.recommendations(request.user)
        .overdue()
        .select_related("responsible", "procedure", "agenda_item__session__commission")
    )
    shown = list(overdue.only(*ROW_FIELDS)[:SHOWN])
    return {
        "overdue_recommendations": shown,
        "overdue_count": len(shown) if len(shown) < SHOWN else overdue.count(),  # fewer: all of them
        "answers": list(follow_up.answers_received(request.user).only(*ANSWER_FIELDS)[:SHOWN]),
        "answers_days": follow_up.ANSWERS_SHOWN_DAYS,
        "today": timezone.localdate(),
    }


def inbox_section(request) -> dict:
    """The recommendations the organisation has to answer, on its inbox (referrals'
    INBOX_SECTIONS): one query."""
    if is_secretariat(request.user):
        return {"received": None}
    return {"received": list(follow_up.received(request.user)[:200]), "today": timezone.localdate()}


def timeline_entries(procedure, user):
    """Saisines, examinations and recommendations on the case's timeline."""
    if not (is_secretariat(user) or acting_role(user) in services.REFERRING_ROLES):
        return
    case = _case_records(procedure)
    for review in case["reviews"]:
        yield TimelineEntry(
            at=review.created_at,
            title=f"Saisine : {review.commission}",
            detail=review.reason,
            kind="commission",
            badges=(review.get_status_display(),),
        )
    for item in [item for item in case["items"] if item.decided_at is not None]:
        yield TimelineEntry(
            at=item.session.date,
            title=f"Examen en {item.session.commission}",
            detail=item.opinion,
            kind="commission",
            url=reverse("commissions:session", args=[item.session_id]),
        )
    today = timezone.localdate()
    for recommendation in case["recommendations"]:
        yield _recommendation_entry(recommendation, today)
    yield from _pool_entries(case, today)


def _pool_entries(case, today):
    """The rehousing pool on the timeline: the entry, each offer, the outcome (Charte annexe 2)."""
    terminated = case["terminated"]
    for entry in case["pool_entries"]:
        status = services.pool_status(entry, today=today, terminated=terminated)
        badges = ["Recours DALO à proposer"] if status["dalo_suggested"] else []
        if status["overdue"]:
            badges.insert(0, "Délai de 6 mois dépassé")
        yield TimelineEntry(
            at=entry.entered_on,
            title=f"Inscription au vivier de relogement ({entry.get_quota_display()})",
            detail=entry.get_proposed_by_display(),
            kind="commission",
            url=reverse("commissions:pool_entry", args=[entry.pk]),
            badges=tuple(badges),
        )
        for offer in entry.offers.all():
            detail = offer.get_answer_display() + (f" : {offer.reason}" if offer.reason else "")
            yield TimelineEntry(
                at=offer.offered_on,
                title=f"Proposition de logement : {offer.landlord}",
                detail=detail,
                kind="commission",
            )
        if entry.outcome_on:
            reason = entry.get_withdrawal_reason_display() if entry.withdrawal_reason else ""
            yield TimelineEntry(
                at=entry.outcome_on,
                title=f"Vivier de relogement : {entry.get_status_display().lower()}",
                detail=" · ".join(part for part in (reason, entry.outcome_note) if part),
                kind="commission",
            )


def _recommendation_entry(recommendation, today):
    badges = [recommendation.get_status_display()]
    if recommendation.is_overdue(today):
        badges.append(f"En retard depuis le {recommendation.due_date:%d/%m/%Y}")
    detail = f"{recommendation.responsible} · échéance {recommendation.due_date:%d/%m/%Y}"
    if recommendation.outcome_note:
        detail += f" · {recommendation.outcome_note}"
    return TimelineEntry(
        at=recommendation.created_at,
        title=f"Préconisation : {recommendation.get_kind_display()}",
        detail=detail,
        kind="commission",
        badges=tuple(badges),
    )

"""The commissions' rules: saisines (by hand or suggested), sessions planned from the rhythm,
agendas within capacity, publication, decisions, recommendations and their follow-up.

Charte II.A (formations and secretariat's work), II.B étapes 1, 4 and 5; décret 2026-83.
"""

import datetime
import logging

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from directory.acting import (
    SECRETARIAT_ROLES,
    acting_organisation,
    acting_role,
    require_secretariat,
)
from directory.models import Organisation, Role
from households.models import HousingSector
from procedure import rules
from procedure import services as procedure_services
from procedure.models import EventKind, JudgmentOutcome, Procedure, ProcedureEvent
from procedure.rules import Action

from . import scope
from .models import (
    POOL_TARGET_MAX_MONTHS,
    POOL_TARGET_MIN_MONTHS,
    AgendaItem,
    Commission,
    CommissionMember,
    Recommendation,
    RehousingOffer,
    RehousingPoolEntry,
    ReviewRequest,
    Session,
)

logger = logging.getLogger(__name__)

SEES_ALL = SECRETARIAT_ROLES
# Partners who may refer a case they work on to a commission from their space (issue 5 §2).
REFERRING_ROLES = (Role.SOCIAL_WORKER, Role.PARTNER)

# Sessions planned from the rhythm: the gap between two sessions. "6 à 8 fois par an": every 7 weeks.
RHYTHM_GAPS = {
    Commission.Rhythm.MONTHLY: relativedelta(months=1),
    Commission.Rhythm.EVERY_2_MONTHS: relativedelta(months=2),
    Commission.Rhythm.EVERY_3_MONTHS: relativedelta(months=3),
    Commission.Rhythm.SIX_TO_EIGHT: relativedelta(weeks=7),
    Commission.Rhythm.YEARLY: relativedelta(years=1),
}

# The secretariat's tasks a case on an agenda fulfils (procedure.rules.ACTIONS).
ACTIONS_BY_KIND = {
    Commission.Kind.TECHNICAL: (Action.REQUEST_TECHNICAL_REVIEW, Action.SELECT_FOR_COMMISSION),
}
DEFAULT_ACTIONS = (Action.SELECT_FOR_COMMISSION,)

R = Recommendation.Kind


class CommissionRefused(ValidationError):
    """A move the rules refuse, with a French message for the user."""


# ---------------------------------------------------------------------------------------------
# Saisines
# ---------------------------------------------------------------------------------------------


def request_review(*, procedure, commission, user, reason) -> ReviewRequest:
    """A saisine by the secretariat, or by a partner from its space for a case it works on
    (Charte II.A: the CCAPEX examines the cases its members refer). One open per commission."""
    role = acting_role(user)
    if role not in SEES_ALL + REFERRING_ROLES:
        raise PermissionDenied("Votre rôle ne permet pas de saisir une commission.")
    if not commission.is_active:
        raise CommissionRefused("Cette commission n'est plus active.")
    if not reason.strip():
        raise CommissionRefused("Indiquez le motif de la saisine.")
    if _open_requests(procedure, commission).exists():
        raise CommissionRefused(f"Ce dossier attend déjà d'être examiné par « {commission} ».")
    source = ReviewRequest.Source.SECRETARIAT if role in SEES_ALL else ReviewRequest.Source.PARTNER
    review = ReviewRequest.objects.create(
        procedure=procedure,
        commission=commission,
        source=source,
        stage=_stage_of(procedure) or "",
        reason=reason.strip(),
        requested_by=user,
        requesting_organisation=acting_organisation(user),
    )
    logger.info("review_requested review=%s commission=%s source=%s", review.pk, commission.pk, source)
    return review


def _open_requests(procedure, commission):
    return ReviewRequest.objects.filter(
        procedure=procedure, commission=commission, status__in=ReviewRequest.OPEN_STATUSES
    )


def _stage_of(procedure):
    return Procedure.objects.values_list("current_stage", flat=True).get(pk=procedure.pk)


def withdraw_review(*, review, user, reason="") -> ReviewRequest:
    require_secretariat(user)
    if review.status != ReviewRequest.Status.PENDING:
        raise CommissionRefused("Seule une saisine en attente peut être retirée.")
    review.status = ReviewRequest.Status.WITHDRAWN
    if reason.strip():
        review.reason = f"{review.reason}\nRetirée : {reason.strip()}"
    review.save(update_fields=["status", "reason"])
    return review


def submit_partner_review(*, user, reason, commission=None, **described) -> ReviewRequest:
    """A saisine by a partner from its space (issue 5 §2: "par un partenaire depuis son espace, un
    CCAS, un bailleur, la CAF") for a household it may not see in Prévex. What the partner typed is
    stored as typed and never matched here: whether a procedure bears the reference it gave is
    not revealed (Code pénal 226-13); the secretariat attaches the saisine to a case."""
    if acting_role(user) not in REFERRING_ROLES:
        raise PermissionDenied("Votre rôle ne permet pas de saisir la CCAPEX.")
    if not reason.strip():
        raise CommissionRefused("Indiquez le motif de la saisine.")
    if commission is not None and not commission.is_active:
        raise CommissionRefused("Cette commission n'est plus active.")
    return _described_review(
        organisation=acting_organisation(user), user=user, reason=reason, commission=commission, **described
    )


def submit_landlord_saisine(*, organisation, reason, **described) -> ReviewRequest:
    """A social landlord's saisine of the CCAPEX through the API, with the monthly rent and charges
    and the breakdown of the debt (loi 89-462 art. 24 II: a landlord that is a legal person refers
    the case two months before summoning). Stored as sent, like a partner's saisine from its space."""
    if organisation.kind != Organisation.Kind.SOCIAL_LANDLORD:
        raise PermissionDenied("Seul un bailleur social saisit la CCAPEX par l'API.")
    if not reason.strip():
        raise CommissionRefused("Indiquez le motif de la saisine.")
    return _described_review(organisation=organisation, user=None, reason=reason, **described)


def _described_review(*, organisation, user, reason, commission=None, **described) -> ReviewRequest:
    review = ReviewRequest.objects.create(
        commission=commission,
        source=ReviewRequest.Source.PARTNER,
        reason=reason.strip(),
        requested_by=user,
        requesting_organisation=organisation,
        **{name: value.strip() if isinstance(value, str) else value for name, value in described.items()},
    )
    logger.info("partner_review_submitted review=%s", review.pk)
    return review


def organisation_reviews(organisation):
    """The saisines the organisation made, newest first (its own words, and their status)."""
    return (
        ReviewRequest.objects.filter(requesting_organisation=organisation)
        .select_related("commission", "commune")
        .order_by("-created_at", "-pk")
    )


def _unattached(review):
    if review.procedure_id or review.status != ReviewRequest.Status.PENDING:
        raise CommissionRefused("Cette saisine n'attend plus d'être rattachée.")


def attach_review(*, review, user, reference, commission) -> ReviewRequest:
    """The secretariat attaches a partner's saisine to the procedure bearing `reference` (the
    EXPLOC or bailiff's number); it then waits for an agenda like any saisine."""
    require_secretariat(user)
    _unattached(review)
    procedure = Procedure.objects.visible_to(user).filter(reference=reference.strip()).first()
    if procedure is None:
        raise CommissionRefused(f"Aucune procédure ne porte la référence « {reference.strip()} ».")
    if not commission.is_active:
        raise CommissionRefused("Cette commission n'est plus active.")
    if _open_requests(procedure, commission).exists():
        raise CommissionRefused(f"Ce dossier attend déjà d'être examiné par « {commission} ».")
    review.procedure, review.commission, review.stage = procedure, commission, _stage_of(procedure) or ""
    review.save(update_fields=["procedure", "commission", "stage"])
    logger.info("partner_review_attached review=%s procedure=%s", review.pk, procedure.pk)
    return review


def refuse_review(*, review, user, reason) -> ReviewRequest:
    """The secretariat declines a partner's saisine, with the reason the partner will read."""
    require_secretariat(user)
    _unattached(review)
    if not reason.strip():
        raise CommissionRefused("Indiquez le motif du refus.")
    review.status, review.refusal_reason = ReviewRequest.Status.REFUSED, reason.strip()
    review.save(update_fields=["status", "refusal_reason"])
    return review


def suggest_review_requests(*, today=None, departements=None) -> list[ReviewRequest]:
    """Prévex's suggestions, from the rules of each active formation (Charte II.A.2):

    - médiation pré-expulsion: public-sector households at the CQL or réquisition stage, in the
      commission's territory (Dijon Métropole, Val de Saône), Charte II.A.2.c and II.B étapes 4-5;
    - territorialisée: the cases of its territory (II.A.2.b);
    - technique: the cases of its sector at the impayé or commandement de payer stage (II.B étape 1);
    - centralisée: repeated cases (the household's second procedure) or complex ones (a repayment
      plan not kept, an over-indebtedness filing), II.A.2.a.

    A case already awaiting any commission is not suggested again, nor one already referred to the
    same commission at its current stage. Idempotent.
    """
    created = []
    commissions = Commission.objects.active().select_related("territory")
    if departements is not None:  # the formations of the secretariat's départements (issue 16)
        commissions = commissions.filter(departement_code__in=list(departements))
    for commission in sorted(commissions, key=lambda c: (SUGGESTION_ORDER.get(c.kind, 9), c.pk)):
        for procedure, reason in _candidates(commission):
            review = _suggest(procedure, commission, reason)
            if review is not None:
                created.append(review)
    logger.info("review_requests_suggested count=%s", len(created))
    return created


SUGGESTION_ORDER = {
    Commission.Kind.MEDIATION: 0,
    Commission.Kind.TERRITORIAL: 1,
    Commission.Kind.TECHNICAL: 2,
    Commission.Kind.CENTRAL: 3,
}


def _candidates(commission):
    if commission.kind not in SUGGESTION_ORDER:
        return []
    procedures = _open_cases().filter(
        ~Exists(_any_open_request()), departement_code=commission.departement_code
    )
    same_stage = ReviewRequest.objects.filter(
        procedure=OuterRef("pk"), commission=commission, stage=OuterRef("current_stage")
    )
    procedures = procedures.exclude(Exists(same_stage))
    if commission.territory_id:
        procedures = procedures.filter(lease__commune__territories=commission.territory_id)
    if commission.kind == Commission.Kind.CENTRAL:
        return _central_candidates(procedures)
    return [(procedure, _reason(commission, procedure)) for procedure in _matching(commission, procedures)]


def _open_cases():
    return Procedure.objects.filter(closed=False).select_related("lease")


def _any_open_request():
    return ReviewRequest.objects.filter(procedure=OuterRef("pk"), status__in=ReviewRequest.OPEN_STATUSES)


def _matching(commission, procedures):
    if commission.stages:
        procedures = procedures.filter(current_stage__in=commission.stages)
    else:
        procedures = procedures.exclude(current_stage="")
    if commission.sectors:
        procedures = procedures.filter(lease__sector__in=commission.sectors)
    return procedures.order_by("pk")


def _reason(commission, procedure):
    stage = EventKind(procedure.current_stage).label.lower()
    sector = HousingSector(procedure.lease.sector).label.lower()
    if commission.kind == Commission.Kind.MEDIATION:
        return f"Ménage du {sector} au stade {stage} (Charte II.A.2.c)."
    if commission.kind == Commission.Kind.TECHNICAL:
        return f"Ménage du {sector} en situation d'impayé ({stage}) : examen précoce (Charte II.B étape 1)."
    return f"Dossier du territoire de la commission, au stade {stage} (Charte II.A.2.b)."


def _central_candidates(procedures):
    repeated = Procedure.objects.filter(household=OuterRef("household")).exclude(pk=OuterRef("pk"))
    complex_kinds = [EventKind.REPAYMENT_PLAN_BROKEN, EventKind.OVER_INDEBTEDNESS]
    complex_events = Exists(ProcedureEvent.objects.filter(procedure=OuterRef("pk"), kind__in=complex_kinds))
    procedures = procedures.annotate(is_repeated=Exists(repeated), is_complex=complex_events)
    procedures = procedures.filter(Q(is_repeated=True) | Q(is_complex=True)).exclude(current_stage="")
    procedures = procedures.order_by("pk")
    return [(procedure, _central_reason(procedure)) for procedure in procedures]


def _central_reason(procedure):
    if procedure.is_repeated:
        return "Situation répétitive : le ménage a connu une autre procédure (Charte II.A.2.a)."
    return "Situation complexe : plan d'apurement non respecté ou surendettement (Charte II.A.2.a)."


def _suggest(procedure, commission, reason):
    if ReviewRequest.objects.filter(procedure=procedure, status__in=ReviewRequest.OPEN_STATUSES).exists():
        return None
    return ReviewRequest.objects.create(
        procedure=procedure,
        commission=commission,
        source=ReviewRequest.Source.SUGGESTED,
        stage=procedure.current_stage or "",
        reason=reason,
    )


def pending_queue(commission=None, user=None):
    """The cases awaiting examination, oldest first, with their reason (of the user's départements
    when given, issue 16)."""
    queue = ReviewRequest.objects.filter(status=ReviewRequest.Status.PENDING).select_related(
        "commission",
        "procedure__household",
        "procedure__lease__commune",
        "requesting_organisation",
        "requested_by",
        "commune",
    )
    if user is not None:
        queue = queue.filter(scope.review_condition(user))
    return queue.filter(commission=commission) if commission is not None else queue


def coming_sessions(commission_ids) -> dict:
    """Each commission's sessions to come whose agenda is open, soonest first: one query."""
    sessions = Session.objects.filter(
        commission_id__in=commission_ids,
        status__in=(Session.Status.PLANNED, Session.Status.PUBLISHED),
        date__gte=timezone.localdate(),
    ).order_by("date", "pk")
    by_commission = {}
    for session in sessions:
        by_commission.setdefault(session.commission_id, []).append(session)
    return by_commission


# ---------------------------------------------------------------------------------------------
# Sessions
# ---------------------------------------------------------------------------------------------


def plan_sessions(*, commission, until, start=None) -> list[Session]:
    """Plan the commission's sessions from its rhythm up to `until` (Charte II.A.2: "tous les 2
    mois", "6 à 8 fois par an"…), after its last session; a weekend date moves to the Monday."""
    if not commission.is_active:
        raise CommissionRefused("Cette commission n'est plus active : aucune séance à prévoir.")
    last = commission.sessions.aggregate(last=Max("date"))["last"]
    gap = RHYTHM_GAPS[Commission.Rhythm(commission.rhythm)]
    day = last + gap if last else (start or timezone.localdate() + datetime.timedelta(days=7))
    planned = []
    while day <= until:
        session_date = _weekday(day)
        session, created = Session.objects.get_or_create(
            commission=commission, date=session_date, defaults={"place": commission.place}
        )
        if created:
            planned.append(session)
        day += gap
    return planned


def _weekday(day):
    return day + datetime.timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def update_session(*, session, user, date, place, starts_at=None) -> Session:
    require_secretariat(user)
    if not session.is_editable:
        raise CommissionRefused("Une séance tenue ne se modifie plus.")
    if Session.objects.filter(commission=session.commission, date=date).exclude(pk=session.pk).exists():
        raise CommissionRefused("Une autre séance de cette commission est déjà prévue ce jour-là.")
    session.date, session.place, session.starts_at = date, place, starts_at
    session.save(update_fields=["date", "place", "starts_at"])
    return session


def add_to_agenda(
    *, session, review, user, presenter=None, household_invited=None, override_reason=""
) -> AgendaItem:
    """Put a case awaiting examination on a session's agenda, within the commission's capacity
    (10 households a session for a médiation pré-expulsion, Charte II.A.2.c), if it fits the
    formation's stages, sectors and territory, or with the secretariat's reason (commissions.fit)."""
    from .fit import misfits, refusal_message

    require_secretariat(user)
    commission = session.commission
    if review.commission_id != commission.pk or review.status != ReviewRequest.Status.PENDING:
        raise CommissionRefused("Ce dossier n'attend pas d'examen par cette commission.")
    if review.procedure_id is None:
        raise CommissionRefused("Rattachez d'abord cette saisine à une procédure.")
    override_reason = override_reason.strip()
    reasons = misfits(commission, review.procedure)
    if reasons and not override_reason:
        raise CommissionRefused(refusal_message(commission, reasons))
    invited = commission.households_attend if household_invited is None else household_invited
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        _check_agenda_open(locked)
        _check_capacity(locked)
        order = (locked.items.aggregate(last=Max("order"))["last"] or 0) + 1
        item = AgendaItem.objects.create(
            session=locked,
            procedure=review.procedure,
            review_request=review,
            order=order,
            presenter=presenter,
            household_invited=invited and commission.households_attend,
            override_reason=override_reason[:500] if reasons else "",
        )
        ReviewRequest.objects.filter(pk=review.pk).update(status=ReviewRequest.Status.SCHEDULED)
        review.status = ReviewRequest.Status.SCHEDULED
        actions = ACTIONS_BY_KIND.get(commission.kind, DEFAULT_ACTIONS)
        procedure_services.complete_tasks(
            procedure=review.procedure,
            actions=actions,
            user=user,
            note=f"Inscrit à la séance du {locked.date:%d/%m/%Y}",
        )
    return item


def _check_agenda_open(session):
    if not session.is_editable:
        raise CommissionRefused("L'ordre du jour d'une séance tenue ne se modifie plus.")


def _check_capacity(session):
    capacity = session.commission.capacity
    if capacity is not None and session.items.count() >= capacity:
        raise CommissionRefused(
            f"L'ordre du jour de cette séance compte déjà {capacity} situations, le maximum pour "
            f"« {session.commission} » : inscrivez ce dossier à une séance suivante."
        )


def remove_from_agenda(*, item, user) -> None:
    """Take a case off an agenda not yet held: its saisine waits again."""
    require_secretariat(user)
    _check_agenda_open(item.session)
    with transaction.atomic():
        if item.review_request_id:
            ReviewRequest.objects.filter(pk=item.review_request_id).update(
                status=ReviewRequest.Status.PENDING
            )
        item.delete()


def publish(*, session, user) -> Session:
    """Publish the agenda: its members are told by e-mail (a link only, no personal data) and the
    households convened where they attend (Charte II.A.2: "Inviter les membres", "Rédiger les
    courriers d'invitation"). Publishing again tells the members what changed (how many cases
    added or removed), or nothing when nothing changed, and sends the new convocations only.
    Returns the change (commissions.publication.AgendaChange)."""
    from . import tasks

    require_secretariat(user)
    if not session.items.exists():
        raise CommissionRefused(
            "L'ordre du jour est vide : inscrivez au moins un dossier avant de le publier."
        )
    if session.status not in (Session.Status.PLANNED, Session.Status.PUBLISHED):
        raise CommissionRefused("Cette séance est déjà tenue.")
    from .publication import record_publication

    first_time = session.status == Session.Status.PLANNED
    session.status = Session.Status.PUBLISHED
    session.published_at = session.published_at or timezone.now()
    session.save(update_fields=["status", "published_at"])
    change = record_publication(session, first_time=first_time)
    if first_time:
        transaction.on_commit(lambda: tasks.notify_members.delay(session.pk))
    transaction.on_commit(lambda: tasks.convene_households.delay(session.pk))
    return change


def member_recipients(session) -> list[str]:
    """Named representatives' e-mails; an organisation with no named representative, its
    functional address."""
    seats = CommissionMember.objects.filter(commission=session.commission).select_related(
        "user", "organisation"
    )
    emails = {seat.user.email if seat.user_id else seat.organisation.email for seat in seats}
    return sorted(email for email in emails if email)


def claim_notification(session_id) -> Session | None:
    """Claim the members' notification once (a retry or a second worker never sends twice)."""
    claimed = Session.objects.filter(pk=session_id, members_notified_at__isnull=True).update(
        members_notified_at=timezone.now()
    )
    return Session.objects.select_related("commission").get(pk=session_id) if claimed else None


def convene(item, *, user=None) -> bool:
    """Convene one household to the session (Charte II.A.2.b-c): the convocation letter through
    the letters app, claimed once per item."""
    from letters.models import LetterKind
    from letters.services import letters

    if not item.household_invited:
        return False
    if not AgendaItem.objects.filter(pk=item.pk, convocation_at__isnull=True).update(
        convocation_at=timezone.now()
    ):
        return False
    letters.generate(procedure=item.procedure, kind=LetterKind.MEDIATION_NOTICE, user=user, agenda_item=item)
    return True


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
    from . import follow_up

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
    ReviewRequest.objects.filter(commission__in=merged, status=ReviewRequest.Status.PENDING).exclude(
        Exists(already)
    ).update(commission=into)
    return merged.update(is_active=False, retired_on=timezone.localdate(), merged_into=into)


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


# ---------------------------------------------------------------------------------------------
# Agenda order and presenter
# ---------------------------------------------------------------------------------------------


def move_item(*, item, user, direction) -> AgendaItem:
    """Move a case up or down the agenda of a session not yet held (swap with its neighbour)."""
    require_secretariat(user)
    _check_agenda_open(item.session)
    with transaction.atomic():
        items = list(
            AgendaItem.objects.select_for_update().filter(session_id=item.session_id).order_by("order", "pk")
        )
        index = next(i for i, other in enumerate(items) if other.pk == item.pk)
        target = index - 1 if direction == "up" else index + 1
        if not 0 <= target < len(items):
            return item
        items[index], items[target] = items[target], items[index]
        for order, other in enumerate(items, start=1):
            if other.order != order:
                AgendaItem.objects.filter(pk=other.pk).update(order=order)
    item.refresh_from_db(fields=["order"])
    return item


def set_presenter(*, item, user, presenter) -> AgendaItem:
    require_secretariat(user)
    _check_agenda_open(item.session)
    item.presenter = presenter
    item.save(update_fields=["presenter"])
    return item


# ---------------------------------------------------------------------------------------------
# Letters of opinion and recommendations
# ---------------------------------------------------------------------------------------------


def send_opinion_letters(*, session, user) -> int:
    """After the session, for each case with an opinion, the letter of opinion and recommendations
    to the household and its copy to the social services (Charte II.A.2: "Rédiger les courriers
    d'avis et de recommandations"), through the letters app, which reads the opinion and the
    recommendations from the agenda item; a case already written to for this session is skipped.
    Returns the number of letters generated."""
    from letters.models import Letter, LetterKind
    from letters.services import letters

    require_secretariat(user)
    require_decisions(session)
    kinds = (LetterKind.OPINION, LetterKind.OPINION_COPY)
    items = session.items.filter(decided_at__isnull=False).select_related(
        "session__commission", "procedure__household", "procedure__lease__commune", "procedure__landlord"
    )
    count = 0
    for item in items:
        written = set(
            Letter.objects.filter(
                procedure=item.procedure, kind__in=kinds, created_at__gte=item.decided_at
            ).values_list("kind", flat=True)
        )
        for kind in kinds:
            if kind not in written:
                letters.generate(procedure=item.procedure, kind=kind, user=user, agenda_item=item)
                count += 1
    return count


def queue_opinion_letters(*, session, user) -> None:
    """One action of the secretariat: the letters are generated in the background, after commit."""
    from . import tasks

    require_secretariat(user)
    require_decisions(session)
    if not session.items.filter(decided_at__isnull=False).exists():
        raise CommissionRefused("Aucun avis enregistré : pas de courrier à rédiger.")
    membership_id = user.acting.membership.pk
    transaction.on_commit(lambda: tasks.send_opinion_letters.delay(session.pk, membership_id))

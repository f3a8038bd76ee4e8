"""Saisines: asked by the secretariat or a partner, attached, refused or withdrawn, and suggested
from the Charte's criteria (Charte II.A, II.B étapes 1, 4 and 5).
"""

import logging

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from directory.acting import (
    acting_organisation,
    acting_role,
    require_secretariat,
)
from directory.models import Organisation
from households.models import HousingSector
from procedure.models import EventKind, Procedure, ProcedureEvent

from .. import scope
from ..models import (
    Commission,
    ReviewRequest,
    Session,
)
from .common import REFERRING_ROLES, SEES_ALL, CommissionRefused

# One logger for the package, named as the module it was (commissions.services).
logger = logging.getLogger("commissions.services")

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
    _check_departement(procedure, commission)
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


def _check_departement(procedure, commission):
    """A formation examines the cases of its own département (issue 16): its members read no other."""
    if commission.departement_code != procedure.departement_code:
        raise CommissionRefused(
            f"« {commission} » est une commission d'un autre département que celui du dossier."
        )


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
    review.status, review.withdrawal_reason = ReviewRequest.Status.WITHDRAWN, reason.strip()
    review.save(update_fields=["status", "withdrawal_reason"])
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
    _check_departement(procedure, commission)
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

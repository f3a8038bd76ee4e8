"""A case transferred to another département (issue 16 item 3): what of it still waits before the
former département's formations is withdrawn, with a note, by the secretariat that accepts it.

- its points on an agenda not held yet leave the agenda (the members of a published agenda are told
  that a case was removed, as when the secretariat publishes it again); the opinions given stay;
- its saisines not examined yet are withdrawn (motif du retrait « Dossier transféré… »,
  which the requesting partner reads);
- its recommendations still followed are closed as « Sans objet », and its entry in the former
  département's rehousing pool (a prefectoral quota is departmental) is withdrawn;
- the former formations' members and the organisations charged with its recommendations no longer
  read it (panels.commission_grant, Recommendation.objects.visible_to): a commission gives access
  only to the cases of its own département.
The new secretariat refers it to its own formations if need be."""

from django.db.models import F, Value
from django.db.models.functions import Concat, Left, Trim
from django.utils import timezone

from directory import history
from procedure.transfers import departement_label

from . import publication
from .models import AgendaItem, Recommendation, RehousingPoolEntry, ReviewRequest, Session


def withdraw_on_transfer(transfer, user) -> None:
    """procedure.extensions.CASE_TRANSFERRED."""
    to = departement_label(transfer.to_departement)
    moved = f"dossier transféré au département {to}."
    former = {"procedure": transfer.procedure}
    elsewhere = {"commission__departement_code": transfer.to_departement}
    _leave_agendas(former, transfer.to_departement)
    reviews = ReviewRequest.objects.filter(**former, status__in=ReviewRequest.OPEN_STATUSES).exclude(
        **elsewhere
    )
    _update(
        reviews,
        user,
        status=ReviewRequest.Status.WITHDRAWN,
        withdrawal_reason=f"Dossier transféré au département {to}.",
    )
    recommendations = Recommendation.objects.open().filter(**former)
    _update(
        recommendations.exclude(agenda_item__session__commission__departement_code=transfer.to_departement),
        user,
        status=Recommendation.Status.OBSOLETE,
        outcome_note=_noted(f"Sans objet : {moved}"),
        closed_at=timezone.now(),
        closed_by=user,
    )
    _update(
        RehousingPoolEntry.objects.filter(**former, status=RehousingPoolEntry.Status.IN_POOL),
        user,
        status=RehousingPoolEntry.Status.WITHDRAWN,
        withdrawal_reason=RehousingPoolEntry.WithdrawalReason.OTHER,
        outcome_on=timezone.localdate(),
        outcome_note=_noted(f"Retiré du vivier : {moved}"),
    )


def _leave_agendas(former, to_departement):
    items = (
        AgendaItem.objects.filter(
            **former, session__status__in=[Session.Status.PLANNED, Session.Status.PUBLISHED]
        )
        .exclude(session__commission__departement_code=to_departement)
        .select_related("session")
    )
    published = {
        item.session_id: item.session for item in items if item.session.status == Session.Status.PUBLISHED
    }
    for item in items:
        item.delete()
    for session in published.values():
        publication.record_publication(session, first_time=False)


def _noted(note):
    """The row's observations followed by the note, within their 500 characters."""
    return Left(Trim(Concat(F("outcome_note"), Value(f" {note}"))), 500)


def _update(queryset, user, **values):
    pks = list(queryset.values_list("pk", flat=True))
    if pks:
        queryset.model.objects.filter(pk__in=pks).update(**values)
        if hasattr(queryset.model, "history"):
            history.record_updates(queryset.model, pks, user=user)

"""Sessions planned from the rhythm, their agendas within capacity, publication and convocation,
the agenda's order and presenters (Charte II.A).
"""

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from config.celery import enqueue
from directory import history
from directory.acting import (
    require_secretariat,
)
from procedure import services as procedure_services

from ..models import (
    AgendaItem,
    Commission,
    CommissionMember,
    ReviewRequest,
    Session,
)
from .common import ACTIONS_BY_KIND, DEFAULT_ACTIONS, RHYTHM_GAPS, CommissionRefused

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
    from ..fit import misfits, refusal_message

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
        history.record_updates(ReviewRequest, [review.pk], user=user)
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
            history.record_updates(ReviewRequest, [item.review_request_id], user=user)
        item.delete()


def publish(*, session, user) -> Session:
    """Publish the agenda: its members are told by e-mail (a link only, no personal data) and the
    households convened where they attend (Charte II.A.2: "Inviter les membres", "Rédiger les
    courriers d'invitation"). Publishing again tells the members what changed (how many cases
    added or removed), or nothing when nothing changed, and sends the new convocations only.
    Returns the change (commissions.publication.AgendaChange)."""
    from .. import tasks

    require_secretariat(user)
    if not session.items.exists():
        raise CommissionRefused(
            "L'ordre du jour est vide : inscrivez au moins un dossier avant de le publier."
        )
    if session.status not in (Session.Status.PLANNED, Session.Status.PUBLISHED):
        raise CommissionRefused("Cette séance est déjà tenue.")
    from ..publication import record_publication

    first_time = session.status == Session.Status.PLANNED
    session.status = Session.Status.PUBLISHED
    session.published_at = session.published_at or timezone.now()
    session.save(update_fields=["status", "published_at"])
    change = record_publication(session, first_time=first_time)
    if first_time:
        transaction.on_commit(lambda: enqueue(tasks.notify_members, session.pk))
    transaction.on_commit(lambda: enqueue(tasks.convene_households, session.pk))
    return change


def member_recipients(session) -> list[str]:
    """Named representatives' e-mails; an organisation with no named representative, its
    functional address."""
    seats = CommissionMember.objects.filter(commission=session.commission).select_related(
        "user", "organisation"
    )
    emails = {seat.user.email if seat.user_id else seat.organisation.email for seat in seats}
    return sorted(email for email in emails if email)


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

"""Recommendations as work for their addressee: the organisation a commission names reads the
case, is told by e-mail (a link only) and in its daily digest, and answers; the secretariat reads
the answers on the case, in the work queue and in each session's follow-up.

Charte II.A: "Assurer le suivi des dossiers"; Code pénal 226-13 (only the organisation named
reads the case, for a set time after its answer).
"""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from directory import notifications
from directory.acting import acting_organisation, acting_role

from . import scope
from .models import ADDRESSEE_ROLES, Recommendation
from .services import CommissionRefused

logger = logging.getLogger(__name__)

A = Recommendation.Answer
# The answer -> the follow-up status it sets; in progress leaves the recommendation open.
STATUS_BY_ANSWER = {
    A.DONE: Recommendation.Status.DONE,
    A.IN_PROGRESS: Recommendation.Status.OPEN,
    A.NOT_POSSIBLE: Recommendation.Status.NOT_DONE,
}
# How long the work queue shows an answer received.
ANSWERS_SHOWN_DAYS = 14


def require_addressee(recommendation, user) -> None:
    """Only a social worker or partner of the organisation named answers (403 otherwise)."""
    organisation = acting_organisation(user)
    if acting_role(user) not in ADDRESSEE_ROLES or organisation is None:
        raise PermissionDenied("Seul l'organisme chargé de la préconisation y répond.")
    if organisation.pk != recommendation.responsible_id:
        raise PermissionDenied("Seul l'organisme chargé de la préconisation y répond.")


def answer_recommendation(*, recommendation, user, answer, note="", done_on=None) -> Recommendation:
    """The addressee's answer: done (the date and what was done), in progress, or not possible
    (the reason). Done and not possible close the follow-up; the case stays open to the
    organisation RECOMMENDATION_ACCESS_DAYS after."""
    require_addressee(recommendation, user)
    if not recommendation.is_open:
        raise CommissionRefused("Le suivi de cette préconisation est clos : elle n'attend plus de réponse.")
    note = note.strip()
    _check_answer(answer, note, done_on)
    now = timezone.now()
    recommendation.answer, recommendation.outcome_note = answer, note[:500]
    recommendation.done_on = done_on if answer == A.DONE else None
    recommendation.answered_at, recommendation.answered_by = now, user
    recommendation.status = STATUS_BY_ANSWER[answer]
    closes = recommendation.status != Recommendation.Status.OPEN
    recommendation.closed_at = now if closes else None
    recommendation.closed_by = user if closes else None
    recommendation.save(
        update_fields=[
            "answer",
            "outcome_note",
            "done_on",
            "answered_at",
            "answered_by",
            "status",
            "closed_at",
            "closed_by",
        ]
    )
    logger.info("recommendation_answered recommendation=%s answer=%s", recommendation.pk, answer)
    notifications.notify(
        users=notifications.secretariat_users(),
        kind="reponse_preconisation",
        title=(
            f"Réponse à une préconisation ({recommendation.get_kind_display()}) : "
            f"{recommendation.get_answer_display().lower()}, par {recommendation.responsible}"
        ),
        url=reverse("commissions:item", args=[recommendation.agenda_item_id]),
        dedup_key=f"recommendation-{recommendation.pk}-answer-{now:%Y%m%d%H%M%S%f}",
    )
    return recommendation


def _check_answer(answer, note, done_on):
    if answer not in STATUS_BY_ANSWER:
        raise CommissionRefused("Choisissez réalisée, en cours de réalisation ou impossible à réaliser.")
    if answer == A.DONE and done_on is None:
        raise CommissionRefused("Indiquez la date à laquelle la préconisation a été réalisée.")
    if answer == A.DONE and done_on > timezone.localdate():
        raise CommissionRefused("La date de réalisation ne peut pas être dans le futur.")
    if answer == A.DONE and not note:
        raise CommissionRefused("Indiquez ce qui a été fait.")
    if answer == A.NOT_POSSIBLE and not note:
        raise CommissionRefused("Indiquez pourquoi la préconisation ne peut pas être réalisée.")


def received(user):
    """The recommendations addressed to the user's organisation: open ones first, soonest due."""
    recommendations = Recommendation.objects.visible_to(user).select_related(
        "procedure__household", "procedure__lease__commune", "agenda_item__session__commission"
    )
    return recommendations.order_by(F("closed_at").asc(nulls_first=True), "due_date", "pk")


def answers_received(user, *, today=None):
    """The answers of the last ANSWERS_SHOWN_DAYS to the recommendations of the user's
    départements, newest first, for the secretariat."""
    today = today or timezone.localdate()
    since = timezone.make_aware(datetime.datetime.combine(today, datetime.time())) - datetime.timedelta(
        days=ANSWERS_SHOWN_DAYS
    )
    return (
        scope.recommendations(user)
        .answered_since(since)
        .select_related("responsible", "procedure", "agenda_item__session__commission")
        .order_by("-answered_at", "-pk")
    )


def answer_url(recommendation) -> str:
    return settings.SITE_URL + reverse("commissions:answer_recommendation", args=[recommendation.pk])


def announce(recommendation) -> None:
    """Tell the organisation named (its functional address): a link only, no personal data."""
    from referrals.services import queue_message

    queue_message(
        organisation=recommendation.responsible,
        subject=f"Prévex : nouvelle préconisation — {recommendation.get_kind_display()}",
        body=(
            "Une commission de la CCAPEX a confié à votre organisme une préconisation "
            f"« {recommendation.get_kind_display()} », échéance le {recommendation.due_date:%d/%m/%Y}.\n\n"
            f"Pour la consulter et y répondre, connectez-vous à Prévex : {answer_url(recommendation)}\n"
        ),
        dedup_key=f"recommendation-{recommendation.pk}-made",
    )
    notifications.notify(
        users=notifications.members_of(recommendation.responsible, ADDRESSEE_ROLES),
        kind="preconisation_recue",
        title=f"Nouvelle préconisation : {recommendation.get_kind_display()}",
        url=reverse("commissions:answer_recommendation", args=[recommendation.pk]),
        dedup_key=f"recommendation-{recommendation.pk}-made",
    )


def digest_lines(*, today):
    """The referrals digest's lines for recommendations (referrals.services.DIGEST_SOURCES):
    per organisation, its open recommendations overdue or due within a week."""
    from referrals.services import DUE_SOON, due_soon_lines

    due = Recommendation.objects.open().filter(due_date__lte=today + DUE_SOON).select_related("responsible")
    return due_soon_lines(
        due,
        organisation_of=lambda recommendation: recommendation.responsible,
        today=today,
        what=("préconisation de commission confiée", "préconisations de commission confiées"),
    )


def attach_previous(session, items) -> None:
    """What became of the earlier recommendations for each household on the agenda, from any
    commission (Charte II.A: the follow-up is presented at the next examination). One query."""
    households = {item.procedure.household_id for item in items}
    earlier = (
        Recommendation.objects.filter(
            procedure__household_id__in=households, agenda_item__session__date__lt=session.date
        )
        .select_related("responsible", "agenda_item__session__commission", "procedure")
        .order_by("-agenda_item__session__date", "pk")
    )
    by_household = {}
    for recommendation in earlier:
        by_household.setdefault(recommendation.procedure.household_id, []).append(recommendation)
    for item in items:
        item.previous_recommendations = by_household.get(item.procedure.household_id, [])

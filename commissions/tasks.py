"""Background work of the commissions (thin: the rules are in services)."""

import logging

from celery import shared_task
from django.conf import settings
from django.urls import reverse

from . import notices, services
from .models import AgendaItem, Session

logger = logging.getLogger(__name__)

MAX_RETRIES = 3


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES, soft_time_limit=50, time_limit=60)
def notify_members(self, session_id) -> int:
    """Tell the members that a session's agenda is published: a link only, no personal data. Each
    recipient reached once (commissions/notices.py); returns how many were reached by this try."""
    session = Session.objects.select_related("commission").get(pk=session_id)
    if not notices.prepare(session_id, notices.PUBLICATION, services.member_recipients(session)):
        return 0
    url = settings.SITE_URL + reverse("commissions:member_session", args=[session.pk])
    subject = f"Ordre du jour publié : {session.commission} du {session.date:%d/%m/%Y}"
    body = f"L'ordre du jour de la séance est consultable dans Prévex :\n{url}\n"
    return _send(self, session_id, notices.PUBLICATION, subject, body)


def _send(task, session_id, version, subject, body) -> int:
    """Send the announcement's rows not yet reached; retried with backoff while some wait."""
    last_try = task.request.retries >= MAX_RETRIES
    sent, waiting = notices.send_pending(session_id, version, subject=subject, body=body, last_try=last_try)
    logger.info(
        "members_notified session=%s version=%s sent=%s waiting=%s", session_id, version, sent, waiting
    )
    if waiting:
        raise task.retry(countdown=120 * 2**task.request.retries)
    return sent


@shared_task(acks_late=True, soft_time_limit=300, time_limit=360)
def convene_households(session_id) -> int:
    """Generate the convocation letters of the households invited and not yet convened."""
    items = AgendaItem.objects.filter(
        session_id=session_id, household_invited=True, convocation_at__isnull=True
    ).select_related("procedure")
    done = sum(services.convene(item) for item in items)
    logger.info("households_convened session=%s letters=%s", session_id, done)
    return done


@shared_task(acks_late=True, soft_time_limit=300, time_limit=360)
def send_opinion_letters(session_id, membership_id) -> int:
    """Generate the letters of opinion and recommendations of a held session, for the member of
    the secretariat who asked (idempotent: a case already written to since its opinion is skipped)."""
    from directory.acting import Acting
    from directory.models import Membership

    session = Session.objects.select_related("commission").get(pk=session_id)
    membership = Membership.objects.select_related("user", "organisation").get(pk=membership_id)
    user = membership.user
    user.acting = Acting(membership)
    done = services.send_opinion_letters(session=session, user=user)
    logger.info("opinion_letters session=%s letters=%s", session_id, done)
    return done


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES, soft_time_limit=50, time_limit=60)
def notify_agenda_change(self, session_id, version, summary) -> int:
    """Tell the members that a published agenda changed: counts and a link, no personal data; each
    recipient reached once, an older change never announced after a newer one (notices.py)."""
    session = Session.objects.select_related("commission").get(pk=session_id)
    if not notices.prepare(session_id, version, services.member_recipients(session)):
        return 0
    url = settings.SITE_URL + reverse("commissions:member_session", args=[session.pk])
    subject = f"Ordre du jour modifié : {session.commission} du {session.date:%d/%m/%Y}"
    body = f"L'ordre du jour de la séance a changé ({summary}). Il est consultable dans Prévex :\n{url}\n"
    return _send(self, session_id, version, subject, body)

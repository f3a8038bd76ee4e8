"""Background work of the commissions (thin: the rules are in services)."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from . import services
from .models import AgendaItem, Session

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, max_retries=3, soft_time_limit=50, time_limit=60)
def notify_members(self, session_id) -> int:
    """Tell the members that a session's agenda is published: a link only, no personal data.
    Claimed by a conditional update, released on failure so that a retry sends it."""
    session = services.claim_notification(session_id)
    if session is None:
        return 0
    recipients = services.member_recipients(session)
    url = settings.SITE_URL + reverse("commissions:member_session", args=[session.pk])
    subject = f"Ordre du jour publié : {session.commission} du {session.date:%d/%m/%Y}"
    body = f"L'ordre du jour de la séance est consultable dans Prévex :\n{url}\n"
    try:
        for email in recipients:
            send_mail(subject, body, None, [email])
    except Exception as error:
        Session.objects.filter(pk=session_id).update(members_notified_at=None)
        logger.warning("members_notification_failed session=%s", session_id)
        raise self.retry(countdown=120, exc=error) from error
    logger.info("members_notified session=%s recipients=%s", session_id, len(recipients))
    return len(recipients)


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


@shared_task(bind=True, acks_late=True, max_retries=3, soft_time_limit=50, time_limit=60)
def notify_agenda_change(self, session_id, version, summary) -> int:
    """Tell the members that a published agenda changed: counts and a link, no personal data."""
    from . import publication

    session = publication.claim_change(session_id, version)
    if session is None:
        return 0
    recipients = services.member_recipients(session)
    url = settings.SITE_URL + reverse("commissions:member_session", args=[session.pk])
    subject = f"Ordre du jour modifié : {session.commission} du {session.date:%d/%m/%Y}"
    body = f"L'ordre du jour de la séance a changé ({summary}). Il est consultable dans Prévex :\n{url}\n"
    try:
        for email in recipients:
            send_mail(subject, body, None, [email])
    except Exception as error:
        publication.release_change(session_id, version)
        logger.warning("agenda_change_notification_failed session=%s", session_id)
        raise self.retry(countdown=120, exc=error) from error
    logger.info(
        "agenda_change_notified session=%s version=%s recipients=%s", session_id, version, len(recipients)
    )
    return len(recipients)

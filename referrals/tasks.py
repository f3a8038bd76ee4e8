"""Background work of the referrals (thin: the rules are in services)."""

import logging

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from config.celery import same_queue
from directory.mail import is_permanent

from . import services
from .models import OutboxMessage

logger = logging.getLogger(__name__)

MAX_RETRIES = 5


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES, soft_time_limit=50, time_limit=60)
def send_outbox_message(self, message_id) -> bool:
    """Send one stored e-mail; claimed by a conditional update, so it is never sent twice.

    On failure the message goes back to pending and is retried with an exponential backoff; after
    MAX_RETRIES, or at once when the server refused it for good (5yz, directory/mail.py), it is
    marked failed.
    """
    message = services.claim_message(message_id)
    if message is None:
        return False
    try:
        services.deliver(message)
    except Exception as error:  # noqa: BLE001 - any transport error is retried
        final = self.request.retries >= MAX_RETRIES or is_permanent(error)
        services.release_after_failure(message, error, final=final)
        logger.warning("outbox_failed message=%s attempts=%s final=%s", message.pk, message.attempts, final)
        if not final:
            raise self.retry(countdown=60 * 2**self.request.retries, exc=error) from error
        return False
    return True


@shared_task(acks_late=True, max_retries=3)
def send_referral_digests() -> int:
    """Periodic (config/celery.py beat_schedule): each organisation's digest of what falls due."""
    return services.queue_digests()


@shared_task(bind=True, acks_late=True, max_retries=3)
def flush_outbox(self) -> int:
    """Periodic: queue again the pending messages left behind (broker down at commit time)."""
    stale = timezone.now() - timezone.timedelta(minutes=10)
    ids = list(
        OutboxMessage.objects.filter(
            Q(status=OutboxMessage.Status.PENDING), created_at__lt=stale
        ).values_list("pk", flat=True)[:500]
    )
    for message_id in ids:
        send_outbox_message.apply_async((message_id,), **same_queue(self))
    return len(ids)

"""Background work of the directory (thin: the rules are in services)."""

from celery import shared_task

from config.celery import same_queue

from . import services


@shared_task(acks_late=True, max_retries=3)
def expire_locks() -> int:
    """Periodic (config/celery.py beat_schedule): release the sign-in locks that have expired."""
    return services.release_expired_locks()


@shared_task(acks_late=True, max_retries=3, soft_time_limit=1500, time_limit=1800)
def purge_api_records() -> list[int]:
    """Nightly (config/celery.py beat_schedule): delete the API's call log and idempotency answers
    past their retention (settings API_CALL_RETENTION_DAYS, API_IDEMPOTENCY_RETENTION_DAYS); a
    second run, or a second worker, finds nothing left to delete."""
    return list(services.purge_api_records())


MAX_RETRIES = 3


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES, soft_time_limit=50, time_limit=60)
def send_notification(self, notification_id) -> bool:
    """One immediate e-mail (a link only), claimed once; a transient refusal released and retried
    with backoff, a permanent one (5yz, directory/mail.py) or the last try's given up and shown."""
    from . import notifications

    notification = notifications.claim_email(notification_id)
    if notification is None:
        return False
    try:
        notifications.email_one(notification)
    except Exception as error:  # noqa: BLE001 - any transport error is retried or given up
        last_try = self.request.retries >= MAX_RETRIES
        if notifications.settle_failure([notification_id], error, last_try=last_try):
            raise self.retry(countdown=120 * 2**self.request.retries, exc=error) from error
        return False
    return True


@shared_task(bind=True, acks_late=True, max_retries=3)
def flush_notifications(self) -> int:
    """Periodic: queue again the immediate e-mails left behind (broker down at commit time); the
    claim (emailed_at) makes a second queueing harmless."""
    from . import notifications

    waiting = notifications.immediate_waiting()
    for notification_id in waiting:
        send_notification.apply_async((notification_id,), **same_queue(self))
    return len(waiting)


@shared_task(acks_late=True, soft_time_limit=300, time_limit=360)
def send_notification_digests() -> int:
    """Periodic (config/celery.py beat_schedule): each user's daily digest, for the kinds they chose."""
    import logging

    from . import notifications

    sent = 0
    for user, batch in notifications.digest_batches():
        claimed = notifications.claim_digest(batch)
        if not claimed:
            continue
        try:
            notifications.email_digest(user, claimed)
        except Exception as error:  # noqa: BLE001 - a refused digest waits for tomorrow's, unless refused for good
            ids = [notification.pk for notification in claimed]
            notifications.settle_failure(ids, error, last_try=False)
            logging.getLogger(__name__).warning("notification_digest_failed user=%s", user.pk)
            continue
        sent += 1
    return sent

"""Background work of the directory (thin: the rules are in services)."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, max_retries=3)
def expire_locks() -> int:
    """Periodic (config/celery.py beat_schedule): release the sign-in locks that have expired."""
    return services.release_expired_locks()

"""Celery wiring: Redis broker when REDIS_URL is set, tasks run in-process otherwise.

The beat schedule is declared here and only here; django-celery-beat's DatabaseScheduler copies it
into the database, where an administrator can see it.
"""

import logging
import os

from celery import Celery
from celery.schedules import crontab
from kombu.exceptions import OperationalError as BrokerUnreachable

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("prevex")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "release-expired-sign-in-locks": {
        "task": "directory.tasks.expire_locks",
        "schedule": crontab(minute="*/15"),
    },
    # SIAO and CAF weekly lists, Monday 07:00 Europe/Paris (CELERY_TIMEZONE), Charte étapes 2 et 6.
    "weekly-lists-monday": {
        "task": "letters.tasks.run_weekly_lists",
        "schedule": crontab(minute=0, hour=7, day_of_week=1),
    },
    # Referrals: each organisation's digest of what falls due, every working day at 07:30;
    # the outbox's pending e-mails queued again every 10 minutes (referrals/tasks.py).
    "referral-digests": {
        "task": "referrals.tasks.send_referral_digests",
        "schedule": crontab(minute=30, hour=7, day_of_week="1-5"),
    },
    # Each user's daily digest of the notifications they chose to receive so (directory/notifications.py).
    "notification-digests": {
        "task": "directory.tasks.send_notification_digests",
        "schedule": crontab(minute=0, hour=8, day_of_week="1-5"),
    },
    "referral-outbox-flush": {
        "task": "referrals.tasks.flush_outbox",
        "schedule": crontab(minute="*/10"),
    },
    # Faults lose nothing: the immediate notification e-mails a broker down at commit left behind,
    # the weekly lists whose send was lost, the letter batches a dead worker or a lost task left behind.
    "notifications-flush": {
        "task": "directory.tasks.flush_notifications",
        "schedule": crontab(minute="*/10"),
    },
    "weekly-lists-flush": {
        "task": "letters.tasks.flush_weekly_lists",
        "schedule": crontab(minute="*/10"),
    },
    "letter-batches-resume": {
        "task": "letters.tasks.resume_batches",
        "schedule": crontab(minute="*/5"),
    },
    # Data protection (law.md): yesterday's unusual reading told to the administrators at 06:30;
    # previewed imports never confirmed deleted once a day old.
    "access-log-unusual-reading": {
        "task": "procedure.tasks.alert_unusual_reading",
        "schedule": crontab(minute=30, hour=6),
    },
    # The national view's stored counts, arrêtés each night at 02:00 (indicators/national_counts.py,
    # decision 019); the national steering role may also ask for them during the day.
    "national-counts-nightly": {
        "task": "indicators.tasks.refresh_national_counts",
        "schedule": crontab(minute=0, hour=2),
    },
    "anonymise-closed-cases": {
        "task": "procedure.tasks.anonymise_closed_cases",
        "schedule": crontab(minute=15, hour=2),
    },
    "purge-pending-imports": {
        "task": "procedure.tasks.purge_pending_imports",
        "schedule": crontab(minute=5),
    },
    # The partner API's call log (six months, CNIL) and idempotency answers (30 days), at 02:45.
    "purge-api-records": {
        "task": "directory.tasks.purge_api_records",
        "schedule": crontab(minute=45, hour=2),
    },
    # The documents built in the background (exports past a few thousand rows) once a day old.
    "purge-background-exports": {
        "task": "procedure.tasks.purge_exports",
        "schedule": crontab(minute=20),
    },
}


logger = logging.getLogger("config.celery")


def same_queue(task) -> dict:
    """Sub-tasks go to the queue their parent came from when it is a queue of its own (a test's
    worker); from Prévex's queues (default, pdf, email) the router sends each to its own."""
    routing_key = (task.request.delivery_info or {}).get("routing_key")
    ours = {queue.name for queue in app.conf.task_queues or ()}
    return {"queue": routing_key} if routing_key and routing_key not in ours else {}


def enqueue(task, *args, **options):
    """Queue a task from a page (usually after commit) without letting a broker that is down break
    the page: the work it stands for is already stored (an outbox message, a queued batch) and a
    periodic task queues it again once Redis answers (docs/deploy.md "When something fails").

    The result is never read by a page, so none is awaited (`ignore_result`): with Redis down, the
    publish fails after kombu's short retry policy (about a second) instead of the result backend's
    long reconnection. Returns the AsyncResult, or None when the broker was unreachable."""
    if task.app.conf.task_always_eager:
        return task.apply_async(args, **options)
    try:
        return task.apply_async(args, ignore_result=True, **options)
    except (BrokerUnreachable, OSError) as error:
        logger.warning("task_not_queued task=%s error=%s", task.name, type(error).__name__)
        return None

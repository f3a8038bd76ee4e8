"""Celery wiring: Redis broker when REDIS_URL is set, tasks run in-process otherwise.

The beat schedule is declared here and only here; django-celery-beat's DatabaseScheduler copies it
into the database, where an administrator can see it.
"""

import os

from celery import Celery
from celery.schedules import crontab

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
    # Data protection (law.md): yesterday's unusual reading told to the administrators at 06:30;
    # previewed imports never confirmed deleted once a day old.
    "access-log-unusual-reading": {
        "task": "procedure.tasks.alert_unusual_reading",
        "schedule": crontab(minute=30, hour=6),
    },
    "anonymise-closed-cases": {
        "task": "procedure.tasks.anonymise_closed_cases",
        "schedule": crontab(minute=15, hour=2),
    },
    "purge-pending-imports": {
        "task": "procedure.tasks.purge_pending_imports",
        "schedule": crontab(minute=5),
    },
    # The documents built in the background (exports past a few thousand rows) once a day old.
    "purge-background-exports": {
        "task": "procedure.tasks.purge_exports",
        "schedule": crontab(minute=20),
    },
}

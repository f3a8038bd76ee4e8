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
}

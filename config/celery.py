"""Celery wiring: Redis broker when REDIS_URL is set, tasks run in-process otherwise."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("prevex")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

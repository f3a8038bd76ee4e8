"""Celery round-trips a real Prévex task: through a real worker on PostgreSQL + Redis, eagerly otherwise."""

import datetime

from django.utils import timezone

from config.celery import app as celery_app
from directory.models import User
from directory.tasks import expire_locks
from tests.factories import UserFactory


def test_expire_locks_releases_expired_locks_and_keeps_current_ones(celery_worker_process):
    now = timezone.now()
    expired = UserFactory(locked_until=now - datetime.timedelta(minutes=1), failed_login_count=3)
    current = UserFactory(locked_until=now + datetime.timedelta(minutes=10))

    released = expire_locks.delay().get(timeout=30)

    assert released == 1
    expired.refresh_from_db()
    current.refresh_from_db()
    assert (expired.locked_until, expired.failed_login_count) == (None, 0)
    assert current.locked_until is not None


def test_expire_locks_twice_changes_nothing_the_second_time(celery_worker_process):
    UserFactory(locked_until=timezone.now() - datetime.timedelta(minutes=1))

    assert expire_locks.delay().get(timeout=30) == 1
    assert expire_locks.delay().get(timeout=30) == 0
    assert not User.objects.filter(locked_until__isnull=False).exists()


def test_the_worker_fixture_matches_the_mode(celery_worker_process, settings):
    """With REDIS_URL a real worker answers a ping on its own queue; without it tasks run eagerly."""
    if settings.REDIS_URL:
        replies = celery_app.control.ping(timeout=5)
        assert any(celery_worker_process in name for reply in replies for name in reply)
        assert not celery_app.conf.task_always_eager
    else:
        assert celery_worker_process is None
        assert celery_app.conf.task_always_eager


def test_lock_release_is_scheduled_in_the_beat_schedule():
    tasks = {entry["task"] for entry in celery_app.conf.beat_schedule.values()}
    assert "directory.tasks.expire_locks" in tasks

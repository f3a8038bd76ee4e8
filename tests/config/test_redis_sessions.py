"""Issue 16: with REDIS_URL set, several web hosts share Django's cache and the sessions in Redis;
without it, sessions stay in the database (a single host, the tests)."""

import json

import pytest

from tests.config.test_settings import run

# Our own Redis database number (common.md: one per engineer) for the round trip.
REDIS = "redis://127.0.0.1:6379/11"

ROUND_TRIP = """
import json, django
from django.conf import settings
django.setup()
from django.contrib.sessions.backends.cache import SessionStore
from django.core.cache import cache
session = SessionStore()
session["acting_membership_id"] = 42
session.save()
read = SessionStore(session_key=session.session_key)
print(json.dumps({
    "cache": settings.CACHES["default"]["BACKEND"],
    "sessions": settings.SESSION_ENGINE,
    "read_back": read["acting_membership_id"],
    "in_redis": cache.get(session.cache_key) is not None,
}))
session.delete()
"""

DEFAULTS = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({"cache": settings.CACHES["default"]["BACKEND"], "sessions": settings.SESSION_ENGINE}))
"""


def _redis_up():
    try:
        import redis

        return redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except Exception:  # noqa: BLE001 (no Redis on this machine)
        return False


def test_without_redis_sessions_stay_in_the_database():
    result = run(["-c", DEFAULTS])
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "cache": "django.core.cache.backends.locmem.LocMemCache",
        "sessions": "django.contrib.sessions.backends.db",
    }


@pytest.mark.skipif(not _redis_up(), reason="no Redis at 127.0.0.1:6379")
def test_with_redis_a_session_saved_by_one_host_is_read_from_redis():
    result = run(["-c", ROUND_TRIP], REDIS_URL=REDIS)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "cache": "django.core.cache.backends.redis.RedisCache",
        "sessions": "django.contrib.sessions.backends.cache",
        "read_back": 42,
        "in_redis": True,
    }

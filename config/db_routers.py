"""The read replica: the indicators and the exports read from it, everything else from `default`.

With `DATABASE_REPLICA_URL` set, settings add a `replica` database (a streaming replica of the
primary, docs/deploy.md). Code that may read slightly old data (a few seconds of replication lag)
runs inside `reading_from_replica()` or a view decorated with `@read_from_replica`; its reads go to
the replica, its writes always to `default`. Without a replica, everything goes to `default`.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings

REPLICA = "replica"
_on_replica = ContextVar("prevex_on_replica", default=False)


@contextmanager
def reading_from_replica():
    token = _on_replica.set(True)
    try:
        yield
    finally:
        _on_replica.reset(token)


def read_from_replica(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        with reading_from_replica():
            return view(*args, **kwargs)

    return wrapped


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _on_replica.get() and REPLICA in settings.DATABASES:
            return REPLICA
        return None  # Django's default: the database of the instance at hand, else `default`

    def db_for_write(self, model, **hints):
        # A row read from the replica is still saved to the primary.
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary.
        return True

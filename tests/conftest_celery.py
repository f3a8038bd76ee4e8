"""A real Celery worker for the tests that need one (registered from tests/conftest.py).

With REDIS_URL set (CI: PostgreSQL and Redis), `celery_worker_process` starts `celery -A config worker`
in a subprocess on the test database and on a queue of its own, waits until it answers a ping, and
stops it at the end of the session; the tests that use it also use `transactional_db`, so that the
worker sees their rows. Without REDIS_URL (the embedded SQLite mode) tasks run in-process
(CELERY_TASK_ALWAYS_EAGER) and the fixture yields None: the same test runs eagerly, never skipped.

Tests that do not ask for the worker run their tasks in-process in both modes, so no message is left
on the broker for a worker of a later test.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings

from config.celery import app as celery_app

BASE_DIR = Path(__file__).resolve().parent.parent
START_TIMEOUT = 60


def _test_database_url():
    """DATABASE_URL of the test database pytest-django created (PostgreSQL only)."""
    db = settings.DATABASES["default"]
    credentials = quote(db.get("USER") or "")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"])
    host = f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
    return f"postgres://{credentials}@{host}/{db['TEST']['NAME']}"


def _wait_for_ping(process, nodename, log):
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        if celery_app.control.ping(destination=[nodename], timeout=1):
            return
    raise RuntimeError(f"The Celery worker {nodename} did not answer:\n{log.read_text()[-3000:]}")


def _stop(process):
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def _celery_worker_session(django_db_setup, tmp_path_factory):
    if settings.CELERY_TASK_ALWAYS_EAGER:
        yield None
        return
    test_db = settings.DATABASES["default"]["TEST"]["NAME"]
    queue = f"prevex-{test_db}-{os.getpid()}"
    nodename = f"{queue}@{socket.gethostname()}"
    media = tmp_path_factory.mktemp("worker-media")
    env = {**os.environ, "DATABASE_URL": _test_database_url(), "MEDIA_ROOT": str(media)}
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO"]
    command += ["--queues", queue, "--hostname", nodename, "--without-gossip", "--without-mingle"]
    log = tmp_path_factory.mktemp("celery") / "worker.log"
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        _wait_for_ping(process, nodename, log)
        yield queue, media
    finally:
        _stop(process)


@pytest.fixture
def celery_worker_process(_celery_worker_session, transactional_db, settings):
    """The name of the queue a real worker consumes (tasks are sent there), or None when eager;
    the test's MEDIA_ROOT is the worker's, so that both read the files the other wrote."""
    if _celery_worker_session is None:
        yield None
        return
    queue, settings.MEDIA_ROOT = _celery_worker_session
    previous = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    # Every task to the test's own queue: the routes to the pdf and email queues (CELERY_TASK_ROUTES)
    # are emptied in place, the router holding the same list, and put back afterwards.
    routes = celery_app.amqp.routes
    kept = list(routes)
    routes[:] = []
    try:
        yield queue
    finally:
        routes[:] = kept
        celery_app.conf.task_default_queue = previous


@pytest.fixture(autouse=True)
def _tasks_in_process_unless_worker(request):
    """Tests without the worker run their tasks in-process, as in the embedded mode."""
    celery_app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER or (
        "celery_worker_process" not in request.fixturenames
    )
    yield
    celery_app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER

"""Faults lose nothing (issue 15, item 8): Redis down.

A redis-server of the test's own (a free port, no persistence) is the broker of the test process and
of a real `celery worker` subprocess; the shared Redis is never touched. With it stopped, the case
page and the work queue answer, a referral (its e-mail to the organisation in the outbox) and a
week's questionnaires (a batch) are requested from their pages; nothing is lost: once Redis is
started again, the beat's periodic tasks queue the waiting work, the worker sends each e-mail and
generates each letter once, and a second pass changes nothing.
"""

import datetime
import os
import shutil
import socket
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from config.celery import app as celery_app
from directory import tasks as directory_tasks
from letters import tasks as letters_tasks
from letters.models import Letter, LetterBatch
from letters.services.weekly_lists import iso_week_label, week_start_of
from procedure.models import Stage, Task
from procedure.rules import Action
from referrals import tasks as referrals_tasks
from referrals.models import OutboxMessage
from tests.conftest_celery import BASE_DIR, _stop, _test_database_url, _wait_for_ping
from tests.letters.factories import payment_order_on
from tests.referrals.departement import load_departement
from tests.referrals.factories import case_in

pytestmark = [pytest.mark.celery_worker, pytest.mark.usefixtures("directory_contacts")]


def wait_until(condition, what, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


class OwnRedis:
    """A redis-server of the test's own on a free port, stopped and started at will."""

    def __init__(self, tmp_path):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.dir, self.process = tmp_path, None

    def start(self):
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        command += ["--appendonly", "no", "--dir", str(self.dir)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(self.answers, "the test's redis-server", timeout=10)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        assert not self.answers()

    def answers(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False


def _use_redis(broker, backend):
    """The test process publishes to `broker` and reads results from `backend` from now on (its
    connection pools and result backend rebuilt)."""
    conf = celery_app.conf
    previous = conf.broker_url, conf.broker_write_url, conf.result_backend
    conf.broker_url, conf.broker_write_url, conf.result_backend = broker, None, backend
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app._backend_cache = None
    celery_app._local.backend = None
    return previous


@pytest.fixture
def own_redis(transactional_db, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip(
            "the worker runs in another process and reads the test's database: PostgreSQL only "
            "(SQLite's test database lives in the test's memory)"
        )
    if shutil.which("redis-server") is None:
        # CI has Redis (.ci/run starts it): a missing redis-server there must fail, never hide the test.
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server is missing on CI: install Debian's redis-server")
        pytest.skip("redis-server is not installed")
    redis = OwnRedis(tmp_path)
    redis.start()
    previous = _use_redis(redis.url, redis.url)
    always_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield redis
    finally:
        _use_redis(previous[0], previous[2])
        celery_app.conf.broker_write_url = previous[1]
        celery_app.conf.task_always_eager = always_eager
        if redis.process.poll() is None:
            redis.stop()


def start_worker(redis, queue, tmp_path, mail_dir):
    nodename = f"{queue}@{socket.gethostname()}"
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": redis.url,
        "EMAIL_URL": f"filemail:///{mail_dir}",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO"]
    command += ["--queues", queue, "--hostname", nodename, "--without-gossip", "--without-mingle"]
    log = tmp_path / "worker.log"
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT)
    _wait_for_ping(process, nodename, log)
    return process


def mails_in(directory):
    if not directory.exists():
        return []
    return [
        line
        for path in directory.iterdir()
        for line in path.read_text().splitlines()
        if line.startswith("To: ")
    ]


def test_with_redis_down_pages_answer_and_the_work_waits_then_goes_once(
    own_redis, tmp_path, secretariat, secretariat_client, settings
):
    load_departement()
    procedure = case_in("21231", stage=Stage.SUMMONS)
    task = Task.objects.get(procedure=procedure, kind=Action.REQUEST_DSF)
    last_week = week_start_of(timezone.localdate()) - datetime.timedelta(days=7)
    payment_order_on(last_week + datetime.timedelta(days=1), reference="LOT-REDIS")
    queue = f"prevex-redis-down-{os.getpid()}"
    mail_dir = tmp_path / "mail"
    # Every task to the worker's own queue (the routes to the pdf and email queues emptied in place).
    routes, kept = celery_app.amqp.routes, list(celery_app.amqp.routes)
    routes[:] = []
    previous_queue, celery_app.conf.task_default_queue = celery_app.conf.task_default_queue, queue
    try:
        worker = start_worker(own_redis, queue, tmp_path, mail_dir)
        try:
            own_redis.stop()

            # Pages answer with the broker down.
            started = time.monotonic()
            case_page = secretariat_client.get(reverse("procedure:detail", args=[procedure.pk]))
            assert case_page.status_code == 200
            assert secretariat_client.get(reverse("procedure:work_queue")).status_code == 200
            (item,) = case_page.context["panel"]["requestable_tasks"]
            asked = secretariat_client.post(
                reverse("referrals:request", args=[procedure.pk]),
                {
                    "kind": item["kind"],
                    "addressed_to": item["organisation"].pk,
                    "due_date": item["due_date"].isoformat(),
                    "task": task.pk,
                },
            )
            batch_asked = secretariat_client.post(
                reverse("letters:index"), {"week": iso_week_label(last_week)}
            )
            assert (asked.status_code, batch_asked.status_code) == (302, 302)
            assert time.monotonic() - started < 10
            # The work waits where it is stored.
            message = OutboxMessage.objects.get()
            batch = LetterBatch.objects.get()
            assert (message.status, message.attempts) == (OutboxMessage.Status.PENDING, 0)
            assert (batch.status, batch.done) == (LetterBatch.Status.QUEUED, 0)
            assert not Letter.objects.exists()

            own_redis.start()
            _use_redis(own_redis.url, own_redis.url)  # the test's own connections, new
            # Time passes (beat's periods): the waiting work is older than the sweepers' delays.
            past = timezone.now() - datetime.timedelta(minutes=11)
            OutboxMessage.objects.update(created_at=past)
            LetterBatch.objects.update(created_at=past)
            for sweep in (referrals_tasks.flush_outbox, letters_tasks.resume_batches):
                sweep.apply_async(ignore_result=True)
            wait_until(
                lambda: OutboxMessage.objects.get().status == OutboxMessage.Status.SENT, "the e-mail sent"
            )
            wait_until(lambda: LetterBatch.objects.get().status == LetterBatch.Status.DONE, "the batch")
            # A second pass of every sweeper finds nothing to queue.
            assert referrals_tasks.flush_outbox.delay().get(timeout=20) == 0
            assert letters_tasks.resume_batches.delay().get(timeout=20) == []
            assert directory_tasks.flush_notifications.delay().get(timeout=20) == 0
        except AssertionError:
            print((tmp_path / "worker.log").read_text()[-4000:])
            raise
        finally:
            _stop(worker)
    finally:
        routes[:] = kept
        celery_app.conf.task_default_queue = previous_queue

    assert mails_in(mail_dir) == [f"To: {message.recipient}"]
    assert OutboxMessage.objects.get().attempts == 1
    batch = LetterBatch.objects.get()
    assert (batch.done, batch.total) == (2, 2)
    assert Letter.objects.filter(batch=batch).count() == 2

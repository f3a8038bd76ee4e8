"""The weekly run end to end through a real Celery worker on Redis against PostgreSQL (REDIS_URL set,
as in CI), including a worker killed in the middle of a send and a new one started; in the embedded
mode (no REDIS_URL) the same tests run their tasks in-process."""

import datetime
import os
import signal
import socket
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.utils import timezone

from config.celery import app as celery_app
from letters import tasks
from letters.models import Delivery, ListKind, WeeklyList
from letters.services import delivery, weekly_lists
from tests.conftest_celery import BASE_DIR, _stop, _test_database_url, _wait_for_ping
from tests.factories import OrganisationFactory
from tests.letters.factories import granted_on, payment_order_on, siao

pytestmark = pytest.mark.celery_worker
TIMEOUT = 60


def last_week():
    return weekly_lists.week_start_of(timezone.localdate()) - datetime.timedelta(days=7)


def wait_until(condition, what):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_the_monday_run_through_a_worker_sends_each_list_once(celery_worker_process):
    siao()
    OrganisationFactory(caf=True)
    granted_on(last_week() + datetime.timedelta(days=2), reference="OCTROI-W")
    payment_order_on(last_week(), reference="CP-W")

    list_ids = tasks.run_weekly_lists.delay().get(timeout=TIMEOUT)

    assert len(list_ids) == 2
    wait_until(
        lambda: WeeklyList.objects.filter(status=WeeklyList.Status.SENT).count() == 2, "two lists sent"
    )
    assert tasks.run_weekly_lists.delay().get(timeout=TIMEOUT) == []
    assert Delivery.objects.filter(event=Delivery.Event.SENT).count() == 2
    assert set(WeeklyList.objects.values_list("kind", "row_count")) == {(ListKind.SIAO, 1), (ListKind.CAF, 1)}


# ---------------------------------------------------------------------------------------------
# A worker killed between the claim and the send
# ---------------------------------------------------------------------------------------------


def start_worker(queue, tmp_path, email_url, name):
    nodename = f"{queue}-{name}@{socket.gethostname()}"
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "EMAIL_URL": email_url,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO"]
    command += ["--queues", queue, "--hostname", nodename, "--without-gossip", "--without-mingle"]
    log = tmp_path / f"worker-{name}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT)
    _wait_for_ping(process, nodename, log)
    return process


def mails_in(directory):
    if not directory.exists():
        return 0
    return sum(path.read_text().count("\nSubject: ") for path in directory.iterdir())


@pytest.fixture
def silent_smtp_server():
    """An SMTP server that accepts the connection and never answers: a send hangs there."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    yield server.getsockname()[1]
    server.close()


def test_a_worker_killed_mid_send_is_replaced_and_the_list_is_sent_exactly_once(
    transactional_db, tmp_path, silent_smtp_server, mailoutbox
):
    siao()
    granted_on(last_week() + datetime.timedelta(days=1))
    (weekly,) = delivery.build_week(week_start=last_week(), kinds=[ListKind.SIAO])
    mail_dir = tmp_path / "mail"

    if settings.REDIS_URL:
        queue = f"prevex-letters-kill-{os.getpid()}"
        celery_app.conf.task_always_eager = False  # put back by tests/conftest_celery.py
        first = start_worker(queue, tmp_path, f"smtp://127.0.0.1:{silent_smtp_server}", "first")
        try:
            tasks.send_weekly_list.apply_async((weekly.pk,), queue=queue)
            wait_until(
                lambda: WeeklyList.objects.get(pk=weekly.pk).status == WeeklyList.Status.SENDING, "claim"
            )
            os.kill(first.pid, signal.SIGKILL)
            first.wait(timeout=10)
        finally:
            if first.poll() is None:
                _stop(first)
    else:
        delivery.claim(weekly)  # in-process: the worker "dies" right after its claim

    assert WeeklyList.objects.get(pk=weekly.pk).status == WeeklyList.Status.SENDING
    # The lease runs out (time passes): the list may be taken over.
    WeeklyList.objects.filter(pk=weekly.pk).update(claimed_at=timezone.now() - 2 * delivery.LEASE)

    if settings.REDIS_URL:
        second = start_worker(queue, tmp_path, f"filemail:///{mail_dir}", "second")
        try:
            assert tasks.run_weekly_lists.apply_async(queue=queue).get(timeout=TIMEOUT) == [weekly.pk]
            wait_until(lambda: WeeklyList.objects.get(pk=weekly.pk).status == WeeklyList.Status.SENT, "send")
            tasks.send_weekly_list.apply_async((weekly.pk,), queue=queue).get(timeout=TIMEOUT)
        finally:
            _stop(second)
        sent = mails_in(mail_dir)
    else:
        assert tasks.run_weekly_lists.delay().get() == [weekly.pk]
        tasks.send_weekly_list.delay(weekly.pk).get()
        sent = len(mailoutbox)

    assert sent == 1
    events = list(Delivery.objects.filter(weekly_list=weekly).values_list("event", flat=True))
    assert events == [Delivery.Event.CLAIMED, Delivery.Event.RECLAIMED, Delivery.Event.SENT]

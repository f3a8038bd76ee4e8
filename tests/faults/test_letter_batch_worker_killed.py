"""Faults lose nothing (issue 15, item 8): a worker killed in the middle of a batch of letters.

With REDIS_URL (CI: PostgreSQL and Redis) a real `celery worker` subprocess generates a week's
questionnaires; it is SIGKILLed once a few letters are stored, a second worker is started, the beat's
`resume_batches` hands it the batch, which it finishes: every letter once, the bundle complete. In
the embedded mode (no REDIS_URL) the killed worker's leftovers are made in-process (the claim and
the first letters) and the same resumption runs eagerly.
"""

import datetime
import io
import os
import signal
import time
from collections import Counter

import pytest
from django.conf import settings
from pypdf import PdfReader

from config.celery import app as celery_app
from letters import tasks
from letters.models import Letter, LetterBatch, LetterKind
from letters.services import letters as services
from procedure.models import Procedure
from tests.conftest_celery import _stop
from tests.letters.conftest import read
from tests.letters.factories import payment_order_on
from tests.letters.test_weekly_lists_worker import start_worker

pytestmark = [pytest.mark.celery_worker, pytest.mark.usefixtures("directory_contacts")]
WEEK = datetime.date(2026, 11, 16)
CASES = 3  # private sector (the factories' default): a questionnaire to the household and the owner


def wait_until(condition, what, timeout=25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def week_of_payment_orders():
    for number in range(CASES):
        payment_order_on(WEEK + datetime.timedelta(days=number % 5), reference=f"LOT-{number}")
    return len(services.questionnaires_due(WEEK))


def batch_row(batch):
    return LetterBatch.objects.get(pk=batch.pk)


def pages(field):
    return len(PdfReader(io.BytesIO(read(field))).pages)


def test_a_worker_killed_mid_batch_is_replaced_and_no_letter_is_generated_twice(
    transactional_db, tmp_path, secretariat
):
    total = week_of_payment_orders()
    assert total == 2 * CASES
    batch = LetterBatch.objects.create(week_start=WEEK, total=total, created_by=secretariat)

    if settings.REDIS_URL:
        queue = f"prevex-batch-kill-{os.getpid()}"
        celery_app.conf.task_always_eager = False  # put back by tests/conftest_celery.py
        first = start_worker(queue, tmp_path, "consolemail://", "first")
        try:
            tasks.generate_batch.apply_async((batch.pk,), queue=queue)
            wait_until(lambda: batch_row(batch).done >= 2, "the first letters")
            os.kill(first.pid, signal.SIGKILL)
            first.wait(timeout=10)
        finally:
            if first.poll() is None:
                _stop(first)
    else:  # in-process: the worker "dies" after its claim and two letters
        services.claim_batch(batch.pk)
        for procedure_id, kind in services.questionnaires_due(WEEK)[:2]:
            procedure = Procedure.objects.get(pk=procedure_id)
            rendered = services._render(procedure, kind)
            services._store(procedure=procedure, kind=kind, user=secretariat, batch=batch, **rendered)

    left = batch_row(batch)
    assert left.status == LetterBatch.Status.RUNNING
    stored_before = set(left.letters.values_list("pk", flat=True))
    assert 2 <= len(stored_before) < total, "the worker was not killed in the middle of the batch"
    # A redelivered task while the dead worker's lease runs does nothing.
    assert services.run_batch(batch_id=batch.pk) == LetterBatch.Status.RUNNING
    assert services.batches_to_resume() == []
    # Time passes: the dead worker's heartbeat is older than the lease.
    LetterBatch.objects.filter(pk=batch.pk).update(heartbeat_at=left.heartbeat_at - 2 * services.BATCH_LEASE)

    if settings.REDIS_URL:
        second = start_worker(queue, tmp_path, "consolemail://", "second")
        try:
            assert tasks.resume_batches.apply_async(queue=queue).get(timeout=25) == [batch.pk]
            wait_until(lambda: batch_row(batch).status == LetterBatch.Status.DONE, "the batch resumed")
            # The first worker's message, redelivered once Redis's visibility timeout runs out.
            assert tasks.generate_batch.apply_async((batch.pk,), queue=queue).get(timeout=25) == "terminee"
        finally:
            _stop(second)
    else:
        assert tasks.resume_batches.delay().get() == [batch.pk]
        assert tasks.generate_batch.delay(batch.pk).get() == LetterBatch.Status.DONE

    done = batch_row(batch)
    letters = list(Letter.objects.filter(batch=batch))
    assert (done.status, done.done, done.total) == (LetterBatch.Status.DONE, total, total)
    assert Counter((letter.procedure_id, letter.kind) for letter in letters) == Counter(
        dict.fromkeys(services.questionnaires_due(WEEK), 1)
    )
    assert stored_before <= {letter.pk for letter in letters}  # the dead worker's letters kept
    assert {letter.kind for letter in letters} == {
        LetterKind.QUESTIONNAIRE_HOUSEHOLD,
        LetterKind.QUESTIONNAIRE_OWNER,
    }
    assert pages(done.bundle) == sum(pages(letter.file) for letter in letters)
    assert services.batches_to_resume() == []

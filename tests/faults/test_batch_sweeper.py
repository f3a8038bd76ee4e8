"""The beat's sweeper of letter batches (letters.tasks.resume_batches): which batches it queues."""

import datetime

import pytest
from django.utils import timezone

from letters.models import LetterBatch
from letters.services import letters as services

pytestmark = pytest.mark.django_db
WEEK = datetime.date(2026, 11, 16)


def test_the_sweeper_takes_lost_and_stalled_batches_only():
    now = timezone.now()
    old = now - 2 * services.BATCH_LEASE
    lost = LetterBatch.objects.create(week_start=WEEK)  # queued while the broker was down
    LetterBatch.objects.filter(pk=lost.pk).update(created_at=old)
    just_queued = LetterBatch.objects.create(week_start=WEEK)
    stalled = LetterBatch.objects.create(week_start=WEEK, status=LetterBatch.Status.RUNNING, heartbeat_at=old)
    alive = LetterBatch.objects.create(week_start=WEEK, status=LetterBatch.Status.RUNNING, heartbeat_at=now)
    done = LetterBatch.objects.create(week_start=WEEK, status=LetterBatch.Status.DONE, heartbeat_at=old)

    assert services.batches_to_resume() == [lost.pk, stalled.pk]
    assert services.claim_batch(alive.pk) is None
    assert services.claim_batch(done.pk) is None
    assert services.claim_batch(just_queued.pk) is not None
    token = services.claim_batch(stalled.pk)
    assert token is not None and services.claim_batch(stalled.pk) is None
    assert LetterBatch.objects.get(pk=stalled.pk).claim_token == token

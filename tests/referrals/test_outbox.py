"""The outbox: an e-mail stored with the referral, sent after commit, never twice, with only a link."""

import pytest
from django.core import mail

from referrals import services, tasks
from referrals.models import OutboxMessage

from .factories import case_in, days_ago, referral


@pytest.fixture
def requested(departement, secretariat, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        made = referral(procedure=case_in("21231"), secretariat=secretariat)
    return made, callbacks


def test_nothing_is_sent_before_commit(requested):
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.PENDING
    assert mail.outbox == []


def test_running_the_task_twice_sends_one_email(requested):
    made, _ = requested
    message = OutboxMessage.objects.get()
    assert tasks.send_outbox_message.delay(message.pk).get() is True
    assert tasks.send_outbox_message.delay(message.pk).get() is False
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT and message.attempts == 1
    assert made.procedure.household.label not in mail.outbox[0].body
    assert f"/orientations/{made.pk}/" in mail.outbox[0].body


def test_a_failed_send_goes_back_to_pending_then_failed(requested):
    message = OutboxMessage.objects.get()
    claimed = services.claim_message(message.pk)
    services.release_after_failure(claimed, ConnectionError("smtp down"), final=False)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING and message.last_error == "smtp down"
    services.release_after_failure(services.claim_message(message.pk), ConnectionError("again"), final=True)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxMessage.Status.FAILED, 2)
    assert tasks.send_outbox_message.delay(message.pk).get() is False
    assert mail.outbox == []


def test_a_vanished_message_is_ignored(departement):
    assert tasks.send_outbox_message.delay(123456).get() is False


def test_digest_once_a_day_per_organisation(requested, django_capture_on_commit_callbacks):
    made, _ = requested
    made.__class__.objects.filter(pk=made.pk).update(due_date=days_ago(2))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.queue_digests() == 1
        services.queue_digests()
    digests = OutboxMessage.objects.filter(dedup_key__startswith="digest-")
    assert digests.count() == 1
    assert "1 en retard" in digests.get().body
    assert len(mail.outbox) == 1

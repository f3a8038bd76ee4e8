"""Building and sending the weekly lists exactly once: constraint, claim, retries, resend, catch-up."""

import datetime
import smtplib

import pytest
from celery.signals import task_retry
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError
from django.utils import timezone

from config.celery import app as celery_app
from letters import tasks
from letters.models import Delivery, ListKind, WeeklyList
from letters.services import delivery
from tests.factories import OrganisationFactory
from tests.letters.conftest import read
from tests.letters.factories import ListRecipientFactory, granted_on, siao

pytestmark = pytest.mark.django_db

WEEK = datetime.date(2026, 11, 9)  # 2026-W46
MONDAY_AFTER = datetime.date(2026, 11, 16)


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that hangs up on every message (outside Prévex: the e-mail connection)."""

    calls = 0

    def send_messages(self, email_messages):
        type(self).calls += 1
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def recipient(db):
    return siao()


@pytest.fixture
def siao_list(recipient):
    granted_on(datetime.date(2026, 11, 12), reference="EXPLOC-9")
    (weekly,) = delivery.build_week(week_start=WEEK, kinds=[ListKind.SIAO])
    return weekly


def test_a_second_list_for_the_same_kind_week_and_recipient_is_refused_by_the_database(siao_list):
    with pytest.raises(IntegrityError):
        WeeklyList.objects.create(kind=ListKind.SIAO, week_start=WEEK, recipient=siao_list.recipient)


def test_building_a_week_twice_builds_it_once(siao_list):
    assert delivery.build_week(week_start=WEEK) == []
    assert WeeklyList.objects.filter(kind=ListKind.SIAO).count() == 1


def test_a_built_list_stores_its_light_files_at_once_and_its_pdf_after(siao_list):
    assert siao_list.row_count == 1
    csv_text = read(siao_list.csv).decode("utf-8-sig")
    assert csv_text.splitlines()[0].split(";")[0] == "reference"
    assert "EXPLOC-9" in csv_text
    assert read(siao_list.xlsx)[:2] == b"PK"
    assert not siao_list.pdf
    assert delivery.pdfs_missing() == [(ListKind.SIAO, WEEK)]

    assert tasks.render_weekly_list_pdf.delay(ListKind.SIAO, WEEK.isoformat()).get() == [siao_list.pk]

    siao_list.refresh_from_db()
    assert read(siao_list.pdf)[:5] == b"%PDF-"
    assert delivery.pdfs_missing() == []
    assert tasks.render_weekly_list_pdf.delay(ListKind.SIAO, WEEK.isoformat()).get() == []


def test_the_pdf_is_rendered_once_for_every_recipient_of_the_kind_and_week(recipient, monkeypatch):
    ListRecipientFactory(organisation=recipient, kind=ListKind.SIAO)
    ListRecipientFactory(organisation=OrganisationFactory(ccas=True, code="ccas-y"), kind=ListKind.SIAO)
    granted_on(datetime.date(2026, 11, 12), reference="EXPLOC-9")
    built = delivery.build_week(week_start=WEEK, kinds=[ListKind.SIAO])
    renders = []
    real = delivery.weekly_lists.to_pdf
    monkeypatch.setattr(delivery.weekly_lists, "to_pdf", lambda *a, **k: renders.append(1) or real(*a, **k))

    assert sorted(delivery.render_pdf(kind=ListKind.SIAO, week_start=WEEK)) == sorted(w.pk for w in built)

    assert len(renders) == 1
    assert all(read(w.pdf)[:5] == b"%PDF-" for w in WeeklyList.objects.all())


def test_lists_go_to_configured_recipients_only_and_default_to_the_siao_and_caf_kinds(recipient):
    caf = OrganisationFactory(caf=True)
    ccas = OrganisationFactory(ccas=True, code="ccas-x")
    ListRecipientFactory(organisation=caf, kind=ListKind.CAF)
    ListRecipientFactory(organisation=ccas, kind=ListKind.CAF, send_as_attachment=True)

    built = delivery.build_week(week_start=WEEK)

    assert {(w.kind, w.recipient.code, w.send_as_attachment) for w in built} == {
        (ListKind.SIAO, "siao-21", False),
        (ListKind.CAF, "caf-21", False),
        (ListKind.CAF, "ccas-x", True),
    }


def test_sending_twice_sends_one_email(siao_list, mailoutbox):
    assert tasks.send_weekly_list.delay(siao_list.pk).get() == WeeklyList.Status.SENT
    assert tasks.send_weekly_list.delay(siao_list.pk).get() == WeeklyList.Status.SENT

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [siao_list.recipient.email]
    siao_list.refresh_from_db()
    assert siao_list.status == WeeklyList.Status.SENT and siao_list.sent_at is not None
    events = list(siao_list.deliveries.values_list("event", flat=True))
    assert events == [Delivery.Event.CLAIMED, Delivery.Event.SENT]


def test_by_default_the_email_holds_a_link_to_the_sign_in_page_not_the_file(siao_list, mailoutbox):
    delivery.deliver(list_id=siao_list.pk)

    (email,) = mailoutbox
    assert f"/courriers/listes/{siao_list.pk}/" in email.body
    assert email.attachments == []
    assert "EXPLOC-9" not in email.body


def _extensions(email):
    return sorted(name.rsplit(".", 1)[1] for name, _content, _mime in email.attachments)


def test_an_organisation_set_to_attachments_receives_the_light_files_first_then_the_pdf_once(
    recipient, mailoutbox
):
    ListRecipientFactory(organisation=recipient, kind=ListKind.SIAO, send_as_attachment=True)
    (weekly,) = delivery.build_week(week_start=WEEK, kinds=[ListKind.SIAO])

    assert tasks.send_weekly_list.delay(weekly.pk).get() == WeeklyList.Status.SENT
    assert [_extensions(email) for email in mailoutbox] == [["csv", "xlsx"]]
    assert "la version PDF suit" in mailoutbox[0].body

    tasks.render_weekly_list_pdf.delay(ListKind.SIAO, WEEK.isoformat()).get()
    assert [_extensions(email) for email in mailoutbox] == [["csv", "xlsx"], ["pdf"]]
    assert mailoutbox[1].subject.endswith("— PDF")

    # The PDF task run again, a retry of the send, the Monday run again: no third e-mail.
    tasks.render_weekly_list_pdf.delay(ListKind.SIAO, WEEK.isoformat()).get()
    assert tasks.send_weekly_list_pdf.delay(weekly.pk).get() is False
    assert tasks.send_weekly_list.delay(weekly.pk).get() == WeeklyList.Status.SENT
    assert len(mailoutbox) == 2
    weekly.refresh_from_db()
    assert weekly.pdf_sent_at is not None
    events = list(weekly.deliveries.values_list("event", flat=True))
    assert events == [Delivery.Event.CLAIMED, Delivery.Event.SENT, Delivery.Event.PDF_SENT]


def test_a_pdf_ready_before_the_send_goes_in_the_first_email_and_no_second_follows(recipient, mailoutbox):
    ListRecipientFactory(organisation=recipient, kind=ListKind.SIAO, send_as_attachment=True)
    (weekly,) = delivery.build_week(week_start=WEEK, kinds=[ListKind.SIAO])
    delivery.render_pdf(kind=ListKind.SIAO, week_start=WEEK)

    tasks.send_weekly_list.delay(weekly.pk).get()
    tasks.send_weekly_list_pdf.delay(weekly.pk).get()

    assert [_extensions(email) for email in mailoutbox] == [["csv", "pdf", "xlsx"]]


def test_a_refused_pdf_email_is_retried_and_sent_once(recipient, mailoutbox, settings, monkeypatch):
    ListRecipientFactory(organisation=recipient, kind=ListKind.SIAO, send_as_attachment=True)
    (weekly,) = delivery.build_week(week_start=WEEK, kinds=[ListKind.SIAO])
    delivery.deliver(list_id=weekly.pk)
    delivery.render_pdf(kind=ListKind.SIAO, week_start=WEEK)
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"

    with pytest.raises(delivery.SendFailed):
        delivery.deliver_pdf(list_id=weekly.pk)

    weekly.refresh_from_db()
    assert weekly.pdf_sent_at is None  # the claim was released: the retry sends it
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert delivery.deliver_pdf(list_id=weekly.pk) is True
    assert delivery.deliver_pdf(list_id=weekly.pk) is False
    assert [_extensions(email) for email in mailoutbox] == [["csv", "xlsx"], ["pdf"]]


def test_a_list_claimed_by_a_live_worker_is_not_sent_by_another(siao_list, mailoutbox):
    assert delivery.claim(siao_list) is not None

    assert delivery.deliver(list_id=siao_list.pk) == WeeklyList.Status.SENDING
    assert mailoutbox == []


def test_a_list_claimed_by_a_dead_worker_is_sent_once_after_the_lease(siao_list, mailoutbox):
    delivery.claim(siao_list)  # the worker dies here, before sending
    WeeklyList.objects.filter(pk=siao_list.pk).update(claimed_at=timezone.now() - delivery.LEASE * 2)

    assert delivery.lists_to_send() == [siao_list.pk]
    tasks.send_weekly_list.delay(siao_list.pk).get()
    tasks.send_weekly_list.delay(siao_list.pk).get()

    assert len(mailoutbox) == 1
    assert Delivery.objects.filter(weekly_list=siao_list, event=Delivery.Event.RECLAIMED).count() == 1


def test_smtp_failure_is_retried_with_backoff_then_the_list_is_failed(siao_list, settings, monkeypatch):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    RefusingBackend.calls = 0
    # In-process, Celery runs each retry at once (a worker would wait `when` seconds).
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", False)
    waits = []

    def record(sender=None, reason=None, **kwargs):
        waits.append(reason.when)

    task_retry.connect(record, weak=False)
    try:
        result = tasks.send_weekly_list.delay(siao_list.pk).get()
    finally:
        task_retry.disconnect(record)

    assert result == WeeklyList.Status.FAILED
    assert waits == [60, 120, 240, 480, 960]
    assert RefusingBackend.calls == tasks.send_weekly_list.max_retries + 1
    siao_list.refresh_from_db()
    assert siao_list.status == WeeklyList.Status.FAILED
    assert "SMTPServerDisconnected" in siao_list.last_error
    events = list(siao_list.deliveries.values_list("event", flat=True))
    assert events.count(Delivery.Event.RETRY) == tasks.send_weekly_list.max_retries
    assert events[-1] == Delivery.Event.FAILED
    assert delivery.lists_to_send() == []


def test_a_manual_resend_is_logged_with_its_reason_and_sends_again(
    siao_list, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    delivery.deliver(list_id=siao_list.pk)

    with django_capture_on_commit_callbacks(execute=True):
        assert delivery.resend(weekly=siao_list, user=secretariat, reason="Adresse corrigée")

    assert len(mailoutbox) == 2
    logged = siao_list.deliveries.get(event=Delivery.Event.RESEND)
    assert (logged.user, logged.reason) == (secretariat, "Adresse corrigée")


def _ago(weekly, minutes):
    """The list built (and its delivery events written) `minutes` ago."""
    then = timezone.now() - datetime.timedelta(minutes=minutes)
    WeeklyList.objects.filter(pk=weekly.pk).update(built_at=then)
    Delivery.objects.filter(weekly_list=weekly).update(at=then)


def test_a_list_whose_task_was_lost_is_sent_by_the_flush_not_next_monday(siao_list, mailoutbox):
    _ago(siao_list, 14)  # its task may still be on its way
    assert tasks.flush_weekly_lists.delay().get() == []
    _ago(siao_list, 16)  # built a quarter of an hour ago, no try since: the broker lost it

    assert tasks.flush_weekly_lists.delay().get() == [siao_list.pk]
    assert tasks.flush_weekly_lists.delay().get() == []
    assert len(mailoutbox) == 1


def test_a_resend_queued_while_the_broker_was_down_is_sent_by_the_flush(siao_list, secretariat, mailoutbox):
    delivery.deliver(list_id=siao_list.pk)
    delivery.resend(weekly=siao_list, user=secretariat, reason="Adresse corrigée")  # its task is lost
    assert delivery.lists_left_behind() == []
    _ago(siao_list, 16)

    assert tasks.flush_weekly_lists.delay().get() == [siao_list.pk]
    assert len(mailoutbox) == 2


def test_a_list_waiting_for_its_retry_or_being_sent_is_left_to_its_task(siao_list):
    token = delivery.claim(siao_list)
    delivery._failed(siao_list, token=token, error=smtplib.SMTPServerDisconnected("x"), last_try=False)
    _ago(siao_list, 60)
    assert delivery.lists_left_behind() == []  # a retry is scheduled: its backoff is respected

    delivery.claim(siao_list)
    assert delivery.lists_left_behind() == []  # a live worker is sending it
    WeeklyList.objects.filter(pk=siao_list.pk).update(claimed_at=timezone.now() - delivery.LEASE * 2)
    assert delivery.lists_left_behind() == [siao_list.pk]  # that worker died


def test_the_flush_runs_every_ten_minutes():
    entry = celery_app.conf.beat_schedule["weekly-lists-flush"]
    assert entry["task"] == "letters.tasks.flush_weekly_lists"
    assert entry["schedule"].minute == set(range(0, 60, 10))


def test_a_resend_needs_a_reason(siao_list, secretariat):
    with pytest.raises(ValueError, match="motif"):
        delivery.resend(weekly=siao_list, user=secretariat, reason="  ")


def test_the_monday_run_builds_last_week_and_sends_it(recipient, mailoutbox):
    last_week = delivery.weekly_lists.week_start_of(timezone.localdate()) - datetime.timedelta(days=7)
    granted_on(last_week + datetime.timedelta(days=6), reference="DIMANCHE-DERNIER")

    tasks.run_weekly_lists.delay().get()

    weekly = WeeklyList.objects.get(kind=ListKind.SIAO)
    assert (weekly.week_start, weekly.row_count, weekly.status) == (last_week, 1, WeeklyList.Status.SENT)
    assert len(mailoutbox) == 1


def test_weeks_missed_while_beat_was_down_are_built_when_it_comes_back(recipient):
    delivery.build_week(week_start=WEEK - datetime.timedelta(weeks=3), kinds=[ListKind.SIAO])

    weeks = delivery.weeks_due(today=MONDAY_AFTER)

    assert weeks == [WEEK - datetime.timedelta(weeks=2), WEEK - datetime.timedelta(weeks=1), WEEK]


def test_catching_up_is_bounded_to_eight_weeks(recipient):
    delivery.build_week(week_start=WEEK - datetime.timedelta(weeks=30), kinds=[ListKind.SIAO])

    weeks = delivery.weeks_due(today=MONDAY_AFTER)

    assert len(weeks) == delivery.MAX_CATCH_UP_WEEKS and weeks[-1] == WEEK


def test_the_first_run_builds_only_last_week(recipient):
    assert delivery.weeks_due(today=MONDAY_AFTER + datetime.timedelta(days=2)) == [WEEK]


def test_weekly_lists_are_scheduled_on_monday_at_seven():
    from config.celery import app

    (entry,) = [e for e in app.conf.beat_schedule.values() if e["task"] == "letters.tasks.run_weekly_lists"]
    schedule = entry["schedule"]
    assert (schedule.hour, schedule.minute, schedule.day_of_week) == ({7}, {0}, {1})


def test_a_worker_losing_the_build_race_keeps_the_winner_s_list_and_drops_its_files(siao_list, settings):
    rows, content = delivery.weekly_lists.light_files(ListKind.SIAO, WEEK)

    loser = delivery._create(
        kind=ListKind.SIAO, week_start=WEEK, organisation=siao_list.recipient, rows=rows, content=content
    )

    assert loser is None
    assert WeeklyList.objects.get(kind=ListKind.SIAO) == siao_list
    stored = sorted(p.name for p in (settings.MEDIA_ROOT / "listes" / "2026-W46").iterdir())
    assert len(stored) == 2  # the XLSX and the CSV (the PDF comes after)

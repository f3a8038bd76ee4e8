"""Faults lose nothing (issue 15, item 8): the SMTP server refusing.

Django's real SMTP backend talks to a real SMTP server on 127.0.0.1 (tests/faults/smtp.py) that
refuses the recipients; the sending tasks run in-process, each retry run as a worker runs it
(`request.retries` = n) without the backoff's wait: a bounded number of tries, then "échec" shown to
the secretariat on the page listing the sendings, and never a second e-mail when the server later
accepts.
"""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from commissions import tasks as commissions_tasks
from commissions.models import CommissionMember, MemberNotice, Session
from directory import notifications
from directory import tasks as directory_tasks
from directory.models import Notification
from letters import tasks as letters_tasks
from letters.models import Delivery, ListKind, ListRecipient, WeeklyList
from letters.services import delivery, weekly_lists
from procedure import tasks as procedure_tasks
from procedure.models import ReadingAlert
from referrals import services as referrals_services
from referrals import tasks as referrals_tasks
from referrals.models import OutboxMessage
from tests.commissions.factories import CommissionFactory, SessionFactory
from tests.departements import conftest as departements
from tests.factories import OrganisationFactory
from tests.letters.factories import granted_on, siao

from .smtp import SmtpServer

pytestmark = pytest.mark.django_db
# The Saône-et-Loire's personas (tests/departements/conftest.py), for the reading alerts.
chalon, ddets_71 = departements.chalon, departements.ddets_71
secretariat_71, administrator_71 = departements.secretariat_71, departements.administrator_71
TEMPORARY = "451 4.3.0 Mailbox temporarily unavailable"
PERMANENT = "550 5.1.1 No such user here"


def run(task, *args):
    """The task and its retries, one after the other, as a worker would run them (Celery's eager
    `apply` runs each retry at once, without the countdown; a retry propagated as an exception would
    stop the chain, hence task_eager_propagates off meanwhile); the last try's result."""
    conf = task.app.conf
    propagates, conf.task_eager_propagates = conf.task_eager_propagates, False
    try:
        return task.apply(args).get()
    finally:
        conf.task_eager_propagates = propagates


@pytest.fixture
def smtp(settings):
    """Prévex's e-mail goes to the test's SMTP server (refusing until told otherwise)."""
    with SmtpServer(refusal=TEMPORARY) as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 5
        yield server


@pytest.fixture
def weekly():
    last_week = weekly_lists.week_start_of(timezone.localdate()) - datetime.timedelta(days=7)
    siao()
    granted_on(last_week + datetime.timedelta(days=1))
    (built,) = delivery.build_week(week_start=last_week, kinds=[ListKind.SIAO])
    return built


def test_a_refused_list_is_tried_a_bounded_number_of_times_then_shown_failed(
    smtp, weekly, secretariat_client
):
    status = run(letters_tasks.send_weekly_list, weekly.pk)

    weekly.refresh_from_db()
    tries = letters_tasks.send_weekly_list.max_retries + 1
    assert (status, weekly.status, weekly.attempts) == (
        WeeklyList.Status.FAILED,
        WeeklyList.Status.FAILED,
        tries,
    )
    assert smtp.attempts == tries and smtp.accepted == []
    assert "451" in weekly.last_error
    events = list(Delivery.objects.filter(weekly_list=weekly).values_list("event", flat=True))
    assert events.count(Delivery.Event.RETRY) == tries - 1
    assert events[-1] == Delivery.Event.FAILED
    page = html.unescape(secretariat_client.get(reverse("letters:weekly_lists")).content.decode())
    assert "1 envoi en échec" in page
    assert "Échec de l'envoi" in page
    assert "Mailbox temporarily unavailable" in page

    # The server accepts again: nothing leaves by itself (the secretariat checks the address first)…
    smtp.refusal = None
    assert letters_tasks.run_weekly_lists.delay().get() == []
    assert run(letters_tasks.send_weekly_list, weekly.pk) == WeeklyList.Status.FAILED
    assert smtp.accepted == []
    # …then the secretariat resends it, with a reason: one e-mail, and one only.
    response = secretariat_client.post(
        reverse("letters:weekly_list_resend", args=[weekly.pk]), {"reason": "Adresse vérifiée"}
    )
    assert response.status_code == 302
    run(letters_tasks.send_weekly_list, weekly.pk)
    assert letters_tasks.run_weekly_lists.delay().get() == []
    assert len(smtp.messages_to(weekly.recipient.email)) == 1
    weekly.refresh_from_db()
    assert weekly.status == WeeklyList.Status.SENT


def test_a_list_refused_for_a_while_is_sent_once_when_the_server_accepts(smtp, weekly):
    smtp.refuse_times = 2

    assert run(letters_tasks.send_weekly_list, weekly.pk) == WeeklyList.Status.SENT

    weekly.refresh_from_db()
    assert (weekly.status, weekly.attempts, smtp.attempts) == (WeeklyList.Status.SENT, 3, 3)
    assert len(smtp.accepted) == 1
    assert run(letters_tasks.send_weekly_list, weekly.pk) == WeeklyList.Status.SENT
    assert len(smtp.accepted) == 1


def test_a_list_refused_for_good_is_failed_at_the_first_try_rfc_5321_4_2_1(smtp, weekly, secretariat_client):
    """« 550 No such user » would be refused again: one try, « échec » at once, for the secretariat to
    correct the address (not five more tries over two hours)."""
    smtp.refusal = PERMANENT

    assert run(letters_tasks.send_weekly_list, weekly.pk) == WeeklyList.Status.FAILED

    weekly.refresh_from_db()
    assert (weekly.status, weekly.attempts, smtp.attempts) == (WeeklyList.Status.FAILED, 1, 1)
    assert "550" in weekly.last_error
    events = list(Delivery.objects.filter(weekly_list=weekly).values_list("event", flat=True))
    assert Delivery.Event.RETRY not in events and events[-1] == Delivery.Event.FAILED
    page = html.unescape(secretariat_client.get(reverse("letters:weekly_lists")).content.decode())
    assert "No such user here" in page


def sent_outbox_message(dedup_key):
    """An outbox e-mail queued for a CCAS, then sent with its retries as a worker would."""
    organisation = OrganisationFactory(email="accueil@ccas.example")
    message = referrals_services.queue_message(
        organisation=organisation, subject="Prévex : nouvelle demande", body="Un lien", dedup_key=dedup_key
    )
    run(referrals_tasks.send_outbox_message, message.pk)
    message.refresh_from_db()
    return message


def test_an_outbox_e_mail_refused_for_a_while_is_tried_a_bounded_number_of_times_then_failed(smtp):
    message = sent_outbox_message("fault-0")

    assert message.status == OutboxMessage.Status.FAILED
    assert message.attempts == smtp.attempts == referrals_tasks.MAX_RETRIES + 1
    assert "451" in message.last_error


def test_an_outbox_e_mail_refused_for_good_is_failed_at_once_rfc_5321_4_2_1(smtp, administrator_client):
    smtp.refusal = PERMANENT
    message = sent_outbox_message("fault-1")

    assert message.status == OutboxMessage.Status.FAILED
    assert message.attempts == smtp.attempts == 1
    assert "550" in message.last_error
    listing = administrator_client.get(reverse("admin:referrals_outboxmessage_changelist"))
    assert "Échec" in listing.content.decode()

    smtp.refusal = None
    old = timezone.now() - datetime.timedelta(hours=1)
    OutboxMessage.objects.update(created_at=old)
    assert referrals_tasks.flush_outbox.delay().get() == 0  # a failed message is not queued again
    run(referrals_tasks.send_outbox_message, message.pk)
    assert smtp.accepted == []


# ---------------------------------------------------------------- the commission members' e-mails

REACHED, REFUSED = "membre.caf@example.org", "accueil@ccas-bis.example"


@pytest.fixture
def two_seats(commission_member, caf):
    """A session of the médiation with two seats: the CAF's named member, and a CCAS without a named
    representative (its functional address)."""
    commission = CommissionFactory(mediation=True)
    CommissionMember.objects.create(commission=commission, organisation=caf, user=commission_member)
    CommissionMember.objects.create(commission=commission, organisation=OrganisationFactory(email=REFUSED))
    return SessionFactory(commission=commission, status=Session.Status.PUBLISHED, published_at=timezone.now())


def notices_of(session):
    return {n.recipient: n for n in MemberNotice.objects.filter(session=session)}


def session_page(client, session):
    return html.unescape(client.get(reverse("commissions:session", args=[session.pk])).content.decode())


def test_a_member_refused_for_good_fails_at_once_and_the_others_get_one_e_mail_rfc_5321_4_2_1(
    smtp, two_seats, secretariat_client
):
    """Old code: the 550 was retried three more times, and each try sent the CAF's member the same
    e-mail again (four e-mails to one, none shown failed)."""
    smtp.refused = {REFUSED: PERMANENT}

    run(commissions_tasks.notify_members, two_seats.pk)

    assert len(smtp.messages_to(REACHED)) == 1
    assert smtp.tries_of(REFUSED) == 1
    notices = notices_of(two_seats)
    assert (notices[REACHED].status, notices[REFUSED].status) == (
        MemberNotice.Status.SENT,
        MemberNotice.Status.FAILED,
    )
    assert notices[REFUSED].attempts == 1 and "550" in notices[REFUSED].last_error
    page = session_page(secretariat_client, two_seats)
    assert "1 courriel aux membres en échec" in page
    assert "Échec de l'envoi" in page and "No such user here" in page
    # A second task (the publication queued twice, a redelivered message) sends nothing more.
    smtp.refused = {}
    run(commissions_tasks.notify_members, two_seats.pk)
    assert len(smtp.messages_to(REACHED)) == 1 and smtp.messages_to(REFUSED) == []


def test_a_retry_sends_only_to_the_members_not_yet_reached(smtp, two_seats):
    """Old code: the CAF's member, reached at the first try, got the e-mail again at each retry."""
    smtp.refused = {REFUSED: TEMPORARY}
    original = smtp.refusal_for

    def refuse_twice(address):
        return original(address) if smtp.tries_of(REFUSED) <= 2 else None

    smtp.refusal_for = refuse_twice

    run(commissions_tasks.notify_members, two_seats.pk)

    assert len(smtp.messages_to(REACHED)) == 1
    assert len(smtp.messages_to(REFUSED)) == 1
    assert smtp.tries_of(REACHED) == 1 and smtp.tries_of(REFUSED) == 3
    assert {n.status for n in notices_of(two_seats).values()} == {MemberNotice.Status.SENT}


def test_a_member_refused_for_a_while_is_tried_a_bounded_number_of_times_then_shown_failed(
    smtp, two_seats, secretariat_client
):
    smtp.refused = {REFUSED: TEMPORARY}

    run(commissions_tasks.notify_members, two_seats.pk)

    tries = commissions_tasks.MAX_RETRIES + 1
    assert smtp.tries_of(REFUSED) == tries and smtp.messages_to(REFUSED) == []
    assert len(smtp.messages_to(REACHED)) == 1
    refused = notices_of(two_seats)[REFUSED]
    assert (refused.status, refused.attempts) == (MemberNotice.Status.FAILED, tries)
    assert "451" in refused.last_error
    assert "Mailbox temporarily unavailable" in session_page(secretariat_client, two_seats)


def test_an_agenda_change_refused_for_one_member_reaches_the_other_once(smtp, two_seats):
    smtp.refused = {REFUSED: PERMANENT}
    Session.objects.filter(pk=two_seats.pk).update(agenda_version=2)

    run(commissions_tasks.notify_agenda_change, two_seats.pk, 2, "1 dossier ajouté")
    run(commissions_tasks.notify_agenda_change, two_seats.pk, 2, "1 dossier ajouté")

    assert len(smtp.messages_to(REACHED)) == 1 and smtp.tries_of(REFUSED) == 1
    assert "1 dossier ajouté" in smtp.messages_to(REACHED)[0]["data"]
    changed = MemberNotice.objects.filter(session=two_seats, version=2)
    assert dict(changed.values_list("recipient", "status")) == {
        REACHED: MemberNotice.Status.SENT,
        REFUSED: MemberNotice.Status.FAILED,
    }
    # An older change, retried after the newer one was announced, is not sent.
    assert run(commissions_tasks.notify_agenda_change, two_seats.pk, 1, "ancien") == 0
    assert len(smtp.messages_to(REACHED)) == 1


# ---------------------------------------------------------------- the users' notifications


def notification_for(user):
    notifications.notify(
        users=[user], kind="preconisation_recue", title="Nouvelle préconisation", url="/", dedup_key="f"
    )
    return Notification.objects.get(user=user)


def test_a_notification_e_mail_refused_for_good_is_not_tried_again_and_shown_in_the_list(
    smtp, social_worker, social_worker_client
):
    """Old code: a 550 was retried three more times, then released, and flush_notifications queued
    it again every run for two days."""
    smtp.refusal = PERMANENT
    notification = notification_for(social_worker)

    assert run(directory_tasks.send_notification, notification.pk) is False

    assert smtp.attempts == 1
    notification.refresh_from_db()
    assert notification.emailed_at is not None and "550" in notification.email_error
    Notification.objects.update(created_at=timezone.now() - datetime.timedelta(hours=1))
    assert directory_tasks.flush_notifications.delay().get() == 0
    page = html.unescape(social_worker_client.get(reverse("directory:notifications")).content.decode())
    assert "Courriel non remis" in page and "No such user here" in page


def test_a_notification_e_mail_refused_for_a_while_is_tried_a_bounded_number_of_times(smtp, social_worker):
    notification = notification_for(social_worker)

    run(directory_tasks.send_notification, notification.pk)

    assert smtp.attempts == directory_tasks.MAX_RETRIES + 1 and smtp.accepted == []
    notification.refresh_from_db()
    assert "451" in notification.email_error
    Notification.objects.update(created_at=timezone.now() - datetime.timedelta(hours=1))
    assert directory_tasks.flush_notifications.delay().get() == 0


# ---------------------------------------------------------------- the administrators' reading alerts


@pytest.fixture
def two_departements_alerts(secretariat, administrator, secretariat_71, administrator_71):
    """Yesterday's alerts of a reader in the 21 then of one in the 71: one e-mail to each
    département's administrators."""
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    ReadingAlert.objects.create(user=secretariat, day=yesterday, files=99)
    ReadingAlert.objects.create(user=secretariat_71, day=yesterday, files=50)
    return yesterday


def test_a_reading_alert_refused_for_a_while_goes_once_to_each_departement(smtp, two_departements_alerts):
    """Old code: the 71's refusal released the 21's alert too, and each retry e-mailed the 21's
    administrators again."""
    smtp.refused = {"admin@ddets71.example": TEMPORARY}
    original = smtp.refusal_for
    smtp.refusal_for = lambda address: original(address) if smtp.tries_of(address) <= 2 else None

    run(procedure_tasks.alert_unusual_reading, two_departements_alerts.isoformat())

    assert len(smtp.messages_to("admin@example.org")) == 1
    assert len(smtp.messages_to("admin@ddets71.example")) == 1
    assert smtp.tries_of("admin@example.org") == 1
    assert not ReadingAlert.objects.filter(notified_at=None).exists()


def test_a_reading_alert_refused_for_good_is_shown_failed_and_the_other_departement_told(
    smtp, two_departements_alerts, administrator_client
):
    smtp.refused = {"admin@example.org": PERMANENT}

    run(procedure_tasks.alert_unusual_reading, two_departements_alerts.isoformat())

    assert smtp.tries_of("admin@example.org") == 1
    assert len(smtp.messages_to("admin@ddets71.example")) == 1
    refused = ReadingAlert.objects.get(user__email="secretariat@example.org")
    assert "550" in refused.notify_error
    page = html.unescape(administrator_client.get(reverse("procedure:access_log")).content.decode())
    assert "Échec de l'envoi" in page and "No such user here" in page
    run(procedure_tasks.alert_unusual_reading, two_departements_alerts.isoformat())
    assert smtp.tries_of("admin@example.org") == 1 and len(smtp.messages_to("admin@ddets71.example")) == 1


def test_a_pdf_follow_up_refused_for_a_while_is_tried_a_bounded_number_of_times_then_recorded_failed(smtp):
    """Old code: after the last try the claim was released and nothing recorded: the PDF was lost
    without a word on the list's page."""
    last_week = weekly_lists.week_start_of(timezone.localdate()) - datetime.timedelta(days=7)
    ListRecipient.objects.create(organisation=siao(), kind=ListKind.SIAO, send_as_attachment=True)
    granted_on(last_week + datetime.timedelta(days=1))
    (weekly,) = delivery.build_week(week_start=last_week, kinds=[ListKind.SIAO])
    smtp.refusal = None
    delivery.deliver(list_id=weekly.pk)
    delivery.render_pdf(kind=ListKind.SIAO, week_start=last_week)
    smtp.refusal, smtp.attempts = TEMPORARY, 0

    run(letters_tasks.send_weekly_list_pdf, weekly.pk)

    assert smtp.attempts == letters_tasks.send_weekly_list_pdf.max_retries + 1
    assert len(smtp.accepted) == 1  # the light formats only
    events = list(Delivery.objects.filter(weekly_list=weekly).values_list("event", "detail"))
    assert events[-1][0] == Delivery.Event.FAILED and "451" in events[-1][1]

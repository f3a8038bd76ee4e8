"""The access log (law.md, "Data protection"): the administrators consult, filter and export it;
the daily alert tells them, once, of a user who read unusually many files outside their work."""

import csv
import datetime
import io
import smtplib

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from procedure import access_log, services
from procedure.models import AccessLog, EventKind, ReadingAlert
from procedure.tasks import alert_unusual_reading
from tests.procedure.factories import ProcedureFactory

pytestmark = pytest.mark.django_db

URL = reverse("procedure:access_log")


def read(user, procedures, *, context="dossier"):
    for procedure in procedures:
        services.log_access(user=user, procedure=procedure, context=context)


@pytest.mark.parametrize(
    "client_name",
    ["secretariat_client", "social_worker_client", "other_social_worker_client", "commission_member_client"],
)
def test_only_administrators_open_the_log(request, client_name):
    assert request.getfixturevalue(client_name).get(URL).status_code == 403
    assert request.getfixturevalue(client_name).get(URL, {"format": "csv"}).status_code == 403


def test_administrator_sees_every_read_newest_first(administrator_client, secretariat, social_worker):
    first, second = ProcedureFactory(reference="LU-1"), ProcedureFactory(reference="LU-2")
    read(secretariat, [first])
    read(social_worker, [second], context="orientation")

    response = administrator_client.get(URL)

    assert response.status_code == 200
    rows = list(response.context["page_obj"])
    assert [(r.user, r.procedure.reference, r.context) for r in rows] == [
        (social_worker, "LU-2", "orientation"),
        (secretariat, "LU-1", "dossier"),
    ]
    assert "Journal des consultations" in response.content.decode()


def test_filters_by_user_reference_page_and_period(administrator_client, secretariat, social_worker):
    case = ProcedureFactory(reference="CHERCHE-1")
    read(secretariat, [case, ProcedureFactory()])
    read(social_worker, [case], context="orientation")
    AccessLog.objects.filter(user=social_worker).update(at=timezone.now() - datetime.timedelta(days=10))
    since = (timezone.localdate() - datetime.timedelta(days=2)).isoformat()

    def shown(**query):
        return [
            (r.user, r.procedure.reference) for r in administrator_client.get(URL, query).context["page_obj"]
        ]

    assert shown(user="secretariat@", reference="cherche-1") == [(secretariat, "CHERCHE-1")]
    assert shown(context="orient") == [(social_worker, "CHERCHE-1")]
    assert shown(reference="CHERCHE-1", since=since) == [(secretariat, "CHERCHE-1")]


def test_csv_export_has_the_filtered_rows_with_their_details(administrator_client, secretariat):
    read(secretariat, [ProcedureFactory(reference="EXP-1")])
    services.log_access(user=secretariat, context="export des procédures", filters={"stage": ["cp"]}, rows=12)

    response = administrator_client.get(URL, {"context": "export", "format": "csv"})

    assert response["Content-Disposition"].startswith('attachment; filename="journal-consultations-')
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [(r["utilisateur"], r["page"], r["procedure"], r["precisions"]) for r in rows] == [
        ("secretariat@example.org", "export des procédures", "", "filtres : {'stage': ['cp']}; lignes : 12")
    ]


def test_the_page_costs_the_same_queries_for_2_or_40_rows(
    administrator_client, secretariat, django_assert_num_queries
):
    read(secretariat, [ProcedureFactory() for _ in range(2)])
    administrator_client.get(URL)  # the first request of a session stores the acting organisation
    with django_assert_num_queries(7) as few:
        administrator_client.get(URL)
    read(secretariat, [ProcedureFactory() for _ in range(38)])
    with django_assert_num_queries(len(few.captured_queries)):
        administrator_client.get(URL)


# ---------------------------------------------------------------- the daily alert

YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


@pytest.fixture
def threshold(settings):
    settings.ACCESS_ALERT_DISTINCT_FILES = 3
    return 3


def read_yesterday(user, procedures):
    read(user, procedures)
    noon = timezone.make_aware(datetime.datetime.combine(YESTERDAY, datetime.time(12)))
    AccessLog.objects.filter(user=user).update(at=noon)


def test_more_distinct_files_than_the_threshold_alerts_the_administrators_once(
    threshold, secretariat, administrator
):
    cases = [ProcedureFactory() for _ in range(threshold + 1)]
    read_yesterday(secretariat, cases + cases)  # the same files twice are still 4 distinct files

    assert alert_unusual_reading.delay().get() == 1
    assert alert_unusual_reading.delay().get() == 0

    (alert,) = ReadingAlert.objects.all()
    assert (alert.user, alert.day, alert.files) == (secretariat, YESTERDAY, threshold + 1)
    (message,) = mail.outbox
    assert message.to == [administrator.email]
    assert "secretariat@example.org" in message.body and "4 dossiers distincts" in message.body


def test_reading_exactly_the_threshold_is_not_unusual(threshold, secretariat, administrator):
    read_yesterday(secretariat, [ProcedureFactory() for _ in range(threshold)])

    assert access_log.unusual_readers(YESTERDAY) == {}


def test_files_the_user_worked_on_that_day_do_not_count(threshold, secretariat, administrator):
    cases = [ProcedureFactory() for _ in range(threshold + 1)]
    read_yesterday(secretariat, cases)
    event = services.record_event(
        procedure=cases[0], kind=EventKind.PAYMENT_ORDER, date=YESTERDAY, user=secretariat
    )[0]
    event.__class__.objects.filter(pk=event.pk).update(
        recorded_at=timezone.make_aware(datetime.datetime.combine(YESTERDAY, datetime.time(12, 5)))
    )

    assert access_log.unusual_readers(YESTERDAY) == {}


def test_reads_of_another_day_do_not_count(threshold, secretariat, administrator):
    read(secretariat, [ProcedureFactory() for _ in range(threshold + 1)])  # today

    assert access_log.unusual_readers(YESTERDAY) == {}


def test_a_refused_smtp_send_is_retried_then_sent_once(threshold, secretariat, administrator, monkeypatch):
    read_yesterday(secretariat, [ProcedureFactory() for _ in range(threshold + 1)])
    access_log.record_alerts(YESTERDAY)
    real_send = access_log.send_mail
    monkeypatch.setattr(access_log, "send_mail", _refusing)

    with pytest.raises(smtplib.SMTPRecipientsRefused):
        access_log.notify_administrators(YESTERDAY)
    assert ReadingAlert.objects.get().notified_at is None

    monkeypatch.setattr(access_log, "send_mail", real_send)
    assert access_log.notify_administrators(YESTERDAY) == 1
    assert access_log.notify_administrators(YESTERDAY) == 0
    assert len(mail.outbox) == 1


def _refusing(*args, **kwargs):
    raise smtplib.SMTPRecipientsRefused({"admin@example.org": (451, b"try again later")})


def test_the_alert_is_in_the_beat_schedule_and_shown_on_the_log(threshold, secretariat, administrator_client):
    from config.celery import app

    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {"procedure.tasks.alert_unusual_reading", "procedure.tasks.purge_pending_imports"} <= tasks
    read_yesterday(secretariat, [ProcedureFactory() for _ in range(threshold + 1)])
    access_log.record_alerts(YESTERDAY)

    assert "a lu 4 dossiers distincts" in administrator_client.get(URL).content.decode()

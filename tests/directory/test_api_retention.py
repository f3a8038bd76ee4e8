"""Retention of the partner API's records: the call log six months (CNIL, délibération 2021-122),
the idempotency answers 30 days; the nightly task deletes them the day after, and only them."""

import datetime
import zoneinfo

import pytest

from config.celery import app
from directory import tasks
from directory.models import ApiCall, IdempotentRequest, Organisation
from tests.partner_api import client_with, partner, token_for

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
# The call is made late on 1 June 2026 (Paris): the days below are counted from that day.
CALLED = datetime.datetime(2026, 6, 1, 23, 30, tzinfo=PARIS)
ACT = {"reference": "R-1", "acte": "impaye", "date_acte": "2026-01-05"}


@pytest.fixture
def a_call(time_machine):
    """One real call with an Idempotency-Key: a call logged and an answer kept."""
    time_machine.move_to(CALLED, tick=False)
    _, secret = token_for(partner(Organisation.Kind.BAILIFFS), days=400)
    response = client_with(secret).post("/api/v1/actes/", ACT, format="json", HTTP_IDEMPOTENCY_KEY="cle-1")
    assert response.status_code == 422  # a new procedure without its household: refused, answer kept
    assert ApiCall.objects.count() == 1
    assert IdempotentRequest.objects.count() == 1


def purge_on(time_machine, day: datetime.date, hour=12):
    time_machine.move_to(datetime.datetime.combine(day, datetime.time(hour), tzinfo=PARIS), tick=False)
    return tasks.purge_api_records()


@pytest.mark.parametrize(
    ("days_after", "hour", "kept"),
    [(182, 12, True), (183, 23, True), (184, 0, False), (185, 12, False)],
    ids=["day-before", "last-day", "day-after-at-midnight", "later"],
)
def test_the_call_log_is_kept_six_months_then_deleted_the_day_after(
    a_call, time_machine, settings, days_after, hour, kept
):
    settings.API_IDEMPOTENCY_RETENTION_DAYS = 1000  # only the call log's period at play here
    assert settings.API_CALL_RETENTION_DAYS == 183
    purge_on(time_machine, CALLED.date() + datetime.timedelta(days=days_after), hour)
    assert ApiCall.objects.exists() is kept
    assert IdempotentRequest.objects.exists()


@pytest.mark.parametrize(
    ("days_after", "kept"), [(29, True), (30, True), (31, False)], ids=["day-before", "last-day", "day-after"]
)
def test_an_idempotency_answer_is_replayed_30_days_then_deleted(
    a_call, time_machine, settings, days_after, kept
):
    assert settings.API_IDEMPOTENCY_RETENTION_DAYS == 30
    purge_on(time_machine, CALLED.date() + datetime.timedelta(days=days_after))
    assert IdempotentRequest.objects.exists() is kept
    assert ApiCall.objects.exists()  # six months for the log


def test_once_its_answer_is_deleted_a_key_may_serve_again(a_call, time_machine):
    purge_on(time_machine, CALLED.date() + datetime.timedelta(days=31))
    _, secret = token_for(Organisation.objects.get(kind=Organisation.Kind.BAILIFFS), days=30)
    other = {**ACT, "reference": "R-2"}
    response = client_with(secret).post("/api/v1/actes/", other, format="json", HTTP_IDEMPOTENCY_KEY="cle-1")
    assert response.status_code == 422
    assert {error["champ"] for error in response.json()["erreurs"]} != {"Idempotency-Key"}
    assert IdempotentRequest.objects.get().created_at.date() == CALLED.date() + datetime.timedelta(days=31)


def test_the_purge_is_idempotent_and_leaves_recent_rows(a_call, time_machine):
    day = CALLED.date() + datetime.timedelta(days=200)
    _, secret = token_for(partner(Organisation.Kind.CAF), days=400)
    purge_on(time_machine, day)  # travels to the day of the purge
    assert client_with(secret).get("/api/v1/listes/caf/2026-W48/").status_code == 200  # today's call
    assert purge_on(time_machine, day, hour=13) == [0, 0]
    assert list(ApiCall.objects.values_list("endpoint", flat=True)) == ["api:weekly_list_caf"]
    assert not IdempotentRequest.objects.exists()


def test_the_purge_is_in_the_beat_schedule():
    [entry] = [e for e in app.conf.beat_schedule.values() if e["task"] == "directory.tasks.purge_api_records"]
    assert entry["schedule"].hour == {2}

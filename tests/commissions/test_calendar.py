"""Issue 12 §3: each member downloads the agenda as a PDF and subscribes to the sessions they sit
on as an iCalendar feed (a private token URL, revocable), with nothing of a case in the feed."""

import hashlib
import io

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar
from pypdf import PdfReader

from commissions.models import CalendarFeed
from procedure.models import AccessLog
from tests.commissions.factories import SessionFactory

pytestmark = pytest.mark.django_db


def pdf_url(session):
    return reverse("commissions:member_agenda_pdf", args=[session.pk])


def test_a_member_downloads_the_agenda_pdf_and_each_case_listed_is_logged(
    commission_member_client, commission_member, item
):
    response = commission_member_client.get(pdf_url(item.session))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert item.procedure.household.label in text and "Ordre du jour" in text
    assert AccessLog.objects.filter(
        user=commission_member, procedure=item.procedure, context="ordre du jour pdf"
    )


@pytest.mark.parametrize(
    ("persona", "status"),
    [("secretariat_client", 403), ("social_worker_client", 403), ("other_social_worker_client", 403)],
)
def test_other_roles_may_not_download_a_members_agenda(request, item, persona, status):
    assert request.getfixturevalue(persona).get(pdf_url(item.session)).status_code == status


def test_a_member_gets_404_on_a_session_of_a_commission_they_do_not_sit_on(commission_member_client, item):
    other = SessionFactory(status="publiee")
    assert commission_member_client.get(pdf_url(other)).status_code == 404


def feed_path(url):
    return url.split("testserver", 1)[-1] if "testserver" in url else url[url.index("/commissions/") :]


def test_a_member_subscribes_then_revokes_the_calendar_feed(commission_member_client, item):
    page = commission_member_client.post(reverse("commissions:calendar"), {"action": "create"})
    url = page.context["url"]
    assert 'data-testid="calendar-url"' in page.content.decode()
    feed = Client().get(feed_path(url))  # no session: the token alone
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    events = [c for c in Calendar.from_ical(feed.content).walk("VEVENT")]
    assert [str(event["summary"]) for event in events] == [f"{item.session.commission.name} — séance"]
    assert item.procedure.household.label not in feed.content.decode()
    token = feed_path(url).rsplit("/", 1)[-1].removesuffix(".ics")
    assert (
        CalendarFeed.objects.get().token_hash == hashlib.sha256(token.encode()).hexdigest()
    )  # never the token

    commission_member_client.post(reverse("commissions:calendar"), {"action": "revoke"})
    assert Client().get(feed_path(url)).status_code == 404


def test_a_new_link_replaces_the_old_one(commission_member_client, item):
    first = commission_member_client.post(reverse("commissions:calendar"), {"action": "create"}).context[
        "url"
    ]
    second = commission_member_client.post(reverse("commissions:calendar"), {"action": "create"}).context[
        "url"
    ]
    assert Client().get(feed_path(first)).status_code == 404
    assert Client().get(feed_path(second)).status_code == 200


def test_an_unknown_token_is_404():
    assert Client().get(reverse("commissions:calendar_feed", args=["inconnu"])).status_code == 404


@pytest.mark.parametrize(
    "persona", ["secretariat_client", "social_worker_client", "other_social_worker_client"]
)
def test_the_subscription_page_is_for_members_only(request, persona, db):
    assert request.getfixturevalue(persona).get(reverse("commissions:calendar")).status_code == 403

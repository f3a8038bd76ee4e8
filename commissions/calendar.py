"""The members' agenda as a PDF and their sessions as an iCalendar feed (a private token URL,
revocable). Neither carries more than the member may read: the PDF lists the cases of an agenda
open to them (each listed case is logged), the feed only dates, places and commissions."""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event
from weasyprint import HTML

from directory.models import Role

from .models import CalendarFeed, Session

# How far back the feed goes.
FEED_PAST_DAYS = 365


def _hash(token) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def new_feed(user) -> str:
    """Revoke the member's feed and make a new one; returns its URL (shown once, never stored)."""
    revoke_feed(user)
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.create(user=user, token_hash=_hash(token))
    return settings.SITE_URL + reverse("commissions:calendar_feed", args=[token])


def revoke_feed(user) -> int:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


def active_feed(user):
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


def feed_owner(token):
    """The member a token belongs to, while it is active and the user still sits as a member."""
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=_hash(token), revoked_at__isnull=True)
        .first()
    )
    if feed is None or not feed.user.is_active:
        return None
    return feed.user


def sessions_sat_on(user):
    """The sessions of the commissions the user sits on as a named representative, for each of
    their active commission-member memberships, from a year back."""
    memberships = user.active_memberships().filter(role=Role.COMMISSION_MEMBER)
    since = timezone.localdate() - datetime.timedelta(days=FEED_PAST_DAYS)
    sessions = Session.objects.none()
    for membership in memberships.select_related("organisation"):
        sessions = sessions | Session.objects.sat_on_by(user, membership.organisation)
    return sessions.filter(date__gte=since).select_related("commission").distinct().order_by("date", "pk")


def ical(sessions) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Prévex//Séances de la CCAPEX//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Séances de la CCAPEX")
    for session in sessions:
        calendar.add_component(_event(session))
    return calendar.to_ical()


def _event(session):
    event = Event()
    event.add("uid", f"seance-{session.pk}@prevex")
    event.add("summary", f"{session.commission.name} — séance")
    if session.starts_at:
        start = timezone.make_aware(datetime.datetime.combine(session.date, session.starts_at))
        event.add("dtstart", start)
        event.add("dtend", start + datetime.timedelta(hours=3))
    else:
        event.add("dtstart", session.date)
        event.add("dtend", session.date + datetime.timedelta(days=1))
    event.add("dtstamp", timezone.now())
    if session.place:
        event.add("location", session.place)
    event.add("description", settings.SITE_URL + reverse("commissions:member_session", args=[session.pk]))
    if session.status == Session.Status.PLANNED:
        event.add("status", "TENTATIVE")
    return event


def agenda_pdf(session, items) -> bytes:
    html = render_to_string("commissions/agenda_pdf.html", {"session": session, "items": items})
    return HTML(string=html).write_pdf()

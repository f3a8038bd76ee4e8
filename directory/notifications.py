"""Notifications people can bear (issue 12 §5): each event reaches the users concerned in the
in-app list, and by e-mail as each chose per kind of event: at once, in a daily digest, or not at
all. An e-mail never carries personal data, only the kind of event and a link.

The other apps declare their kinds of event here (KINDS, filled in their AppConfig.ready()) and
call notify(); directory knows nothing of them.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from config.celery import enqueue
from directory.french import counted
from directory.mail import is_permanent

from .models import Channel, Membership, Notification, NotificationPreference, Role

logger = logging.getLogger(__name__)

# code -> (label shown on the preferences page, default channel), registered by the apps.
KINDS = {}


def register_kind(code, label, default=Channel.IMMEDIATE):
    KINDS.setdefault(code, (label, default))


def members_of(organisation, roles):
    """The users with an active membership of the organisation in one of the roles."""
    memberships = Membership.objects.active().filter(organisation=organisation, role__in=roles)
    return [membership.user for membership in memberships.select_related("user") if membership.user.is_active]


def secretariat_users(organisation=None):
    roles = (Role.SECRETARIAT,)
    if organisation is not None:
        return members_of(organisation, roles)
    memberships = Membership.objects.active().filter(role__in=roles).select_related("user")
    return list({membership.user for membership in memberships if membership.user.is_active})


def channel_for(user, kind) -> str:
    chosen = (
        NotificationPreference.objects.filter(user=user, kind=kind).values_list("channel", flat=True).first()
    )
    return chosen or KINDS.get(kind, ("", Channel.IMMEDIATE))[1]


def preferences(user) -> dict:
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "channel"))
    return {code: chosen.get(code, default) for code, (_label, default) in KINDS.items()}


def set_preferences(*, user, choices) -> None:
    for kind, channel in choices.items():
        if kind in KINDS and channel in Channel.values:
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind, defaults={"channel": channel}
            )


def notify(*, users, kind, title, url, dedup_key) -> int:
    """One notification per user (a second call with the same key is a no-op); the immediate
    e-mails leave after commit."""
    created = 0
    for user in {user.pk: user for user in users}.values():
        notification, is_new = Notification.objects.get_or_create(
            user=user, dedup_key=dedup_key[:120], defaults={"kind": kind, "title": title[:200], "url": url}
        )
        if is_new:
            created += 1
            if channel_for(user, kind) == Channel.IMMEDIATE:
                transaction.on_commit(lambda pk=notification.pk: _enqueue(pk))
    return created


def _enqueue(notification_id):
    from .tasks import send_notification

    enqueue(send_notification, notification_id)


def immediate_waiting(*, now=None) -> list[int]:
    """The immediate e-mails whose task never reached a worker (the broker was down at commit):
    unread, not e-mailed, older than ten minutes and younger than two days (an older one would
    arrive stale; the list in Prévex still shows it), for the users who want them at once."""
    now = now or timezone.now()
    pending = Notification.objects.unread().filter(
        emailed_at__isnull=True,
        created_at__lt=now - datetime.timedelta(minutes=10),
        created_at__gte=now - datetime.timedelta(days=2),
    )
    waiting = []
    for notification in pending.select_related("user").order_by("pk")[:500]:
        if channel_for(notification.user, notification.kind) == Channel.IMMEDIATE:
            waiting.append(notification.pk)
    return waiting


def claim_email(notification_id) -> Notification | None:
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    return Notification.objects.select_related("user").get(pk=notification_id) if claimed else None


def release(notification_ids) -> None:
    Notification.objects.filter(pk__in=notification_ids).update(emailed_at=None)


def give_up(notification_ids, error) -> None:
    """Refused for good (5yz) or after the last try: the claim is kept (never tried again, neither by
    a retry nor by flush_notifications nor by the next digest) and the refusal shown in the list."""
    detail = f"{type(error).__name__}: {error}"[:250]
    Notification.objects.filter(pk__in=notification_ids).update(email_error=detail)


def settle_failure(notification_ids, error, *, last_try) -> bool:
    """After a refused send: True when it is worth another try (released), False when given up."""
    if last_try or is_permanent(error):
        give_up(notification_ids, error)
        return False
    release(notification_ids)
    return True


def email_one(notification) -> None:
    link = settings.SITE_URL + notification.url
    send_mail(
        f"Prévex : {notification.title}",
        f"{notification.title}.\n\nPour le consulter, connectez-vous à Prévex : {link}\n",
        None,
        [notification.user.email],
    )


def digest_batches():
    """Per user, the unread notifications not yet e-mailed whose kind the user wants in the daily
    digest. A département's staff is a few hundred people: the channels are read per user."""
    pending = Notification.objects.unread().filter(emailed_at__isnull=True).select_related("user")
    by_user = {}
    for notification in pending.order_by("user_id", "created_at"):
        by_user.setdefault(notification.user, []).append(notification)
    for user, notifications in by_user.items():
        channels = preferences(user)
        wanted = [n for n in notifications if channels.get(n.kind, Channel.IMMEDIATE) == Channel.DIGEST]
        if wanted:
            yield user, wanted


def claim_digest(notifications) -> list[Notification]:
    """Claim the digest's notifications (a second worker or a retry never sends them twice)."""
    stamp = timezone.now()
    ids = [notification.pk for notification in notifications]
    Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).update(emailed_at=stamp)
    return list(Notification.objects.filter(pk__in=ids, emailed_at=stamp).order_by("created_at"))


def email_digest(user, notifications) -> None:
    from django.urls import reverse

    lines = "\n".join(f"- {notification.title}" for notification in notifications)
    link = settings.SITE_URL + reverse("directory:notifications")
    send_mail(
        f"Prévex : {counted(len(notifications), 'notification')} du jour",
        f"{lines}\n\nPour les consulter, connectez-vous à Prévex : {link}\n",
        None,
        [user.email],
    )

"""Writes of the directory: sign-in failures and locks, choice of the acting organisation."""

import datetime
import logging

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from .models import User

logger = logging.getLogger(__name__)


def record_failed_login(*, email: str) -> User | None:
    """Count a failed sign-in; the fifth in a row locks the account for a while.

    Counted with a conditional update so that parallel attempts cannot escape the count.
    """
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        return None
    User.objects.filter(pk=user.pk).update(failed_login_count=F("failed_login_count") + 1)
    user.refresh_from_db(fields=["failed_login_count", "locked_until"])
    if user.failed_login_count >= settings.LOGIN_MAX_FAILURES:
        user.locked_until = timezone.now() + datetime.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
        user.failed_login_count = 0
        user.save(update_fields=["locked_until", "failed_login_count"])
        logger.warning("event=account_locked user_id=%s", user.pk)
    return user


def record_successful_login(*, user: User) -> None:
    if user.failed_login_count or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)


def release_expired_locks(*, now=None) -> int:
    """Clear the sign-in locks that have expired and reset their failure count; idempotent.

    A lock already stops applying at `locked_until` (User.is_locked); this keeps the rows clean so that
    an expired lock never shows in the admin as if it still held. Returns the number of accounts released.
    """
    released = User.objects.filter(locked_until__lte=now or timezone.now()).update(
        locked_until=None, failed_login_count=0
    )
    if released:
        logger.info("event=expired_locks_released count=%s", released)
    return released

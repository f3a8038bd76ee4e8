"""Writes of the directory: sign-in failures and locks, choice of the acting organisation, partners'
API tokens."""

import datetime
import logging
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone

from . import api, history
from .models import ApiCall, ApiToken, IdempotentRequest, User

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


PURGE_BATCH = 10_000


def _delete_in_batches(queryset) -> int:
    """Delete the rows of `queryset` a batch at a time (short transactions on a large log)."""
    deleted = 0
    while True:
        batch = list(queryset.values_list("pk", flat=True)[:PURGE_BATCH])
        if not batch:
            return deleted
        deleted += queryset.model.objects.filter(pk__in=batch).delete()[0]


def purge_api_records(*, now=None) -> tuple[int, int]:
    """Delete the API's call log and idempotency answers past their retention; idempotent.

    A call made on day D is kept through D + API_CALL_RETENTION_DAYS and deleted from the next day
    (CNIL, recommandation sur la journalisation, délibération n° 2021-122: six months to a year); an
    idempotency answer received on day D replays through D + API_IDEMPOTENCY_RETENTION_DAYS. Days are
    Europe/Paris days. Returns (calls deleted, idempotency answers deleted).
    """
    today = timezone.localdate(now or timezone.now())

    def start_of(day):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

    calls_cutoff = start_of(today - datetime.timedelta(days=settings.API_CALL_RETENTION_DAYS))
    answers_cutoff = start_of(today - datetime.timedelta(days=settings.API_IDEMPOTENCY_RETENTION_DAYS))
    calls = _delete_in_batches(ApiCall.objects.filter(at__lt=calls_cutoff))
    answers = _delete_in_batches(IdempotentRequest.objects.filter(created_at__lt=answers_cutoff))
    if calls or answers:
        logger.info("event=api_records_purged calls=%s idempotent_requests=%s", calls, answers)
    return calls, answers


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


# The scopes a national token may hold (issue 16): posting acts, each routed by its commune.
NATIONAL_SCOPES = {"actes"}


def create_api_token(
    *, organisation, name, scopes, expires_at, user, is_national=False
) -> tuple[ApiToken, str]:
    """A new token for a partner's system; the secret is returned once and only its digest kept.
    A national token (a platform posting for every département) may only post acts."""
    allowed = {scope.code for scope in api.scopes_for(organisation.kind)}
    if not scopes or not set(scopes) <= allowed:
        raise ValidationError("Choisissez des droits ouverts à ce type d'organisme.")
    if is_national and not set(scopes) <= NATIONAL_SCOPES:
        raise ValidationError("Un jeton national ne peut que déposer des actes.")
    if expires_at <= timezone.now():
        raise ValidationError("La date d'expiration doit être dans le futur.")
    secret = api.TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        organisation=organisation,
        name=name.strip(),
        prefix=secret[:12],
        digest=api.digest(secret),
        scopes=sorted(scopes),
        expires_at=expires_at,
        created_by=user,
        is_national=is_national,
    )
    logger.info("event=api_token_created token_id=%s organisation_id=%s", token.pk, organisation.pk)
    return token, secret


def revoke_api_token(*, token, user) -> ApiToken:
    """Revoked at once: the next call with it is a 401. Revoking twice changes nothing."""
    if ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=user
    ):
        history.record_updates(ApiToken, [token.pk], user=user)
    token.refresh_from_db(fields=["revoked_at", "revoked_by"])
    logger.info("event=api_token_revoked token_id=%s", token.pk)
    return token

"""The members' e-mails of a session (publication of its agenda, then each change), each recipient
reached once (issue 15 §8: faults lose nothing).

- The recipients of an announcement are written once, a MemberNotice row each, when it is first
  tried; the session's marks (`members_notified_at`, `change_notified_version`) say it was taken,
  so a second task or a second worker writes none (and an older change never follows a newer one).
- Each row is claimed by a conditional UPDATE before its e-mail leaves, then marked sent: a retry
  sends only to the recipients not yet reached, never a second e-mail to one who was. A row left
  `envoi` by a killed worker may be claimed again after LEASE (longer than the task's hard limit).
- A refusal for good (a 5yz reply, directory/mail.py) fails that row at once; a transient one
  leaves it to the task's next try, with backoff; after the last try it fails. The session's page
  shows the secretariat every row, with « Échec de l'envoi » and the server's answer.
"""

import datetime

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from directory.mail import is_permanent

from .models import MemberNotice, Session

LEASE = datetime.timedelta(minutes=15)
PUBLICATION = 0


def prepare(session_id, version, recipients) -> bool:
    """Write the announcement's rows once; False when another task already took it (or, for a
    change, a newer one was announced)."""
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=session_id)
        if MemberNotice.objects.filter(session=session, version=version).exists():
            return True
        if not _take(session, version):
            return False
        MemberNotice.objects.bulk_create(
            [MemberNotice(session=session, version=version, recipient=email) for email in recipients],
            ignore_conflicts=True,
        )
    return True


def _take(session, version) -> bool:
    if version == PUBLICATION:
        return bool(
            Session.objects.filter(pk=session.pk, members_notified_at__isnull=True).update(
                members_notified_at=timezone.now()
            )
        )
    return bool(
        Session.objects.filter(pk=session.pk, change_notified_version__lt=version).update(
            change_notified_version=version
        )
    )


def send_pending(session_id, version, *, subject, body, last_try) -> tuple[int, int]:
    """Send the rows not yet reached; (sent now, left to retry)."""
    sent = waiting = 0
    for notice_id in _claimable(session_id, version):
        notice = _claim(notice_id)
        if notice is None:
            continue
        try:
            send_mail(subject, body, None, [notice.recipient])
        except Exception as error:  # noqa: BLE001 - any transport error is recorded, then retried or failed
            final = last_try or is_permanent(error)
            _release(notice, error, final=final)
            waiting += not final
            continue
        _mark_sent(notice)
        sent += 1
    return sent, waiting


def _mark_sent(notice) -> None:
    MemberNotice.objects.filter(pk=notice.pk).update(status=MemberNotice.Status.SENT, sent_at=timezone.now())


def _open_to_claim(now) -> Q:
    """Not tried yet, or left « envoi » by a worker killed longer ago than LEASE."""
    return Q(status=MemberNotice.Status.PENDING) | Q(
        status=MemberNotice.Status.SENDING, claimed_at__lt=now - LEASE
    )


def _claimable(session_id, version) -> list[int]:
    rows = MemberNotice.objects.filter(_open_to_claim(timezone.now()), session_id=session_id, version=version)
    return list(rows.order_by("recipient").values_list("pk", flat=True))


def _claim(notice_id) -> MemberNotice | None:
    now = timezone.now()
    claimed = MemberNotice.objects.filter(_open_to_claim(now), pk=notice_id).update(
        status=MemberNotice.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    return MemberNotice.objects.get(pk=notice_id) if claimed else None


def _release(notice, error, *, final) -> None:
    status = MemberNotice.Status.FAILED if final else MemberNotice.Status.PENDING
    MemberNotice.objects.filter(pk=notice.pk, status=MemberNotice.Status.SENDING).update(
        status=status, last_error=f"{type(error).__name__}: {error}"[:250]
    )


def of_session(session) -> list[MemberNotice]:
    """The rows the session's page shows, the latest announcement first."""
    return list(MemberNotice.objects.filter(session=session).order_by("-version", "recipient"))

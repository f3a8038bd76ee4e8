"""Building and sending the weekly lists exactly once (Charte étapes 2 et 6, annexe 5).

## Exactly once, and where it stops being exact

- A list is unique per (kind, ISO week, recipient): a database constraint. Two workers building the
  same week race on the INSERT; the loser gets an IntegrityError and keeps the winner's row.
- A send is claimed by a conditional UPDATE (`a_envoyer` -> `envoi`, with a fresh claim token and
  time). Only the worker whose UPDATE changed the row sends; a retry or a second worker finds the
  list `envoi` or `envoyee` and does nothing.
- Right after the SMTP server accepted the message, the same worker marks the list `envoyee`
  (UPDATE … WHERE claim_token = its token).
- A worker killed between the claim and the mark leaves the list `envoi`. After LEASE (longer than
  the send task's hard time limit, so a live worker can never still be sending) the list may be
  claimed again, and is re-sent. This is the honest boundary: the SMTP send and the database mark
  cannot be one transaction, so a worker killed in the few milliseconds after the server accepted
  the message and before the mark committed causes a second e-mail (at-least-once). Every other
  interruption — before the send, during a refused send, after the mark — sends exactly once, and
  no list is ever skipped.
- An SMTP failure puts the list back to `a_envoyer` and the task retries with backoff; after the
  last try the list is `echec`, shown to the secretariat, who may resend it with a reason.
"""

import datetime
import logging
import smtplib
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone

from ..models import Delivery, ListKind, WeeklyList
from . import weekly_lists

logger = logging.getLogger(__name__)

# Longer than the send task's hard time limit (tasks.py), so that a live send is never taken over.
LEASE = datetime.timedelta(minutes=15)
# How many missed weeks a run catches up when beat was down.
MAX_CATCH_UP_WEEKS = 8
SEND_ERRORS = (smtplib.SMTPException, OSError)


class SendFailed(Exception):
    """The SMTP server refused or could not be reached; the task retries."""


# ---------------------------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------------------------


def weeks_due(*, today: datetime.date) -> list[datetime.date]:
    """The complete ISO weeks not built yet, oldest first: last week, and the weeks missed since the
    last built one when beat was down (at most MAX_CATCH_UP_WEEKS)."""
    last_complete = weekly_lists.week_start_of(today) - datetime.timedelta(days=7)
    last_built = WeeklyList.objects.aggregate(last=Max("week_start"))["last"]
    first = last_built + datetime.timedelta(days=7) if last_built else last_complete
    first = max(first, last_complete - datetime.timedelta(weeks=MAX_CATCH_UP_WEEKS - 1))
    weeks = []
    while first <= last_complete:
        weeks.append(first)
        first += datetime.timedelta(days=7)
    return weeks


def build_week(*, week_start: datetime.date, kinds=tuple(ListKind)) -> list[WeeklyList]:
    """Build the lists of a week for every recipient that has none yet (formats.md "Weekly lists")."""
    created = []
    for kind in kinds:
        existing = set(
            WeeklyList.objects.filter(kind=kind, week_start=week_start).values_list("recipient_id", flat=True)
        )
        missing = [org for org in weekly_lists.recipients(kind) if org.pk not in existing]
        if not missing:
            continue
        # Each recipient gets the cases of the départements it works in (issue 16): one build per
        # set of départements.
        by_departements = {}
        for organisation in missing:
            by_departements.setdefault(organisation.departement_codes, []).append(organisation)
        for departements, organisations in by_departements.items():
            rows, content = weekly_lists.files(kind, week_start, departements)
            for organisation in organisations:
                weekly = _create(
                    kind=kind, week_start=week_start, organisation=organisation, rows=rows, content=content
                )
                if weekly is not None:
                    created.append(weekly)
    return created


def _create(*, kind, week_start, organisation, rows, content) -> WeeklyList | None:
    weekly = WeeklyList(
        kind=kind,
        week_start=week_start,
        recipient=organisation,
        row_count=len(rows),
        send_as_attachment=weekly_lists.sends_as_attachment(kind=kind, organisation=organisation),
    )
    name = f"{weekly_lists.iso_week_label(week_start)}/{kind}-{organisation.code}"
    for extension, data in content.items():
        getattr(weekly, extension).save(f"{name}.{extension}", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            weekly.save()
    except IntegrityError:
        # Another worker built it first: keep its row, drop our files.
        for extension in content:
            getattr(weekly, extension).delete(save=False)
        return None
    logger.info(
        "weekly_list_built id=%s kind=%s week=%s rows=%s", weekly.pk, kind, weekly.iso_week, len(rows)
    )
    return weekly


def lists_to_send(*, now=None) -> list[int]:
    """The lists waiting to be sent: pending ones, and those whose claim outlived the lease."""
    now = now or timezone.now()
    waiting = Q(status=WeeklyList.Status.PENDING) | Q(
        status=WeeklyList.Status.SENDING, claimed_at__lt=now - LEASE
    )
    return list(WeeklyList.objects.filter(waiting).order_by("week_start", "pk").values_list("pk", flat=True))


def run_weekly(*, today: datetime.date | None = None) -> list[int]:
    """The Monday run (Charte étapes 2 et 6): build every week due, return the lists to send."""
    for week_start in weeks_due(today=today or timezone.localdate()):
        build_week(week_start=week_start)
    return lists_to_send()


# ---------------------------------------------------------------------------------------------
# Sending
# ---------------------------------------------------------------------------------------------


def claim(weekly: WeeklyList, *, now=None) -> uuid.UUID | None:
    """Take the list for sending with a conditional UPDATE; None when another worker has it or it
    was sent."""
    now = now or timezone.now()
    token = uuid.uuid4()
    claimable = Q(status=WeeklyList.Status.PENDING) | Q(
        status=WeeklyList.Status.SENDING, claimed_at__lt=now - LEASE
    )
    taken = WeeklyList.objects.filter(claimable, pk=weekly.pk).update(
        status=WeeklyList.Status.SENDING, claim_token=token, claimed_at=now, attempts=F("attempts") + 1
    )
    if not taken:
        return None
    event = Delivery.Event.RECLAIMED if weekly.status == WeeklyList.Status.SENDING else Delivery.Event.CLAIMED
    Delivery.objects.create(weekly_list=weekly, event=event, claim_token=token, to=weekly.recipient.email)
    return token


def deliver(*, list_id: int, last_try: bool = True) -> str:
    """Send one list to its recipient once; raise SendFailed when the SMTP send failed and another
    try will come. Returns the list's status afterwards."""
    weekly = WeeklyList.objects.select_related("recipient").filter(pk=list_id).first()
    if weekly is None or weekly.status in (WeeklyList.Status.SENT, WeeklyList.Status.FAILED):
        return weekly.status if weekly else "absente"
    token = claim(weekly)
    if token is None:
        return WeeklyList.objects.get(pk=list_id).status
    try:
        message(weekly).send(fail_silently=False)
    except SEND_ERRORS as exc:
        _failed(weekly, token=token, error=exc, last_try=last_try)
        if last_try:
            return WeeklyList.Status.FAILED
        raise SendFailed(str(exc)) from exc
    _mark_sent(weekly, token=token)
    return WeeklyList.Status.SENT


def _mark_sent(weekly, *, token):
    now = timezone.now()
    WeeklyList.objects.filter(pk=weekly.pk, claim_token=token).update(
        status=WeeklyList.Status.SENT, sent_at=now, last_error=""
    )
    Delivery.objects.create(
        weekly_list=weekly,
        event=Delivery.Event.SENT,
        claim_token=token,
        to=weekly.recipient.email,
        as_attachment=weekly.send_as_attachment,
    )
    logger.info("weekly_list_sent id=%s", weekly.pk)


def _failed(weekly, *, token, error, last_try):
    status = WeeklyList.Status.FAILED if last_try else WeeklyList.Status.PENDING
    detail = f"{type(error).__name__}: {error}"[:250]
    WeeklyList.objects.filter(pk=weekly.pk, claim_token=token).update(
        status=status, claim_token=None, last_error=detail
    )
    event = Delivery.Event.FAILED if last_try else Delivery.Event.RETRY
    Delivery.objects.create(
        weekly_list=weekly, event=event, claim_token=token, to=weekly.recipient.email, detail=detail
    )
    logger.warning(
        "weekly_list_send_failed id=%s last_try=%s error=%s", weekly.pk, last_try, type(error).__name__
    )


def message(weekly: WeeklyList) -> EmailMessage:
    """The e-mail: a link to the sign-in protected download page, or the files attached."""
    dates = f"du {weekly.week_start:%d/%m/%Y} au {weekly.week_end:%d/%m/%Y}"
    subject = f"Prévex — {weekly.get_kind_display()} — semaine {weekly.iso_week} ({dates})"
    lines = [
        "Bonjour,",
        "",
        f"La {weekly.get_kind_display().lower()} de la semaine {weekly.iso_week} ({dates}) compte "
        f"{weekly.row_count} ménage(s).",
    ]
    if weekly.send_as_attachment:
        lines.append("Vous la trouverez en pièces jointes (XLSX, CSV et PDF).")
    else:
        url = settings.SITE_URL + reverse("letters:weekly_list_detail", args=[weekly.pk])
        lines += ["Pour la télécharger, connectez-vous à Prévex :", url]
    lines += [
        "",
        "Le secrétariat de la CCAPEX de la Côte-d'Or (DDETS)",
        "Message automatique : ne pas répondre.",
    ]
    email = EmailMessage(subject=subject, body="\n".join(lines), to=[weekly.recipient.email])
    if weekly.send_as_attachment:
        for field in (weekly.xlsx, weekly.csv, weekly.pdf):
            with field.open("rb") as handle:
                email.attach(field.name.rsplit("/", 1)[-1], handle.read())
    return email


def resend(*, weekly: WeeklyList, user, reason: str) -> bool:
    """Send a list again, at the secretariat's request, with a reason (logged). A list being sent
    right now is not touched. Returns False when nothing was changed."""
    reason = reason.strip()
    if not reason:
        raise ValueError("Le motif du renvoi est obligatoire.")
    changed = WeeklyList.objects.filter(
        pk=weekly.pk, status__in=[WeeklyList.Status.SENT, WeeklyList.Status.FAILED]
    ).update(status=WeeklyList.Status.PENDING, claim_token=None, last_error="")
    if not changed:
        return False
    Delivery.objects.create(
        weekly_list=weekly,
        event=Delivery.Event.RESEND,
        user=user,
        reason=reason[:250],
        to=weekly.recipient.email,
    )
    from ..tasks import send_weekly_list

    transaction.on_commit(lambda: send_weekly_list.delay(weekly.pk))
    return True

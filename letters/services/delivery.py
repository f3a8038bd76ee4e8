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
  last try the list is `echec`, shown to the secretariat, who may resend it with a reason. A
  permanent refusal (a 5yz reply, directory/mail.py) is `echec` at once: it would be refused again.

## The light formats first, the PDF after (issue 11)

A week's lists are built with their XLSX and CSV only (seconds, even nationwide) and sent at once;
the PDF (a landscape table that takes WeasyPrint over a minute at national volume) is rendered
afterwards by `letters.tasks.render_weekly_list_pdf` on the `pdf` queue, once per kind and week, and
stored into every list of that kind and week. The download page says « PDF en préparation » until
then. A recipient who receives its lists as attachments gets a second e-mail with the PDF, claimed
like the first one by a conditional UPDATE (`pdf_sent_at` from NULL to now): a retry or a second
worker finds it set and sends nothing. When the PDF was ready before the first e-mail left, that
e-mail carries it and no second one is sent.
"""

import datetime
import logging
import smtplib
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Max, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from config.celery import enqueue
from directory.french import counted
from directory.mail import is_permanent

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
            rows, content = weekly_lists.light_files(kind, week_start, departements)
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


# A list built or resent this long ago with no try since had its task lost (broker down at commit).
LEFT_BEHIND = datetime.timedelta(minutes=15)


def lists_left_behind(*, now=None) -> list[int]:
    """The lists no task is coming for, sent again by `flush_weekly_lists` instead of waiting for
    Monday: pending with no try since they were built or resent LEFT_BEHIND ago (a list waiting for
    a retry's backoff has a RETRY event last, and is left to its task), and those whose claim
    outlived the lease (a worker killed while sending)."""
    now = now or timezone.now()
    stale = now - LEFT_BEHIND
    last = Delivery.objects.filter(weekly_list=OuterRef("pk")).order_by("-pk")
    pending = WeeklyList.objects.filter(status=WeeklyList.Status.PENDING).annotate(
        last_event=Subquery(last.values("event")[:1]), last_at=Subquery(last.values("at")[:1])
    )
    never_tried = Q(last_event__isnull=True, built_at__lt=stale)
    resent = Q(last_event=Delivery.Event.RESEND, last_at__lt=stale)
    ids = list(pending.filter(never_tried | resent).values_list("pk", flat=True))
    ids += WeeklyList.objects.filter(
        status=WeeklyList.Status.SENDING, claimed_at__lt=now - LEASE
    ).values_list("pk", flat=True)
    return sorted(ids)


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
        # A permanent refusal (5yz) would be refused again: failed at once, for the secretariat.
        last_try = last_try or is_permanent(exc)
        _failed(weekly, token=token, error=exc, last_try=last_try)
        if last_try:
            return WeeklyList.Status.FAILED
        raise SendFailed(str(exc)) from exc
    _mark_sent(weekly, token=token)
    return WeeklyList.Status.SENT


def _mark_sent(weekly, *, token):
    now = timezone.now()
    # An e-mail that carried the PDF needs no second one (the files attached are those present).
    pdf_sent = {"pdf_sent_at": now} if weekly.send_as_attachment and weekly.pdf else {}
    WeeklyList.objects.filter(pk=weekly.pk, claim_token=token).update(
        status=WeeklyList.Status.SENT, sent_at=now, last_error="", **pdf_sent
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
        f"{counted(weekly.row_count, 'ménage')}.",
    ]
    if weekly.send_as_attachment and weekly.pdf:
        lines.append("Vous la trouverez en pièces jointes (XLSX, CSV et PDF).")
    elif weekly.send_as_attachment:
        lines.append(
            "Vous la trouverez en pièces jointes (XLSX et CSV) ; la version PDF suit dans un second message."
        )
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
            if field:
                with field.open("rb") as handle:
                    email.attach(field.name.rsplit("/", 1)[-1], handle.read())
    return email


# ---------------------------------------------------------------------------------------------
# The PDF, after the light formats
# ---------------------------------------------------------------------------------------------


def pdfs_missing() -> list[tuple[str, datetime.date]]:
    """The (kind, week) whose lists still wait for their PDF, oldest first."""
    return list(
        WeeklyList.objects.filter(pdf="")
        .order_by("week_start", "kind")
        .values_list("kind", "week_start")
        .distinct()
    )


def render_pdf(*, kind, week_start: datetime.date) -> list[int]:
    """Render a week's list of one kind as PDF once and store it into every list of that kind and
    week still without it. Returns the ids of those lists (none when another worker did it)."""
    waiting = list(
        WeeklyList.objects.filter(kind=kind, week_start=week_start, pdf="").select_related("recipient")
    )
    if not waiting:
        return []
    # One PDF per set of départements the recipients work in (issue 16), each rendered once.
    pdfs = {}
    done = []
    for weekly in waiting:
        departements = weekly.recipient.departement_codes
        if departements not in pdfs:
            rows = weekly_lists.rows(kind, week_start, departements)
            pdfs[departements] = weekly_lists.to_pdf(kind, rows, week_start=week_start)
        data = pdfs[departements]
        name = f"{weekly_lists.iso_week_label(week_start)}/{kind}-{weekly.recipient.code}.pdf"
        weekly.pdf.save(name, ContentFile(data), save=False)
        if WeeklyList.objects.filter(pk=weekly.pk, pdf="").update(pdf=weekly.pdf.name):
            done.append(weekly.pk)
        else:  # another worker stored its PDF first
            weekly.pdf.delete(save=False)
    logger.info("weekly_list_pdf kind=%s week=%s lists=%s", kind, week_start, len(done))
    return done


def pdf_follow_ups(list_ids) -> list[int]:
    """Among these lists, those whose recipient still waits for the PDF by e-mail."""
    return list(
        WeeklyList.objects.filter(
            pk__in=list_ids,
            status=WeeklyList.Status.SENT,
            send_as_attachment=True,
            pdf_sent_at__isnull=True,
        )
        .exclude(pdf="")
        .values_list("pk", flat=True)
    )


def deliver_pdf(*, list_id: int, last_try: bool = False) -> bool:
    """Send the PDF of a list sent as attachments without it, once: claimed by a conditional UPDATE
    of `pdf_sent_at`; an SMTP failure releases the claim and raises SendFailed (the task retries),
    except a permanent refusal or the last try's, recorded as an `echec` event of the list.
    Returns True when this call sent it."""
    now = timezone.now()
    claimed = (
        WeeklyList.objects.filter(
            pk=list_id, status=WeeklyList.Status.SENT, send_as_attachment=True, pdf_sent_at__isnull=True
        )
        .exclude(pdf="")
        .update(pdf_sent_at=now)
    )
    if not claimed:
        return False
    weekly = WeeklyList.objects.select_related("recipient").get(pk=list_id)
    dates = f"du {weekly.week_start:%d/%m/%Y} au {weekly.week_end:%d/%m/%Y}"
    email = EmailMessage(
        subject=f"Prévex — {weekly.get_kind_display()} — semaine {weekly.iso_week} ({dates}) — PDF",
        body="\n".join(
            [
                "Bonjour,",
                "",
                f"Voici la version PDF de la {weekly.get_kind_display().lower()} de la semaine "
                f"{weekly.iso_week}, envoyée en XLSX et CSV dans un précédent message.",
                "",
                "Le secrétariat de la CCAPEX de la Côte-d'Or (DDETS)",
                "Message automatique : ne pas répondre.",
            ]
        ),
        to=[weekly.recipient.email],
    )
    with weekly.pdf.open("rb") as handle:
        email.attach(weekly.pdf.name.rsplit("/", 1)[-1], handle.read())
    try:
        email.send(fail_silently=False)
    except SEND_ERRORS as exc:
        WeeklyList.objects.filter(pk=list_id, pdf_sent_at=now).update(pdf_sent_at=None)
        if last_try or is_permanent(exc):  # given up: recorded, not retried (the XLSX and CSV arrived)
            detail = f"{type(exc).__name__}: {exc}"[:250]
            Delivery.objects.create(
                weekly_list=weekly, event=Delivery.Event.FAILED, to=weekly.recipient.email, detail=detail
            )
            return False
        raise SendFailed(str(exc)) from exc
    Delivery.objects.create(
        weekly_list=weekly, event=Delivery.Event.PDF_SENT, to=weekly.recipient.email, as_attachment=True
    )
    logger.info("weekly_list_pdf_sent id=%s", weekly.pk)
    return True


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

    transaction.on_commit(lambda: enqueue(send_weekly_list, weekly.pk))
    return True

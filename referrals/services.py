"""The referrals' rules: requesting, the lifecycle, the diagnosis, attachments, support measures,
and the e-mails they cause (stored in the outbox, sent after commit).

Charte fiche action 5, annexes 3 and 4; décret 2021-8 (DSF 5 working days before the hearing).
"""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from config.celery import enqueue
from directory import notifications
from directory.acting import (
    acting_organisation,
    is_secretariat,
    require_secretariat,
)
from directory.french import counted
from procedure import rules
from procedure import services as procedure_services
from procedure.models import EventKind
from procedure.rules import Action

from . import extensions
from .models import (
    WORKING_ROLES,
    Attachment,
    ContactAttempt,
    Diagnosis,
    OutboxMessage,
    Referral,
    ReferralDelay,
    ReferralTransition,
    SupportMeasure,
    VisitReport,
)

logger = logging.getLogger(__name__)

K, S = Referral.Kind, Referral.Status

# The secretariat's task each kind of referral fulfils (procedure.rules.Action).
ACTIONS_BY_KIND = {
    K.DSF: (Action.REQUEST_DSF,),
    K.DSF_UPDATE: (Action.UPDATE_DSF,),
    K.ANTICIPATION_VISIT: (Action.REQUEST_ANTICIPATION_VISIT,),
    K.ASSESSMENT: (Action.REQUEST_ASSESSMENT,),
}
KIND_BY_ACTION = {action.value: kind for kind, actions in ACTIONS_BY_KIND.items() for action in actions}

# Working days given for a kind when no ReferralDelay row says otherwise. The DSF's comes from
# the hearing when it is known (décret 2021-8); otherwise, the 15 working days within which the
# interview must be offered.
DEFAULT_DELAYS = {
    K.DSF: 15,
    K.DSF_UPDATE: 15,
    K.CCAPEX_DIAGNOSIS: 30,
    K.ANTICIPATION_VISIT: 30,
    K.SOCIAL_WATCH: 10,
    K.ASSESSMENT: 20,
    K.SUPPORT_MEASURE: 30,
}

# Allowed moves of the lifecycle (issue 4 item 1).
TRANSITIONS = {
    S.REQUESTED: (S.ACCEPTED, S.REFUSED, S.CANCELLED, S.TRANSFERRED),
    S.ACCEPTED: (S.IN_PROGRESS, S.DONE, S.UNREACHABLE, S.CANCELLED, S.TRANSFERRED),
    S.IN_PROGRESS: (S.DONE, S.UNREACHABLE, S.CANCELLED, S.TRANSFERRED),
}

ATTACHMENT_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


class ReferralRefused(ValidationError):
    """A request or a move the rules refuse, with a French message for the user."""


# ---------------------------------------------------------------------------------------------
# Who may do what
# ---------------------------------------------------------------------------------------------


def works_on(user, referral) -> bool:
    """The referral is addressed to the organisation the user acts for."""
    organisation = acting_organisation(user)
    return (
        organisation is not None and organisation.pk == referral.addressed_to_id and not is_secretariat(user)
    )


def may_read_diagnosis(user, referral) -> bool:
    """The addressed organisation and the secretariat read a diagnosis; others only once the
    secretariat shares it with the commission (Code pénal 226-13: only what is necessary)."""
    diagnosis = getattr(referral, "diagnosis", None)
    if diagnosis is None:
        return False
    if is_secretariat(user):
        return diagnosis.is_submitted
    return works_on(user, referral) or diagnosis.shared_with_commission


def _require_worker(user, referral):
    if not works_on(user, referral):
        raise PermissionDenied("Cette demande n'est pas adressée à votre organisme.")


# ---------------------------------------------------------------------------------------------
# Requesting
# ---------------------------------------------------------------------------------------------


def hearing_date(procedure, today=None, *, events=None):
    """The next hearing of the case: the date an assignation announced, or a hearing recorded."""
    today = today or timezone.localdate()
    events = list(procedure.events.all()) if events is None else events
    dates = [e.hearing_date for e in events if e.kind == EventKind.SUMMONS and e.hearing_date]
    dates += [e.date for e in events if e.kind == EventKind.HEARING]
    upcoming = sorted(date for date in dates if date >= today)
    return upcoming[0] if upcoming else None


def default_due_date(*, kind, procedure, today=None) -> datetime.date:
    """A DSF (or its update) is due 5 working days before the hearing (décret 2021-8); other kinds
    get their delay in working days (ReferralDelay, else DEFAULT_DELAYS)."""
    today = today or timezone.localdate()
    return due_date_for(kind, today=today, hearing=hearing_date(procedure, today), delays=referral_delays())


def referral_delays() -> dict:
    """The ReferralDelay rows, kind → working days, in one query."""
    return dict(ReferralDelay.objects.values_list("kind", "working_days"))


def due_date_for(kind, *, today, hearing, delays) -> datetime.date:
    """default_due_date from what the caller read once: the next hearing and referral_delays()."""
    if kind in (K.DSF, K.DSF_UPDATE) and hearing is not None:
        return rules.dsf_deadline(hearing)[0]
    days = delays.get(kind, DEFAULT_DELAYS[K(kind)])
    return rules.add_working_days(today, days)


def interview_deadline(referral) -> tuple[datetime.date, str] | None:
    """A DSF request is the préfet's referral to the social services, who offer the household an
    interview within 15 working days (décret 2021-8)."""
    if referral.kind != K.DSF:
        return None
    return rules.dsf_interview_deadline(timezone.localdate(referral.requested_at))


# The task that offers again a request closed by a case's transfer (referrals/transfers.py).
AGAIN_PREFIX = "orienter_a_nouveau_"


def kind_for_task(task) -> str | None:
    if task.kind.startswith(AGAIN_PREFIX):
        return task.kind.removeprefix(AGAIN_PREFIX)
    return KIND_BY_ACTION.get(task.kind)


def request_referral(
    *, procedure, kind, addressed_to, user, reason="", due_date=None, funding_source="", task=None
) -> Referral:
    """Hand a piece of work on the case to an organisation (Charte fiche action 5).

    A diagnostic CCAPEX names who funds it: the State, the CD or the landlord concerned (annexe 4
    §3). The same kind is never open twice on a case. The organisation gets an e-mail after commit.
    """
    require_secretariat(user)
    if kind == K.CCAPEX_DIAGNOSIS and not funding_source:
        raise ReferralRefused(
            "Un diagnostic CCAPEX précise qui le finance (État, Conseil départemental ou bailleur)."
        )
    if Referral.objects.open().filter(procedure=procedure, kind=kind).exists():
        raise ReferralRefused(f"Une demande « {K(kind).label} » est déjà en cours pour ce dossier.")
    with transaction.atomic():
        referral = Referral.objects.create(
            procedure=procedure,
            kind=kind,
            addressed_to=addressed_to,
            requested_by=user,
            requesting_organisation=acting_organisation(user),
            task=task,
            reason=reason.strip(),
            due_date=due_date or default_due_date(kind=kind, procedure=procedure),
            funding_source=funding_source,
        )
        ReferralTransition.objects.create(
            referral=referral, to_status=S.REQUESTED, by=user, note=reason.strip()[:500]
        )
        procedure_services.complete_tasks(  # the request closed by a transfer, sent again
            procedure=procedure,
            actions=[f"{AGAIN_PREFIX}{K(kind).value}"],
            user=user,
            note="Demande envoyée à nouveau",
        )
        _announce(referral)
    logger.info("referral_requested referral=%s kind=%s organisation=%s", referral.pk, kind, addressed_to.pk)
    return referral


# ---------------------------------------------------------------------------------------------
# The lifecycle
# ---------------------------------------------------------------------------------------------


def _move(referral, to_status, *, user, note="", **fields) -> Referral:
    """Change the status under a row lock, log the transition; closing stamps closed_at."""
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if to_status not in TRANSITIONS.get(locked.status, ()):
            raise ReferralRefused(
                f"Une demande « {locked.get_status_display()} » "
                f"ne peut pas passer à « {S(to_status).label} »."
            )
        from_status, locked.status = locked.status, to_status
        for name, value in fields.items():
            setattr(locked, name, value)
        if to_status in Referral.CLOSED_STATUSES:
            locked.closed_at = timezone.now()
        locked.save()
        ReferralTransition.objects.create(
            referral=locked, from_status=from_status, to_status=to_status, by=user, note=note.strip()[:1000]
        )
    return locked


def accept(*, referral, user) -> Referral:
    _require_worker(user, referral)
    return _move(referral, S.ACCEPTED, user=user)


def refuse(*, referral, user, reason) -> Referral:
    """An organisation may refuse a request, saying why (the secretariat then addresses another)."""
    _require_worker(user, referral)
    if not (reason or "").strip():
        raise ReferralRefused("Indiquez le motif du refus.")
    return _move(referral, S.REFUSED, user=user, note=reason, refusal_reason=reason.strip()[:250])


def start(*, referral, user) -> Referral:
    _require_worker(user, referral)
    return _move(referral, S.IN_PROGRESS, user=user)


def log_contact(*, referral, user, date, means, result, note="") -> ContactAttempt:
    """An attempt to reach the household; the first one puts an accepted referral in progress."""
    _require_worker(user, referral)
    if date > timezone.localdate():
        raise ReferralRefused("La date d'une tentative de contact ne peut pas être dans le futur.")
    if referral.status == S.ACCEPTED:
        referral = _move(referral, S.IN_PROGRESS, user=user)
    elif referral.status != S.IN_PROGRESS:
        raise ReferralRefused("Acceptez la demande avant de noter vos tentatives de contact.")
    return ContactAttempt.objects.create(
        referral=referral, date=date, means=means, result=result, note=note.strip(), recorded_by=user
    )


def mark_unreachable(*, referral, user, note="") -> Referral:
    """The household could not be reached: the social service sends a "courrier de carence"
    instead of the diagnosis (Charte II.B étape 3a); the secretariat's request is fulfilled."""
    _require_worker(user, referral)
    if not referral.contact_attempts.exists():
        raise ReferralRefused("Notez au moins une tentative de contact avant de conclure à une carence.")
    referral = _move(referral, S.UNREACHABLE, user=user, note=note)
    _complete_procedure_tasks(referral, user, "Ménage injoignable : courrier de carence")
    return referral


def cancel(*, referral, user, reason) -> Referral:
    require_secretariat(user)
    if not (reason or "").strip():
        raise ReferralRefused("Indiquez pourquoi la demande est annulée.")
    return _move(referral, S.CANCELLED, user=user, note=reason)


def _complete_procedure_tasks(referral, user, note):
    actions = ACTIONS_BY_KIND.get(K(referral.kind), ())
    if actions:
        procedure_services.complete_tasks(procedure=referral.procedure, actions=actions, user=user, note=note)


# ---------------------------------------------------------------------------------------------
# The diagnosis (CERFA 16227*01) and the visit report (annexe 3)
# ---------------------------------------------------------------------------------------------


def save_diagnosis(*, referral, user, data, submit=False) -> Diagnosis:
    """Save the DSF as a draft; `submit` files it, closes the referral as done and completes the
    secretariat's task. The DSF reaches the judge and the CCAPEX before the hearing (décret 2021-8)."""
    _require_worker(user, referral)
    if not referral.expects_diagnosis:
        raise ReferralRefused("Cette demande n'appelle pas de diagnostic.")
    if referral.status not in (S.ACCEPTED, S.IN_PROGRESS):
        raise ReferralRefused("Acceptez la demande avant de rédiger le diagnostic.")
    with transaction.atomic():
        diagnosis, _ = Diagnosis.objects.select_for_update().get_or_create(referral=referral)
        if diagnosis.is_submitted:
            raise ReferralRefused("Ce diagnostic est déjà transmis.")
        for name, value in data.items():
            setattr(diagnosis, name, value)
        diagnosis.author = user
        if submit:
            _check_complete(diagnosis)
            diagnosis.status, diagnosis.submitted_at = Diagnosis.Status.SUBMITTED, timezone.now()
        diagnosis.save()
        if submit:
            _move(referral, S.DONE, user=user, note="Diagnostic transmis")
            _complete_procedure_tasks(referral, user, "Diagnostic transmis")
            _notify_filed(referral)
    return diagnosis


def _notify_filed(referral):
    """The secretariat that asked is told (its users' notification preferences: digest by default)."""
    if referral.requesting_organisation is None:
        return
    notifications.notify(
        users=notifications.secretariat_users(referral.requesting_organisation),
        kind="diagnostic_recu",
        title=f"Diagnostic transmis : {referral.get_kind_display()}, par {referral.addressed_to}",
        url=reverse("referrals:detail", args=[referral.pk]),
        dedup_key=f"referral-{referral.pk}-filed",
    )


def _check_complete(diagnosis):
    from .briefing import missing_to_submit

    missing = missing_to_submit(diagnosis, Diagnosis.REQUIRED_TO_SUBMIT)
    if missing:
        raise ReferralRefused(f"Pour transmettre le diagnostic, complétez : {', '.join(missing)}.")


# How long the secretariat's work queue shows a diagnosis filed.
FILED_SHOWN_DAYS = 14


def diagnoses_filed(*, user):
    """The diagnoses filed in the last FILED_SHOWN_DAYS, newest first (the secretariat's queue)."""
    now = timezone.now()
    return (
        Diagnosis.objects.filter(
            status=Diagnosis.Status.SUBMITTED,
            submitted_at__gte=now - datetime.timedelta(days=FILED_SHOWN_DAYS),
            referral__in=Referral.objects.visible_to(user),
        )
        .select_related("referral__addressed_to", "referral__procedure__household")
        .order_by("-submitted_at", "-pk")
    )


def file_visit_report(*, referral, user, data) -> VisitReport:
    """The social report that ends a visite anticipation (annexe 3 §6)."""
    _require_worker(user, referral)
    if referral.kind != K.ANTICIPATION_VISIT:
        raise ReferralRefused("Le rapport de visite ne concerne que les visites anticipation.")
    with transaction.atomic():
        report = VisitReport.objects.create(referral=referral, author=user, **data)
        _move(referral, S.DONE, user=user, note="Rapport de visite transmis")
        _complete_procedure_tasks(referral, user, "Rapport de visite transmis")
    return report


def share_diagnosis(*, referral, user, shared=True) -> Diagnosis:
    """The secretariat shares a filed diagnosis with the commission's members."""
    require_secretariat(user)
    diagnosis = referral.diagnosis
    if not diagnosis.is_submitted:
        raise ReferralRefused("Seul un diagnostic transmis peut être partagé.")
    diagnosis.shared_with_commission = shared
    diagnosis.save(update_fields=["shared_with_commission"])
    return diagnosis


def diagnosis_pdf(*, referral) -> bytes:
    """The DSF as a PDF for the judge (CERFA 16227*01 headings)."""
    from weasyprint import HTML

    html = render_to_string("referrals/dsf_pdf.html", {"referral": referral, "diagnosis": referral.diagnosis})
    return HTML(string=html).write_pdf()


# ---------------------------------------------------------------------------------------------
# Attachments
# ---------------------------------------------------------------------------------------------


def detect_content_type(head: bytes) -> str | None:
    return next((kind for signature, kind in ATTACHMENT_SIGNATURES if head.startswith(signature)), None)


def add_attachment(*, referral, user, uploaded) -> Attachment:
    """A PDF or an image (PNG, JPEG), recognised by its first bytes, never by its name."""
    if not (works_on(user, referral) or is_secretariat(user)):
        raise PermissionDenied("Cette demande n'est pas adressée à votre organisme.")
    limit = settings.REFERRAL_ATTACHMENT_MAX_BYTES
    if uploaded.size > limit:
        raise ReferralRefused(f"Le fichier dépasse la taille maximale ({limit // (1024 * 1024)} Mo).")
    uploaded.seek(0)
    content = uploaded.read()
    content_type = detect_content_type(content[:16])
    if content_type is None:
        raise ReferralRefused("Seuls les fichiers PDF, PNG et JPEG sont acceptés.")
    name = (uploaded.name or "piece")[-200:]
    attachment = Attachment(
        referral=referral, name=name, content_type=content_type, size=len(content), uploaded_by=user
    )
    attachment.file.save(name, ContentFile(content), save=True)
    return attachment


# ---------------------------------------------------------------------------------------------
# Support measures (fiche action 5 §2)
# ---------------------------------------------------------------------------------------------

ASLL_MONTHS = 12  # "d'une durée de 12 mois renouvelable une fois" (fiche action 5 §2.a)
ASLL_MAX_RENEWALS = 1


def _check_measure(*, kind, household_agreed, start_date, end_date, renewals=0):
    """A refused measure never starts; an ASLL lasts 12 months, renewable once (fiche action 5
    §2.a): its period never exceeds 12 months per renewal taken, 24 at most."""
    if household_agreed is False and start_date:
        raise ReferralRefused("Une mesure refusée par le ménage n'a pas de date de début.")
    if start_date and end_date and end_date < start_date:
        raise ReferralRefused("La fin de la mesure précède son début.")
    if kind == SupportMeasure.Kind.ASLL and start_date and end_date:
        limit = rules.add_months(start_date, ASLL_MONTHS * (renewals + 1))
        if end_date > limit:
            raise ReferralRefused(
                f"Une mesure ASLL dure 12 mois, renouvelable une fois : fin au plus tard le {limit:%d/%m/%Y}."
            )


def record_support_measure(
    *,
    procedure,
    user,
    kind,
    proposed_on,
    operator=None,
    household_agreed=None,
    start_date=None,
    end_date=None,
    note="",
) -> SupportMeasure:
    """A measure proposed to the household; an ASLL runs 12 months unless an end date is given."""
    require_secretariat(user)
    if kind == SupportMeasure.Kind.ASLL and start_date and not end_date:
        end_date = rules.add_months(start_date, ASLL_MONTHS)
    _check_measure(kind=kind, household_agreed=household_agreed, start_date=start_date, end_date=end_date)
    return SupportMeasure.objects.create(
        procedure=procedure,
        kind=kind,
        operator=operator,
        proposed_on=proposed_on,
        household_agreed=household_agreed,
        start_date=start_date,
        end_date=end_date,
        note=note.strip(),
        recorded_by=user,
    )


def update_support_measure(
    *, measure, user, household_agreed, start_date=None, end_date=None, note=""
) -> SupportMeasure:
    """Record the household's answer and the measure's dates after it was proposed. An accepted
    ASLL without an end date runs 12 months (per renewal taken) from its start."""
    require_secretariat(user)
    if measure.kind == SupportMeasure.Kind.ASLL and start_date and not end_date:
        end_date = rules.add_months(start_date, ASLL_MONTHS * (measure.renewals + 1))
    _check_measure(
        kind=measure.kind,
        household_agreed=household_agreed,
        start_date=start_date,
        end_date=end_date,
        renewals=measure.renewals,
    )
    measure.household_agreed, measure.start_date, measure.end_date = household_agreed, start_date, end_date
    measure.note = note.strip()
    measure.save(update_fields=["household_agreed", "start_date", "end_date", "note"])
    return measure


def may_renew(measure) -> bool:
    """An accepted measure with dates; an ASLL only once."""
    if not (measure.household_agreed and measure.start_date and measure.end_date):
        return False
    return measure.kind != SupportMeasure.Kind.ASLL or measure.renewals < ASLL_MAX_RENEWALS


def renew_support_measure(*, measure, user) -> SupportMeasure:
    """Renew a measure for the same length; an ASLL is renewable once (fiche action 5 §2.a)."""
    require_secretariat(user)
    with transaction.atomic():
        # The row locked and read again (a concurrent renewal waits), then saved with its values:
        # an F() expression would not go into the history's row (directory/history.py).
        locked = SupportMeasure.objects.select_for_update().get(pk=measure.pk)
        if locked.kind == SupportMeasure.Kind.ASLL and locked.renewals >= ASLL_MAX_RENEWALS:
            raise ReferralRefused("Une mesure ASLL n'est renouvelable qu'une fois.")
        if locked.household_agreed is not True:
            raise ReferralRefused("Seule une mesure acceptée par le ménage peut être renouvelée.")
        if not (locked.start_date and locked.end_date):
            raise ReferralRefused("Indiquez le début et la fin de la mesure avant de la renouveler.")
        length = locked.end_date - locked.start_date
        locked.end_date = locked.end_date + length
        locked.renewals += 1
        locked.save(update_fields=["end_date", "renewals"])
    measure.refresh_from_db()
    return measure


# ---------------------------------------------------------------------------------------------
# E-mails: the outbox (no personal data in a body, only a link)
# ---------------------------------------------------------------------------------------------


def referral_url(referral) -> str:
    return settings.SITE_URL + reverse("referrals:detail", args=[referral.pk])


def _announce(referral):
    due = f" Échéance : {referral.due_date:%d/%m/%Y}." if referral.due_date else ""
    queue_message(
        organisation=referral.addressed_to,
        subject=f"Prévex : nouvelle demande — {referral.get_kind_display()}",
        body=(
            "Le secrétariat de la CCAPEX a adressé à votre organisme une demande "
            f"« {referral.get_kind_display()} ».{due}\n\n"
            f"Pour la consulter, connectez-vous à Prévex : {referral_url(referral)}\n"
        ),
        dedup_key=f"referral-{referral.pk}-requested",
    )
    notifications.notify(
        users=notifications.members_of(referral.addressed_to, WORKING_ROLES),
        kind="demande_recue",
        title=f"Nouvelle demande : {referral.get_kind_display()}",
        url=reverse("referrals:detail", args=[referral.pk]),
        dedup_key=f"referral-{referral.pk}-requested",
    )


def queue_message(*, organisation, subject, body, dedup_key) -> OutboxMessage | None:
    """Store the e-mail with the current transaction and queue its sending after commit."""
    if not organisation.email:
        logger.warning("outbox_skipped reason=no_email organisation=%s", organisation.pk)
        return None
    message, created = OutboxMessage.objects.get_or_create(
        dedup_key=dedup_key,
        defaults={
            "organisation": organisation,
            "recipient": organisation.email,
            "subject": subject,
            "body": body,
        },
    )
    if created:
        transaction.on_commit(lambda: _enqueue(message.pk))
    return message


def _enqueue(message_id):
    from .tasks import send_outbox_message

    enqueue(send_outbox_message, message_id)


def claim_message(message_id) -> OutboxMessage | None:
    """Take a pending message for sending; None when it is gone, sent, or taken by another worker."""
    claimed = OutboxMessage.objects.filter(pk=message_id, status=OutboxMessage.Status.PENDING).update(
        status=OutboxMessage.Status.SENDING, attempts=F("attempts") + 1
    )
    return OutboxMessage.objects.get(pk=message_id) if claimed else None


def deliver(message) -> None:
    send_mail(message.subject, message.body, None, [message.recipient])
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.SENT, sent_at=timezone.now()
    )


def release_after_failure(message, error, *, final) -> None:
    status = OutboxMessage.Status.FAILED if final else OutboxMessage.Status.PENDING
    OutboxMessage.objects.filter(pk=message.pk).update(status=status, last_error=str(error)[:250])


# Work due within a week is announced in the daily digest and filtered as "cette semaine".
DUE_SOON = datetime.timedelta(days=7)


def due_soon_lines(due, *, organisation_of, today, what) -> dict:
    """Per organisation, one digest line for its open items overdue or due within DUE_SOON: `due`
    already filtered, `what` the (singular, plural) of what they are."""
    by_organisation = {}
    for item in due:
        by_organisation.setdefault(organisation_of(item), []).append(item)
    link = f"{settings.SITE_URL}{reverse('referrals:inbox')}"
    lines = {}
    for organisation, items in by_organisation.items():
        overdue = sum(1 for item in items if item.due_date < today)
        verb = "arrivent" if len(items) > 1 else "arrive"
        lines[organisation] = [
            f"{counted(len(items), *what)} à votre organisme {verb} à échéance d'ici 7 jours"
            f" ({overdue} en retard) : {link}"
        ]
    return lines


def referral_digest_lines(*, today):
    """Per organisation, its open referrals overdue or due within a week."""
    due = Referral.objects.open().filter(due_date__lte=today + DUE_SOON).select_related("addressed_to")
    return due_soon_lines(
        due,
        organisation_of=lambda referral: referral.addressed_to,
        today=today,
        what=("demande adressée", "demandes adressées"),
    )


def filed_digest_lines(*, today):
    """Per requesting organisation (the secretariat), the diagnoses filed the day before."""
    start = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=1), datetime.time())
    )
    filed = Diagnosis.objects.filter(
        status=Diagnosis.Status.SUBMITTED,
        submitted_at__gte=start,
        submitted_at__lt=start + datetime.timedelta(days=1),
        referral__requesting_organisation__isnull=False,
    ).select_related("referral__requesting_organisation")
    counts = {}
    for diagnosis in filed:
        organisation = diagnosis.referral.requesting_organisation
        counts[organisation] = counts.get(organisation, 0) + 1
    link = f"{settings.SITE_URL}{reverse('procedure:work_queue')}"
    return {
        organisation: [f"{counted(count, 'diagnostic transmis', 'diagnostics transmis')} hier : {link}"]
        for organisation, count in counts.items()
    }


def queue_digests(*, today=None) -> int:
    """Each organisation with work overdue or due within 7 days (referrals, and what the
    DIGEST_SOURCES add) gets one digest a day: counts and links, no personal data."""
    today = today or timezone.localdate()
    by_organisation = {}
    for source in [referral_digest_lines, filed_digest_lines, *extensions.DIGEST_SOURCES]:
        for organisation, lines in source(today=today).items():
            by_organisation.setdefault(organisation, []).extend(lines)
    queued = 0
    for organisation, lines in by_organisation.items():
        body = "\n\n".join(lines) + "\n\nConnectez-vous à Prévex pour les consulter.\n"
        with transaction.atomic():
            message = queue_message(
                organisation=organisation,
                subject="Prévex : ce qui arrive à échéance",
                body=body,
                dedup_key=f"digest-{organisation.pk}-{today:%Y-%m-%d}",
            )
        queued += message is not None
    return queued


# Referrals whose organisation follows the household: it is its social referent (annexe 5).
REFERENT_KINDS = (Referral.Kind.DSF, Referral.Kind.DSF_UPDATE, Referral.Kind.SUPPORT_MEASURE)
REFERENT_STATUSES = (Referral.Status.ACCEPTED, Referral.Status.IN_PROGRESS, Referral.Status.DONE)


def social_referents(procedure_ids) -> dict[int, str]:
    """The organisation that last took on a DSF or a support measure for each procedure, for the
    SIAO list's `referent_social` column (formats.md; Charte annexe 5). One query."""
    referrals = (
        Referral.objects.filter(
            procedure_id__in=procedure_ids, kind__in=REFERENT_KINDS, status__in=REFERENT_STATUSES
        )
        .order_by("procedure_id", "-requested_at")
        .values_list("procedure_id", "addressed_to__name")
    )
    referents = {}
    for procedure_id, name in referrals:
        referents.setdefault(procedure_id, name)
    return referents

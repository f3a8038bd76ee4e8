"""Letters as PDF (Charte II.B étapes 1 to 6): the French State's layout (Marianne, prefecture
header, reference, date in French, page numbers), rendered with WeasyPrint, stored with their
checksum; the questionnaires of a week's acts generated in one batch; a letter marked sent closes
its task."""

import datetime
import hashlib
import io
import logging
import re
import uuid
from pathlib import Path

import dsfr
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import escape
from pypdf import PdfWriter
from weasyprint import HTML

from config.celery import enqueue
from directory.acting import acting_departements
from directory.models import default_departement
from procedure.models import EventKind, Procedure, ProcedureEvent
from procedure.rules import Action, actions_for

from .. import defaults, placeholders
from ..models import (
    Letter,
    LetterBatch,
    LetterKind,
    LetterTemplate,
    LetterTemplateVersion,
    QuestionnaireAnswer,
)
from . import contacts
from .contacts import LetterRefused

logger = logging.getLogger(__name__)

FONTS_DIR = Path(dsfr.__file__).resolve().parent / "static" / "dsfr" / "dist" / "fonts"
MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
# The acts after which the household (and, in the private sector, the owner) receive a
# questionnaire (Charte II.B étapes 2, 3, 4 et 5).
QUESTIONNAIRE_ACTS = (
    EventKind.PAYMENT_ORDER,
    EventKind.SUMMONS,
    EventKind.ORDER_TO_VACATE,
    EventKind.POLICE_REQUEST,
)
# The Charte's task a letter closes when it is marked sent.
ACTION_FOR_KIND = {
    LetterKind.QUESTIONNAIRE_HOUSEHOLD: Action.QUESTIONNAIRE_HOUSEHOLD,
    LetterKind.QUESTIONNAIRE_OWNER: Action.QUESTIONNAIRE_OWNER,
    LetterKind.MEDIATION_NOTICE: Action.CONVENE_MEDIATION,
    LetterKind.CFP_HOUSEHOLD: Action.INFORM_CFP_HOUSEHOLD,
    LetterKind.CFP_LANDLORD: Action.INFORM_CFP_LANDLORD,
    LetterKind.CFP_COMMUNE: Action.INFORM_CFP_COMMUNE,
    LetterKind.CFP_DEPARTEMENT: Action.INFORM_CFP_DEPARTEMENT,
    LetterKind.CFP_BAILIFF: Action.INFORM_CFP_BAILIFF,
    LetterKind.CFP_POLICE: Action.INFORM_CFP_POLICE,
    LetterKind.DSF_REQUEST: Action.REQUEST_DSF,
}
QUESTIONNAIRE_FOR_ACTION = {
    Action.QUESTIONNAIRE_HOUSEHOLD: LetterKind.QUESTIONNAIRE_HOUSEHOLD,
    Action.QUESTIONNAIRE_OWNER: LetterKind.QUESTIONNAIRE_OWNER,
}
HOUSEHOLD_KINDS = (
    LetterKind.QUESTIONNAIRE_HOUSEHOLD,
    LetterKind.MEDIATION_NOTICE,
    LetterKind.OPINION,
    LetterKind.CFP_HOUSEHOLD,
)
OWNER_KINDS = (LetterKind.QUESTIONNAIRE_OWNER, LetterKind.CFP_LANDLORD)


def fonts_url() -> str:
    """file:// URL of django-dsfr's Marianne fonts, for @font-face in the PDF templates."""
    return FONTS_DIR.as_uri()


def french_date(day: datetime.date) -> str:
    """'26 novembre 2026' ('1er' for the first of the month)."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS[day.month - 1]} {day.year}"


def money(amount) -> str:
    """'2 900,00 €' (French grouping and decimal comma, no-break spaces)."""
    return number_format(amount, 2, use_l10n=True, force_grouping=True) + "\xa0€"


def render_pdf(html: str) -> bytes:
    return HTML(string=html, base_url=str(FONTS_DIR) + "/").write_pdf()


# ---------------------------------------------------------------------------------------------
# Templates and versions
# ---------------------------------------------------------------------------------------------


def current_version(kind, departement_code=None) -> LetterTemplateVersion:
    """The latest version of a kind's template in a département (the default département when not
    given); the national default wording at first use (issue 16)."""
    template, _ = LetterTemplate.objects.get_or_create(
        kind=kind, departement_code=departement_code or default_departement()
    )
    version = template.versions.order_by("-number").first()
    if version is None:
        subject, body = defaults.DEFAULTS[LetterKind(kind)]
        version = save_version(template=template, subject=subject, body=body, user=None)
    return version


def save_version(*, template, subject, body, user) -> LetterTemplateVersion:
    """A change of wording is a new version; an unknown placeholder is refused here, at save."""
    errors = {}
    for field, text in (("subject", subject), ("body", body)):
        try:
            placeholders.validate(text)
        except ValidationError as exc:
            errors[field] = exc.messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = LetterTemplate.objects.select_for_update().get(pk=template.pk)
        number = (locked.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        return LetterTemplateVersion.objects.create(
            template=locked, number=number, subject=subject, body=body, created_by=user
        )


def missing_default_placeholders(version) -> list[str]:
    """The placeholders the default wording of the kind uses and this version does not: when the
    default changes, a wording an administrator changed is kept (never overwritten) and its edit page
    lists these, with a button to start again from the default."""
    subject, body = defaults.DEFAULTS[LetterKind(version.template.kind)]
    used = set(placeholders.used(version.subject + version.body))
    return [name for name in dict.fromkeys(placeholders.used(subject + body)) if name not in used]


# ---------------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------------


def _latest_act(procedure, events=None):
    events = list(procedure.events.all()) if events is None else events
    acts = [event for event in events if event.kind in EventKind.values and event.kind in _STAGE_KINDS]
    return acts[-1] if acts else None


_STAGE_KINDS = {
    EventKind.UNPAID_RENT,
    EventKind.PAYMENT_ORDER,
    EventKind.SUMMONS,
    EventKind.HEARING,
    EventKind.JUDGMENT,
    EventKind.ORDER_TO_VACATE,
    EventKind.POLICE_REQUEST,
    EventKind.POLICE_ASSISTANCE,
}


def eviction_possible_from(procedure, events=None):
    """The date from which the eviction may happen: the grant of the concours, not before the first
    eviction date (CPCE L.412-1, L.412-3, L.412-6, L.141-1: procedure.deadlines.first_eviction)."""
    from procedure.deadlines import first_eviction

    events = list(procedure.events.all()) if events is None else events
    grant = next((e.date for e in reversed(events) if e.kind == EventKind.POLICE_ASSISTANCE), None)
    first = first_eviction(events)
    dates = [d for d in (grant, first and first.date) if d]
    return max(dates) if dates else None


def recipient_for(procedure, kind) -> tuple[str, list[str]]:
    """Who a letter goes to: its name and address lines."""
    lease, landlord, household = procedure.lease, procedure.landlord, procedure.household
    commune = lease.commune.name
    if kind in HOUSEHOLD_KINDS:
        return household.label, [lease.address, f"{lease.postal_code} {commune}"]
    if kind in OWNER_KINDS:
        return landlord.name, [landlord.address, f"{landlord.postal_code} {landlord.city}".strip()]
    if kind == LetterKind.CFP_COMMUNE:
        return f"Madame, Monsieur le Maire de {commune}", [f"Mairie — {lease.postal_code} {commune}"]
    if kind == LetterKind.CFP_DEPARTEMENT:
        return "Monsieur le Président du Conseil départemental de la Côte-d'Or", [
            "Direction de l'action sociale"
        ]
    if kind == LetterKind.CFP_BAILIFF:
        return "Maître, commissaire de justice chargé du dossier", [f"Procédure {procedure.reference}"]
    if kind == LetterKind.CFP_POLICE:
        zone = lease.commune.get_police_zone_display() or "Police ou gendarmerie nationale"
        return zone, [f"Secteur de {commune}"]
    return "Service social de secteur", [f"Ménage domicilié à {commune}"]


def values_for(procedure, *, kind, today=None) -> dict:
    """The values of the placeholders (placeholders.PLACEHOLDERS) for a case."""
    today = today or timezone.localdate()
    events = list(procedure.events.all())
    household, lease = procedure.household, procedure.lease
    holder = _holder(household)
    act = _latest_act(procedure, events)
    eviction = eviction_possible_from(procedure, events)
    recipient, _ = recipient_for(procedure, kind)
    raw = {
        "menage.nom": holder.last_name if holder else household.label,
        "menage.prenom": holder.first_name if holder else "",
        "menage.libelle": household.label,
        "bail.adresse": lease.address,
        "bail.code_postal": lease.postal_code,
        "bail.commune": lease.commune.name,
        "bailleur.nom": procedure.landlord.name,
        "procedure.reference": procedure.reference,
        "procedure.dette": "" if procedure.debt is None else money(procedure.debt),
        "acte.nom": act.get_kind_display().lower() if act else "",
        "acte.date": french_date(act.date) if act else "",
        "date_du_jour": french_date(today),
        "date_expulsion_possible": french_date(eviction) if eviction else "(date à préciser)",
        "destinataire.nom": recipient,
    }
    return {name: escape(value) for name, value in raw.items()}


def _holder(household):
    persons = list(household.persons.all())
    holders = [p for p in persons if p.role == "titulaire"]
    return (holders or persons or [None])[0]


def letter_html(procedure, version, *, today=None, fonts_base="", agenda_item=None) -> str:
    """The letter's HTML (tested as such; the PDF is rendered from it). The fonts are found next to
    the base URL (django-dsfr's font folder, a file:// URL) unless `fonts_base` says where (the
    browser preview uses the static files' URL). `agenda_item` is the commission's agenda item the
    letter is about (see session_values); found from the case when not given."""
    today = today or timezone.localdate()
    kind = version.template.kind
    used = placeholders.used(version.subject + version.body)
    values = {
        **values_for(procedure, kind=kind, today=today),
        **contacts.contact_values(procedure, contacts.needed(kind, used)),
    }
    inline_values = values
    if SESSION_PLACEHOLDERS & set(used):
        item = agenda_item if agenda_item is not None else agenda_item_for(procedure, kind)
        session, listed = session_values(item)
        values = {**values, **session, "preconisations": listed["html"]}
        inline_values = {**values, **session, "preconisations": listed["text"]}
    name, address = recipient_for(procedure, kind)
    return render_to_string(
        "letters/pdf/letter.html",
        {
            "subject": placeholders.fill(escape(version.subject), inline_values),
            "blocks": _blocks(placeholders.fill(escape(version.body), values)),
            "recipient_name": name,
            "recipient_address": address,
            "reference": procedure.reference,
            "date": french_date(today),
            "is_questionnaire": kind in (LetterKind.QUESTIONNAIRE_HOUSEHOLD, LetterKind.QUESTIONNAIRE_OWNER),
            "kind": kind,
            "fonts_base": fonts_base,
        },
    )


def _blocks(body: str) -> list[dict]:
    """The body's paragraphs (a blank line apart; a line break kept), the list of recommendations
    set apart as a block of its own (a list is not allowed inside a paragraph)."""
    blocks = []
    for paragraph in body.split("\n\n"):
        for part in LIST_BLOCK.split(paragraph):
            if LIST_BLOCK.fullmatch(part):
                blocks.append({"html": part, "is_list": True})
            elif part.strip():
                blocks.append({"html": part.strip("\n").replace("\n", "<br>"), "is_list": False})
    return blocks


# ---------------------------------------------------------------------------------------------
# The commission's session, opinion and recommendations (Charte II.A.2: "Rédiger les courriers
# d'avis et de recommandations", "Rédiger les courriers d'invitation")
# ---------------------------------------------------------------------------------------------

SESSION_PLACEHOLDERS = {"commission.nom", "seance.date", "seance.lieu", "avis", "preconisations"}
OPINION_KINDS = (LetterKind.OPINION, LetterKind.OPINION_COPY)
LIST_BLOCK = re.compile(r'(<ul class="preconisations">.*?</ul>)', re.DOTALL)
TO_BE_SPECIFIED = "(à préciser)"


def agenda_item_for(procedure, kind):
    """The agenda item a letter is about when the caller does not name it: for the letters of
    opinion, the case's latest decided item; for the others (the convocation), its latest item."""
    from commissions.models import AgendaItem

    items = AgendaItem.objects.filter(procedure=procedure)
    if kind in OPINION_KINDS:
        items = items.filter(decided_at__isnull=False)
    return items.select_related("session__commission").order_by("-session__date", "-pk").first()


def session_values(item) -> tuple[dict, dict]:
    """The session placeholders' escaped values, and the recommendations as an HTML list (each
    with its kind, the organisation responsible and its due date) and as one line of text."""
    if item is None:
        names = ("commission.nom", "seance.date", "seance.lieu", "avis")
        return dict.fromkeys(names, TO_BE_SPECIFIED), {"html": TO_BE_SPECIFIED, "text": TO_BE_SPECIFIED}
    session = item.session
    values = {
        "commission.nom": escape(session.commission.name),
        "seance.date": french_date(session.date),
        "seance.lieu": escape(session.place or session.commission.place or TO_BE_SPECIFIED),
        "avis": escape(item.opinion or TO_BE_SPECIFIED),
    }
    lines = [
        _recommendation_line(r)
        for r in item.recommendations.select_related("responsible").order_by("due_date", "pk")
    ]
    if not lines:
        return values, {"html": "Aucune préconisation.", "text": "aucune préconisation"}
    items_html = "".join(f"<li>{escape(line)}</li>" for line in lines)
    return values, {
        "html": f'<ul class="preconisations">{items_html}</ul>',
        "text": escape(" ; ".join(lines)),
    }


def _recommendation_line(recommendation) -> str:
    kind = recommendation.get_kind_display()
    detail = f" ({recommendation.detail})" if recommendation.detail else ""
    return (
        f"{kind}{detail} — organisme chargé : {recommendation.responsible.name} — "
        f"échéance : {french_date(recommendation.due_date)}"
    )


def generate(*, procedure, kind, user=None, batch=None, today=None, agenda_item=None) -> Letter:
    """Render one letter as PDF and store it with its checksum, recipient and template version.
    `agenda_item`: the commission's agenda item the letter is about (the commissions app passes it
    for the convocations and the letters of opinion of a session); by default, found from the case
    (agenda_item_for)."""
    document = _render(procedure, kind, today=today, agenda_item=agenda_item)
    return _store(procedure=procedure, kind=kind, user=user, batch=batch, **document)[0]


def _render(procedure, kind, *, today=None, agenda_item=None) -> dict:
    version = current_version(kind, procedure.departement_code)
    html = letter_html(procedure, version, today=today, agenda_item=agenda_item)
    document = HTML(string=html, base_url=str(FONTS_DIR) + "/").render()
    return {"version": version, "document": document}


def _store(*, procedure, kind, user, batch, version, document):
    pdf = document.write_pdf()
    recipient, _ = recipient_for(procedure, kind)
    letter = Letter(
        procedure=procedure,
        template_version=version,
        kind=kind,
        recipient=recipient[:250],
        checksum=hashlib.sha256(pdf).hexdigest(),
        batch=batch,
        created_by=user,
    )
    letter.file.save(f"{procedure.reference}-{kind}.pdf", ContentFile(pdf), save=False)
    letter.save()
    logger.info("letter_generated id=%s kind=%s procedure=%s", letter.pk, kind, procedure.pk)
    return letter, document


# ---------------------------------------------------------------------------------------------
# Status
# ---------------------------------------------------------------------------------------------


def set_status(*, letter, status, user) -> Letter:
    """Record a letter's status; a letter marked sent closes its Charte task (Charte II.B)."""
    from procedure.services import complete_tasks

    letter.status = status
    letter.status_changed_at = timezone.now()
    letter.save(update_fields=["status", "status_changed_at"])
    action = ACTION_FOR_KIND.get(LetterKind(letter.kind))
    if status == Letter.Status.SENT and action:
        complete_tasks(
            procedure=letter.procedure, actions=[action], user=user, note=f"Courrier envoyé ({letter.pk})"
        )
    return letter


def record_answer(*, procedure, user, letter=None, **answers) -> QuestionnaireAnswer:
    """A returned questionnaire as structured answers; its letter is marked answered."""
    with transaction.atomic():
        answer = QuestionnaireAnswer.objects.create(
            procedure=procedure, letter=letter, recorded_by=user, **answers
        )
        if letter is not None:
            Letter.objects.filter(pk=letter.pk).update(
                status=Letter.Status.ANSWERED, status_changed_at=timezone.now()
            )
    return answer


# ---------------------------------------------------------------------------------------------
# A week's questionnaires in one batch
# ---------------------------------------------------------------------------------------------


def questionnaires_due(week_start: datetime.date, departement_code=None) -> list[tuple[int, str]]:
    """(procedure id, letter kind) of the questionnaires of a week's acts of a département's cases
    (the default département when not given), as the Charte's table of actions says
    (procedure.rules.actions_for; Charte II.B étapes 2 to 5)."""
    events = (
        ProcedureEvent.objects.filter(
            procedure__departement_code=departement_code or default_departement(),
            kind__in=QUESTIONNAIRE_ACTS,
            date__gte=week_start,
            date__lte=week_start + datetime.timedelta(days=6),
        )
        .select_related("procedure__lease")
        .order_by("procedure__reference", "date")
    )
    due = []
    for event in events:
        actions = {rule.action for rule in actions_for(event.kind, event.procedure.lease.sector)}
        for action, kind in QUESTIONNAIRE_FOR_ACTION.items():
            if action in actions and (event.procedure_id, kind.value) not in due:
                due.append((event.procedure_id, kind.value))
    return due


def check_batch(week_start, departement_code=None) -> None:
    """Refuse a week whose questionnaires would lack an address, listing every case at once."""
    due = questionnaires_due(week_start, departement_code)
    procedures = Procedure.objects.select_related("lease__commune").in_bulk({pk for pk, _ in due})
    problems = []
    for procedure_id, kind in due:
        version = current_version(kind, departement_code)
        names = contacts.needed(kind, placeholders.used(version.subject + version.body))
        try:
            contacts.contact_values(procedures[procedure_id], names)
        except LetterRefused as refusal:
            problems.append(f"{procedures[procedure_id].reference} : {refusal.messages[0]}")
    if problems:
        raise LetterRefused(sorted(set(problems)))


def start_batch(*, week_start, user, departement_code=None) -> LetterBatch:
    """One action: queue the generation of a week's questionnaires of a département's cases (the
    user's own when not given) after commit."""
    from ..tasks import generate_batch

    departement_code = (
        departement_code or next(iter(acting_departements(user)), None) or default_departement()
    )
    check_batch(week_start, departement_code)
    batch = LetterBatch.objects.create(
        week_start=week_start,
        departement_code=departement_code,
        total=len(questionnaires_due(week_start, departement_code)),
        created_by=user,
    )
    transaction.on_commit(lambda: enqueue(generate_batch, batch.pk))
    return batch


# A running batch refreshes its heartbeat after each letter (a letter renders in about a second):
# a batch whose heartbeat is older than this was left by a worker that died, and is taken over.
BATCH_LEASE = datetime.timedelta(minutes=5)


def claim_batch(batch_id, *, now=None) -> uuid.UUID | None:
    """Take a batch with a conditional UPDATE: a queued one, or a running one whose worker stopped
    beating (killed, machine restarted). None when it is done, failed, or alive elsewhere."""
    now = now or timezone.now()
    token = uuid.uuid4()
    claimable = Q(status=LetterBatch.Status.QUEUED) | Q(
        status=LetterBatch.Status.RUNNING, heartbeat_at__lt=now - BATCH_LEASE
    )
    taken = LetterBatch.objects.filter(claimable, pk=batch_id).update(
        status=LetterBatch.Status.RUNNING, claim_token=token, heartbeat_at=now
    )
    return token if taken else None


def batches_to_resume(*, now=None) -> list[int]:
    """The batches a worker should run: queued ones whose task never reached a worker (the broker
    was down when they were started), running ones whose worker stopped beating."""
    stale = (now or timezone.now()) - BATCH_LEASE
    waiting = Q(status=LetterBatch.Status.QUEUED, created_at__lt=stale) | Q(
        status=LetterBatch.Status.RUNNING, heartbeat_at__lt=stale
    )
    return list(LetterBatch.objects.filter(waiting).order_by("pk").values_list("pk", flat=True))


def run_batch(*, batch_id) -> str:
    """Generate the batch's letters (each stored on its case) and one bundle PDF to print.

    Claimed with a conditional update (claim_batch): a second worker or a redelivered task does
    nothing while the first one beats. A worker killed in the middle leaves the letters it stored;
    the worker that takes the batch over (after BATCH_LEASE, letters.tasks.resume_batches) generates
    only the missing ones — one letter per (batch, case, kind), a database constraint — and builds
    the bundle from the stored PDFs, so no letter is generated twice and none is missing.
    """
    token = claim_batch(batch_id)
    batch = LetterBatch.objects.filter(pk=batch_id).select_related("created_by").first()
    if token is None or batch is None:
        return batch.status if batch else "absent"
    mine = LetterBatch.objects.filter(pk=batch.pk, claim_token=token)
    due = questionnaires_due(batch.week_start, batch.departement_code)
    stored = set(batch.letters.values_list("procedure_id", "kind"))
    mine.update(total=len(due), done=len(stored & set(due)))
    procedures = Procedure.objects.in_bulk({procedure_id for procedure_id, _ in due})
    for procedure_id, kind in due:
        if (procedure_id, kind) in stored:
            continue
        try:
            rendered = _render(procedures[procedure_id], kind)
        except LetterRefused:  # an address removed since check_batch: the case is left out
            logger.warning("batch_letter_refused batch=%s procedure=%s kind=%s", batch.pk, procedure_id, kind)
            continue
        try:
            _store(
                procedure=procedures[procedure_id], kind=kind, user=batch.created_by, batch=batch, **rendered
            )
        except IntegrityError:  # stored meanwhile by a worker that still ran: never twice
            logger.warning("batch_letter_exists batch=%s procedure=%s kind=%s", batch.pk, procedure_id, kind)
        if not mine.update(done=F("done") + 1, heartbeat_at=timezone.now()):
            logger.warning("batch_taken_over batch=%s", batch.pk)  # another worker has it now
            return LetterBatch.Status.RUNNING
    _bundle(batch, due)
    mine.update(status=LetterBatch.Status.DONE, claim_token=None)
    return LetterBatch.Status.DONE


def _bundle(batch, due) -> None:
    """One PDF to print: the batch's stored letters in the order of the week's cases."""
    order = {key: index for index, key in enumerate(due)}
    letters = sorted(batch.letters.all(), key=lambda letter: order.get((letter.procedure_id, letter.kind), 0))
    if not letters:
        return
    writer = PdfWriter()
    for letter in letters:
        with letter.file.open("rb") as handle:
            writer.append(io.BytesIO(handle.read()))
    output = io.BytesIO()
    writer.write(output)
    batch.bundle.save(
        f"questionnaires-{batch.week_start:%Y-%m-%d}.pdf", ContentFile(output.getvalue()), save=False
    )
    LetterBatch.objects.filter(pk=batch.pk).update(bundle=batch.bundle.name)

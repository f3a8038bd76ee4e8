"""Import of procedural acts from a CSV or XLSX file (formats.md, `import_acts`).

The file is read and checked whole first: every error of every row is reported at once,
"ligne L, colonne C : message" (the header is line 1). Then, in one transaction and only if nothing
is wrong, it is written set by set, a fixed number of queries whatever its size: the communes and
landlords read once, the known procedures locked in one statement and their acts' kinds and dates
read in another (acts already recorded are skipped before any write: importing twice changes nothing
and reads nothing more), the procedures the file brings acts to loaded with their lease, household,
landlord and acts; then households, holders, leases, procedures, acts, tasks and history inserted by
procedure.bulk (keys from the sequences, one COPY a table on PostgreSQL), each new row complete in
its INSERT (search texts, debt, stored summary: services.summary_of on its acts in memory; next due
date: from its tasks, worked out in memory before it). What services.record_event does after each
act is done here in memory, act after act, then written set by set: the Charte's tasks
(services.tasks_for, CCH R.824's report only with housing benefit), the open tasks they make
pointless set aside with the act that supersedes them (as services.supersede_tasks), and the
anomalies of each case (deadlines.anomalies on its acts in memory) reported and kept as work-queue
tasks (services.anomaly_tasks, save_anomaly_tasks); the known procedures' debts and summaries
updated in one statement each (services.bulk_set, services.refresh_summaries,
services.refresh_next_due). A dry run does the same, reports the same anomalies, and rolls back.
"""

import contextlib
import csv
import datetime
import gc
import io
import re
from collections import namedtuple
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.db.models.functions import Lower
from django.utils import timezone

from directory.acting import acting_departements
from directory.models import Commune, Organisation
from households.models import Household, HousingSector, Landlord, Lease, Person

from . import bulk, deadlines, rules, services
from .models import (
    ChangeLog,
    JudgmentOutcome,
    PoliceDecision,
    Procedure,
    ProcedureEvent,
    Stage,
    Task,
    WinterTruce,
    departement_of_lease,
    set_list_keys,
)

REQUIRED = ("reference", "acte", "date_acte")
FOR_NEW_PROCEDURE = ("nom", "adresse", "code_postal", "commune_insee", "bailleur", "parc")
COLUMNS = REQUIRED + FOR_NEW_PROCEDURE + (
    "prenom", "bailleur_siren", "date_bail", "loyer", "charges", "dette", "date_audience", "issue",
    "adultes", "enfants", "numero_allocataire",
)  # fmt: skip
XLSX_MAGIC = b"PK\x03\x04"
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# The amounts' columns hold up to 9 digits, cents included (households.Lease.rent).
MAX_AMOUNT = Decimal("10000000")


@dataclass(frozen=True)
class ImportError:  # noqa: A001 - the name of formats.md's contract
    line: int
    column: str
    message: str

    def __str__(self):
        return f"ligne {self.line}, colonne {self.column} : {self.message}"


@dataclass
class PreviewRow:
    line: int
    reference: str
    kind: str
    date: datetime.date
    status: str  # "nouvelle procédure", "à enregistrer", "déjà connu"

    @property
    def kind_label(self):
        return Stage(self.kind).label


@dataclass
class ImportReport:
    created_procedures: int = 0
    recorded_acts: int = 0
    known_acts: int = 0
    errors: list = field(default_factory=list)
    preview: list = field(default_factory=list)
    anomalies: list = field(default_factory=list)  # ImportAnomaly: what the acts break, as on the case page
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def summary(self) -> str:
        summary = (
            f"{self.created_procedures} procédures créées, {self.recorded_acts} actes enregistrés, "
            f"{self.known_acts} actes déjà connus"
        )
        if self.anomalies:
            count = len(self.anomalies)
            summary += f", {count} anomalie{'s' if count > 1 else ''} relevée{'s' if count > 1 else ''}"
        return summary


@dataclass(frozen=True)
class ImportAnomaly:
    reference: str
    message: str

    def __str__(self):
        return f"dossier {self.reference} : {self.message}"


@dataclass
class Row:
    line: int
    raw: dict
    values: dict = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# Reading the file
# ---------------------------------------------------------------------------------------------


def read_table(file_obj, *, filename="", file_format=None) -> list[list]:
    """The rows of the file (header first), as lists of cell values."""
    content = file_obj.read()
    if isinstance(content, str):
        content = content.encode("utf-8")
    is_xlsx = file_format == "xlsx" or filename.lower().endswith(".xlsx") or content.startswith(XLSX_MAGIC)
    return _read_xlsx(content) if is_xlsx else _read_csv(content)


def _read_csv(content: bytes) -> list[list]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError("le fichier n'est pas encodé en UTF-8") from error
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _read_xlsx(content: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise ValueError("le classeur XLSX est illisible") from error
    try:
        return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()


# ---------------------------------------------------------------------------------------------
# Parsing the cells
# ---------------------------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    if ISO_DATE.fullmatch(text):  # the usual form, read without strptime (a tenth of the check)
        with contextlib.suppress(ValueError):  # 2026-02-30: refused below, with the same message
            return datetime.date.fromisoformat(text)
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"date « {text} » invalide : AAAA-MM-JJ ou JJ/MM/AAAA attendu")


def parse_amount(value):
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value)).quantize(Decimal("0.01"))
    text = re.sub(r"[\s\u00a0\u202f€]", "", _text(value))
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation as error:
        raise ValueError(f"montant « {_text(value)} » invalide : 1234.56 ou 1 234,56 attendu") from error
    if not amount.is_finite() or amount >= MAX_AMOUNT:
        raise ValueError(f"montant « {_text(value)} » invalide : moins de 10 000 000 € attendu")
    if amount < 0:
        raise ValueError("un montant ne peut pas être négatif")
    return amount.quantize(Decimal("0.01"))


def parse_count(value):
    text = _text(value)
    if not text.isdigit():
        raise ValueError(f"nombre « {text} » invalide : un entier positif attendu")
    return int(text)


def _choice(allowed):
    def parse(value):
        text = _text(value).lower()
        if text not in allowed:
            raise ValueError(f"valeur « {_text(value)} » inconnue : {', '.join(allowed)} attendu")
        return text

    return parse


def _siren(value):
    text = re.sub(r"\s", "", _text(value))
    if not re.fullmatch(r"\d{9}", text):
        raise ValueError(f"SIREN « {_text(value)} » invalide : 9 chiffres attendus")
    return text


def _insee(value):
    text = _text(value).upper()
    if not re.fullmatch(r"[0-9][0-9AB][0-9]{3}", text):
        raise ValueError(f"code INSEE « {_text(value)} » invalide : 5 caractères attendus")
    return text


PARSERS = {
    "acte": _choice([stage.value for stage in Stage]),
    "date_acte": parse_date,
    "date_bail": parse_date,
    "date_audience": parse_date,
    "loyer": parse_amount,
    "charges": parse_amount,
    "dette": parse_amount,
    "adultes": parse_count,
    "enfants": parse_count,
    "parc": _choice([HousingSector.PUBLIC.value, HousingSector.PRIVATE.value]),
    "bailleur_siren": _siren,
    "commune_insee": _insee,
}


# ---------------------------------------------------------------------------------------------
# The import
# ---------------------------------------------------------------------------------------------


def import_acts(
    file_obj, *, filename="", file_format=None, user=None, dry_run=False, departements=None
) -> ImportReport:
    """Check the whole file, then import it in one transaction, or nothing (formats.md)."""
    with _cyclic_gc_paused():
        return _import_acts(file_obj, filename, file_format, user, dry_run, departements)


@contextlib.contextmanager
def _cyclic_gc_paused():
    """Python's cycle collector off while the file's objects are built: it ran about 800 times for
    10,000 acts (tens of thousands of rows, tasks and instances alive at once), each pass longer
    than the last, a tenth of the import (bench/importing.py). Reference counting still frees
    what is dropped; the collector resumes after, as it was."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _import_acts(file_obj, filename, file_format, user, dry_run, departements) -> ImportReport:
    report = ImportReport(dry_run=dry_run)
    try:
        table = read_table(file_obj, filename=filename, file_format=file_format)
    except ValueError as error:
        report.errors.append(ImportError(1, "-", str(error)))
        return report
    rows, columns = _rows(table, report)
    if report.errors:
        return report
    communes = _communes(rows)
    if departements is None and getattr(user, "acting", None) is not None:
        departements = acting_departements(user)
    with transaction.atomic():
        groups = _check(rows, columns, report, communes, departements)
        if not report.errors:
            _write(groups, report, user, communes)
        if dry_run or report.errors:
            transaction.set_rollback(True)
    if report.errors:
        report.created_procedures = report.recorded_acts = report.known_acts = 0
        report.anomalies = []
    return report


def _rows(table, report):
    if not table or not any(_text(cell) for cell in table[0]):
        report.errors.append(ImportError(1, "-", "le fichier est vide ou n'a pas de ligne d'en-tête"))
        return [], {}
    header = [_text(cell).lower() for cell in table[0]]
    columns = {name: header[index] for index, name in enumerate(header) if name in COLUMNS}
    for name in REQUIRED:
        if name not in header:
            report.errors.append(ImportError(1, name, "colonne obligatoire absente"))
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        if not any(_text(cell) for cell in cells):
            continue
        raw = {name: cells[index] if index < len(cells) else None for index, name in enumerate(header)}
        rows.append(Row(number, raw))
    return rows, columns


def _communes(rows) -> dict:
    """The file's communes by INSEE code, read once."""
    codes = set()
    for row in rows:
        try:
            codes.add(_insee(row.raw.get("commune_insee")))
        except ValueError:
            continue
    return {commune.insee_code: commune for commune in Commune.objects.filter(insee_code__in=codes)}


def _parse_row(row, report, communes):
    for name in COLUMNS:
        if name not in row.raw:  # a column the file does not have: an empty cell
            continue
        value = row.raw[name]
        if _text(value) == "" and not isinstance(value, (datetime.date, int, float)):
            continue
        parser = PARSERS.get(name, _text)
        try:
            row.values[name] = parser(value)
        except ValueError as error:
            report.errors.append(ImportError(row.line, name, str(error)))
    for name in REQUIRED:
        if name not in row.values and _text(row.raw.get(name)) == "":
            report.errors.append(ImportError(row.line, name, "valeur obligatoire manquante"))
    _check_details(row, report, communes)


def _check_details(row, report, communes):
    kind, values = row.values.get("acte"), row.values
    if kind == Stage.SUMMONS and _text(row.raw.get("date_audience")) == "":
        report.errors.append(
            ImportError(row.line, "date_audience", "date d'audience obligatoire pour une assignation")
        )
    if kind == Stage.JUDGMENT and values.get("issue", "").lower() not in JudgmentOutcome.values:
        report.errors.append(
            ImportError(
                row.line, "issue", f"issue du jugement attendue : {', '.join(JudgmentOutcome.values)}"
            )
        )
    if kind == Stage.POLICE_ASSISTANCE and values.get("issue", "").lower() not in PoliceDecision.values:
        report.errors.append(ImportError(row.line, "issue", "décision attendue : accorde ou refuse"))
    if "commune_insee" in values and values["commune_insee"] not in communes:
        report.errors.append(
            ImportError(row.line, "commune_insee", f"commune {values['commune_insee']} inconnue de Prévex")
        )


@dataclass
class KnownProcedure:
    """A procedure of the file already in Prévex: locked, its acts (kind, date) read; the procedure
    itself, with its lease, household, landlord and acts, only when the file brings it acts."""

    pk: int
    departement_code: str
    acts: set
    procedure: Procedure | None = None
    events: list = field(default_factory=list)

    def brings_acts(self, group) -> bool:
        return any((row.values["acte"], row.values["date_acte"]) not in self.acts for row in group)


def _check(rows, columns, report, communes, departements=None):
    """Every row checked; the known procedures locked in one statement, their acts read in another,
    so that nothing recorded meanwhile escapes the order check. Returns the groups
    [(reference, KnownProcedure or None, rows)]."""
    for row in rows:
        _parse_row(row, report, communes)
    faulty = {error.line for error in report.errors}
    groups = {}
    for row in rows:
        if "reference" in row.values and "date_acte" in row.values and "acte" in row.values:
            groups.setdefault(row.values["reference"], []).append(row)
    known = _lock_known(list(groups))
    _load([case for reference, case in known.items() if case.brings_acts(groups[reference])])
    today = timezone.localdate()
    for reference, group in groups.items():
        group.sort(key=lambda row: (row.values["date_acte"], rules.stage_rank(row.values["acte"])))
        case = known.get(reference)
        if case is None:
            _check_new_procedure(reference, group, report)
        if departements is not None:
            _check_departement(case, group, report, communes, departements)
        _check_order(case, group, report, faulty, today)
    return [(reference, known.get(reference), group) for reference, group in groups.items()]


def _lock_known(references) -> dict:
    """The file's known procedures by reference (KnownProcedure), locked in one statement, their
    acts read in another, as bare values: importing a file again reads nothing more."""
    locked = Procedure.objects.select_for_update().filter(reference__in=references).order_by()
    known = {
        reference: KnownProcedure(pk, departement_code, set())
        for pk, reference, departement_code in locked.values_list("pk", "reference", "departement_code")
    }
    by_pk = {case.pk: case for case in known.values()}
    acts = ProcedureEvent.objects.filter(procedure__in=list(by_pk)).order_by()
    for pk, kind, date in acts.values_list("procedure_id", "kind", "date"):
        by_pk[pk].acts.add((kind, date))
    return known


def _load(cases) -> None:
    """The procedures the file brings acts, with what the rules read: their lease, household,
    landlord (one query by primary keys each: a join made PostgreSQL scan the three tables whole at
    500,000 procedures) and their acts (one query: prefetch_related built a queryset per procedure)."""
    if not cases:
        return
    by_pk = {case.pk: case for case in cases}
    for procedure in Procedure.objects.filter(pk__in=list(by_pk)).order_by():
        by_pk[procedure.pk].procedure = procedure
    prefetch_related_objects([case.procedure for case in cases], "lease", "household", "landlord")
    for event in ProcedureEvent.objects.filter(procedure__in=list(by_pk)):
        case = by_pk[event.procedure_id]
        ProcedureEvent.procedure.field.set_cached_value(event, case.procedure)
        case.events.append(event)


def _check_departement(known, group, report, communes, departements):
    """A sender writes only in its départements (issue 16): a known case held by another
    département, or a new one whose commune lies outside them, is refused without saying more."""
    if known is not None:
        if known.departement_code not in departements:
            report.errors.append(
                ImportError(group[0].line, "reference", "procédure d'un autre département que le vôtre")
            )
        return
    for row in group:
        commune = communes.get(row.values.get("commune_insee"))
        if commune is not None and commune.departement_code not in departements:
            report.errors.append(
                ImportError(
                    row.line, "commune_insee", f"commune {commune.insee_code} hors de votre département"
                )
            )
            return


def _check_new_procedure(reference, group, report):
    for name in FOR_NEW_PROCEDURE:
        if not any(name in row.values for row in group):
            report.errors.append(
                ImportError(group[0].line, name, f"obligatoire pour la nouvelle procédure {reference}")
            )


def _check_order(known, group, report, faulty, today):
    """The acts in the legal order (services.check_order) and with the form's details
    (services.check_fields), a refusal reported under the file's column with the form's message;
    the acts already recorded (`known`) skipped."""
    seen = set(known.acts) if known else set()
    events = list(known.events) if known else []
    for row in group:
        kind, date = row.values["acte"], row.values["date_acte"]
        if date > today:
            report.errors.append(
                ImportError(row.line, "date_acte", f"la date du {services.fr_date(date)} est dans le futur")
            )
            continue
        if (kind, date) in seen:
            continue
        try:
            services.check_order(kind, date, events)
            if row.line not in faulty:  # a missing or bad cell is already reported, once
                services.check_fields(kind, date, _details(row.values), today=today)
        except services.EventRefused as refusal:
            column = COLUMN_OF_FIELD.get(refusal.field, "date_acte")
            report.errors.append(ImportError(row.line, column, refusal.messages[0]))
            continue
        seen.add((kind, date))
        events.append(Act(kind, date))


# An act of the file as check_order reads it.
Act = namedtuple("Act", "kind date")


# The form's fields as the file's columns, so that a refusal names the column (same message).
COLUMN_OF_FIELD = {
    "date": "date_acte",
    "hearing_date": "date_audience",
    "judgment_outcome": "issue",
    "police_decision": "issue",
}


def _details(values) -> dict:
    """The act's details as services.record_event takes them."""
    kind, issue = values["acte"], values.get("issue", "").lower()
    return {
        "hearing_date": values.get("date_audience") if kind == Stage.SUMMONS else None,
        "judgment_outcome": issue if kind == Stage.JUDGMENT else "",
        "police_decision": issue if kind == Stage.POLICE_ASSISTANCE else "",
        "closure_reason": "",
        "time_to_leave_until": None,
    }


def _write(groups, report, user, communes):
    """The file's new cases, then its acts, their tasks, anomalies and history, set by set."""
    touched = {case.pk: case.procedure for _, case, _ in groups if case is not None and case.procedure}
    cases, holders = _new_cases([(ref, group) for ref, case, group in groups if case is None], communes)
    procedures = {procedure.reference: procedure for procedure in [*touched.values(), *cases]}
    report.created_procedures = len(cases)
    recorded = _new_events(groups, procedures, report, user)
    if not recorded:  # every act already known: nothing else to write
        return
    debts = _apply_debts(recorded)
    # The tasks are worked out in memory first, so that a new case's next due date is in its INSERT.
    tasks, created, closed = _follow_events([event for _, event in recorded], touched, user)
    anomalies, cleared = _sync_anomalies(groups, procedures, recorded, tasks, report)
    _set_next_due(cases, [*created, *anomalies])
    _save_cases(cases, holders, recorded)
    bulk.insert(ChangeLog, _history(cases, debts, user))
    bulk.insert(ProcedureEvent, [event for _, event in recorded])
    bulk.insert(Task, created)
    for task in closed:  # set aside by an act of the file, which has its key now
        task.superseded_by_id = task.superseded_by.pk
    services.bulk_set(Task, closed, ["status", "closed_at", "closed_by", "set_aside_reason", "superseded_by"])
    services.save_anomaly_tasks(anomalies, cleared, user=user)
    services.bulk_set(
        Procedure, {p.pk: p for p, *_ in debts if p.pk in touched}.values(), ["debt", "version"]
    )
    services.refresh_summaries(list(touched))
    services.refresh_next_due(list(touched))


def _new_events(groups, procedures, report, user) -> list:
    """(row, unsaved ProcedureEvent) of the acts not yet recorded, in each case's order."""
    recorded = []
    for reference, known, group in groups:
        procedure, seen = procedures.get(reference), set(known.acts) if known else set()
        for row in group:
            values = row.values
            kind, date = values["acte"], values["date_acte"]
            is_known = (kind, date) in seen
            report.preview.append(
                PreviewRow(row.line, reference, kind, date, "déjà connu" if is_known else "à enregistrer")
            )
            if is_known:
                report.known_acts += 1
                continue
            seen.add((kind, date))
            event = bulk.new(
                ProcedureEvent,
                procedure=procedure,
                departement_code=procedure.departement_code,  # the case's, for the counts (decision 017)
                kind=kind,
                date=date,
                **_details(values),
                debt=values.get("dette"),
                source=ProcedureEvent.Source.IMPORT,
                recorded_by=user,
            )
            recorded.append((row, event))
            report.recorded_acts += 1
    return recorded


def _follow_events(events, touched, user) -> tuple[dict, list, list]:
    """What services._follow_event does after each act, act after act in memory, to be written in
    bulk: the Charte's tasks (services.tasks_for), the open tasks they make pointless set aside
    with the act that supersedes them (the file holds stages only, none of the facts that complete
    the report task). Returns each procedure's tasks (open, or closed here; by `id()` of the
    procedure, a new one having no key yet), for the anomaly tasks; the new tasks to insert (closed
    ones included); the stored tasks closed here. Only the known procedures (`touched`) have tasks
    already."""
    tasks = {id(event.procedure): [] for event in events}
    for task in Task.objects.filter(procedure__in=list(touched), status=Task.Status.OPEN):
        tasks[id(touched[task.procedure_id])].append(task)
    created, closed, now = [], [], timezone.now()
    for event in events:
        new = services.tasks_for(procedure=event.procedure, event=event)
        closed += _supersede(event, tasks[id(event.procedure)], {task.kind for task in new}, user, now)
        tasks[id(event.procedure)].extend(new)
        created.extend(new)
    stored = [task for task in closed if task.pk]  # the new ones are inserted closed
    return tasks, _one_per_action(created), stored


def _one_per_action(tasks) -> list:
    """One task per act and action, the first (task_unique_per_event, as create_tasks's
    ignore_conflicts: the acts are new, so no stored task can collide)."""
    unique = {}
    for task in tasks:
        unique.setdefault((id(task.event), task.kind), task)
    return list(unique.values())


def _supersede(event, tasks, new_actions, user, now) -> list:
    """services.supersede_tasks in memory: the open tasks set aside, superseded by the act."""
    reason = services.superseding_reason(event, new_actions)
    if not reason:
        return []
    closing = event.kind in rules.CLOSING_KINDS
    set_aside = [
        task for task in tasks if task.status == Task.Status.OPEN and (closing or task.kind in new_actions)
    ]
    for task in set_aside:
        task.status, task.closed_at, task.closed_by = Task.Status.SET_ASIDE, now, user
        task.set_aside_reason, task.superseded_by = reason[:250], event
    return set_aside


def _sync_anomalies(groups, procedures, recorded, tasks, report) -> tuple[list, list]:
    """The anomalies of each case that got acts, from its acts in memory (deadlines.anomalies): the
    new ones reported, and the work queue's anomaly tasks to create and to set aside
    (services.anomaly_tasks), written by services.save_anomaly_tasks in two statements for the file."""
    added = {}
    for _, event in recorded:
        added.setdefault(id(event.procedure), []).append(event)
    truce_rows = list(WinterTruce.objects.all())
    new, gone = [], []
    for reference, known, _ in groups:
        procedure = procedures.get(reference)
        if procedure is None or id(procedure) not in added:
            continue
        old_events = list(known.events) if known is not None else []
        had = {
            str(anomaly)
            for anomaly in deadlines.anomalies(procedure, events=old_events, truce_rows=truce_rows)
        }
        found = deadlines.anomalies(
            procedure, events=old_events + added[id(procedure)], truce_rows=truce_rows
        )
        report.anomalies += [
            ImportAnomaly(reference, str(anomaly)) for anomaly in found if str(anomaly) not in had
        ]
        still_open = [task for task in tasks[id(procedure)] if task.status == Task.Status.OPEN and task.pk]
        created, set_aside = services.anomaly_tasks(procedure, found, still_open)
        new += created
        gone += set_aside
    return new, gone


def _set_next_due(cases, tasks) -> None:
    """Each new case's next due date from its new tasks (it has no other), as services.refresh_next_due
    stores it: the soonest due date of the open ones."""
    soonest = {}
    for task in tasks:
        procedure = task.procedure
        if task.status == Task.Status.OPEN and task.due_date is not None:
            current = soonest.get(id(procedure), task.due_date)
            soonest[id(procedure)] = min(current, task.due_date)
    for procedure in cases:
        procedure.next_due_date = soonest.get(id(procedure))


def _apply_debts(recorded) -> list:
    """The debt of each act that gives one kept on its procedure, in memory (as record_event):
    [(procedure, debt before, debt after)], each change adding one to the procedure's version."""
    changes = []
    for _, event in recorded:
        procedure = event.procedure
        if event.debt is not None and procedure.debt != event.debt:
            changes.append((procedure, procedure.debt, event.debt))
            procedure.debt, procedure.version = event.debt, procedure.version + 1
    return changes


def _history(cases, debts, user) -> list:
    """The unsaved history rows: each new procedure's creation, then each change of debt."""
    logs = [
        services.change_log(procedure, {"reference": (None, procedure.reference)}, user)
        for procedure in cases
    ]
    return logs + [services.change_log(procedure, {"debt": change}, user) for procedure, *change in debts]


def _first(group, name):
    return next((row.values[name] for row in group if name in row.values), None)


def _new_cases(new, communes) -> tuple[list, list]:
    """The new procedures, unsaved, each with its household, lease and landlord, and their lease
    holders (the landlords the file brings are saved here)."""
    if not new:
        return [], []
    landlords = LandlordMatcher([_first(group, "bailleur") for _, group in new])
    cases = [_new_case(reference, group, communes, landlords) for reference, group in new]
    landlords.save()
    return [procedure for procedure, _ in cases], [holder for _, holder in cases]


def _new_case(reference, group, communes, landlords) -> tuple[Procedure, Person]:
    """One new case, unsaved, its household's search texts written from its holder and lease."""
    get = lambda name: _first(group, name)  # noqa: E731
    counts = {"adults": get("adultes"), "children": get("enfants")}
    household = bulk.new(
        Household,
        label=f"{get('prenom') or ''} {get('nom')}".strip(),
        benefit_claim_number=get("numero_allocataire") or "",
        **{name: count for name, count in counts.items() if count is not None},
    )
    holder = bulk.new(
        Person,
        household=household,
        role=Person.Role.HOLDER,
        last_name=get("nom"),
        first_name=get("prenom") or "",
    )
    lease = bulk.new(
        Lease,
        household=household,
        landlord=landlords.match(get("bailleur"), get("bailleur_siren")),
        address=get("adresse"),
        postal_code=get("code_postal"),
        commune=communes[get("commune_insee")],
        sector=get("parc"),
        signed_on=get("date_bail"),
        rent=get("loyer"),
        charges=get("charges"),
    )
    household.search_text = services.names_text(household, [holder])
    household.address_text = services.addresses_text([lease])
    procedure = bulk.new(
        Procedure,
        reference=reference,
        household=household,
        lease=lease,
        landlord=lease.landlord,
        departement_code=departement_of_lease(lease),
    )
    set_list_keys(procedure)
    return procedure, holder


def _save_cases(cases, holders, recorded) -> None:
    """The new cases written, one statement a table, each procedure with its debt and its summary
    computed from its acts in memory (services.summary_of, what refresh_summaries stores): a row
    written once, never updated after (at 500,000 procedures the two UPDATEs of the new rows cost
    more than their INSERT)."""
    acts = {}
    for _, event in recorded:
        acts.setdefault(id(event.procedure), []).append(event)
    for procedure in cases:
        for name, value in services.summary_of(acts[id(procedure)]).items():
            setattr(procedure, name, value)
    bulk.insert(Household, [procedure.household for procedure in cases])
    bulk.insert(Person, holders)
    bulk.insert(Lease, [procedure.lease for procedure in cases])
    bulk.insert(Procedure, cases)


class LandlordMatcher:
    """The landlord of each new procedure: a known social landlord (an Organisation) by SIREN or
    name, otherwise a private landlord by name. The social landlords, and the private ones the file
    names, are read once; the missing ones are created together by save()."""

    def __init__(self, names):
        self.social = list(Organisation.objects.filter(kind=Organisation.Kind.SOCIAL_LANDLORD))
        self.by_siren, self.by_name = {}, {}  # the first organisation of each, as a search in order
        for org in self.social:
            if org.siren:
                self.by_siren.setdefault(org.siren, org)
            for key in (services.normalise(org.name), services.normalise(org.code)):
                self.by_name.setdefault(key, org)
        self.of_organisation = {
            landlord.organisation_id: landlord
            for landlord in Landlord.objects.filter(organisation__in=self.social)
        }
        lowered = {name.strip().lower() for name in names if name}
        self.private = {}
        others = Landlord.objects.exclude(kind=Landlord.Kind.SOCIAL).annotate(lowered=Lower("name"))
        for landlord in others.filter(lowered__in=lowered).order_by("pk"):
            self.private.setdefault(services.normalise(landlord.name), landlord)
        self.to_create = []

    def match(self, name, siren=None) -> Landlord:
        wanted = services.normalise(name)
        organisation = (siren and self.by_siren.get(siren)) or self.by_name.get(wanted)
        if organisation is not None:
            if organisation.pk not in self.of_organisation:
                self.of_organisation[organisation.pk] = self._new(
                    organisation=organisation,
                    kind=Landlord.Kind.SOCIAL,
                    name=organisation.name,
                    siren=organisation.siren,
                )
            return self.of_organisation[organisation.pk]
        if wanted not in self.private:
            kind = (
                Landlord.Kind.COMPANY if re.search(r"\b(sci|sarl|sas|sa)\b", wanted) else Landlord.Kind.PERSON
            )
            self.private[wanted] = self._new(kind=kind, name=name.strip(), siren=siren or "")
        return self.private[wanted]

    def _new(self, **fields) -> Landlord:
        landlord = Landlord(**fields)
        self.to_create.append(landlord)
        return landlord

    def save(self) -> None:
        bulk.insert(Landlord, self.to_create)

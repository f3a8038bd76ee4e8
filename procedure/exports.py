"""The list of procedures as an XLSX: the columns a user chose, typed cells (dates as dates, amounts
as numbers in euros), a frozen header and an autofilter. Rows stream from the database into
openpyxl's write-only workbook, so a large selection never sits in memory. The cells come from
`directory.exports` (formula-safe text, typed values); this module only adds the number formats."""

import tempfile
from collections.abc import Callable
from typing import Any, NamedTuple

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from directory.exports import xlsx_cell, xlsx_row

from . import deadlines
from .models import EventKind, Procedure, ProcedureEvent, Stage

DATE_FORMAT = "DD/MM/YYYY"
EURO_FORMAT = '#,##0.00 "€"'


class Column(NamedTuple):
    key: str
    header: str
    value: Callable[[Any], Any]
    kind: str = "text"  # text, date or money


EXPORT_COLUMNS = [
    Column("reference", "Référence", lambda p: p.reference),
    Column("menage", "Ménage", lambda p: p.household.label),
    Column("allocataire", "Numéro allocataire", lambda p: p.household.benefit_claim_number),
    Column("adresse", "Adresse", lambda p: p.lease.address),
    Column("code_postal", "Code postal", lambda p: p.lease.postal_code),
    Column("commune", "Commune", lambda p: p.lease.commune.name),
    Column("insee", "Code INSEE", lambda p: p.lease.commune.insee_code),
    Column("parc", "Parc", lambda p: p.lease.get_sector_display()),
    Column("bailleur", "Bailleur", lambda p: p.landlord.name),
    Column("etape", "Étape", lambda p: Stage(p.current_stage).label if p.current_stage else ""),
    Column("statut", "Statut", lambda p: "Close" if p.closed else "En cours"),
    Column("dernier_acte", "Dernier acte", lambda p: p.last_act_date, "date"),
    Column("echeance", "Prochaine échéance", lambda p: p.next_due_date, "date"),
    Column("dette", "Dette (€)", lambda p: p.debt, "money"),
]


def _cell(sheet, value, kind):
    """A typed, formula-safe cell (directory.exports) with the column's number format."""
    cell = xlsx_cell(sheet, value)
    if kind == "date":
        cell.number_format = DATE_FORMAT
    elif kind == "money":
        cell.number_format = EURO_FORMAT
    return cell


def procedures_workbook(procedures, columns=EXPORT_COLUMNS, *, progress=None):
    """A write-only workbook (rows streamed from the database) in a temporary file, rewound, and
    its number of procedures (for the access log). `progress(rows_written)` is called as it goes."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Procédures")
    sheet.freeze_panes = "A2"
    sheet.append([column.header for column in columns])
    rows = 1
    for procedure in procedures.iterator(chunk_size=2000):
        sheet.append([_cell(sheet, column.value(procedure), column.kind) for column in columns])
        rows += 1
        if progress is not None and rows % 500 == 0:
            progress(rows - 1)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{rows}"
    output = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it once sent)
    workbook.save(output)
    output.seek(0)
    return output, rows - 1


def _query(params):
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for key, values in params.get("query", {}).items():
        query.setlist(key, values)
    return query


def build_procedures_export(user, params, progress):
    """The background build of the list's export (procedure/background/): the same filters as the
    page, the columns the user chose when asking, the user's scope."""
    from .filters import ProcedureFilter, procedures_for_list

    procedures = ProcedureFilter(_query(params), queryset=procedures_for_list(user)).qs
    keys = set(params.get("columns") or [column.key for column in EXPORT_COLUMNS])
    total = procedures.count()
    progress(0, total)
    return procedures_workbook(
        procedures,
        [column for column in EXPORT_COLUMNS if column.key in keys],
        progress=lambda done: progress(done, total),
    )


# ---------------------------------------------------------------- the State's liability (CPCE L.153-1)

LIABILITY_COLUMNS = [
    ("Référence", lambda p, s: p.reference),
    ("Ménage", lambda p, s: p.household.label),
    ("Bailleur", lambda p, s: p.landlord.name),
    ("Responsabilité depuis le", lambda p, s: s.starts_on),
    ("Jusqu'au", lambda p, s: s.until),
    ("Jours suspendus (trêve, délais du juge)", lambda p, s: s.suspended_days),
    ("Jours indemnisables", lambda p, s: s.liable_days),
    ("Loyer et charges mensuels (€)", lambda p, s: (p.lease.rent or 0) + (p.lease.charges or 0)),
    ("Indemnisation estimée (€)", lambda p, s: s.compensation_estimate),
    ("Fondement", lambda p, s: s.reference),
]


def liability_candidates(user):
    """Every visible case whose concours was requested (the refusals are found among them)."""
    requested = ProcedureEvent.objects.filter(kind=EventKind.POLICE_REQUEST).values("procedure")
    return Procedure.objects.visible_to(user).filter(pk__in=requested)


def state_liability_workbook(user, *, progress=None):
    """For the préfecture's litigation office: every visible case whose concours was refused
    (explicitly or by silence), with the State's liability and its estimate (CPCE L.153-1)."""
    procedures = (
        liability_candidates(user)
        .select_related("household", "lease", "landlord")
        .prefetch_related("events")
        .order_by("reference")
    )
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Responsabilité de l'État")
    sheet.append([header for header, _ in LIABILITY_COLUMNS])
    rows = 0
    for seen, procedure in enumerate(procedures.iterator(chunk_size=1000), start=1):
        liability = deadlines.state_liability(procedure, events=list(procedure.events.all()))
        if liability is not None:
            sheet.append(xlsx_row(sheet, [value(procedure, liability) for _, value in LIABILITY_COLUMNS]))
            rows += 1
        if progress is not None and seen % 500 == 0:
            progress(seen)
    output = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse or the background build closes it)
    workbook.save(output)
    output.seek(0)
    return output, rows


def build_state_liability_export(user, params, progress):
    total = liability_candidates(user).count()
    progress(0, total)
    return state_liability_workbook(user, progress=lambda seen: progress(seen, total))

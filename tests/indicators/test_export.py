"""export_indicators (formats.md, "Indicators export"): header, one row per code and year, empty
value for a supplied figure nobody entered, the territory filter, and XLSX."""

import csv
import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from indicators import definitions as d
from indicators import services
from procedure.models import EventKind
from tests.factories import CommuneFactory, OrganisationFactory, TerritoryFactory, UserFactory
from tests.procedure.factories import ProcedureFactory

from .factories import event

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fsl_supplied_by_the_departement(settings):
    """The département takes the FSL aids from the Conseil départemental rather than counting them."""
    settings.INDICATORS_SUPPLIED = ["aides_fsl_impayes"]


def export(*args):
    out = io.StringIO()
    call_command("export_indicators", *args, stdout=out)
    return out.getvalue()


def test_csv_has_the_header_and_24_rows_per_year_even_when_zero():
    content = export("--year", "2024", "--year", "2025")
    lines = content.splitlines()
    assert lines[0] == "indicator,year,territory,value"
    rows = list(csv.DictReader(io.StringIO(content)))
    assert len(rows) == 24 * 2
    assert [r["indicator"] for r in rows[:24]] == d.CODES
    assert {r["year"] for r in rows[:24]} == {"2024"} and {r["year"] for r in rows[24:]} == {"2025"}
    assert next(r for r in rows if r["indicator"] == "assignations")["value"] == "0"


def test_counted_value_and_empty_value_for_supplied_figure_not_entered():
    event(EventKind.PAYMENT_ORDER, datetime.date(2025, 12, 31))
    event(EventKind.PAYMENT_ORDER, datetime.date(2026, 1, 1))
    rows = {r["indicator"]: r for r in csv.DictReader(io.StringIO(export("--year", "2025")))}
    assert rows["commandements_payer"] == {
        "indicator": "commandements_payer",
        "year": "2025",
        "territory": "",
        "value": "1",
    }
    assert rows["aides_fsl_impayes"]["value"] == ""


def test_supplied_figure_entered_once_appears_in_the_export():
    departement = OrganisationFactory(code="cd21", kind="conseil_departemental", name="Conseil départemental")
    services.supply_figure(
        indicator=d.BY_CODE["aides_fsl_impayes"],
        year=2025,
        value=412,
        user=UserFactory(),
        organisation=departement,
    )
    rows = {r["indicator"]: r for r in csv.DictReader(io.StringIO(export("--year", "2025")))}
    assert rows["aides_fsl_impayes"]["value"] == "412"


def test_territory_export_counts_its_communes_and_names_it():
    beaune = CommuneFactory(insee_code="21054", name="Beaune", postal_codes="21200")
    territory = TerritoryFactory(code="beaune")
    territory.communes.add(beaune)
    event(
        EventKind.EVICTION, datetime.date(2025, 5, 5), ProcedureFactory(holder=False, lease__commune=beaune)
    )
    event(EventKind.EVICTION, datetime.date(2025, 5, 5))
    rows = {
        r["indicator"]: r
        for r in csv.DictReader(io.StringIO(export("--year", "2025", "--territory", "beaune")))
    }
    assert rows["expulsions_effectives"]["territory"] == "beaune"
    assert rows["expulsions_effectives"]["value"] == "1"


def test_unknown_territory_is_an_error_in_french():
    with pytest.raises(CommandError, match="Territoire inconnu"):
        export("--year", "2025", "--territory", "nulle-part")


def test_out_file_and_xlsx(tmp_path):
    event(EventKind.SUMMONS, datetime.date(2025, 2, 2))
    csv_file, xlsx_file = tmp_path / "i.csv", tmp_path / "i.xlsx"
    call_command("export_indicators", "--year", "2025", "--out", str(csv_file))
    assert csv_file.read_text(encoding="utf-8").startswith("indicator,year,territory,value\n")
    call_command("export_indicators", "--year", "2025", "--out", str(xlsx_file), "--format", "xlsx")
    rows = list(load_workbook(xlsx_file).active.iter_rows(values_only=True))
    assert rows[0] == ("indicator", "year", "territory", "value")
    assert len(rows) == 1 + 24
    by_code = {row[0]: row for row in rows[1:]}
    assert by_code["assignations"] == ("assignations", 2025, None, 1)
    assert by_code["aides_fsl_impayes"][3] is None

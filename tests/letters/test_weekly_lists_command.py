"""manage.py weekly_lists --week YYYY-Www --out DIR [--dry-run]."""

import csv
import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from letters.models import WeeklyList
from tests.letters.factories import granted_on, payment_order_on

pytestmark = pytest.mark.django_db


def test_the_command_writes_the_week_s_lists_as_xlsx_csv_and_pdf(tmp_path):
    granted_on(datetime.date(2026, 11, 15), reference="OCTROI-1")
    payment_order_on(datetime.date(2026, 11, 9), reference="CP-1")
    output = io.StringIO()

    call_command("weekly_lists", "--week", "2026-W46", "--out", str(tmp_path), stdout=output)

    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "caf-2026-W46.csv",
        "caf-2026-W46.pdf",
        "caf-2026-W46.xlsx",
        "siao-2026-W46.csv",
        "siao-2026-W46.pdf",
        "siao-2026-W46.xlsx",
    ]
    siao_rows = list(
        csv.DictReader(io.StringIO((tmp_path / "siao-2026-W46.csv").read_text("utf-8-sig")), delimiter=";")
    )
    assert [row["reference"] for row in siao_rows] == ["OCTROI-1"]
    sheet = load_workbook(tmp_path / "caf-2026-W46.xlsx").active
    assert [cell.value for cell in sheet[2]][0] == "CP-1"
    assert "siao 2026-W46: 1 ménage" in output.getvalue()
    assert not WeeklyList.objects.exists()  # built by hand: nothing recorded, nothing sent


def test_dry_run_counts_and_writes_nothing(tmp_path):
    granted_on(datetime.date(2026, 11, 15))
    output = io.StringIO()

    call_command(
        "weekly_lists", "--week", "2026-W46", "--out", str(tmp_path / "out"), "--dry-run", stdout=output
    )

    assert not (tmp_path / "out").exists()
    assert "siao 2026-W46: 1 ménage (simulation" in output.getvalue()


def test_a_malformed_week_is_refused_in_french(tmp_path):
    with pytest.raises(CommandError, match="Semaine invalide"):
        call_command("weekly_lists", "--week", "46", "--out", str(tmp_path))

"""The dashboard's content: figures beside the previous years', funnel, and the objective."""

import datetime

import pytest

from indicators import dashboard
from procedure.models import EventKind, PoliceDecision

from .factories import event

pytestmark = pytest.mark.django_db


def evictions(year, count):
    for day in range(1, count + 1):
        event(EventKind.EVICTION, datetime.date(year, 6, day))


def test_evictions_against_the_baseline_and_the_target_line_up_to_the_year_shown():
    evictions(2019, 10)
    evictions(2024, 8)
    evictions(2025, 6)
    board = dashboard.build(2025)
    rows = {row[0]: row for row in board.objective_rows}
    assert list(rows) == list(range(2019, 2026))
    assert rows[2019] == [2019, 10, "10", "0"]
    assert rows[2024] == [2024, 8, "7", "+1"]  # target −30 % in the Charte's last year
    assert rows[2025] == [2025, 6, "7", "-1"]
    assert "Objectif de la Charte" in board.evictions.svg


def test_no_target_without_a_baseline_figure():
    evictions(2024, 3)
    rows = {row[0]: row for row in dashboard.build(2024).objective_rows}
    assert rows[2024] == [2024, 3, "—", "—"]


def test_funnel_and_previous_years():
    event(EventKind.PAYMENT_ORDER, datetime.date(2023, 12, 31))
    event(EventKind.PAYMENT_ORDER, datetime.date(2025, 1, 1))
    event(EventKind.POLICE_ASSISTANCE, datetime.date(2025, 3, 1), police_decision=PoliceDecision.GRANTED)
    board = dashboard.build(2025)
    assert board.years == [2023, 2024, 2025]
    payment_orders = next(cells for indicator, cells in board.rows if indicator.code == "commandements_payer")
    assert [figure.value for figure in payment_orders] == [1, 0, 1]
    assert [value for _, value in board.funnel.rows] == [1, 0, 0, 0, 1, 0]

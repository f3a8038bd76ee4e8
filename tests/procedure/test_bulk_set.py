"""services.bulk_set: many rows' fields in one statement (UPDATE … FROM VALUES on PostgreSQL,
bulk_update elsewhere), nulls, decimals, texts and foreign keys as bulk_update writes them."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from procedure import services
from procedure.models import Procedure
from tests.procedure.factories import ProcedureFactory

pytestmark = pytest.mark.django_db


def test_bulk_set_writes_each_row_its_own_values_in_one_statement():
    first, second, untouched = (
        ProcedureFactory(debt=None),
        ProcedureFactory(debt=Decimal("10.00")),
        ProcedureFactory(),
    )
    first.debt, first.version = Decimal("1234.56"), 7
    second.debt, second.version = None, 3
    with CaptureQueriesContext(connection) as captured:
        services.bulk_set(Procedure, [first, second], ["debt", "version"])
    assert len(captured) == 1
    assert Procedure.objects.values_list("debt", "version").get(pk=first.pk) == (Decimal("1234.56"), 7)
    assert Procedure.objects.values_list("debt", "version").get(pk=second.pk) == (None, 3)
    untouched_before = (untouched.debt, untouched.version)
    assert Procedure.objects.values_list("debt", "version").get(pk=untouched.pk) == untouched_before


def test_bulk_set_splits_what_postgresql_could_not_take_in_one_statement(monkeypatch):
    procedures = [ProcedureFactory() for _ in range(5)]
    for number, procedure in enumerate(procedures):
        procedure.version = 100 + number
    monkeypatch.setattr(services, "BULK_SET_PARAMETERS", 6)  # two rows of (pk, version, debt)
    services.bulk_set(Procedure, procedures, ["version", "debt"])
    assert sorted(Procedure.objects.values_list("version", flat=True)) == [100, 101, 102, 103, 104]


def test_bulk_set_of_nothing_sends_nothing():
    with CaptureQueriesContext(connection) as captured:
        services.bulk_set(Procedure, [], ["debt"])
    assert len(captured) == 0

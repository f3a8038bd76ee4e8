"""The indicators and their exports read from a real second database, the `replica` alias.

Runs when DATABASE_REPLICA_URL is set (`.ci/run` sets it to a second PostgreSQL database; on
SQLite, `DATABASE_REPLICA_URL=sqlite:///replica.sqlite3`). Replication is played by copying the
primary into the replica with dumpdata/loaddata: until then the replica lags behind, and the
indicators show its figures, not the primary's.
"""

import csv
import datetime
import io

import pytest
from django.conf import settings
from django.core.management import call_command

from config.db_routers import REPLICA
from procedure.models import EventKind, Procedure
from tests.indicators.factories import event

pytestmark = [
    pytest.mark.skipif(REPLICA not in settings.DATABASES, reason="sans DATABASE_REPLICA_URL (voir .ci/run)"),
    pytest.mark.django_db(databases=["default", REPLICA]),
]

EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]


def replicate(tmp_path):
    dump = tmp_path / "primary.json"
    call_command("dumpdata", database="default", exclude=EXCLUDED, output=str(dump), verbosity=0)
    call_command("loaddata", str(dump), database=REPLICA, verbosity=0)


def exported_payment_orders(client, year):
    response = client.get("/indicateurs/export/", {"year": year})
    assert response.status_code == 200
    rows = csv.DictReader(io.StringIO(response.content.decode()))
    return next(
        int(row["value"])
        for row in rows
        if row["indicator"] == "commandements_payer" and row["year"] == str(year)
    )


def export_command(year):
    out = io.StringIO()
    call_command("export_indicators", "--year", str(year), stdout=out)
    rows = csv.DictReader(io.StringIO(out.getvalue()))
    return next(int(row["value"]) for row in rows if row["indicator"] == "commandements_payer")


def test_the_export_shows_the_replicas_figures_until_replication(secretariat_client, tmp_path):
    for day in (1, 2, 3):
        event(EventKind.PAYMENT_ORDER, datetime.date(2025, 3, day))
    assert exported_payment_orders(secretariat_client, 2025) == 0  # the replica has not caught up
    replicate(tmp_path)
    assert exported_payment_orders(secretariat_client, 2025) == 3
    event(EventKind.PAYMENT_ORDER, datetime.date(2025, 3, 4))
    assert exported_payment_orders(secretariat_client, 2025) == 3
    assert Procedure.objects.count() == 4  # outside the indicators, reads stay on the primary
    assert Procedure.objects.using(REPLICA).count() == 3


def test_the_dashboard_and_the_export_command_read_from_the_replica(secretariat_client, tmp_path):
    event(EventKind.PAYMENT_ORDER, datetime.date(2025, 5, 1))
    assert export_command(2025) == 0
    assert secretariat_client.get("/indicateurs/", {"year": 2025}).status_code == 200
    replicate(tmp_path)
    assert export_command(2025) == 1
    assert Procedure.objects.using(REPLICA).count() == 1

"""The export of the State's liability for the préfecture's litigation office (CPCE L.153-1):
secretariat only, the refused cases with their estimate, a flat query count."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from procedure.models import PoliceDecision, Stage
from tests.procedure.factories import procedure_at

pytestmark = pytest.mark.django_db
URL = reverse("procedure:state_liability_export")


def rows(response):
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


def refused_on():
    """29 days ago: with today, 30 days of liability (outside the winter truce is not needed, as
    a refusal followed by a truce would be suspended: the test picks a summer date when it can)."""
    return timezone.localdate() - datetime.timedelta(days=29)


def refused(reference, **fields):
    return procedure_at(
        Stage.POLICE_ASSISTANCE,
        on=refused_on(),
        police_decision=PoliceDecision.REFUSED,
        reference=reference,
        lease__rent=600,
        lease__charges=30,
        **fields,
    )


def test_the_refused_cases_with_the_liability_and_its_estimate(secretariat_client):
    refused("REFUS-1")
    procedure_at(Stage.POLICE_ASSISTANCE, on=datetime.date(2026, 6, 10), reference="ACCORDE")

    header, *lines = rows(secretariat_client.get(URL))

    assert [line[0] for line in lines] == ["REFUS-1"]
    line = dict(zip(header, lines[0], strict=True))
    # Refused 29 days ago: 30 days with today, less the days of a legal truce among them;
    # 630 € × 12 / 365 a day.
    assert line["Responsabilité depuis le"].date() == refused_on()
    days = line["Jours indemnisables"]
    assert days + line["Jours suspendus (trêve, délais du juge)"] == 30
    expected = (Decimal(630) * 12 * days / 365).quantize(Decimal("0.01"))
    assert Decimal(str(line["Indemnisation estimée (€)"])) == expected
    assert line["Fondement"] == "CPCE L.153-1, R.153-1"


@pytest.mark.parametrize("persona", ["social_worker_client", "commission_member_client"])
def test_other_roles_get_403(request, persona):
    assert request.getfixturevalue(persona).get(URL).status_code == 403


def test_the_query_count_stays_flat(secretariat_client):
    refused("REFUS-1")
    rows(secretariat_client.get(URL))  # the session's first request sets the acting organisation
    with CaptureQueriesContext(connection) as one:
        rows(secretariat_client.get(URL))
    for number in range(2, 6):
        refused(f"REFUS-{number}")

    with CaptureQueriesContext(connection) as five:
        assert len(rows(secretariat_client.get(URL))) == 6

    assert len(five.captured_queries) == len(one.captured_queries)

"""Issue 16: the indicators count a case in the département holding it (`Procedure.departement_code`),
not in its lease's commune's: five cases of the Côte-d'Or (21) transferred to the Saône-et-Loire (71)
count in 71 and not in 21 on every counted indicator, in the national view, its CSV, XLSX and PDF
exports and each département's own indicators page and export. 21 keeps five cases of its own, so a
count by the lease's commune would show 10 in 21 and "< 5" in 71."""

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from directory.models import Organisation, Role
from indicators import definitions as d
from indicators import national
from indicators.sources import counted_indicators
from procedure import transfers
from procedure.models import BackgroundExport, EventKind, PoliceDecision
from referrals.models import Referral, SupportMeasure
from tests.commissions.factories import ReviewRequestFactory
from tests.conftest import client_for
from tests.factories import CommuneFactory, OrganisationFactory, member
from tests.indicators.factories import event, national_counts_arretes
from tests.procedure.factories import ProcedureFactory
from tests.referrals.factories import acting

pytestmark = pytest.mark.django_db

YEAR = 2025
CASES = 5
D = datetime.date
PARIS_NOON = datetime.datetime(YEAR, 5, 1, 12, tzinfo=datetime.UTC)

# Acts that keep the case open (recorded before the transfer) and those that close it (after: a
# closed case is not transferred). DALO priority after the rehousing: still not rehoused in 3 months.
OPEN_ACTS = [
    (EventKind.REHOUSING, D(YEAR, 1, 20)),
    (EventKind.PAYMENT_ORDER, D(YEAR, 2, 1)),
    (EventKind.REPAYMENT_PLAN, D(YEAR, 2, 10)),
    (EventKind.REPAYMENT_PLAN_BROKEN, D(YEAR, 2, 20)),
    (EventKind.DALO_APPEAL, D(YEAR, 2, 25)),
    (EventKind.DALO_PRIORITY, D(YEAR, 3, 1)),
    (EventKind.FSL_AID, D(YEAR, 3, 5)),
    (EventKind.SOCIAL_COHESION_PROTOCOL, D(YEAR, 3, 10)),
    (EventKind.NEW_LEASE, D(YEAR, 3, 15)),
    (EventKind.SUMMONS, D(YEAR, 4, 1)),
    (EventKind.ORDER_TO_VACATE, D(YEAR, 6, 1)),
    (EventKind.POLICE_REQUEST, D(YEAR, 8, 1)),
]
CLOSING_ACTS = [(EventKind.DEPARTURE, D(YEAR, 10, 1)), (EventKind.EVICTION, D(YEAR, 10, 2))]


@pytest.fixture
def saone_et_loire(db):
    macon = CommuneFactory(insee_code="71270", name="Mâcon", departement_code="71", postal_codes="71000")
    ddets = OrganisationFactory(
        code="ddets-71", name="DDETS de Saône-et-Loire", kind=Organisation.Kind.STATE, departement_code="71"
    )
    return macon, member(role=Role.SECRETARIAT, organisation=ddets, email="secretariat@ddets71.example")


def a_counted_case(dijon, ccas):
    """A case of Dijon on which every counted indicator counts once in YEAR (but the closing acts)."""
    procedure = ProcedureFactory(lease__commune=dijon, holder=False)
    for kind, date in OPEN_ACTS:
        event(kind, date, procedure)
    event(EventKind.POLICE_ASSISTANCE, D(YEAR, 9, 1), procedure, police_decision=PoliceDecision.GRANTED)
    for kind in (Referral.Kind.CCAPEX_DIAGNOSIS, Referral.Kind.SOCIAL_WATCH):
        Referral.objects.create(
            procedure=procedure,
            kind=kind,
            addressed_to=ccas,
            requested_at=PARIS_NOON,
            funding_source=Referral.FundingSource.STATE,
        )
    Referral.objects.create(  # requested and done: both DSF indicators
        procedure=procedure,
        kind=Referral.Kind.DSF,
        addressed_to=ccas,
        requested_at=PARIS_NOON,
        status=Referral.Status.DONE,
        closed_at=PARIS_NOON + datetime.timedelta(days=30),
        funding_source=Referral.FundingSource.STATE,
    )
    for kind in (SupportMeasure.Kind.ASLL, SupportMeasure.Kind.MASP_SIMPLE):
        SupportMeasure.objects.create(
            procedure=procedure, kind=kind, proposed_on=D(YEAR, 4, 1), start_date=D(YEAR, 5, 1)
        )
    ReviewRequestFactory(procedure=procedure, commission=None, created_at=PARIS_NOON)
    return procedure


def close(procedure):
    for kind, date in CLOSING_ACTS:
        event(kind, date, procedure)


@pytest.fixture
def moved(settings, dijon, secretariat, saone_et_loire):
    """Five cases of Dijon handed to the Saône-et-Loire (asked by 21, accepted by 71), five kept."""
    settings.INDICATORS_SUPPLIED = []
    _, secretariat_71 = saone_et_loire
    ccas = OrganisationFactory(ccas=True)
    acting(secretariat), acting(secretariat_71)
    for _ in range(CASES):
        close(a_counted_case(dijon, ccas))
    for _ in range(CASES):
        procedure = a_counted_case(dijon, ccas)
        transfer = transfers.request_transfer(
            procedure=procedure, to_departement="71", reason="Le ménage a déménagé à Mâcon.", user=secretariat
        )
        transfers.accept(transfer=transfer, user=secretariat_71)
        close(procedure)
    return secretariat, secretariat_71


@pytest.fixture
def national_client(db):
    dihal = OrganisationFactory(code="dihal", kind=Organisation.Kind.STATE, name="DIHAL")
    return client_for(member(role=Role.NATIONAL_STEERING, organisation=dihal))


def _download(client, query, capture):
    with capture(execute=True):
        asked = client.get(reverse("indicators:national_export"), query)
    assert asked.status_code == 302
    client.get(asked.url)
    export = BackgroundExport.objects.latest("pk")
    response = client.get(reverse("procedure:background_export_download", args=[export.pk]))
    return b"".join(response.streaming_content)


def test_every_counted_indicator_counts_a_transferred_case_in_its_new_departement(moved):
    codes = [indicator.code for indicator in counted_indicators()]
    assert len(codes) == len(d.INDICATORS)  # the 24, every one counted here
    table = national.counts([YEAR])
    got = {code: (table[code, "21", YEAR], table[code, "71", YEAR]) for code in codes}
    assert got == {code: (CASES, CASES) for code in codes}


def test_the_national_view_and_its_exports_count_it_in_71(
    moved, national_client, django_capture_on_commit_callbacks
):
    national_counts_arretes()
    for indicator in counted_indicators():
        page = national_client.get(
            reverse("indicators:national"), {"year": YEAR, "indicator": indicator.code}
        )
        rows = {code: cells for code, _, cells in page.context["view"].rows}
        assert (rows["21"][-1], rows["71"][-1], page.context["view"].country[-1]) == (5, 5, 10), (
            indicator.code
        )
    objective = {row[0]: row[3] for row in page.context["view"].objective_rows}
    assert (objective["21"], objective["71"], objective["FR"]) == (5, 5, 10)  # evictions in YEAR

    exported = _download(national_client, {"year": YEAR, "format": "csv"}, django_capture_on_commit_callbacks)
    values = {
        (r["indicator"], r["departement"]): r["value"]
        for r in csv.DictReader(io.StringIO(exported.decode()))
        if r["year"] == str(YEAR)
    }
    for indicator in counted_indicators():
        assert [values[indicator.code, c] for c in ("21", "71", "FR")] == ["5", "5", "10"], indicator.code

    workbook = load_workbook(
        io.BytesIO(
            _download(national_client, {"year": YEAR, "format": "xlsx"}, django_capture_on_commit_callbacks)
        )
    )
    sheet = {
        (r[0], r[1]): r[3] for r in workbook.active.iter_rows(min_row=2, values_only=True) if r[2] == YEAR
    }
    assert {code: (sheet[code, "21"], sheet[code, "71"]) for code, _ in sheet} == {
        code: (5, 5) for code, _ in sheet
    }


def test_the_national_pdf_counts_it_in_71(moved, national_client, django_capture_on_commit_callbacks):
    national_counts_arretes()
    pdf = _download(national_client, {"year": YEAR, "format": "pdf"}, django_capture_on_commit_callbacks)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    # Years 2021 … 2025: "< 5" four times, then the count of YEAR, for every indicator's table.
    kept = re.findall(r"21 — Côte-d'Or\s*< 5\s*< 5\s*< 5\s*< 5\s*5\b", text)
    received = re.findall(r"71 — Saône-et-Loire\s*< 5\s*< 5\s*< 5\s*< 5\s*5\b", text)
    assert len(kept) == len(received) == len(counted_indicators())


def test_each_departements_own_indicators_count_only_the_cases_it_holds(moved):
    for user in moved:
        client = client_for(user)
        board = client.get(reverse("indicators:dashboard"), {"year": YEAR}).context["board"]
        assert {indicator.code: figures[-1].value for indicator, figures in board.rows} == {
            code: CASES for code in d.CODES
        }
        exported = client.get(reverse("indicators:export"), {"year": YEAR}).content.decode()
        values = {
            r["indicator"]: r["value"]
            for r in csv.DictReader(io.StringIO(exported))
            if r["year"] == str(YEAR)
        }
        assert values == {code: str(CASES) for code in d.CODES}

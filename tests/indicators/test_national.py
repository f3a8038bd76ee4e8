"""The national view (issue 16, item 4): the counted indicators per département and for the
country, the −30 % objective per département, aggregated only, every count under 5 "< 5";
CSV, XLSX and PDF. Only the national steering role opens it."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from directory.models import Organisation, Role
from indicators import national
from indicators.models import NationalSnapshot
from procedure.models import BackgroundExport, EventKind, Procedure, ProcedureEvent
from tests.conftest import client_for
from tests.factories import CommuneFactory, OrganisationFactory, member
from tests.procedure.factories import ProcedureFactory

from .factories import event, national_counts_arretes

pytestmark = pytest.mark.django_db

URL = "/indicateurs/national/"
EXPORT = "/indicateurs/national/export/"
REFRESH = "/indicateurs/national/mettre-a-jour/"


class Downloaded:
    """The file of a background export, as the user downloads it from the document's page."""

    def __init__(self, response):
        self.response, self.content = response, b"".join(response.streaming_content)
        self.status_code = response.status_code

    def __getitem__(self, header):
        return self.response[header]


@pytest.fixture
def fetch(django_capture_on_commit_callbacks):
    """Ask for a national export: built in the background (eagerly here), then downloaded."""

    def fetch(client, query):
        with django_capture_on_commit_callbacks(execute=True):
            asked = client.get(EXPORT, query)
        assert asked.status_code == 302
        page = client.get(asked.url)
        assert "Votre document est prêt" in page.content.decode()
        export = BackgroundExport.objects.filter(user=page.wsgi_request.user).latest("pk")
        return Downloaded(client.get(reverse("procedure:background_export_download", args=[export.pk])))

    return fetch


@pytest.fixture
def national_client():
    dihal = OrganisationFactory(code="dihal", kind=Organisation.Kind.STATE, name="DIHAL")
    return client_for(member(role=Role.NATIONAL_STEERING, organisation=dihal))


@pytest.fixture
def communes():
    return {
        "21": CommuneFactory(insee_code="21231", name="Dijon", departement_code="21"),
        "71": CommuneFactory(insee_code="71270", name="Mâcon", departement_code="71"),
        "2A": CommuneFactory(insee_code="2A004", name="Ajaccio", departement_code="2A"),
    }


def payment_orders(commune, count, date):
    procedures = []
    for _ in range(count):
        procedure = ProcedureFactory(lease__commune=commune)
        event(EventKind.PAYMENT_ORDER, date, procedure=procedure)
        procedures.append(procedure)
    return procedures


def evictions(commune, count, year):
    for _ in range(count):
        procedure = ProcedureFactory(lease__commune=commune)
        event(EventKind.EVICTION, datetime.date(year, 6, 15), procedure=procedure)


def row(content, code):
    start = content.index(f'data-departement="{code}"')
    return content[start : content.index("</tr>", start)]


def cells(row_html):
    return [
        part.split("</td>")[0].replace("<strong>", "").replace("</strong>", "")
        for part in row_html.split('prevex-num">')[1:]
    ]


def test_per_departement_and_for_the_country_counts_under_5_hidden(national_client, communes):
    payment_orders(communes["21"], 7, datetime.date(2025, 3, 1))
    payment_orders(communes["71"], 2, datetime.date(2025, 3, 1))
    payment_orders(communes["71"], 5, datetime.date(2024, 12, 31))
    national_counts_arretes()
    response = national_client.get(URL, {"year": 2025, "indicator": "commandements_payer"})
    assert response.status_code == 200
    content = response.content.decode()
    # Years 2021 … 2025.
    assert cells(row(content, "21")) == ["&lt; 5", "&lt; 5", "&lt; 5", "&lt; 5", "7"]
    assert cells(row(content, "71")) == ["&lt; 5", "&lt; 5", "&lt; 5", "5", "&lt; 5"]
    assert cells(row(content, "2A")) == ["&lt; 5"] * 5
    assert cells(row(content, "FR")) == ["&lt; 5", "&lt; 5", "&lt; 5", "5", "9"]
    assert (
        "21 — Côte-d&#x27;Or" in content
        and "71 — Saône-et-Loire" in content
        and "2A — Corse-du-Sud" in content
    )


def test_no_case_and_no_name_reaches_the_national_view(national_client, communes, fetch):
    procedures = payment_orders(communes["21"], 6, datetime.date(2025, 3, 1))
    national_counts_arretes()
    content = national_client.get(URL, {"year": 2025, "indicator": "commandements_payer"}).content.decode()
    csv_content = fetch(national_client, {"year": 2025, "format": "csv"}).content.decode()
    for procedure in procedures:
        for text in (procedure.reference, procedure.household.label, procedure.lease.address):
            assert text not in content
            assert text not in csv_content
    assert "/procedures/" not in content  # no link to the cases behind a figure


def test_the_objective_minus_30_percent_per_departement(national_client, communes):
    # Default objective: baseline 2019, −30 % in 2024, a straight line (indicators/models.py).
    # Côte-d'Or: 20 evictions in 2019, 18 in 2022: target 20 × (1 − 0.30 × 3/5) = 16.4, gap +1.6.
    evictions(communes["21"], 20, 2019)
    evictions(communes["21"], 18, 2022)
    # Saône-et-Loire: 3 in 2019 (hidden, so is the target), 6 in 2022.
    evictions(communes["71"], 3, 2019)
    evictions(communes["71"], 6, 2022)
    national_counts_arretes()
    content = national_client.get(URL, {"year": 2022}).content.decode()
    objective = content[content.index('id="objectif"') :]
    assert cells(row(objective, "21")) == ["20", "18", "16,4", "+1,6"]
    assert cells(row(objective, "71")) == ["&lt; 5", "6", "—", "—"]
    # France: 23 in 2019, 24 in 2022: target 23 × 0.82 = 18.86 → 18.9, gap +5.1.
    assert cells(row(objective, "FR")) == ["23", "24", "18,9", "+5,1"]


def test_csv_and_xlsx_exports_hide_small_counts(national_client, communes, fetch):
    payment_orders(communes["21"], 8, datetime.date(2025, 3, 1))
    payment_orders(communes["71"], 1, datetime.date(2025, 3, 1))
    national_counts_arretes()
    response = fetch(national_client, {"year": 2025, "format": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="indicateurs-nationaux-2021-2025.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    values = {(r["indicator"], r["departement"], r["year"]): r["value"] for r in rows}
    assert values["commandements_payer", "21", "2025"] == "8"
    assert values["commandements_payer", "71", "2025"] == "< 5"
    assert values["commandements_payer", "FR", "2025"] == "9"
    assert values["commandements_payer", "21", "2024"] == "< 5"
    workbook = load_workbook(io.BytesIO(fetch(national_client, {"year": 2025, "format": "xlsx"}).content))
    sheet = [list(r) for r in workbook.active.iter_rows(values_only=True)]
    assert sheet[0] == ["indicator", "departement", "year", "value", "counted_at"]
    assert ["commandements_payer", "FR", 2025, 9] in [r[:4] for r in sheet]
    assert ["commandements_payer", "71", 2025, "< 5"] in [r[:4] for r in sheet]
    assert len(sheet) - 1 == len(rows)
    # Both as of the figures' instant, the one the page prints (« Chiffres arrêtés le … »).
    as_of = timezone.localtime(NationalSnapshot.objects.get().started_at).isoformat(timespec="minutes")
    assert {r["counted_at"] for r in rows} == {r[4] for r in sheet[1:]} == {as_of}


def test_the_pdf_report(national_client, communes, fetch):
    payment_orders(communes["21"], 5, datetime.date(2025, 3, 1))
    national_counts_arretes()
    response = fetch(national_client, {"year": 2025, "format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    "persona",
    ["secretariat_client", "administrator_client", "social_worker_client", "commission_member_client"],
)
def test_every_other_role_gets_403(persona, request, communes):
    client = request.getfixturevalue(persona)
    assert client.get(URL).status_code == 403
    assert client.get(EXPORT, {"format": "csv"}).status_code == 403
    assert client.post(REFRESH).status_code == 403


def test_the_national_role_does_not_open_the_departements_dashboard_nor_a_case(national_client, communes):
    (procedure,) = payment_orders(communes["21"], 1, datetime.date(2025, 3, 1))
    assert national_client.get("/indicateurs/").status_code == 403
    assert national_client.get(reverse("procedure:detail", args=[procedure.pk])).status_code == 404


def test_the_navigation_shows_the_national_view(national_client, communes):
    content = national_client.get("/").content.decode()
    assert 'href="/indicateurs/national/"' in content


def test_one_query_per_source_whatever_the_number_of_departements(national_client, communes):
    payment_orders(communes["21"], 1, datetime.date(2025, 3, 1))
    with CaptureQueriesContext(connection) as few:
        national.build(2025, "commandements_payer")
    for index in range(20):
        commune = CommuneFactory(insee_code=f"{index + 1:02d}001", departement_code=f"{index + 1:02d}")
        payment_orders(commune, 1, datetime.date(2025, 3, 1))
    with CaptureQueriesContext(connection) as many:
        view = national.build(2025, "commandements_payer")
    assert len(view.rows) == 23
    assert len(many) == len(few)


def test_departements_in_the_official_order(communes):
    CommuneFactory(insee_code="19031", departement_code="19")
    CommuneFactory(insee_code="97411", departement_code="974")
    CommuneFactory(insee_code="95018", departement_code="95")
    assert [code for code, _ in national.departements()] == ["19", "2A", "21", "71", "95", "974"]


def test_a_departement_code_written_as_a_formula_is_text_in_the_csv_and_xlsx(national_client, fetch):
    """OWASP CSV injection: the codes come from the loaded COG files; a cell starting with "=" or
    "@" reaches the spreadsheet as text, never as a formula."""
    for code in ("=A1", "@A1"):
        CommuneFactory(insee_code=f"{code}01", name="Piège", departement_code=code)
    national_counts_arretes()
    response = fetch(national_client, {"year": 2025, "format": "csv"})
    departements = {row["departement"] for row in csv.DictReader(io.StringIO(response.content.decode()))}
    assert departements == {"'=A1", "'@A1", "FR"}
    workbook = load_workbook(io.BytesIO(fetch(national_client, {"year": 2025, "format": "xlsx"}).content))
    cells = [row[1] for row in workbook.active.iter_rows(min_row=2)]
    assert {cell.value for cell in cells} == {"'=A1", "'@A1", "FR"}
    assert {cell.data_type for cell in cells} == {"s"}


def test_a_departement_holding_cases_has_its_row_even_without_its_communes(communes):
    """A case counts where it is held, even in a département whose communes are not loaded here: the
    country's total stays the sum of its rows."""
    procedures = payment_orders(communes["21"], 5, datetime.date(2025, 3, 1))
    Procedure.objects.filter(pk__in=[p.pk for p in procedures]).update(departement_code="974")
    ProcedureEvent.all_objects.filter(procedure__in=procedures).update(departement_code="974")
    view = national.build(2025, "commandements_payer")
    rows = {code: cells[-1] for code, _, cells in view.rows}
    assert (rows["21"], rows["974"], view.country[-1]) == ("< 5", 5, 5)

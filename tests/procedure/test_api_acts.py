"""The commissaires de justice post acts through the API: the import contract of formats.md, the
same import as the upload page (its tasks, its rules, whole or nothing, idempotent)."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.models import ApiCall, IdempotentRequest, Organisation
from households.models import Household, Landlord, Lease
from procedure.models import Procedure, ProcedureEvent, Stage, Task
from tests.partner_api import client_with, partner, token_for
from tests.procedure.test_import_acts import statements

pytestmark = pytest.mark.django_db

ACTS = "/api/v1/actes/"
BATCH = "/api/v1/actes/lot/"


@pytest.fixture
def bailiffs(db):
    return partner(Organisation.Kind.BAILIFFS)


@pytest.fixture
def orvitis(db):
    return partner(Organisation.Kind.SOCIAL_LANDLORD, siren="272100139")


@pytest.fixture
def bailiff_client(bailiffs):
    return client_with(token_for(bailiffs)[1])


def new_case(reference, **extra):
    return {
        "reference": reference,
        "acte": "commandement_de_payer",
        "date_acte": "2026-01-05",
        "nom": "Dupré",
        "prenom": "Élise",
        "adresse": "12 rue Monge",
        "code_postal": "21000",
        "commune_insee": "21231",
        "bailleur": "Partenaire bailleur_social",
        "parc": "public",
        "date_bail": "2019-04-01",
        "loyer": "1 234,56",
        "charges": 80,
        "dette": "2100.50",
        "adultes": 2,
        "enfants": 1,
        **extra,
    }


def test_one_act_creates_the_procedure_and_its_tasks_as_an_import_does(bailiff_client, dijon, orvitis):
    response = bailiff_client.post(ACTS, new_case("CJ-1"), format="json")
    assert response.status_code == 201, response.json()
    assert response.json() == {
        "procedures_creees": 1,
        "actes_enregistres": 1,
        "actes_deja_connus": 0,
        "bilan": "1 procédures créées, 1 actes enregistrés, 0 actes déjà connus",
    }
    procedure = Procedure.objects.get(reference="CJ-1")
    assert procedure.landlord.organisation == orvitis
    assert str(procedure.lease.rent) == "1234.56"
    assert procedure.events.get().source == ProcedureEvent.Source.IMPORT
    assert Task.objects.filter(procedure=procedure).exists()  # the Charte's actions for a CP


def test_same_acts_through_the_api_and_the_upload_give_the_same_tasks(
    bailiff_client, dijon, orvitis, tmp_path
):
    row = new_case("CJ-API")
    bailiff_client.post(ACTS, row, format="json")
    csv = tmp_path / "actes.csv"
    header = ",".join(row)
    values = ",".join(f'"{value}"' for value in {**row, "reference": "CJ-FILE"}.values())
    csv.write_text(f"{header}\n{values}\n", encoding="utf-8")
    call_command("import_acts", str(csv))

    def tasks(reference):
        return sorted(Task.objects.filter(procedure__reference=reference).values_list("kind", "due_date"))

    assert tasks("CJ-API") == tasks("CJ-FILE") != []


def test_posting_the_same_act_twice_records_it_once(bailiff_client, dijon, orvitis):
    bailiff_client.post(ACTS, new_case("CJ-2"), format="json")
    again = bailiff_client.post(ACTS, new_case("CJ-2"), format="json")
    assert again.status_code == 200
    assert again.json()["actes_deja_connus"] == 1
    assert ProcedureEvent.objects.filter(procedure__reference="CJ-2").count() == 1


def test_a_batch_of_1000_acts_posted_twice_creates_them_once(bailiff_client, dijon, orvitis):
    acts = [new_case(f"LOT-{n:04d}") for n in range(1000)]
    first = bailiff_client.post(BATCH, {"actes": acts}, format="json")
    assert first.status_code == 201, first.json()
    assert first.json()["actes_enregistres"] == 1000
    second = bailiff_client.post(BATCH, {"actes": acts}, format="json")
    assert second.status_code == 200
    assert second.json()["actes_deja_connus"] == 1000
    assert Procedure.objects.filter(reference__startswith="LOT-").count() == 1000
    assert ProcedureEvent.objects.filter(procedure__reference__startswith="LOT-").count() == 1000


def test_a_refused_batch_writes_nothing_and_names_every_error_by_act_and_field(
    bailiff_client, dijon, orvitis
):
    acts = [
        new_case("OK-1"),
        new_case("BAD-1", commune_insee="99999"),
        {"reference": "BAD-2", "acte": "jugement", "date_acte": "2026-02-01"},
        new_case("BAD-3", date_acte="2026-13-40"),
    ]
    models = (Procedure, ProcedureEvent, Task, Household, Lease, Landlord)
    counts = [model.objects.count() for model in models]
    response = bailiff_client.post(BATCH, {"actes": acts}, format="json")
    assert response.status_code == 422
    errors = response.json()["erreurs"]
    assert {"index": 1, "champ": "commune_insee", "message": "commune 99999 inconnue de Prévex"} in errors
    assert any(e["index"] == 2 and e["champ"] == "issue" for e in errors)
    assert any(e["index"] == 2 and e["champ"] == "nom" for e in errors)  # a new procedure needs its holder
    assert any(e["index"] == 3 and e["champ"] == "date_acte" and "invalide" in e["message"] for e in errors)
    assert response.json()["detail"] == "Requête refusée : rien n'a été enregistré."
    assert [model.objects.count() for model in models] == counts


def test_an_act_going_back_in_the_order_of_the_stages_is_refused_as_by_the_import(
    bailiff_client, dijon, orvitis
):
    bailiff_client.post(ACTS, new_case("CJ-3", acte="commandement_de_quitter_les_lieux"), format="json")
    late = {
        "reference": "CJ-3",
        "acte": "assignation",
        "date_acte": "2026-03-02",
        "date_audience": "2026-05-12",
    }
    response = bailiff_client.post(ACTS, late, format="json")
    assert response.status_code == 422
    [error] = response.json()["erreurs"]
    assert error["champ"] == "date_acte"
    assert "index" not in error


def test_a_malformed_act_is_refused_in_french_by_field(bailiff_client):
    response = bailiff_client.post(
        ACTS, {"reference": "X", "acte": "perquisition", "adultes": -1}, format="json"
    )
    assert response.status_code == 422
    fields = {e["champ"]: e["message"] for e in response.json()["erreurs"]}
    assert set(fields) == {"acte", "date_acte", "adultes"}
    assert "obligatoire" in fields["date_acte"]
    assert "n'est pas un choix valide" in fields["acte"]


def test_an_act_dated_tomorrow_is_refused(bailiff_client, dijon, orvitis):
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    response = bailiff_client.post(ACTS, new_case("CJ-4", date_acte=tomorrow), format="json")
    assert response.status_code == 422
    assert "dans le futur" in response.json()["erreurs"][0]["message"]


def test_idempotency_key_replays_the_first_answer(bailiff_client, dijon, orvitis):
    headers = {"HTTP_IDEMPOTENCY_KEY": "envoi-42"}
    first = bailiff_client.post(ACTS, new_case("CJ-5"), format="json", **headers)
    replay = bailiff_client.post(ACTS, new_case("CJ-5"), format="json", **headers)
    assert (first.status_code, replay.status_code) == (201, 201)
    assert replay.json() == first.json()
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert IdempotentRequest.objects.count() == 1


def test_idempotency_key_reused_for_another_body_is_refused(bailiff_client, dijon, orvitis):
    headers = {"HTTP_IDEMPOTENCY_KEY": "envoi-43"}
    bailiff_client.post(ACTS, new_case("CJ-6"), format="json", **headers)
    other = bailiff_client.post(ACTS, new_case("CJ-7"), format="json", **headers)
    assert other.status_code == 422
    assert other.json()["erreurs"][0]["champ"] == "Idempotency-Key"
    assert not Procedure.objects.filter(reference="CJ-7").exists()


def test_every_call_is_logged_without_its_body(bailiff_client, bailiffs, dijon, orvitis):
    bailiff_client.post(ACTS, new_case("CJ-8"), format="json")
    call = ApiCall.objects.get()
    assert (call.organisation, call.endpoint, call.method, call.status) == (bailiffs, "api:acts", "POST", 201)
    assert "Dupré" not in str(ApiCall.objects.values().get())


def test_an_act_on_a_known_procedure_needs_no_holder(bailiff_client, dijon, orvitis):
    bailiff_client.post(ACTS, new_case("CJ-9"), format="json")
    summons = {
        "reference": "CJ-9",
        "acte": "assignation",
        "date_acte": "2026-03-02",
        "date_audience": "2026-05-12",
    }
    response = bailiff_client.post(ACTS, summons, format="json")
    assert response.status_code == 201
    assert Procedure.objects.get(reference="CJ-9").events.filter(kind=Stage.SUMMONS).exists()


@pytest.mark.parametrize("amount", ["1E+30", "NaN", "Infinity", "10000000"])
def test_an_amount_out_of_bounds_is_refused_by_field_not_a_crash(bailiff_client, dijon, orvitis, amount):
    # Found by schemathesis: the import's amount parser let these through to a crash.
    response = bailiff_client.post(ACTS, new_case("CJ-10", loyer=amount), format="json")
    assert response.status_code == 422
    [error] = response.json()["erreurs"]
    assert error["champ"] == "loyer" and "invalide" in error["message"]


def test_an_empty_batch_is_refused_under_its_own_name(bailiff_client):
    response = bailiff_client.post(BATCH, {"actes": []}, format="json")
    assert response.status_code == 422
    assert response.json()["erreurs"] == [{"champ": "actes", "message": "Cette liste ne peut pas être vide."}]


def test_a_batch_refused_by_its_fields_names_each_act_by_its_index(bailiff_client):
    acts = [new_case("R-1"), {**new_case("R-2"), "date_acte": "2026\x0001-05"}]
    response = bailiff_client.post(BATCH, {"actes": acts}, format="json")
    assert response.status_code == 422
    [error] = response.json()["erreurs"]
    assert (error["index"], error["champ"]) == (1, "date_acte")


def test_a_batch_costs_the_same_queries_whatever_its_size(bailiff_client, dijon, orvitis):
    """The batch goes through the set-based import: 10 new cases and 200 send the same statements
    (SQLite's driver splits a long INSERT in batches, counted once; PostgreSQL sends one)."""

    def queries(prefix, size):
        acts = [new_case(f"{prefix}-{n:04d}") for n in range(size)]
        with CaptureQueriesContext(connection) as captured:
            assert bailiff_client.post(BATCH, {"actes": acts}, format="json").status_code == 201
        return captured

    queries("PREMIER", 1)  # creates the landlord the other batches then find
    ten, two_hundred = queries("PETIT", 10), queries("GRAND", 200)
    assert statements(two_hundred) == statements(ten)
    if connection.vendor == "postgresql":
        assert len(two_hundred) == len(ten)

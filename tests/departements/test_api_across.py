"""Issue 16 over the partner API: a token of the Saône-et-Loire's organisations reads and writes
nothing of the Côte-d'Or (acts, saisines, weekly lists); a national sender's acts each go to their
commune's département (item 5)."""

import datetime

import pytest
from django.core.management import call_command

from directory.models import ApiToken, Organisation
from procedure.models import Procedure, ProcedureEvent, Stage
from tests.conftest import client_for
from tests.factories import OrganisationFactory
from tests.partner_api import client_with, token_for
from tests.procedure.factories import procedure_at
from tests.procedure.test_api_acts import ACTS, BATCH, new_case

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("directory_contacts")]


def _organisation(kind, code, departement_code, **fields):
    return OrganisationFactory(
        code=code, name=f"{kind} {departement_code}", kind=kind, departement_code=departement_code, **fields
    )


@pytest.fixture
def landlord_21(db):
    return _organisation(Organisation.Kind.SOCIAL_LANDLORD, "orvitis", "21", siren="272100139")


@pytest.fixture
def bailiffs_71(chalon):
    return _organisation(Organisation.Kind.BAILIFFS, "cj-71", "71")


def chalon_case(reference, **extra):
    return new_case(reference, code_postal="71100", commune_insee="71076", **extra)


def test_a_token_of_71_writes_no_act_on_a_case_of_21(bailiffs_71, dijon, landlord_21):
    case = procedure_at(Stage.PAYMENT_ORDER, on=datetime.date(2026, 1, 5), reference="EXPLOC-21-1")
    client = client_with(token_for(bailiffs_71)[1])
    known = client.post(
        ACTS,
        {
            "reference": case.reference,
            "acte": "assignation",
            "date_acte": "2026-03-02",
            "date_audience": "2026-05-04",
        },
        format="json",
    )
    assert known.status_code == 422
    assert not case.events.filter(kind=Stage.SUMMONS).exists()
    new_in_21 = client.post(ACTS, new_case("CJ-71-IN-21"), format="json")
    assert new_in_21.status_code == 422
    assert "hors de votre département" in str(new_in_21.json())
    assert not Procedure.objects.filter(reference="CJ-71-IN-21").exists()


def test_a_token_of_71_creates_its_own_departement_s_case(bailiffs_71, landlord_21):
    response = client_with(token_for(bailiffs_71)[1]).post(ACTS, chalon_case("CJ-71-1"), format="json")
    assert response.status_code == 201, response.json()
    assert Procedure.objects.get(reference="CJ-71-1").departement_code == "71"


def test_a_national_sender_s_acts_each_go_to_their_commune_s_departement(
    bailiffs_71, dijon, landlord_21, secretariat, secretariat_71, capsys
):
    platform = _organisation(Organisation.Kind.BAILIFFS, "cj-national", "21")
    call_command("create_national_token", platform.code, "plateforme nationale")
    secret = capsys.readouterr().out.split(" : ")[1].split()[0]
    assert ApiToken.objects.get(organisation=platform).is_national
    batch = {"actes": [new_case("CJ-N-21"), chalon_case("CJ-N-71")]}
    response = client_with(secret).post(BATCH, batch, format="json")
    assert response.status_code == 201, response.json()
    assert dict(Procedure.objects.values_list("reference", "departement_code")) == {
        "CJ-N-21": "21",
        "CJ-N-71": "71",
    }
    # and it may add an act to a case of any département
    later = {
        "reference": "CJ-N-71",
        "acte": "assignation",
        "date_acte": "2026-03-02",
        "date_audience": "2026-05-04",
    }
    assert client_with(secret).post(ACTS, later, format="json").status_code == 201
    assert ProcedureEvent.objects.filter(procedure__reference="CJ-N-71").count() == 2
    # every act carries its case's département, a new case's and a known one's (decision 017)
    assert set(ProcedureEvent.objects.values_list("procedure__reference", "departement_code")) == {
        ("CJ-N-21", "21"),
        ("CJ-N-71", "71"),
    }
    # each secretariat sees its own
    assert b"CJ-N-21" in client_for(secretariat).get("/procedures/").content
    assert b"CJ-N-71" not in client_for(secretariat).get("/procedures/").content
    assert b"CJ-N-71" in client_for(secretariat_71).get("/procedures/").content


def test_an_ordinary_token_is_not_national_and_a_national_one_only_posts_acts(landlord_21):
    from django.core.exceptions import ValidationError

    from directory import services

    assert not token_for(landlord_21)[0].is_national
    with pytest.raises(ValidationError):
        services.create_api_token(
            organisation=landlord_21,
            name="x",
            scopes=["saisines"],
            expires_at=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC),
            user=None,
            is_national=True,
        )


def test_a_saisine_of_a_landlord_of_71_is_refused_for_a_commune_of_21(chalon, dijon):
    landlord_71 = _organisation(Organisation.Kind.SOCIAL_LANDLORD, "opac-71", "71", siren="277100018")
    client = client_with(token_for(landlord_71)[1])
    body = {
        "nom": "Dupré",
        "adresse": "12 rue Monge",
        "code_postal": "21000",
        "commune_insee": "21231",
        "motif": "Dette ancienne",
        "dette": {"montant": "1200.00", "date": "2026-01-05"},
    }
    response = client.post("/api/v1/saisines/", body, format="json")
    assert response.status_code == 422
    assert "commune_insee" in str(response.json())


def test_the_weekly_list_of_a_caf_of_71_holds_only_71_s_cases(chalon, dijon):
    week = datetime.date(2026, 11, 9)
    procedure_at(Stage.PAYMENT_ORDER, on=week, reference="EXPLOC-21-CP")
    procedure_at(Stage.PAYMENT_ORDER, on=week, reference="EXPLOC-71-CP", lease__commune=chalon)
    caf_71 = _organisation(Organisation.Kind.CAF, "caf-71", "71")
    caf_21 = _organisation(Organisation.Kind.CAF, "caf-21", "21")
    for caf, own, other in (
        (caf_71, "EXPLOC-71-CP", "EXPLOC-21-CP"),
        (caf_21, "EXPLOC-21-CP", "EXPLOC-71-CP"),
    ):
        response = client_with(token_for(caf)[1]).get("/api/v1/listes/caf/2026-W46/")
        assert response.status_code == 200, response.content
        references = [row["reference"] for row in response.json()["lignes"]]
        assert references == [own], (caf, other)

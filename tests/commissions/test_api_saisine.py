"""Social landlords post a saisine of the CCAPEX through the API (loi 89-462 art. 24 II)."""

from decimal import Decimal

import pytest

from commissions.models import ReviewRequest
from directory.models import Organisation
from tests.partner_api import client_with, partner, token_for

pytestmark = pytest.mark.django_db

URL = "/api/v1/saisines/"


@pytest.fixture
def landlord(db):
    return partner(Organisation.Kind.SOCIAL_LANDLORD)


@pytest.fixture
def landlord_client(landlord):
    return client_with(token_for(landlord)[1])


def saisine(**extra):
    return {
        "nom_menage": "M. et Mme Roy",
        "adresse_logement": "4 rue des Lilas",
        "commune_insee": "21231",
        "numero_allocataire": "1234567",
        "reference_procedure": "",
        "motif": "Impayés depuis six mois malgré un plan d'apurement.",
        "loyer_mensuel": "420.00",
        "charges_mensuelles": "85.50",
        "dette": {"loyers": "2520.00", "charges": "513.00", "frais": "150.00"},
        **extra,
    }


def test_a_landlord_s_saisine_reaches_the_secretariat_with_rent_charges_and_debt(
    landlord_client, landlord, dijon
):
    response = landlord_client.post(URL, saisine(), format="json")
    assert response.status_code == 201, response.json()
    review = ReviewRequest.objects.get(pk=response.json()["id"])
    assert response.json()["statut"] == "En attente"
    assert (review.source, review.status, review.procedure) == ("partenaire", "en_attente", None)
    assert (review.requesting_organisation, review.landlord_name) == (landlord, landlord.name)
    assert (review.monthly_rent, review.monthly_charges) == (Decimal("420.00"), Decimal("85.50"))
    assert (review.debt_rent, review.debt_charges, review.debt_fees, review.debt_other) == (
        Decimal("2520.00"),
        Decimal("513.00"),
        Decimal("150.00"),
        None,
    )
    assert review.debt_total == Decimal("3183.00")
    assert review.commune == dijon


def test_a_saisine_missing_its_amounts_is_refused_by_field_and_writes_nothing(landlord_client, dijon):
    body = saisine(motif="  ", commune_insee="75056", dette={"charges": "-3"})
    del body["loyer_mensuel"]
    response = landlord_client.post(URL, body, format="json")
    assert response.status_code == 422
    fields = {e["champ"] for e in response.json()["erreurs"]}
    assert fields == {"motif", "commune_insee", "loyer_mensuel", "dette.loyers", "dette.charges"}
    assert not ReviewRequest.objects.exists()


def test_the_same_saisine_sent_twice_with_its_key_is_recorded_once(landlord_client, dijon):
    headers = {"HTTP_IDEMPOTENCY_KEY": "saisine-roy"}
    first = landlord_client.post(URL, saisine(), format="json", **headers)
    second = landlord_client.post(URL, saisine(), format="json", **headers)
    assert second.json() == first.json()
    assert ReviewRequest.objects.count() == 1


def test_the_secretariat_sees_the_amounts_on_the_saisine(landlord_client, secretariat_client, dijon):
    review_id = landlord_client.post(URL, saisine(), format="json").json()["id"]
    page = secretariat_client.get(f"/commissions/saisines/{review_id}/").content.decode()
    assert "420,00" in page and "3183,00" in page


@pytest.mark.parametrize("amount", [420, " 420.00", "", "420,00", "-1"])
def test_an_amount_is_written_as_the_schema_says(landlord_client, dijon, amount):
    response = landlord_client.post(URL, saisine(loyer_mensuel=amount), format="json")
    assert response.status_code == 422
    assert [e["champ"] for e in response.json()["erreurs"]] == ["loyer_mensuel"]
    assert not ReviewRequest.objects.exists()


def test_a_saisine_posted_by_a_machine_is_in_the_history_with_its_organisation_and_no_user(
    landlord_client, landlord, dijon
):
    """The history (docs/decisions/014) names the token's organisation; a token is no user."""
    response = landlord_client.post(URL, saisine(), format="json")
    assert response.status_code == 201, response.json()
    (row,) = ReviewRequest.history.filter(id=response.json()["id"])
    assert (row.history_type, row.history_user, row.history_organisation) == ("+", None, landlord)

"""Opening a new case: secretariat only, duplicates shown first, public or private landlord."""

import pytest
from django.urls import reverse

from directory.models import Organisation
from households.models import Household, HousingSector, Landlord
from procedure.models import Procedure
from tests.factories import OrganisationFactory
from tests.households.factories import PersonFactory
from tests.procedure.factories import ProcedureFactory

pytestmark = pytest.mark.django_db

URL = reverse("procedure:create")


def new_case(dijon, **overrides):
    return {
        "reference": "EXPLOC-21-2026-0042",
        "label": "Mme Écrivain",
        "last_name": "Écrivain",
        "first_name": "Hélène",
        "birth_year": "1975",
        "benefit_payer": "caf",
        "benefit_claim_number": "7654321",
        "adults": "1",
        "children": "2",
        "address": "12 rue Monge",
        "postal_code": "21000",
        "commune": str(dijon.pk),
        "sector": HousingSector.PRIVATE,
        "owner_kind": Landlord.Kind.PERSON,
        "owner_name": "M. Bernard Propriétaire",
        "owner_address": "1 place Darcy",
        "owner_postal_code": "21000",
        "owner_city": "Dijon",
        **overrides,
    }


def test_secretariat_sees_the_form_with_a_label_on_every_field(secretariat_client, dijon):
    page = secretariat_client.get(URL).content.decode()

    assert "Nouveau dossier" in page
    for name in ("reference", "label", "last_name", "commune", "social_landlord", "owner_name"):
        assert f'for="id_{name}"' in page
    assert "Dijon" in page


@pytest.mark.parametrize(
    "persona", ["social_worker_client", "other_social_worker_client", "commission_member_client"]
)
def test_other_roles_get_403(request, persona, dijon):
    client = request.getfixturevalue(persona)

    assert client.get(URL).status_code == 403
    assert client.post(URL, new_case(dijon)).status_code == 403
    assert not Procedure.objects.exists()


def test_secretariat_opens_a_private_sector_case(secretariat_client, secretariat, dijon):
    response = secretariat_client.post(URL, new_case(dijon))

    procedure = Procedure.objects.get(reference="EXPLOC-21-2026-0042")
    assert response.url == reverse("procedure:detail", args=[procedure.pk]) + "#enregistrer-acte"
    assert procedure.household.label == "Mme Écrivain"
    assert procedure.household.children == 2
    holder = procedure.household.persons.get()
    assert (holder.last_name, holder.first_name, holder.birth_year) == ("Écrivain", "Hélène", 1975)
    assert (procedure.lease.sector, procedure.lease.commune, procedure.lease.landlord) == (
        HousingSector.PRIVATE,
        dijon,
        procedure.landlord,
    )
    assert (procedure.landlord.kind, procedure.landlord.name) == (
        Landlord.Kind.PERSON,
        "M. Bernard Propriétaire",
    )
    assert procedure.changes.filter(user=secretariat).exists()


def test_secretariat_opens_a_public_sector_case_with_a_social_landlord(secretariat_client, dijon):
    orvitis = OrganisationFactory(code="orvitis", name="ORVITIS", kind=Organisation.Kind.SOCIAL_LANDLORD)

    secretariat_client.post(
        URL, new_case(dijon, sector=HousingSector.PUBLIC, social_landlord=str(orvitis.pk), owner_name="")
    )

    procedure = Procedure.objects.get()
    assert (procedure.landlord.kind, procedure.landlord.organisation) == (Landlord.Kind.SOCIAL, orvitis)
    assert procedure.lease.sector == HousingSector.PUBLIC


def test_a_public_case_needs_its_social_landlord(secretariat_client, dijon):
    response = secretariat_client.post(URL, new_case(dijon, sector=HousingSector.PUBLIC))

    assert "Choisissez le bailleur social." in response.content.decode()
    assert 'value="12 rue Monge"' in response.content.decode()
    assert not Household.objects.exists()


def test_likely_duplicates_are_shown_before_creating(secretariat_client, dijon):
    existing = ProcedureFactory(household__label="Mme Ecrivain", holder=False)
    PersonFactory(household=existing.household, last_name="ECRIVAIN", first_name="Helene", birth_year=1975)
    existing.household.search_text = "mme ecrivain\necrivain helene 1975"
    existing.household.save()

    response = secretariat_client.post(URL, new_case(dijon, benefit_claim_number=""))

    page = response.content.decode()
    assert "Ce ménage existe peut-être déjà" in page
    assert reverse("procedure:detail", args=[existing.pk]) in page
    assert f"Ouvrir le dossier {existing.reference}" in page
    assert "Créer quand même" in page
    assert Procedure.objects.count() == 1


def test_a_duplicate_is_created_when_confirmed(secretariat_client, dijon):
    existing = ProcedureFactory(household__benefit_claim_number="7654321")

    secretariat_client.post(URL, new_case(dijon, confirm_duplicate="on"))

    assert Procedure.objects.exclude(pk=existing.pk).get().reference == "EXPLOC-21-2026-0042"


def test_a_reference_already_used_is_refused_on_its_field(secretariat_client, dijon):
    ProcedureFactory(reference="EXPLOC-21-2026-0042", household__benefit_claim_number="1")

    response = secretariat_client.post(URL, new_case(dijon, confirm_duplicate="on"))

    assert "EXPLOC-21-2026-0042 existe déjà" in response.content.decode()
    assert Procedure.objects.count() == 1
    assert Household.objects.count() == 1

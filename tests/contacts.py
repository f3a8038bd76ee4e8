"""The directory's details that the letters to households print (letters/services/contacts.py),
for every test that generates a letter: `pytest.mark.usefixtures("directory_contacts")`."""

import pytest

from directory.models import Organisation, Role
from tests.factories import CommuneFactory, OrganisationFactory, member

# The directory's details the letters to households print (letters/services/contacts.py).
DDETS_ADDRESS = {
    "address": "Cité administrative, 2 rue Mère Javouhey",
    "postal_code": "21000",
    "city": "Dijon",
}
ADIL_ADDRESS = {"address": "12 rue de l'Information", "postal_code": "21000", "city": "Dijon"}
CCAS_ADDRESS = {"address": "11 rue de l'Hôpital", "postal_code": "21000", "city": "Dijon"}


@pytest.fixture
def directory_contacts(db):
    """The secretariat, the ADIL and the CCAS of Dijon (the factories' commune), with addresses."""
    ddets = OrganisationFactory(ddets=True, phone="03 80 00 00 01", **DDETS_ADDRESS)
    if not ddets.memberships.filter(role=Role.SECRETARIAT).exists():
        member(role=Role.SECRETARIAT, organisation=ddets, email="courriers.ddets@example.org")
    adil = OrganisationFactory(
        code="adil-21",
        name="ADIL de la Côte-d'Or",
        kind=Organisation.Kind.ADIL,
        phone="03 80 00 00 02",
        opening_hours="du lundi au vendredi, 9 h – 12 h",
        **ADIL_ADDRESS,
    )
    ccas = OrganisationFactory(
        ccas=True, code="ccas-dijon", name="CCAS de Dijon", commune=CommuneFactory(), **CCAS_ADDRESS
    )
    return {"ddets": ddets, "adil": adil, "ccas": ccas}

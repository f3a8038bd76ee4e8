"""Two départements, each with its secretariat: the Côte-d'Or (21, the personas of tests/conftest.py)
and the Saône-et-Loire (71)."""

import pytest

from directory.models import Organisation, Role
from tests.factories import CommuneFactory, OrganisationFactory, member


@pytest.fixture
def chalon(db):
    return CommuneFactory(
        insee_code="71076",
        name="Chalon-sur-Saône",
        postal_codes="71100",
        departement_code="71",
        arrondissement_code="711",
        arrondissement_name="Chalon-sur-Saône",
        epci_siren="200068500",
        epci_name="Le Grand Chalon",
    )


@pytest.fixture
def ddets_71(chalon):
    return OrganisationFactory(
        code="ddets-71", name="DDETS de Saône-et-Loire", kind=Organisation.Kind.STATE, departement_code="71"
    )


@pytest.fixture
def secretariat_71(ddets_71):
    return member(role=Role.SECRETARIAT, organisation=ddets_71, email="secretariat@ddets71.example")


@pytest.fixture
def administrator_71(ddets_71):
    return member(
        role=Role.ADMIN,
        organisation=ddets_71,
        email="admin@ddets71.example",
        is_staff=True,
        is_superuser=True,
    )

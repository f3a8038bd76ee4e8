"""What the reading tests share: the communes and social landlords the generated acts name."""

import pytest
from django.utils import timezone

from directory.models import Organisation
from tests.factories import CommuneFactory, OrganisationFactory
from tests.procedure import act_pdfs

COMMUNES = (
    ("21231", "Dijon", "21000"),
    ("21054", "Beaune", "21200"),
    ("21166", "Chenôve", "21300"),
    ("21540", "Saint-Apollinaire", "21850"),
    ("21317", "Is-sur-Tille", "21120"),
    ("21617", "Talant", "21240"),
)


@pytest.fixture
def acts_world(db):
    """The communes of the generated acts and their two social landlords."""
    for insee, name, postal_code in COMMUNES:
        CommuneFactory(insee_code=insee, name=name, postal_codes=postal_code)
    for number, name in enumerate(act_pdfs.SOCIAL_LANDLORDS):
        OrganisationFactory(
            code=f"bailleur-{number}",
            name=name,
            kind=Organisation.Kind.SOCIAL_LANDLORD,
            siren=f"27210000{number}",
        )


def today():
    return timezone.localdate()

"""Issue 16: a case's referral is addressed to an organisation of the case's département."""

import pytest
from django.urls import reverse

from directory.models import Organisation
from procedure.models import Stage
from tests.conftest import client_for
from tests.factories import OrganisationFactory
from tests.procedure.factories import procedure_at
from tests.referrals.factories import acting

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("directory_contacts")]


def test_a_referral_of_a_case_of_71_is_addressed_to_an_organisation_of_71(secretariat_71, chalon):
    OrganisationFactory(
        code="ccas-chalon", name="CCAS de Chalon", kind=Organisation.Kind.CCAS, departement_code="71"
    )
    OrganisationFactory(code="ccas-auxonne", name="CCAS d'Auxonne", kind=Organisation.Kind.CCAS)
    acting(secretariat_71)
    case = procedure_at(Stage.PAYMENT_ORDER, reference="EXPLOC-71-ORIENT", lease__commune=chalon)
    page = client_for(secretariat_71).get(reverse("referrals:request", args=[case.pk])).content.decode()
    assert "CCAS de Chalon" in page
    assert "Auxonne" not in page

"""Who sees what: the secretariat sees all, other roles only what a grant opens."""

import pytest
from django.db.models import Q

from directory.acting import Acting
from households.models import Household
from procedure import access
from procedure.models import Procedure
from tests.procedure.factories import ProcedureFactory

pytestmark = pytest.mark.django_db


def acting(user):
    user.acting = Acting(user.memberships.get())
    return user


def test_secretariat_and_administrator_see_every_case(secretariat, administrator):
    cases = ProcedureFactory.create_batch(2)
    for user in (secretariat, administrator):
        assert set(Procedure.objects.visible_to(acting(user))) == set(cases)
        assert Household.objects.visible_to(user).count() == 2


def test_social_worker_sees_no_case_without_a_grant(social_worker, commission_member):
    ProcedureFactory()
    for user in (social_worker, commission_member):
        assert not Procedure.objects.visible_to(acting(user)).exists()
        assert not Household.objects.visible_to(user).exists()


def test_a_user_acting_for_no_organisation_sees_nothing(secretariat):
    ProcedureFactory()
    assert not Procedure.objects.visible_to(secretariat).exists()


def test_a_registered_grant_opens_its_cases_to_the_organisation(
    social_worker, other_social_worker, monkeypatch
):
    granted, _ = ProcedureFactory(reference="CONFIE"), ProcedureFactory()

    def grant(user):
        return Q(reference="CONFIE") if user.acting.organisation.code == "ccas-dijon" else Q(pk__in=[])

    monkeypatch.setattr(access, "GRANTS", [])
    access.register_grant(grant)
    assert list(Procedure.objects.visible_to(acting(social_worker))) == [granted]
    assert not Procedure.objects.visible_to(acting(other_social_worker)).exists()

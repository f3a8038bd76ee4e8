"""History (who, when, before, after) and optimistic locking of households and leases."""

import pytest
from django.core.exceptions import ValidationError

from procedure import services
from procedure.models import AccessLog, ChangeLog
from tests.factories import member
from tests.procedure.factories import ProcedureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    return ProcedureFactory(household__children=1, lease__rent=575)


def test_a_change_to_a_household_is_kept_with_its_before_and_after(case, secretariat):
    household = services.update_household(
        household=case.household,
        data={"children": 3, "phone": "03 80 00 00 00"},
        expected_version=1,
        user=secretariat,
    )
    assert household.version == 2
    change = ChangeLog.objects.get(household=household)
    assert (change.user, change.object_type) == (secretariat, "household")
    assert change.changes == {"children": [1, 3], "phone": ["", "03 80 00 00 00"]}


def test_saving_nothing_new_writes_no_history(case, secretariat):
    services.update_household(
        household=case.household, data={"children": 1}, expected_version=1, user=secretariat
    )
    assert not ChangeLog.objects.filter(object_type="household").exists()


def test_the_second_of_two_concurrent_edits_is_refused_with_who_and_when(case, secretariat, ddets):
    colleague = member(role="secretariat", organisation=ddets, first_name="Marc", last_name="Durand")
    services.update_household(
        household=case.household, data={"children": 2}, expected_version=1, user=colleague
    )
    with pytest.raises(ValidationError) as refusal:
        services.update_household(
            household=case.household, data={"children": 4}, expected_version=1, user=secretariat
        )
    assert refusal.value.messages[0].startswith("Ce ménage a été modifié par Marc Durand à ")
    case.household.refresh_from_db()
    assert (case.household.children, case.household.version) == (2, 2)


def test_lease_changes_are_kept_and_locked_too(case, secretariat):
    lease = services.update_lease(lease=case.lease, data={"rent": 700}, expected_version=1, user=secretariat)
    assert ChangeLog.objects.get(object_type="lease").changes["rent"] == ["575.00", 700]
    assert lease.version == 2
    with pytest.raises(ValidationError, match="Ce bail a été modifié par"):
        services.update_lease(lease=case.lease, data={"rent": 710}, expected_version=1, user=secretariat)


def test_changing_the_address_updates_the_search(case, secretariat):
    services.update_lease(
        lease=case.lease, data={"address": "7 rue Vannerie"}, expected_version=1, user=secretariat
    )
    case.household.refresh_from_db()
    assert "7 rue vannerie" in case.household.address_text


def test_opening_a_case_is_logged_with_the_acting_organisation(case, secretariat, ddets):
    from directory.acting import Acting

    secretariat.acting = Acting(secretariat.memberships.get())
    services.log_access(user=secretariat, procedure=case)
    log = AccessLog.objects.get()
    assert (log.user, log.organisation, log.procedure, log.context) == (secretariat, ddets, case, "dossier")

"""Editing the household and the lease: secretariat only, logged, and a second concurrent save refused."""

import datetime

import pytest
from django.db.models import Q
from django.urls import reverse

from households.models import HousingSector
from procedure import access
from procedure.models import ChangeLog, Stage
from tests.procedure.factories import procedure_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    return procedure_at(Stage.PAYMENT_ORDER, on=datetime.date(2026, 9, 1), household__label="M. Morel")


def household_data(case, **overrides):
    household = case.household
    return {
        "label": household.label,
        "benefit_payer": household.benefit_payer,
        "benefit_claim_number": household.benefit_claim_number,
        "adults": household.adults,
        "children": household.children,
        "email": "",
        "phone": "",
        "monthly_resources": "",
        "resources_note": "",
        "version": household.version,
        **overrides,
    }


def lease_data(case, **overrides):
    lease = case.lease
    return {
        "address": lease.address,
        "postal_code": lease.postal_code,
        "commune": lease.commune_id,
        "sector": lease.sector,
        "signed_on": "2020-09-01",
        "rent": "520.00",
        "charges": "60",
        "housing_benefit": "",
        "version": lease.version,
        **overrides,
    }


def test_secretariat_edits_the_household_and_the_change_shows_on_the_timeline(
    secretariat_client, secretariat, case
):
    url = reverse("procedure:edit_household", args=[case.pk])
    assert secretariat_client.get(url).status_code == 200

    response = secretariat_client.post(
        url, household_data(case, children=3, phone="03 80 00 00 00"), follow=True
    )

    case.household.refresh_from_db()
    assert (case.household.children, case.household.phone, case.household.version) == (3, "03 80 00 00 00", 2)
    change = ChangeLog.objects.get(object_type="household", object_id=case.household.pk)
    assert change.user == secretariat
    assert change.changes["children"] == [1, 3]
    page = response.content.decode()
    assert "Ménage enregistré." in page
    assert "enfants : 1 → 3" in page


def test_the_second_of_two_concurrent_saves_is_refused_keeping_what_was_typed(
    secretariat_client, administrator_client, case
):
    url = reverse("procedure:edit_household", args=[case.pk])
    first, second = household_data(case, children=3), household_data(case, phone="06 11 22 33 44")

    administrator_client.post(url, first)
    response = secretariat_client.post(url, second)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Ce ménage a été modifié par" in page
    assert "rechargez la page" in page
    assert 'value="06 11 22 33 44"' in page
    case.household.refresh_from_db()
    assert (case.household.children, case.household.phone) == (3, "")


def test_secretariat_edits_the_lease(secretariat_client, case):
    url = reverse("procedure:edit_lease", args=[case.pk])
    assert secretariat_client.get(url).status_code == 200

    secretariat_client.post(url, lease_data(case, rent="610.00", sector=HousingSector.PRIVATE))

    case.lease.refresh_from_db()
    assert str(case.lease.rent) == "610.00"
    assert ChangeLog.objects.filter(object_type="lease", object_id=case.lease.pk).exists()


def test_a_stale_lease_save_is_refused(secretariat_client, case):
    url = reverse("procedure:edit_lease", args=[case.pk])
    secretariat_client.post(url, lease_data(case, rent="610.00"))

    response = secretariat_client.post(url, lease_data(case, rent="700.00"))

    assert "Ce bail a été modifié par" in response.content.decode()
    case.lease.refresh_from_db()
    assert str(case.lease.rent) == "610.00"


@pytest.mark.parametrize("name", ["edit_household", "edit_lease"])
@pytest.mark.parametrize(
    "persona", ["social_worker_client", "other_social_worker_client", "commission_member_client"]
)
def test_roles_that_cannot_see_the_case_get_404(request, persona, name, case):
    client = request.getfixturevalue(persona)

    assert client.get(reverse(f"procedure:{name}", args=[case.pk])).status_code == 404


@pytest.mark.parametrize("name", ["edit_household", "edit_lease"])
def test_a_social_worker_who_sees_the_case_gets_403(social_worker_client, case, monkeypatch, name):
    monkeypatch.setattr(access, "GRANTS", [lambda user: Q(pk=case.pk)])

    assert social_worker_client.get(reverse(f"procedure:{name}", args=[case.pk])).status_code == 403
    assert (
        social_worker_client.post(
            reverse(f"procedure:{name}", args=[case.pk]), household_data(case)
        ).status_code
        == 403
    )

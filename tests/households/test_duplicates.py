"""Likely duplicates and the search box: accent- and case-insensitive, fuzzy on PostgreSQL."""

import pytest
from django.db import connection

from procedure import services
from procedure.models import Procedure
from tests.factories import CommuneFactory
from tests.households.factories import HouseholdFactory, LeaseFactory, PersonFactory
from tests.procedure.factories import ProcedureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lefevre():
    household = HouseholdFactory(label="Mme Hélène Lefèvre", benefit_claim_number="7654321")
    PersonFactory(household=household, last_name="Lefèvre", first_name="Hélène", birth_year=1979)
    LeaseFactory(household=household, address="14 rue de la Préfecture", postal_code="21000")
    services.refresh_search_text(household)
    return household


def test_same_name_and_birth_year_ignoring_accents_and_case(lefevre):
    assert list(services.find_duplicates(last_name="LEFEVRE", first_name="helene", birth_year=1979)) == [
        lefevre
    ]


def test_same_name_with_another_birth_year_is_not_a_duplicate(lefevre):
    assert list(services.find_duplicates(last_name="Lefevre", first_name="Helene", birth_year=1990)) == []


def test_same_claim_number(lefevre):
    assert list(services.find_duplicates(last_name="Durand", benefit_claim_number="765 4321")) == [lefevre]


def test_same_address(lefevre):
    assert list(
        services.find_duplicates(last_name="Durand", address="14 Rue de la PREFECTURE", postal_code="21000")
    ) == [lefevre]


def test_nobody_alike():
    HouseholdFactory()
    assert list(services.find_duplicates(last_name="Zola", first_name="Émile", birth_year=1940)) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm on PostgreSQL only")
def test_misspelt_name_is_found_by_trigrams_on_postgresql(lefevre):
    assert lefevre in services.find_duplicates(last_name="Lefebvre", first_name="Helene")


def test_search_by_name_reference_address_and_claim_number():
    procedure = ProcedureFactory(reference="EXPLOC-21-2026-0042", household__label="M. Noël Gaëtan")
    services.refresh_search_text(procedure.household)
    other = ProcedureFactory(household__label="Mme Odile Vernier", lease__address="2 impasse des Acacias")
    services.refresh_search_text(other.household)
    everything = Procedure.objects.all()
    assert list(services.search_procedures(everything, "noel gaetan")) == [procedure]
    assert list(services.search_procedures(everything, "2026-0042")) == [procedure]
    assert list(services.search_procedures(everything, procedure.lease.address.upper())) == [procedure]
    assert list(services.search_procedures(everything, procedure.household.benefit_claim_number)) == [
        procedure
    ]
    assert list(services.search_procedures(everything, "   ")) == []


def test_search_text_follows_the_services():
    procedure = services.create_case(
        reference="R-1",
        household={
            "label": "Mme Zoé Ürbain",
            "holder": {"last_name": "Ürbain", "first_name": "Zoé", "birth_year": 1990},
        },
        lease={
            "address": "1 rue Chabot-Charny",
            "postal_code": "21000",
            "commune": CommuneFactory(),
            "sector": "prive",
        },
        landlord={"name": "M. Paul Roy"},
    )
    assert "urbain zoe 1990" in procedure.household.search_text
    assert "1 rue chabot charny 21000 dijon" in procedure.household.address_text

"""Which households the weekly lists hold (formats.md "Weekly lists"), and the veille sociale flag."""

import datetime

import pytest

from letters.models import ListKind
from letters.services import weekly_lists
from procedure.models import EventKind, PoliceDecision, ProcedureEvent
from procedure.services import refresh_summary
from tests.letters.factories import child, granted_on, payment_order_on
from tests.procedure.factories import ProcedureFactory

pytestmark = pytest.mark.django_db

WEEK = datetime.date(2026, 11, 9)  # Monday of 2026-W46
SUNDAY = datetime.date(2026, 11, 15)
NEXT_MONDAY = datetime.date(2026, 11, 16)
PREVIOUS_SUNDAY = datetime.date(2026, 11, 8)


def references(kind, week=WEEK):
    return [row["reference"] for row in weekly_lists.rows(kind, week)]


def test_siao_list_holds_exactly_the_concours_granted_from_monday_to_sunday():
    monday = granted_on(WEEK, reference="LUNDI")
    sunday = granted_on(SUNDAY, reference="DIMANCHE")
    granted_on(NEXT_MONDAY, reference="LUNDI-SUIVANT")
    granted_on(PREVIOUS_SUNDAY, reference="DIMANCHE-PRECEDENT")
    granted_on(datetime.date(2026, 11, 11), decision=PoliceDecision.REFUSED, reference="REFUSE")

    assert references(ListKind.SIAO) == [monday.reference, sunday.reference]
    assert references(ListKind.SIAO, NEXT_MONDAY) == ["LUNDI-SUIVANT"]


def test_caf_list_holds_exactly_the_week_s_commandements_de_payer():
    payment_order_on(SUNDAY, reference="CP-DIMANCHE")
    payment_order_on(NEXT_MONDAY, reference="CP-LUNDI-SUIVANT")
    other_act = ProcedureFactory(reference="ASSIGNATION")
    ProcedureEvent.objects.create(procedure=other_act, kind=EventKind.SUMMONS, date=SUNDAY)
    refresh_summary(other_act)

    assert references(ListKind.CAF) == ["CP-DIMANCHE"]
    assert references(ListKind.CAF, NEXT_MONDAY) == ["CP-LUNDI-SUIVANT"]


def test_siao_row_has_the_columns_of_formats_md():
    procedure = granted_on(SUNDAY, reference="EXPLOC-1", household__adults=1, household__children=2)

    (row,) = weekly_lists.rows(ListKind.SIAO, WEEK)

    assert list(row) == weekly_lists.COLUMNS[ListKind.SIAO]
    holder = procedure.household.persons.get()
    assert row["nom"] == holder.last_name and row["prenom"] == holder.first_name
    assert (row["date_octroi"], row["adultes"], row["enfants"]) == ("2026-11-15", 1, 2)
    assert row["commune"] == "Dijon" and row["code_postal"] == "21000"


def test_caf_row_has_the_columns_of_formats_md_with_debt_sector_and_claim_number():
    procedure = payment_order_on(SUNDAY, debt="1234.5", household__benefit_claim_number="7654321")

    (row,) = weekly_lists.rows(ListKind.CAF, WEEK)

    assert list(row) == weekly_lists.COLUMNS[ListKind.CAF]
    assert (row["dette"], row["numero_allocataire"], row["parc"]) == ("1234.50", "7654321", "prive")
    assert row["bailleur"] == procedure.landlord.name
    assert row["date_commandement"] == "2026-11-15"


def veille(procedure):
    (row,) = weekly_lists.rows(ListKind.SIAO, WEEK)
    return row["veille_sociale"]


def test_veille_sociale_is_required_for_a_household_with_children():
    granted_on(SUNDAY, household__children=1)
    assert veille(None) == "requise"


def test_veille_sociale_is_required_for_a_child_member_under_18_even_if_children_count_is_empty():
    procedure = granted_on(SUNDAY, household__children=None)
    child(procedure.household, birth_year=2010)
    assert veille(procedure) == "requise"


def test_an_adult_child_is_not_a_vulnerability_criterion():
    procedure = granted_on(SUNDAY, household__children=0)
    child(procedure.household, birth_year=2000)
    assert veille(procedure) == "selon_places"


@pytest.mark.parametrize(
    "person_fields",
    [
        {"is_pregnant": True},
        {"has_disability": True},
        {"has_health_issue": True},
        {"birth_year": 1961},
        {"other_vulnerability": "violences conjugales"},
    ],
)
def test_veille_sociale_is_required_for_each_vulnerability_criterion(person_fields):
    granted_on(SUNDAY, household__children=0, **{f"holder__{k}": v for k, v in person_fields.items()})
    assert veille(None) == "requise"


def test_a_64_year_old_without_other_criterion_gets_housing_if_places_are_available():
    granted_on(SUNDAY, household__children=0, holder__birth_year=1962)
    assert veille(None) == "selon_places"


def test_a_household_known_to_social_services_gets_housing_on_request(monkeypatch):
    procedure = granted_on(SUNDAY, household__children=0)
    monkeypatch.setattr(weekly_lists, "REFERENT_SOURCES", [lambda ids: {procedure.pk: "CCAS de Dijon"}])

    (row,) = weekly_lists.rows(ListKind.SIAO, WEEK)

    assert (row["veille_sociale"], row["referent_social"]) == ("hebergement_sur_demande", "CCAS de Dijon")


def test_iso_week_parsing_and_refusal():
    assert weekly_lists.parse_iso_week("2026-W46") == WEEK
    assert weekly_lists.parse_iso_week("2026-w01") == datetime.date(2025, 12, 29)
    with pytest.raises(ValueError, match="Semaine invalide"):
        weekly_lists.parse_iso_week("2026-46")

"""Supplied figures: one per indicator, year and territory (none: the département)."""

import pytest
from django.db import IntegrityError
from django.utils import timezone

from indicators import counting, services
from indicators import definitions as d
from indicators.models import CharterObjective, SuppliedFigure
from tests.factories import OrganisationFactory, TerritoryFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def pcs_supplied(settings):
    settings.INDICATORS_SUPPLIED = ["pcs_signes"]


def figure(territory=None, value=5):
    return SuppliedFigure.objects.create(
        indicator="pcs_signes",
        year=2025,
        territory=territory,
        value=value,
        organisation=OrganisationFactory(),
        entered_by=UserFactory(),
        entered_at=timezone.now(),
    )


def test_a_second_departement_figure_for_the_same_year_is_refused_by_the_database():
    figure()
    with pytest.raises(IntegrityError):
        figure()


def test_a_territory_figure_is_apart_from_the_departement_one():
    territory = TerritoryFactory()
    figure(value=40)
    figure(territory, value=7)
    assert services.figures([2025])["pcs_signes"][2025].value == 40
    table = services.figures([2025], counting.Scope(territory=territory))
    assert table["pcs_signes"][2025].value == 7
    assert table["pcs_signes"][2025].status == d.SUPPLIED


def test_supplied_figures_are_not_split_by_sector():
    figure(value=40)
    assert services.figures([2025], counting.Scope(sector="public"))["pcs_signes"][2025].value is None


def test_objective_defaults_to_the_charte_2020_2024_against_2019():
    objective = CharterObjective.current()
    assert (objective.baseline_year, objective.first_year, objective.last_year) == (2019, 2020, 2024)
    assert objective.target(100, 2019) == 100
    assert objective.target(100, 2024) == 70
    assert objective.target(100, 2030) == 70


def test_objective_recorded_by_an_administrator_replaces_the_default():
    CharterObjective.objects.create(baseline_year=2025, first_year=2026, last_year=2030, reduction_percent=20)
    objective = CharterObjective.current()
    assert objective.years == [2025, 2026, 2027, 2028, 2029, 2030]
    assert objective.target(50, 2030) == 40

"""Each counted indicator, one by one: what it counts, in which year, on which territory and sector."""

import datetime

import pytest

from households.models import HousingSector
from indicators import counting
from indicators import definitions as d
from indicators.counting import Scope
from procedure.models import EventKind, PoliceDecision
from tests.factories import CommuneFactory, TerritoryFactory
from tests.procedure.factories import ProcedureFactory

from .factories import event

pytestmark = pytest.mark.django_db

D = datetime.date

# Indicator code → the act or fact it counts (formats.md, "Indicators export").
COUNTED_BY_EVENT = {
    "commandements_payer": EventKind.PAYMENT_ORDER,
    "plans_apurement": EventKind.REPAYMENT_PLAN,
    "plans_apurement_non_respectes": EventKind.REPAYMENT_PLAN_BROKEN,
    "assignations": EventKind.SUMMONS,
    "aides_fsl_impayes": EventKind.FSL_AID,
    "pcs_signes": EventKind.SOCIAL_COHESION_PROTOCOL,
    "nouveaux_baux_apres_resiliation": EventKind.NEW_LEASE,
    "commandements_quitter": EventKind.ORDER_TO_VACATE,
    "departs_sans_force_publique": EventKind.DEPARTURE,
    "cfp_requis": EventKind.POLICE_REQUEST,
    "cfp_executes": EventKind.EVICTION,
    "expulsions_effectives": EventKind.EVICTION,
    "dalo_menaces_expulsion": EventKind.DALO_APPEAL,
    "dalo_prioritaires": EventKind.DALO_PRIORITY,
    "menages_reloges": EventKind.REHOUSING,
}


def year_counts(*years, scope=counting.DEPARTEMENT):
    return counting.counts_by_year(list(years), scope)


@pytest.mark.parametrize(("code", "kind"), COUNTED_BY_EVENT.items())
def test_event_counts_in_the_year_of_its_date_across_new_year(code, kind):
    event(kind, D(2024, 12, 31))
    event(kind, D(2025, 1, 1))
    event(kind, D(2025, 12, 31))
    event(kind, D(2026, 1, 1))
    counts = year_counts(2024, 2025, 2026)
    assert (counts[code, 2024], counts[code, 2025], counts[code, 2026]) == (1, 2, 1)


@pytest.mark.parametrize("code", COUNTED_BY_EVENT)
def test_other_acts_do_not_count(code):
    other = EventKind.HEARING
    event(other, D(2025, 5, 5))
    assert year_counts(2025)[code, 2025] == 0


def test_an_eviction_counts_in_cfp_executes_and_expulsions_effectives_a_departure_in_neither():
    event(EventKind.EVICTION, D(2025, 6, 2))
    event(EventKind.DEPARTURE, D(2025, 6, 3))
    counts = year_counts(2025)
    assert counts["cfp_executes", 2025] == counts["expulsions_effectives", 2025] == 1
    assert counts["departs_sans_force_publique", 2025] == 1


def test_cfp_accordes_counts_only_granted_decisions():
    event(EventKind.POLICE_ASSISTANCE, D(2025, 12, 31), police_decision=PoliceDecision.GRANTED)
    event(EventKind.POLICE_ASSISTANCE, D(2025, 4, 1), police_decision=PoliceDecision.REFUSED)
    event(EventKind.POLICE_ASSISTANCE, D(2026, 1, 1), police_decision=PoliceDecision.GRANTED)
    counts = year_counts(2025, 2026)
    assert (counts["cfp_accordes", 2025], counts["cfp_accordes", 2026]) == (1, 1)


def test_household_indicators_count_a_household_once_a_year():
    procedure = ProcedureFactory(holder=False)
    event(EventKind.DALO_APPEAL, D(2025, 2, 1), procedure)
    event(EventKind.DALO_APPEAL, D(2025, 9, 1), procedure)
    assert year_counts(2025)["dalo_menaces_expulsion", 2025] == 1


class TestDaloPriorityNotRehousedWithinThreeMonths:
    code = "dalo_prioritaires_non_reloges_3_mois"

    def test_counts_a_priority_household_never_rehoused(self):
        event(EventKind.DALO_PRIORITY, D(2024, 12, 31))
        event(EventKind.DALO_PRIORITY, D(2025, 1, 1))
        counts = year_counts(2024, 2025)
        assert (counts[self.code, 2024], counts[self.code, 2025]) == (1, 1)

    def test_rehousing_on_the_last_day_of_the_three_months_is_in_time(self):
        procedure = ProcedureFactory(holder=False)
        event(EventKind.DALO_PRIORITY, D(2024, 11, 15), procedure)
        event(EventKind.REHOUSING, D(2025, 2, 15), procedure)
        assert year_counts(2024)[self.code, 2024] == 0

    def test_rehousing_the_day_after_the_three_months_is_late(self):
        procedure = ProcedureFactory(holder=False)
        event(EventKind.DALO_PRIORITY, D(2024, 11, 15), procedure)
        event(EventKind.REHOUSING, D(2025, 2, 16), procedure)
        assert year_counts(2024)[self.code, 2024] == 1

    def test_rehousing_of_another_household_does_not_count(self):
        event(EventKind.DALO_PRIORITY, D(2024, 3, 1))
        event(EventKind.REHOUSING, D(2024, 3, 2))
        assert year_counts(2024)[self.code, 2024] == 1

    def test_three_months_not_yet_run_out_are_not_counted(self, settings):
        from django.utils import timezone

        today = timezone.localdate()
        event(EventKind.DALO_PRIORITY, today - datetime.timedelta(days=10))
        assert year_counts(today.year)[self.code, today.year] == 0


def test_monthly_series_puts_each_act_in_its_month():
    event(EventKind.PAYMENT_ORDER, D(2025, 1, 1))
    event(EventKind.PAYMENT_ORDER, D(2025, 1, 31))
    event(EventKind.PAYMENT_ORDER, D(2025, 12, 31))
    event(EventKind.PAYMENT_ORDER, D(2026, 1, 1))
    series = counting.counts_by_month(2025)["commandements_payer"]
    assert series == [2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]


def test_territory_counts_procedures_whose_lease_commune_is_in_it():
    beaune = CommuneFactory(insee_code="21054", name="Beaune", postal_codes="21200")
    territory = TerritoryFactory(code="beaune-cote-nord")
    territory.communes.add(beaune)
    event(EventKind.SUMMONS, D(2025, 3, 3), ProcedureFactory(holder=False, lease__commune=beaune))
    event(EventKind.SUMMONS, D(2025, 3, 3))  # Dijon
    assert year_counts(2025, scope=Scope(territory=territory))["assignations", 2025] == 1
    assert year_counts(2025)["assignations", 2025] == 2


def test_sector_counts_the_lease_sector():
    event(EventKind.ORDER_TO_VACATE, D(2025, 3, 3), ProcedureFactory(holder=False, lease__public=True))
    event(EventKind.ORDER_TO_VACATE, D(2025, 3, 3))
    public = year_counts(2025, scope=Scope(sector=HousingSector.PUBLIC))
    private = year_counts(2025, scope=Scope(sector=HousingSector.PRIVATE))
    assert (public["commandements_quitter", 2025], private["commandements_quitter", 2025]) == (1, 1)


def test_every_counted_indicator_is_zero_in_an_empty_year():
    counts = year_counts(2025)
    assert {code for code, _ in counts} == {i.code for i in counting.counted_indicators()}
    assert set(counts.values()) == {0}


def test_the_table_has_the_24_codes_of_formats_md():
    assert len(d.CODES) == len(set(d.CODES)) == 24

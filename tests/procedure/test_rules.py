"""The rules of rules.py, case by case against law.md."""

import datetime

import pytest

from households.models import HousingSector
from procedure import rules
from procedure.models import EventKind, PoliceDecision, ProcedureEvent, Stage
from procedure.rules import Action

D = datetime.date


def test_stage_order_follows_the_law():
    assert rules.STAGE_ORDER[0] == Stage.UNPAID_RENT
    assert (
        rules.stage_rank(Stage.SUMMONS) < rules.stage_rank(Stage.HEARING) < rules.stage_rank(Stage.JUDGMENT)
    )
    assert rules.stage_rank(Stage.ORDER_TO_VACATE) < rules.stage_rank(Stage.POLICE_REQUEST)
    assert rules.stage_rank(EventKind.FSL_AID) is None


def test_summons_notice_is_counted_back_from_the_day_before_the_hearing_without_weekend_extension():
    # Hearing Monday 16 March 2026: the 42 days run from Sunday 15 back to Sunday 2 February
    # (expiring at zero hour), so the last day is Sunday 1 February, not moved to a working day.
    deadline, reference = rules.summons_notice_deadline(D(2026, 3, 16), D(2026, 1, 5))
    assert deadline == D(2026, 2, 1)
    assert deadline.weekday() == 6
    assert "25-70.018" in reference


def test_summons_notice_was_two_months_before_the_2023_law():
    deadline, _ = rules.summons_notice_deadline(D(2023, 3, 16), D(2023, 1, 5))
    assert deadline == D(2023, 1, 15)


def test_dsf_deadline_skips_a_public_holiday():
    # Tuesday 12 May 2026: Mon 11, (Fri 8 May is a holiday), Thu 7, Wed 6, Tue 5, Mon 4.
    date, reference = rules.dsf_deadline(D(2026, 5, 12))
    assert date == D(2026, 5, 4)
    assert reference == "décret 2021-8"


def test_working_days_skip_weekends():
    assert rules.working_days_before(D(2026, 3, 12), 5) == D(2026, 3, 5)
    assert rules.add_working_days(D(2026, 5, 7), 1) == D(2026, 5, 11)


def test_cql_of_15_october_allows_eviction_from_1_april_next_year():
    truces = rules.winter_truce_periods(range(2025, 2028))
    assert rules.first_eviction_date(D(2026, 10, 15), truces) == D(2027, 4, 1)


def test_two_months_ending_on_a_shorter_month_end_on_its_last_day():
    assert rules.add_months(D(2026, 12, 31), 2) == D(2027, 2, 28)


class Truce:
    def __init__(self, starts_on, ends_on, reference="CPCE L.412-6"):
        self.starts_on, self.ends_on, self.reference = starts_on, ends_on, reference


def test_extended_truce_of_2021_delays_eviction_to_1_june():
    truces = rules.winter_truce_periods(range(2019, 2022), [Truce(D(2020, 11, 1), D(2021, 5, 31))])
    assert rules.first_eviction_date(D(2021, 2, 1), truces) == D(2021, 6, 1)


def test_extended_truce_replaces_the_default_period_of_its_winter_only():
    rows = [Truce(D(2019, 11, 1), D(2020, 6, 30))]
    periods = rules.winter_truce_periods(range(2019, 2021), rows, extended=False)
    assert [(p.starts_on, p.ends_on) for p in periods] == [
        (D(2019, 11, 1), D(2020, 6, 30)),
        (D(2020, 11, 1), D(2021, 3, 31)),
    ]


def test_a_recorded_row_wins_over_the_extension_by_ordonnance_of_its_winter():
    rows = [Truce(D(2020, 11, 1), D(2021, 4, 30))]
    periods = rules.winter_truce_periods(range(2020, 2022), rows)
    assert [(p.starts_on, p.ends_on) for p in periods] == [
        (D(2020, 11, 1), D(2021, 4, 30)),
        (D(2021, 11, 1), D(2022, 3, 31)),
    ]


def test_truce_ended_on_15_march_before_2014():
    assert rules.default_truce(2012).ends_on == D(2013, 3, 15)


def test_police_decision_is_due_two_months_after_a_timely_requisition():
    date, reference = rules.police_decision_deadline(D(2026, 3, 14), D(2026, 1, 5))
    assert date == D(2026, 5, 14)
    assert "R.153-1" in reference


def event(kind, date, **fields):
    return ProcedureEvent(kind=kind, date=date, **fields)


def test_current_stage_is_the_furthest_act():
    events = [
        event(Stage.PAYMENT_ORDER, D(2026, 1, 1)),
        event(Stage.SUMMONS, D(2026, 2, 1)),
        event(EventKind.FSL_AID, D(2026, 3, 1)),
    ]
    assert rules.current_stage(events) == Stage.SUMMONS
    assert rules.current_stage([event(EventKind.FSL_AID, D(2026, 3, 1))]) is None


def test_closed_after_a_departure_or_a_closure():
    assert not rules.is_closed([event(Stage.ORDER_TO_VACATE, D(2026, 1, 1))])
    assert rules.is_closed(
        [event(Stage.ORDER_TO_VACATE, D(2026, 1, 1)), event(Stage.DEPARTURE, D(2026, 2, 1))]
    )
    assert rules.is_closed([event(EventKind.CLOSURE, D(2026, 2, 1))])


def actions(stage, sector, **kwargs):
    return {rule.action for rule in rules.actions_for(stage, sector, **kwargs)}


def test_payment_order_sends_questionnaires_in_the_private_sector_only():
    assert actions(Stage.PAYMENT_ORDER, HousingSector.PRIVATE) == {
        Action.ACKNOWLEDGE,
        Action.QUESTIONNAIRE_HOUSEHOLD,
        Action.QUESTIONNAIRE_OWNER,
        Action.SELECT_FOR_COMMISSION,
    }
    assert actions(Stage.PAYMENT_ORDER, HousingSector.PUBLIC) == {
        Action.ACKNOWLEDGE,
        Action.SELECT_FOR_COMMISSION,
    }


def test_cql_convenes_mediation_in_the_public_sector_and_asks_a_visit_in_the_private_sector():
    public = actions(Stage.ORDER_TO_VACATE, HousingSector.PUBLIC)
    private = actions(Stage.ORDER_TO_VACATE, HousingSector.PRIVATE)
    assert Action.CONVENE_MEDIATION in public and Action.CONVENE_MEDIATION not in private
    assert Action.REQUEST_ANTICIPATION_VISIT in private and Action.REQUEST_ANTICIPATION_VISIT not in public
    assert Action.QUESTIONNAIRE_OWNER in private and Action.QUESTIONNAIRE_OWNER not in public
    assert Action.UPDATE_DSF in public & private


def test_requisition_asks_the_visit_in_the_public_sector_and_the_assessment_in_both():
    assert Action.REQUEST_ANTICIPATION_VISIT in actions(Stage.POLICE_REQUEST, HousingSector.PUBLIC)
    assert Action.REQUEST_ANTICIPATION_VISIT not in actions(Stage.POLICE_REQUEST, HousingSector.PRIVATE)
    for sector in HousingSector:
        assert {Action.CHECK_FORMALITIES, Action.REQUEST_ASSESSMENT, Action.UPDATE_DSF} <= actions(
            Stage.POLICE_REQUEST, sector
        )


@pytest.mark.parametrize("sector", list(HousingSector))
def test_granted_police_assistance_informs_six_parties_and_a_refusal_none(sector):
    assert len(actions(Stage.POLICE_ASSISTANCE, sector, police_decision=PoliceDecision.GRANTED)) == 6
    assert actions(Stage.POLICE_ASSISTANCE, sector, police_decision=PoliceDecision.REFUSED) == set()


def test_dsf_request_is_due_five_working_days_before_the_hearing():
    rule = next(
        r for r in rules.actions_for(Stage.SUMMONS, HousingSector.PUBLIC) if r.action == Action.REQUEST_DSF
    )
    assert rules.action_due_date(rule, D(2026, 3, 2), D(2026, 5, 12)) == D(2026, 5, 4)


def test_every_action_rule_cites_a_reference():
    for _, _, rule in rules.ACTIONS:
        assert rule.reference.startswith(("Charte II.B", "CCH R.824"))

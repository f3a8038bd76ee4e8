"""The law to the day (law.md, "Counting the delays" and its rows): each rule the day before, the
day of and the day after its boundary. Every expected date is derived by hand from law.md and the
calendar, noted in the comment above it; none is computed by Prévex's code."""

import datetime

import pytest

from procedure import rules

D = datetime.date


def truces(*years, extended=()):
    return rules.winter_truce_periods(range(min(years) - 1, max(years) + 2), extended)


class Truce:
    def __init__(self, starts_on, ends_on, reference):
        self.starts_on, self.ends_on, self.reference = starts_on, ends_on, reference


# ------------------------------------------------------------------ months (CPC art. 641)


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (D(2026, 8, 31), 2, D(2026, 10, 31)),  # same day number
        (D(2026, 12, 31), 2, D(2027, 2, 28)),  # no 31 February: the month's last day
        (D(2027, 12, 31), 2, D(2028, 2, 29)),  # leap year: 29 February
        (D(2027, 12, 29), 2, D(2028, 2, 29)),
        (D(2026, 12, 29), 2, D(2027, 2, 28)),
    ],
)
def test_cpc_641_a_delay_in_months_ends_on_the_same_day_number_or_the_last_day(start, months, end):
    assert rules.add_months(start, months) == end


# ------------------------------------------------------------------ "à l'expiration": from the next day


@pytest.mark.parametrize(
    ("cql", "possible"),
    [
        # CQL 5 January 2026: the 2 months end on 5 March at midnight; possible on 6 March.
        (D(2026, 1, 5), D(2026, 3, 6)),
        # CQL 31 December 2026: 2 months end 28 February 2027; possible on 1 March 2027.
        (D(2026, 12, 31), D(2027, 3, 1)),
        # Leap year: CQL 28 December 2027 ends 28 February 2028; possible 29 February 2028.
        (D(2027, 12, 28), D(2028, 2, 29)),
        (D(2027, 12, 29), D(2028, 3, 1)),
    ],
)
def test_ce_2013_requisition_possible_from_the_day_after_the_two_months(cql, possible):
    assert rules.requisition_possible_from(cql)[0] == possible


def test_ce_2013_requisition_possible_date_is_never_moved_to_a_working_day():
    # CQL 30 March 2026: the 2 months end Saturday 30 May; possible on Sunday 31 May, as is.
    assert rules.requisition_possible_from(D(2026, 3, 30))[0] == D(2026, 5, 31)


# ------------------------------------------------------------------ the first eviction date


def test_cpce_l412_1_l412_6_cql_of_31_august_2026_eviction_from_1_april_2027():
    # 2 months end 31 October 2026 at midnight; possible 1 November, first day of the truce,
    # which ends 31 March 2027: possible on Thursday 1 April 2027, decided by the truce.
    found = rules.first_eviction(D(2026, 8, 31), truces(2026))
    assert found.date == D(2027, 4, 1)
    assert str(found) == "à partir du 01/04/2027 : fin de la trêve hivernale (CPCE L.412-6)"


def test_cpce_l412_1_cql_of_30_august_2026_eviction_on_saturday_31_october():
    # The day before the boundary: the 2 months end 30 October; Saturday 31 October is allowed.
    found = rules.first_eviction(D(2026, 8, 30), truces(2026))
    assert found.date == D(2026, 10, 31)
    assert found.reference == "CPCE L.412-1"
    assert found.reason == "fin des 2 mois suivant le commandement de quitter les lieux"


def test_cpce_l412_1_cql_in_summer_eviction_the_day_after_the_two_months():
    # CQL 10 June 2026: 2 months end 10 August; possible on Tuesday 11 August.
    assert rules.first_eviction_date(D(2026, 6, 10), truces(2026)) == D(2026, 8, 11)


@pytest.mark.parametrize(
    ("cql", "first", "why"),
    [
        # 2 months end Saturday 15 August 2026; the next day is a Sunday: Monday 17 August.
        (D(2026, 6, 15), D(2026, 8, 17), "le 16/08/2026 étant un dimanche"),
        # 2 months end 13 July 2026; 14 July is a public holiday: Wednesday 15 July.
        (D(2026, 5, 13), D(2026, 7, 15), "le 14/07/2026 étant un jour férié"),
        # 2 months end 13 May 2026; Ascension is Thursday 14 May 2026: Friday 15 May.
        (D(2026, 3, 13), D(2026, 5, 15), "le 14/05/2026 étant un jour férié"),
        # 2 months end 24 May 2026; Whit Monday is 25 May 2026: Tuesday 26 May.
        (D(2026, 3, 24), D(2026, 5, 26), "le 25/05/2026 étant un jour férié"),
    ],
)
def test_cpce_l141_1_no_eviction_on_a_sunday_or_public_holiday(cql, first, why):
    found = rules.first_eviction(cql, truces(cql.year))
    assert found.date == first
    assert why in found.reason
    assert found.reference.endswith("CPCE L.141-1")


def test_cpce_l141_1_truce_ending_before_easter_monday_2024_moves_to_2_april():
    # CQL 15 October 2023: possible 16 December, in the truce ending 31 March 2024; 1 April 2024
    # is Easter Monday: Tuesday 2 April 2024.
    assert rules.first_eviction_date(D(2023, 10, 15), truces(2023)) == D(2024, 4, 2)


def test_cpce_l412_3_a_judges_delay_to_leave_decides_when_it_ends_later():
    # CQL 1 December 2025: the truce would allow 1 April 2026; the judge granted until 30 April:
    # possible on 1 May 2026, a public holiday, so on Saturday 2 May.
    found = rules.first_eviction(D(2025, 12, 1), truces(2025), time_to_leave_until=D(2026, 4, 30))
    assert found.date == D(2026, 5, 2)
    assert found.reason.startswith("fin du délai pour quitter les lieux accordé par le juge")
    assert found.reference == "CPCE L.412-3, L.412-4 ; CPCE L.141-1"


def test_cpce_l412_3_a_judges_delay_ending_before_the_two_months_changes_nothing():
    # CQL 10 June 2026, delay until 1 July: the 2 months (to 10 August) still decide.
    found = rules.first_eviction(D(2026, 6, 10), truces(2026), time_to_leave_until=D(2026, 7, 1))
    assert (found.date, found.rule) == (D(2026, 8, 11), "expulsion")


@pytest.mark.parametrize(
    ("until", "refused"),
    [
        (D(2026, 7, 9), True),  # 1 month after 10 June 2026 ends 10 July: the day before is too short
        (D(2026, 7, 10), False),
        (D(2027, 6, 10), False),  # 1 year: 10 June 2027
        (D(2027, 6, 11), True),
    ],
)
def test_cpce_l412_4_a_delay_to_leave_runs_from_one_month_to_one_year(until, refused):
    assert bool(rules.time_to_leave_refusal(D(2026, 6, 10), until)) is refused


# ------------------------------------------------------------------ the winter truce by year


@pytest.mark.parametrize(
    ("cql", "first", "extended"),
    [
        # 2013: the truce ended 15 March 2014 (before loi 2014-366); 16 March 2014 is a Sunday.
        (D(2013, 10, 15), D(2014, 3, 17), ()),
        # 2014: 31 March 2015 since loi 2014-366; Wednesday 1 April 2015.
        (D(2014, 10, 15), D(2015, 4, 1), ()),
        # 2020: extended to 10 July 2020 (ordonnance 2020-331 as amended); Saturday 11 July.
        (D(2020, 1, 15), D(2020, 7, 11), ((D(2019, 11, 1), D(2020, 7, 10), "ordonnance 2020-331"),)),
        # 2021: extended to 31 May 2021 (ordonnance 2021-141); Tuesday 1 June.
        (D(2021, 2, 1), D(2021, 6, 1), ((D(2020, 11, 1), D(2021, 5, 31), "ordonnance 2021-141"),)),
        # 2026: Thursday 1 April 2027.
        (D(2026, 10, 15), D(2027, 4, 1), ()),
    ],
)
def test_cpce_l412_6_truce_by_winter(cql, first, extended):
    periods = truces(cql.year, extended=[Truce(*row) for row in extended])
    found = rules.first_eviction(cql, periods)
    assert found.date == first
    assert found.rule == "treve"


def test_cpce_l412_6_truce_of_2013_ran_from_1_november_to_15_march():
    assert rules.default_truce(2013)[:2] == (D(2013, 11, 1), D(2014, 3, 15))
    assert rules.default_truce(2014)[:2] == (D(2014, 11, 1), D(2015, 3, 31))


# ------------------------------------------------------------------ delays within which someone acts


@pytest.mark.parametrize(
    ("unpaid", "last_day"),
    [
        (D(2026, 4, 14), D(2026, 6, 15)),  # ends Sunday 14 June → Monday 15 June
        (D(2026, 4, 13), D(2026, 6, 15)),  # ends Saturday 13 June → Monday 15 June
        (D(2026, 4, 12), D(2026, 6, 12)),  # ends Friday 12 June, a working day
        (D(2026, 3, 1), D(2026, 5, 4)),  # ends Friday 1 May (holiday), then the weekend → Monday 4 May
        (D(2026, 5, 14), D(2026, 7, 15)),  # ends Tuesday 14 July → Wednesday 15 July
        (D(2026, 3, 14), D(2026, 5, 15)),  # ends Thursday 14 May, Ascension → Friday 15 May
        (D(2026, 3, 25), D(2026, 5, 26)),  # ends Monday 25 May, Whit Monday → Tuesday 26 May
    ],
)
def test_cch_r824_report_to_the_caf_within_two_months_extended_to_a_working_day(unpaid, last_day):
    date, reference = rules.benefit_payer_report_deadline(unpaid)
    assert date == last_day
    assert "R.824" in reference


def test_art_24_i_termination_clause_six_weeks_extended_then_the_next_day():
    # CP 10 January 2026, lease of 29 July 2023: 6 weeks end Saturday 21 February; the tenant may
    # pay until Monday 23 February (CPC 642 al. 2); the clause takes effect on Tuesday 24 February.
    date, reference = rules.termination_clause_date(D(2026, 1, 10), D(2023, 7, 29))
    assert date == D(2026, 2, 24)
    assert "art. 24 I" in reference


def test_art_24_i_termination_clause_two_months_for_a_lease_of_28_july_2023():
    # 2 months end Tuesday 10 March 2026, a working day: the clause takes effect on 11 March.
    date, reference = rules.termination_clause_date(D(2026, 1, 10), D(2023, 7, 28))
    assert date == D(2026, 3, 11)
    assert "24-70.002" in reference


# ------------------------------------------------------------------ art. 24 II, legal-person landlords


@pytest.mark.parametrize(
    ("referral", "possible"),
    [
        # Referral 10 January 2026: the 2 months end 10 March; the assignation is possible on 11 March.
        (D(2026, 1, 10), D(2026, 3, 11)),
        # Referral 31 December 2025: the 2 months end 28 February 2026; possible on 1 March (Sunday, as is).
        (D(2025, 12, 31), D(2026, 3, 1)),
    ],
)
def test_art_24_ii_assignation_possible_the_day_after_two_months_after_the_referral(referral, possible):
    assert rules.summons_possible_from(referral) == (possible, "loi 89-462 art. 24 II")


# ------------------------------------------------------------------ art. 24 III and décret 2021-8


@pytest.mark.parametrize(
    ("summons", "late"),
    [(D(2026, 1, 31), False), (D(2026, 2, 1), False), (D(2026, 2, 2), True)],
)
def test_art_24_iii_assignation_42_days_counted_back_from_the_day_before_the_hearing(summons, late):
    # Hearing Monday 16 March 2026: 42 days back from Sunday 15 March is Sunday 1 February, the last
    # day, not moved to a working day.
    deadline, _ = rules.summons_notice_deadline(D(2026, 3, 16), summons)
    assert deadline == D(2026, 2, 1)
    assert (summons > deadline) is late


def test_decret_2021_8_interview_offered_within_15_working_days_of_the_referral():
    # Referral Monday 4 May 2026; not counted: 8 May, Ascension 14 May, Whit Monday 25 May and the
    # weekends: 5, 6, 7, 11, 12, 13, 15, 18, 19, 20, 21, 22, 26, 27, 28 May → Thursday 28 May.
    date, reference = rules.dsf_interview_deadline(D(2026, 5, 4))
    assert (date, reference) == (D(2026, 5, 28), "décret 2021-8")


def test_decret_2021_8_in_force_from_8_january_2021():
    assert rules.DSF_BEFORE_HEARING[0].in_force_from == D(2021, 1, 8)
    assert rules.DSF_INTERVIEW[0].in_force_from == D(2021, 1, 8)


# ------------------------------------------------------------------ the préfet's 2 months (CPCE R.153-1)


def test_cpce_r153_1_decision_due_on_ascension_is_not_extended():
    # Réquisition 14 March 2026 (CQL 5 January): the préfet decides until 14 May 2026 (Ascension,
    # not extended); the implicit refusal arises on 15 May.
    assert rules.police_decision_deadline(D(2026, 3, 14), D(2026, 1, 5))[0] == D(2026, 5, 14)


def test_ce_2013_premature_requisition_deemed_made_the_day_after_the_two_months():
    # CQL 5 January 2026: deemed made on 6 March; the préfet's 2 months end 6 May.
    assert rules.police_decision_deadline(D(2026, 2, 1), D(2026, 1, 5))[0] == D(2026, 5, 6)


# ------------------------------------------------------------------ the State's liability (CPCE L.153-1)


def test_cpce_l153_1_liability_counts_rent_and_charges_pro_rata():
    # Refused 10 June 2026, left 9 July: 30 days; 630 € a month × 12 / 365 × 30 = 621.37 €.
    found = rules.state_liability(D(2026, 6, 10), D(2026, 7, 9), suspensions=[], monthly_cost=630)
    assert (found.liable_days, str(found.compensation_estimate)) == (30, "621.37")


def test_cpce_l153_1_liability_is_suspended_during_the_truce():
    # Refused 1 October 2026, left 30 April 2027: 212 days, of which 1 November to 31 March (151) suspended.
    truce = [(D(2026, 11, 1), D(2027, 3, 31))]
    found = rules.state_liability(D(2026, 10, 1), D(2027, 4, 30), suspensions=truce, monthly_cost=None)
    assert (found.suspended_days, found.liable_days, found.compensation_estimate) == (151, 61, None)


def test_ordonnance_2021_141_liability_for_a_refusal_of_winter_2020_starts_on_1_april_2021():
    found = rules.state_liability(D(2021, 1, 15), D(2021, 4, 30), suspensions=[], monthly_cost=None)
    assert (found.starts_on, found.liable_days) == (D(2021, 4, 1), 30)
    assert "2021-141" in found.reference


# ------------------------------------------------------------------ the rules as data


def test_every_legal_rule_has_a_dated_table_with_references():
    for rule in rules.LEGAL_RULES:
        assert rule.table, rule.code
        assert all(row.reference for row in rule.table), rule.code
        assert [row.in_force_from for row in rule.table] == sorted(row.in_force_from for row in rule.table)


def test_ordonnances_2020_331_and_2021_141_extend_the_truce_without_any_recorded_row():
    # No WinterTruce row: the extensions are law, in rules.TRUCE_EXTENSIONS. CQL 1 February 2021:
    # possible 2 April, in the truce extended to 31 May 2021: Tuesday 1 June.
    found = rules.first_eviction(D(2021, 2, 1), rules.winter_truce_periods(range(2019, 2023)))
    assert found.date == D(2021, 6, 1)
    assert "ordonnance n° 2021-141 du 10 février 2021" in found.reference
    # CQL 15 January 2020: possible 16 March, in the truce extended to 10 July 2020: Saturday 11 July.
    found = rules.first_eviction(D(2020, 1, 15), rules.winter_truce_periods(range(2018, 2022)))
    assert found.date == D(2020, 7, 11)
    assert "ordonnance n° 2020-331 du 25 mars 2020 modifiée" in found.reference


def test_the_legal_truce_alone_ignores_the_extensions():
    periods = rules.winter_truce_periods(2020, extended=False)
    assert [(p.starts_on, p.ends_on) for p in periods] == [(D(2020, 11, 1), D(2021, 3, 31))]

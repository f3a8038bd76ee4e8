"""The rules of law.md that were missing, each as a deadline or an anomaly of the case (services),
tested the day before, the day of and the day after; dates derived by hand in the comments."""

import datetime
from decimal import Decimal

import pytest

from households.models import Landlord
from procedure import deadlines, rules, services
from procedure.models import EventKind, PoliceDecision, Stage, Task
from procedure.services import EventRefused
from tests.procedure.factories import ProcedureFactory, procedure_at

D = datetime.date
pytestmark = pytest.mark.django_db


def record(procedure, kind, date, **fields):
    return services.record_event(procedure=procedure, kind=kind, date=date, **fields)[0]


def messages(procedure):
    return [str(anomaly) for anomaly in deadlines.anomalies(procedure)]


# ------------------------------------------------------------------ art. 24 II


@pytest.fixture
def company_case():
    procedure = ProcedureFactory(
        lease__landlord__kind=Landlord.Kind.COMPANY, lease__landlord__name="SCI Les Tilleuls"
    )
    record(procedure, EventKind.LANDLORD_REVIEW_REQUEST, D(2026, 1, 10))
    record(procedure, Stage.PAYMENT_ORDER, D(2026, 1, 12))
    return procedure


@pytest.mark.parametrize(
    ("summons", "flagged"), [(D(2026, 3, 9), True), (D(2026, 3, 10), True), (D(2026, 3, 11), False)]
)
def test_art_24_ii_assignation_by_a_company_within_two_months_of_the_referral_is_inadmissible(
    company_case, summons, flagged
):
    # Referral 10 January 2026: the 2 months end 10 March; the assignation is admissible from 11 March.
    record(company_case, Stage.SUMMONS, summons, hearing_date=D(2026, 6, 1))
    expected = (
        f"Assignation du {summons:%d/%m/%Y} moins de 2 mois après la saisine de la CCAPEX du 10/01/2026 "
        "(possible à partir du 11/03/2026) : elle est irrecevable (loi 89-462 art. 24 II)."
    )
    assert (expected in messages(company_case)) is flagged


def test_art_24_ii_a_family_sci_may_summon_at_once(company_case):
    Landlord.objects.filter(pk=company_case.landlord_id).update(family_sci=True)
    company_case.landlord.refresh_from_db()
    record(company_case, Stage.SUMMONS, D(2026, 2, 1), hearing_date=D(2026, 6, 1))
    assert messages(company_case) == []


def test_art_24_ii_the_payment_order_stage_shows_when_the_assignation_is_possible(company_case):
    deadline = next(
        d
        for d in deadlines.next_deadlines(company_case, today=D(2026, 1, 13))
        if d.kind == "assignation_personne_morale"
    )
    assert (deadline.date, deadline.reference) == (D(2026, 3, 11), "loi 89-462 art. 24 II")


# ------------------------------------------------------------------ CCH R.824


def test_cch_r824_unpaid_rent_of_a_benefit_household_asks_to_check_the_report_by_its_deadline():
    procedure = ProcedureFactory()
    # Unpaid rent 1 March 2026: 2 months end Friday 1 May (holiday), then the weekend: Monday 4 May.
    unpaid = record(procedure, EventKind.UNPAID_RENT, D(2026, 3, 1))
    task = Task.objects.get(event=unpaid, kind=rules.Action.CHECK_BENEFIT_PAYER_REPORT)
    assert (task.due_date, task.legal_reference) == (D(2026, 5, 4), "CCH R.824-1, R.824-4")
    deadline = next(
        d for d in deadlines.next_deadlines(procedure, today=D(2026, 3, 2)) if d.kind == "signalement_caf"
    )
    assert deadline.date == D(2026, 5, 4)

    record(procedure, EventKind.BENEFIT_PAYER_REPORT, D(2026, 4, 2))

    task.refresh_from_db()
    assert task.status == Task.Status.DONE
    assert not [
        d for d in deadlines.next_deadlines(procedure, today=D(2026, 4, 3)) if d.kind == "signalement_caf"
    ]


def test_cch_r824_no_report_to_check_without_housing_benefit():
    procedure = ProcedureFactory(household__benefit_payer="", lease__housing_benefit=None)
    unpaid = record(procedure, EventKind.UNPAID_RENT, D(2026, 3, 1))
    assert not Task.objects.filter(event=unpaid, kind=rules.Action.CHECK_BENEFIT_PAYER_REPORT).exists()


# ------------------------------------------------------------------ CPCE L.412-3, L.412-4


def test_cpce_l412_3_a_delay_granted_by_the_judge_decides_the_eviction_date():
    procedure = procedure_at(Stage.ORDER_TO_VACATE, on=D(2026, 6, 10))
    # Delay granted on 20 June 2026 until 15 September: possible on Wednesday 16 September.
    record(procedure, EventKind.TIME_TO_LEAVE, D(2026, 6, 20), time_to_leave_until=D(2026, 9, 15))
    deadline = next(
        d for d in deadlines.next_deadlines(procedure, today=D(2026, 6, 21)) if d.kind == "expulsion"
    )
    assert deadline.label == (
        "Expulsion possible à partir du 16/09/2026 : fin du délai pour quitter les lieux accordé par le juge"
    )
    assert (deadline.reference, deadline.rule) == ("CPCE L.412-3, L.412-4", "delai_juge")


def test_cpce_l412_4_a_delay_of_more_than_a_year_is_refused_in_french():
    procedure = procedure_at(Stage.JUDGMENT, on=D(2026, 6, 10))
    with pytest.raises(EventRefused) as refusal:
        record(procedure, EventKind.TIME_TO_LEAVE, D(2026, 6, 20), time_to_leave_until=D(2027, 6, 21))
    assert refusal.value.messages == [
        "Un délai pour quitter les lieux accordé le 20/06/2026 va de 1 mois à 12 mois "
        "(CPCE L.412-3, L.412-4) : la fin doit tomber entre le 20/07/2026 et le 20/06/2027."
    ]
    assert refusal.value.field == "time_to_leave_until"


# ------------------------------------------------------------------ evictions (CPCE L.412-6, L.141-1)


@pytest.fixture
def cql_in_may():
    procedure = ProcedureFactory()
    record(procedure, Stage.ORDER_TO_VACATE, D(2025, 5, 5))
    return procedure


@pytest.mark.parametrize(
    ("eviction", "flagged"),
    [
        (D(2025, 10, 31), False),
        (D(2025, 11, 3), True),
        (D(2025, 12, 15), True),
        (D(2026, 3, 31), True),
        (D(2026, 4, 1), False),
    ],
)
def test_cpce_l412_6_an_eviction_recorded_during_the_truce_is_flagged(cql_in_may, eviction, flagged):
    # The CQL's 2 months ended 5 July 2025: every date here is after them; the truce runs
    # 1 November 2025 to 31 March 2026.
    record(cql_in_may, EventKind.EVICTION, eviction)
    expected = (
        f"Expulsion du {eviction:%d/%m/%Y} pendant la trêve hivernale du 01/11/2025 au 31/03/2026 "
        "(CPCE L.412-6)."
    )
    assert (expected in messages(cql_in_may)) is flagged


@pytest.mark.parametrize(
    ("eviction", "flagged"),
    [(D(2025, 7, 12), False), (D(2025, 7, 13), True), (D(2025, 7, 14), True), (D(2025, 7, 15), False)],
)
def test_cpce_l141_1_an_eviction_on_a_sunday_or_a_public_holiday_is_flagged(cql_in_may, eviction, flagged):
    # Saturday 12 July, Sunday 13 July, Monday 14 July (holiday), Tuesday 15 July 2025.
    record(cql_in_may, EventKind.EVICTION, eviction)
    assert any("un dimanche ou un jour férié" in message for message in messages(cql_in_may)) is flagged


def test_cpce_l412_1_an_eviction_on_the_last_day_of_the_two_months_is_flagged(cql_in_may):
    # CQL 5 May 2025: the 2 months end Saturday 5 July; eviction possible from Sunday 6 July,
    # not a day of enforcement: Monday 7 July. An eviction on 5 July comes too early.
    record(cql_in_may, EventKind.EVICTION, D(2025, 7, 5))
    assert messages(cql_in_may) == [
        "Expulsion du 05/07/2025 avant le 07/07/2025, première date possible après le commandement "
        "de quitter les lieux du 05/05/2025 : fin des 2 mois suivant le commandement de quitter les "
        "lieux, le 06/07/2025 étant un dimanche (CPCE L.412-1 ; CPCE L.141-1)."
    ]


# ------------------------------------------------------------------ CPCE L.153-1


def test_cpce_l153_1_an_explicit_refusal_starts_the_states_liability_with_its_estimate():
    procedure = procedure_at(
        Stage.POLICE_ASSISTANCE,
        on=D(2026, 6, 10),
        police_decision=PoliceDecision.REFUSED,
        lease__rent=600,
        lease__charges=30,
    )
    # From 10 June to 9 July 2026: 30 days, 630 € × 12 / 365 × 30 = 621.37 €.
    found = deadlines.state_liability(procedure, today=D(2026, 7, 9))
    assert (found.starts_on, found.liable_days, found.compensation_estimate) == (
        D(2026, 6, 10),
        30,
        Decimal("621.37"),
    )


def test_cpce_r153_1_silence_is_a_refusal_the_day_after_the_two_months():
    procedure = ProcedureFactory()
    record(procedure, Stage.ORDER_TO_VACATE, D(2026, 1, 5))
    record(procedure, Stage.POLICE_REQUEST, D(2026, 3, 14))
    # The préfet decides until 14 May 2026; the implicit refusal arises on 15 May.
    assert deadlines.state_liability(procedure, today=D(2026, 5, 14)) is None
    assert deadlines.state_liability(procedure, today=D(2026, 5, 15)).starts_on == D(2026, 5, 15)


def test_cpce_l153_1_a_granted_concours_is_no_liability():
    procedure = procedure_at(
        Stage.POLICE_ASSISTANCE, on=D(2026, 6, 10), police_decision=PoliceDecision.GRANTED
    )
    assert deadlines.state_liability(procedure, today=D(2026, 7, 9)) is None

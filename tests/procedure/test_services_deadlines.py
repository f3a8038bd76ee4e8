"""Deadlines, anomalies and the current stage in SQL."""

import datetime

import pytest

from procedure import deadlines, services
from procedure.models import Stage, WinterTruce
from tests.procedure.factories import ProcedureFactory, procedure_at

D = datetime.date
pytestmark = pytest.mark.django_db


def shown(procedure, today):
    return [str(deadline) for deadline in deadlines.next_deadlines(procedure, today=today)]


def test_summons_shows_the_dsf_deadline_before_the_hearing():
    procedure = ProcedureFactory()
    services.record_event(
        procedure=procedure, kind=Stage.SUMMONS, date=D(2026, 1, 20), hearing_date=D(2026, 3, 12)
    )
    assert shown(procedure, D(2026, 2, 1)) == [
        "Audience le 12/03/2026 : DSF attendu au plus tard le 05/03/2026 (décret 2021-8)",
        "Audience le 12/03/2026 (loi 89-462 art. 24)",
    ]
    overdue = deadlines.next_deadlines(procedure, today=D(2026, 3, 9))
    assert [(deadline.kind, deadline.overdue) for deadline in overdue] == [("dsf", True), ("audience", False)]


def test_cql_of_15_october_shows_eviction_possible_from_1_april():
    procedure = procedure_at(Stage.ORDER_TO_VACATE, on=D(2026, 10, 15))
    assert "Expulsion possible à partir du 01/04/2027 : fin de la trêve hivernale (CPCE L.412-6)" in shown(
        procedure, D(2026, 10, 20)
    )
    # The 2 months end 15 December at midnight: possible on the 16th (CE 18 déc. 2013).
    assert "Réquisition de la force publique possible à partir du 16/12/2026 (CE 18 déc. 2013 n° 363126)" in (
        shown(procedure, D(2026, 10, 20))
    )


def test_cql_in_summer_shows_eviction_the_day_after_the_two_months():
    procedure = procedure_at(Stage.ORDER_TO_VACATE, on=D(2026, 6, 10))
    assert (
        "Expulsion possible à partir du 11/08/2026 : "
        "fin des 2 mois suivant le commandement de quitter les lieux (CPCE L.412-1)"
        in shown(procedure, D(2026, 6, 11))
    )


def test_an_extended_truce_recorded_by_an_administrator_moves_the_eviction_date():
    WinterTruce.objects.create(starts_on=D(2026, 11, 1), ends_on=D(2027, 5, 31))
    procedure = procedure_at(Stage.ORDER_TO_VACATE, on=D(2026, 10, 15))
    assert "Expulsion possible à partir du 01/06/2027 : fin de la trêve hivernale (CPCE L.412-6)" in shown(
        procedure, D(2026, 10, 20)
    )


def test_historical_extension_of_2021_is_loaded_by_the_migration():
    assert WinterTruce.objects.filter(starts_on=D(2020, 11, 1), ends_on=D(2021, 5, 31)).exists()
    assert WinterTruce.objects.filter(starts_on=D(2019, 11, 1), ends_on=D(2020, 7, 10)).exists()
    references = set(WinterTruce.objects.values_list("reference", flat=True))
    assert any("ordonnance n° 2020-331 du 25 mars 2020 modifiée" in r for r in references)
    assert any("ordonnance n° 2021-141 du 10 février 2021" in r for r in references)
    procedure = procedure_at(Stage.ORDER_TO_VACATE, on=D(2021, 2, 1))
    deadline = next(
        d for d in deadlines.next_deadlines(procedure, today=D(2021, 2, 2)) if d.kind == "expulsion"
    )
    assert deadline.date == D(2021, 6, 1)


def test_requisition_shows_the_prefects_decision_deadline():
    procedure = procedure_at(Stage.POLICE_REQUEST, on=D(2026, 3, 14))
    assert (
        "Décision du préfet attendue au plus tard le 14/05/2026 ; sans réponse, refus implicite le "
        "15/05/2026 (CPCE L.153-1, R.153-1)" in shown(procedure, D(2026, 3, 20))
    )


def test_payment_order_shows_when_the_termination_clause_takes_effect():
    procedure = procedure_at(Stage.PAYMENT_ORDER, on=D(2026, 1, 10), lease__signed_on=D(2024, 2, 1))
    # 6 weeks end Saturday 21 February, extended to Monday 23 (CPC 642 al. 2): acquired on the 24th.
    assert shown(procedure, D(2026, 1, 11)) == [
        "Clause résolutoire acquise le 24/02/2026 faute de paiement (loi 89-462 art. 24 I (loi 2023-668))"
    ]


def test_a_closed_case_has_no_deadline():
    procedure = procedure_at(Stage.DEPARTURE, on=D(2026, 6, 1))
    assert deadlines.next_deadlines(procedure, today=D(2026, 6, 2)) == []


def test_assignation_notified_less_than_six_weeks_before_the_hearing_is_flagged():
    procedure = ProcedureFactory()
    services.record_event(
        procedure=procedure, kind=Stage.SUMMONS, date=D(2026, 2, 2), hearing_date=D(2026, 3, 16)
    )
    assert [str(anomaly) for anomaly in deadlines.anomalies(procedure)] == [
        "Assignation du 02/02/2026 notifiée moins de 6 semaines avant l'audience du 16/03/2026 "
        "(au plus tard le 01/02/2026) (loi 89-462 art. 24 III ; Cass. avis 6 nov. 2025 n° 25-70.018)."
    ]


def test_assignation_notified_on_the_last_day_is_not_flagged():
    procedure = ProcedureFactory()
    services.record_event(
        procedure=procedure, kind=Stage.SUMMONS, date=D(2026, 2, 1), hearing_date=D(2026, 3, 16)
    )
    assert deadlines.anomalies(procedure) == []


def test_requisition_before_the_end_of_two_months_after_the_cql_is_flagged():
    procedure = ProcedureFactory()
    services.record_event(procedure=procedure, kind=Stage.ORDER_TO_VACATE, date=D(2026, 1, 5))
    services.record_event(procedure=procedure, kind=Stage.POLICE_REQUEST, date=D(2026, 2, 20))
    assert [str(anomaly) for anomaly in deadlines.anomalies(procedure)] == [
        "Réquisition du 20/02/2026 avant la fin des 2 mois suivant le commandement de quitter les lieux du "
        "05/01/2026 : elle est réputée faite le 06/03/2026 (CE 18 déc. 2013 n° 363126)."
    ]
    deadline = next(
        d for d in deadlines.next_deadlines(procedure, today=D(2026, 2, 21)) if d.kind == "decision_prefet"
    )
    assert deadline.date == D(2026, 5, 6)

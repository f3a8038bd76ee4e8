"""A cancelled act counts nowhere: not in the indicators, not in the weekly lists, not in the
stage filters; it stays in the history only (services.cancel_event)."""

import datetime

import pytest

from indicators import counting
from letters.models import ListKind
from letters.services import weekly_lists
from procedure import services
from procedure.filters import ProcedureFilter, procedures_for_list
from procedure.models import EventKind, PoliceDecision, Stage
from tests.letters.factories import granted_on, payment_order_on
from tests.procedure.factories import procedure_at
from tests.referrals.factories import acting

pytestmark = pytest.mark.django_db

D = datetime.date
WEEK = D(2026, 11, 9)  # Monday of 2026-W46


def test_a_cancelled_commandement_de_payer_leaves_the_caf_list_and_the_indicators(secretariat):
    procedure = payment_order_on(D(2026, 11, 11), reference="CP-ANNULE")
    payment_order_on(D(2026, 11, 12), reference="CP-GARDE")
    before = counting.counts_by_year([2026], counting.DEPARTEMENT)["commandements_payer", 2026]

    cancelled = procedure.events.get(kind=EventKind.PAYMENT_ORDER)
    services.cancel_event(event=cancelled, reason="Commandement saisi deux fois", user=secretariat)

    assert [row["reference"] for row in weekly_lists.rows(ListKind.CAF, WEEK)] == ["CP-GARDE"]
    after = counting.counts_by_year([2026], counting.DEPARTEMENT)["commandements_payer", 2026]
    assert after == before - 1


def test_a_cancelled_concours_leaves_the_siao_list(secretariat):
    procedure = granted_on(D(2026, 11, 11), decision=PoliceDecision.GRANTED, reference="CFP-ANNULE")

    decision = procedure.events.get(kind=EventKind.POLICE_ASSISTANCE)
    services.cancel_event(event=decision, reason="Décision d'un autre dossier", user=secretariat)

    assert weekly_lists.rows(ListKind.SIAO, WEEK) == []


def test_a_cancelled_act_leaves_the_stage_filter(secretariat):
    acting(secretariat)
    procedure = procedure_at(Stage.ORDER_TO_VACATE, on=D(2026, 6, 10), reference="CQL-ANNULE")
    cql = procedure.events.get(kind=Stage.ORDER_TO_VACATE)
    assert at(Stage.ORDER_TO_VACATE, secretariat) == ["CQL-ANNULE"]

    services.cancel_event(event=cql, reason="Erreur", user=secretariat)

    assert at(Stage.ORDER_TO_VACATE, secretariat) == []
    assert at(Stage.JUDGMENT, secretariat) == ["CQL-ANNULE"]


def at(stage, user):
    filtered = ProcedureFilter({"stage": stage}, queryset=procedures_for_list(user)).qs
    return list(filtered.values_list("reference", flat=True))

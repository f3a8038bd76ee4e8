"""The SIAO list names the organisation that follows the household (formats.md, annexe 5)."""

import datetime

import pytest

from letters.services import weekly_lists
from letters.services.weekly_lists import ListKind
from procedure import services as procedure_services
from procedure.models import PoliceDecision, Stage
from referrals.models import Referral
from tests.referrals.factories import case_in, referral

pytestmark = pytest.mark.django_db


def _granted(procedure, on):
    procedure_services.record_event(
        procedure=procedure, kind=Stage.POLICE_ASSISTANCE, date=on, police_decision=PoliceDecision.GRANTED
    )


def _siao_rows(on):
    return {row["reference"]: row for row in weekly_lists.rows(ListKind.SIAO, weekly_lists.week_start_of(on))}


def test_the_siao_list_names_the_social_service_that_took_on_the_dsf(secretariat, social_worker):
    procedure = case_in("21231", stage=Stage.POLICE_REQUEST, on=datetime.date(2026, 9, 1))
    referral(procedure=procedure, secretariat=secretariat, worker=social_worker, status=Referral.Status.DONE)
    granted_on = datetime.date(2026, 11, 4)
    _granted(procedure, granted_on)

    row = _siao_rows(granted_on)[procedure.reference]

    assert row["referent_social"] == "CCAS de Dijon"


def test_a_refused_or_unanswered_request_makes_no_referent(secretariat, social_worker):
    procedure = case_in("21231", stage=Stage.POLICE_REQUEST, on=datetime.date(2026, 9, 1))
    referral(
        procedure=procedure, secretariat=secretariat, worker=social_worker, status=Referral.Status.REFUSED
    )
    granted_on = datetime.date(2026, 11, 4)
    _granted(procedure, granted_on)

    assert _siao_rows(granted_on)[procedure.reference]["referent_social"] == ""

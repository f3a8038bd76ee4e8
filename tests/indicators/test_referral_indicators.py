"""Indicators counted from referrals and support measures (referrals app), in Europe/Paris."""

import datetime
import zoneinfo

import pytest

from indicators import counting
from referrals.models import Referral, SupportMeasure
from tests.factories import OrganisationFactory
from tests.procedure.factories import ProcedureFactory

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def at(*args):
    return datetime.datetime(*args, tzinfo=PARIS)


def referral(kind, requested_at, **fields):
    if kind == Referral.Kind.CCAPEX_DIAGNOSIS:
        fields.setdefault("funding_source", Referral.FundingSource.STATE)
    return Referral.objects.create(
        procedure=ProcedureFactory(holder=False),
        kind=kind,
        addressed_to=OrganisationFactory(ccas=True),
        requested_at=requested_at,
        **fields,
    )


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("dsf_demandes", Referral.Kind.DSF),
        ("diagnostics_ccapex_demandes", Referral.Kind.CCAPEX_DIAGNOSIS),
        ("orientations_siao", Referral.Kind.SOCIAL_WATCH),
    ],
)
def test_requested_referral_counts_in_its_paris_year(code, kind):
    referral(kind, at(2024, 12, 31, 23, 30))  # 22:30 UTC: still 2024 in Paris
    referral(kind, at(2025, 1, 1, 0, 30))  # 23:30 UTC on 31 December: already 2025 in Paris
    referral(kind, at(2025, 6, 1, 10))
    counts = counting.counts_by_year([2024, 2025])
    assert (counts[code, 2024], counts[code, 2025]) == (1, 2)


def test_dsf_realises_counts_done_dsf_in_the_year_they_were_closed():
    referral(Referral.Kind.DSF, at(2024, 12, 1), status=Referral.Status.DONE, closed_at=at(2025, 1, 1, 0, 15))
    referral(Referral.Kind.DSF, at(2024, 12, 1), status=Referral.Status.UNREACHABLE, closed_at=at(2025, 1, 5))
    referral(Referral.Kind.DSF, at(2024, 12, 1))
    counts = counting.counts_by_year([2024, 2025])
    assert (counts["dsf_realises", 2024], counts["dsf_realises", 2025]) == (0, 1)
    assert counts["dsf_demandes", 2024] == 3


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("asll_maintien", SupportMeasure.Kind.ASLL),
        ("masp_impayes", SupportMeasure.Kind.MASP_SIMPLE),
        ("masp_impayes", SupportMeasure.Kind.MASP_REINFORCED),
    ],
)
def test_support_measure_counts_in_the_year_it_started(code, kind):
    for start in (datetime.date(2024, 12, 31), datetime.date(2025, 1, 1), None):
        SupportMeasure.objects.create(
            procedure=ProcedureFactory(holder=False),
            kind=kind,
            proposed_on=datetime.date(2024, 12, 1),
            start_date=start,
        )
    counts = counting.counts_by_year([2024, 2025])
    assert (counts[code, 2024], counts[code, 2025]) == (1, 1)


def test_other_support_measures_are_not_asll_nor_masp():
    SupportMeasure.objects.create(
        procedure=ProcedureFactory(holder=False),
        kind=SupportMeasure.Kind.MLDA,
        proposed_on=datetime.date(2025, 1, 1),
        start_date=datetime.date(2025, 2, 1),
    )
    counts = counting.counts_by_year([2025])
    assert counts["asll_maintien", 2025] == counts["masp_impayes", 2025] == 0


def test_monthly_series_puts_a_referral_in_its_paris_month():
    referral(Referral.Kind.DSF, at(2025, 2, 1, 0, 30))  # 31 January 23:30 UTC
    series = counting.counts_by_month(2025)["dsf_demandes"]
    assert series[:3] == [0, 1, 0]

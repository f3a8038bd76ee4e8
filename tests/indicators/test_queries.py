"""Issue 11: a year's 24 indicators in a bounded number of queries, the same whatever the number of
départements, cases and acts (one grouped query per source and kind of count); and, on PostgreSQL,
no sequential scan of the procedures or their events where an index serves (the plans are read with
sequential scans disabled, as in tests/procedure/test_query_plans.py)."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from indicators import counting, dashboard, national
from procedure.models import EventKind, PoliceDecision, Procedure
from tests.factories import CommuneFactory
from tests.procedure.factories import ProcedureFactory

from .factories import event

pytestmark = pytest.mark.django_db

YEAR = 2025
WATCHED = ("procedure_procedure", "procedure_procedureevent")
# The charter's objective, the supplied figures of the years and of the objective's years, the
# evictions of the objective's years before those shown.
FIXED = 4


def acts_in(departement, cases):
    commune = CommuneFactory(insee_code=f"{departement}001", departement_code=departement)
    for _ in range(cases):
        procedure = ProcedureFactory(lease__commune=commune, holder=False)
        event(EventKind.PAYMENT_ORDER, datetime.date(YEAR, 2, 1), procedure)
        event(EventKind.SUMMONS, datetime.date(YEAR, 4, 1), procedure)
        event(
            EventKind.POLICE_ASSISTANCE,
            datetime.date(YEAR, 6, 1),
            procedure,
            police_decision=PoliceDecision.GRANTED,
        )
        event(EventKind.DALO_APPEAL, datetime.date(YEAR - 1, 6, 1), procedure)
        event(EventKind.EVICTION, datetime.date(2019, 6, 1), procedure)


def queries(build):
    with CaptureQueriesContext(connection) as captured:
        build()
    return [query["sql"] for query in captured.captured_queries]


def test_a_years_indicators_in_one_query_per_source_whatever_the_departements_and_cases():
    acts_in("21", 1)
    dashboard.build(YEAR)  # which sources exist is read once per process
    few = queries(lambda: dashboard.build(YEAR))
    for number in range(1, 21):
        acts_in(f"{number:02d}", 1)
    many = queries(lambda: dashboard.build(YEAR))
    board = dashboard.build(YEAR)
    figures = {indicator.code: values[-1].value for indicator, values in board.rows}
    assert (figures["commandements_payer"], figures["cfp_accordes"], figures["assignations"]) == (21, 21, 21)
    assert board.monthly.rows[1][1] == 21  # February's commandements de payer
    assert len(many) == len(few) <= len(counting._by_source()) + FIXED


def test_a_departements_indicators_in_as_many_queries_as_the_countrys():
    acts_in("21", 2)
    acts_in("71", 2)
    dashboard.build(YEAR)  # which sources exist is read once per process
    country = queries(lambda: dashboard.build(YEAR))
    own = queries(lambda: dashboard.build(YEAR, counting.Scope(departement="71")))
    assert len(own) == len(country)
    assert dashboard.build(YEAR, counting.Scope(departement="71")).rows[1][1][-1].value == 2


def test_the_monthly_series_and_the_years_come_from_the_same_queries():
    """The months of the year shown are the sums the years are made of: no second pass on the acts."""
    acts_in("21", 2)
    dashboard.build(YEAR)  # which sources exist is read once per process
    sql = queries(lambda: dashboard.build(YEAR))
    on_events = [q for q in sql if "procedure_procedureevent" in q]
    # Plain counts, household counts, the DALO priorities not rehoused, the earlier evictions.
    assert len(on_events) == 4


def plan(sql, *disabled):
    with transaction.atomic(), connection.cursor() as cursor:
        for method in ("seqscan", *disabled):
            cursor.execute(f"SET LOCAL enable_{method} = off")
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("plans de requête vérifiés sur PostgreSQL seulement")


@pytest.mark.usefixtures("postgresql")
@pytest.mark.parametrize(
    "build",
    [
        lambda: dashboard.build(YEAR),
        lambda: dashboard.build(YEAR, counting.Scope(departement="21")),
        lambda: national.build(YEAR, "commandements_payer"),
    ],
    ids=["pays", "departement", "vue-nationale"],
)
def test_no_sequential_scan_of_the_cases_or_their_acts(build):
    acts_in("21", 2)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    scans = {}
    for sql in queries(build):
        found = [table for table in WATCHED if f"Seq Scan on {table} " in plan(sql)]
        if found:
            scans[sql[:160]] = found
    assert scans == {}


@pytest.mark.usefixtures("postgresql")
def test_the_acts_are_grouped_in_the_order_of_the_counting_index():
    acts_in("21", 2)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    (plain,) = [
        q for q in queries(lambda: counting.count([YEAR])) if "COUNT(*)" in q and "procedureevent" in q
    ]
    # Bitmaps, sorts and hashing disabled as well: PostgreSQL still sorts when no index gives the order.
    found = plan(plain, "bitmapscan", "sort", "hashagg")
    assert "Scan using event_kind_date_counted_idx" in found and "Sort" not in found, found


def test_a_cancelled_act_is_not_counted():
    acts_in("21", 1)
    Procedure.objects.get().events.filter(kind=EventKind.SUMMONS).update(
        cancelled_at=datetime.datetime.now(datetime.UTC)
    )
    assert counting.counts_by_year([YEAR])["assignations", YEAR] == 0


def test_the_national_view_reads_the_departement_of_acts_and_referrals_without_joining_their_cases():
    """Decision 017: the acts and the referrals carry their case's département; the national view's
    queries read it there, never joining each row to its procedure (hash joins of every act and
    every referral with every procedure: 2.4 of the national view's 2.4 s at 500,000)."""
    acts_in("21", 1)
    acts_in("71", 1)
    counted = queries(lambda: national.counts([YEAR]))
    on_acts = [sql for sql in counted if 'FROM "procedure_procedureevent"' in sql]
    on_referrals = [sql for sql in counted if 'FROM "referrals_referral"' in sql]
    assert (len(on_acts), len(on_referrals)) == (3, 3)  # plain, households, DALO; asked, done, households
    assert [sql for sql in on_acts + on_referrals if 'JOIN "procedure_procedure"' in sql] == []
    table = national.counts([YEAR])
    assert (table["commandements_payer", "21", YEAR], table["commandements_payer", "71", YEAR]) == (1, 1)


@pytest.mark.usefixtures("postgresql")
def test_the_national_view_counts_the_acts_from_an_index_of_the_counted_acts_alone():
    """Either partial index of the acts counted, (département, kind, date, decision) or (kind, date,
    decision): on a few rows the planner takes one or the other (the second once in CI); the
    procedures are never read."""
    acts_in("21", 2)
    acts_in("71", 2)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    (plain,) = [
        q
        for q in queries(lambda: national.counts([YEAR]))
        if "procedureevent" in q and "COUNT(DISTINCT" not in q and '"kind" IN' in q
    ]
    found = plan(plain, "bitmapscan")
    indexes = ("using event_dep_kind_date_idx", "using event_kind_date_counted_idx")
    assert any(index in found for index in indexes) and " on procedure_procedure " not in found, found

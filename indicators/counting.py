"""Counting the Charte's indicators in the database: one aggregate query per source and grain.

An event counts in the year (and month) of its date (formats.md); a territory is the set of its
communes, matched on the lease's commune; a sector is the lease's (parc public / privé).
"""

from collections import defaultdict
from dataclasses import dataclass
from itertools import groupby

from django.db.models import Count, DateTimeField, Q
from django.db.models.functions import ExtractYear, TruncMonth

from directory.models import Commune

from .sources import SOURCES, counted_indicators


@dataclass(frozen=True)
class Scope:
    """What the figures cover: the whole département, or one territory, and either sector or one;
    `departement`: the cases of that département only (a secretariat's figures, issue 16), every
    case when empty."""

    territory: object = None
    sector: str = ""
    departement: str = ""

    @property
    def is_departement(self):
        return self.territory is None


DEPARTEMENT = Scope()


def scoped(queryset, source, scope):
    path = source.procedure_field
    if scope.departement:
        queryset = queryset.filter(**{source.departement: scope.departement})
    if scope.territory is not None:
        communes = Commune.objects.filter(territories=scope.territory).values("pk")
        queryset = queryset.filter(**{f"{path}__lease__commune__in": communes})
    if scope.sector:
        queryset = queryset.filter(**{f"{path}__lease__sector": scope.sector})
    return queryset


def _any_of(indicators):
    """Rows any of the indicators counts, as `kind IN (…)` where it can: lets the database use
    the (kind, date) index, or test each row once against a hashed list."""
    if any(not indicator.condition for indicator in indicators):
        return Q()
    kinds = [i.condition["kind"] for i in indicators if "kind" in i.condition]
    others = [i for i in indicators if "kind" not in i.condition]
    condition = Q(kind__in=sorted(set(kinds))) if kinds else Q(pk__in=[])
    for indicator in others:
        condition |= indicator.q()
    return condition


def _by_source(codes=None):
    """Indicators grouped by source, household counts (COUNT DISTINCT per year) apart from plain
    counts (rows per month, summed here): one query for each."""
    key = lambda i: (i.source, i.households)  # noqa: E731
    indicators = sorted([i for i in counted_indicators() if codes is None or i.code in codes], key=key)
    return [(SOURCES[name], list(group)) for (name, _), group in groupby(indicators, key=key)]


def _fields(indicators):
    """The columns the indicators' conditions read (`kind`, `police_decision`…), to group by."""
    return sorted({key.split("__")[0] for i in indicators for key in (i.condition or {})})


def matches(indicator, row):
    """Whether a grouped row (its columns' values) is one the indicator counts: an equality or
    an `__in` list, the only lookups definitions.py uses."""
    for key, expected in (indicator.condition or {}).items():
        field, _, lookup = key.partition("__")
        if lookup not in ("", "in"):
            raise ValueError(f"{indicator.code}: condition {key} non prise en charge")
        if (row[field] not in expected) if lookup == "in" else (row[field] != expected):
            return False
    return True


def in_years(rows, date, years):
    """A range on the date (the (kind, date) index), never a function of the column."""
    return rows.filter(**{f"{date}__year__gte": years[0], f"{date}__year__lte": years[-1]})


def tally(rows, source, indicators, period, *keys):
    """{(code, *keys, period): count} of plain (row) counts: the rows are counted once per group of
    `keys`, period and the columns the conditions read (COUNT(*), no per-indicator filter), and
    each group is given to every indicator whose condition it meets. Grouped in the order of the
    events' (kind, date, police_decision) index, PostgreSQL aggregates them as it reads the index."""
    fields = _fields(indicators)
    if isinstance(period, str):  # a date column: grouped in the order given, kind first
        first = [f for f in fields if f == "kind"]
        rows = rows.values(*keys, *first, period, *[f for f in fields if f not in first])
    else:
        rows = rows.annotate(period=period).values(*keys, "period", *fields)
        period = "period"
    totals = defaultdict(int)
    for row in rows.annotate(rows=Count("*")):
        for indicator in indicators:
            if matches(indicator, row):
                totals[(indicator.code, *(row[k] for k in keys), row[period])] += row["rows"]
    return totals


def per_year(rows, source, indicators, years, *keys):
    """{(code, *keys, year): count} of plain counts, one COUNT a year on a range of the date (a
    datetime's year in Europe/Paris), grouped by `keys` and the conditions' columns only: few groups,
    hashed in memory, and no function of the column computed on each row."""
    date = source.date_field
    counts = {f"y{year}": Count("pk", filter=Q(**{f"{date}__year": year})) for year in years}
    columns = [*keys, *_fields(indicators)]
    grouped = rows.values(*columns).annotate(**counts) if columns else [rows.aggregate(**counts)]
    totals = defaultdict(int)
    for row in grouped:
        for indicator in indicators:
            if matches(indicator, row):
                for year in years:
                    totals[(indicator.code, *(row[k] for k in keys), year)] += row[f"y{year}"]
    return totals


def distinct_households(rows, source, indicators, period, *keys):
    """{(code, *keys, period): households}: a household (procedure) counts once a period."""
    rows = rows.annotate(period=period).values(*keys, "period", *_fields(indicators))
    counts = {
        i.code: Count(source.procedure_field, filter=i.q() if i.condition else None, distinct=True)
        for i in indicators
    }
    totals = defaultdict(int)
    for row in rows.annotate(**counts):
        for indicator in indicators:
            totals[(indicator.code, *(row[k] for k in keys), row["period"])] += row[indicator.code]
    return totals


def is_datetime(source):
    return isinstance(source.model()._meta.get_field(source.date_field), DateTimeField)


@dataclass
class Counts:
    """A year range's counted figures: per year for every indicator, per month for the acts' plain
    counts (the dashboard's monthly series)."""

    years: list
    yearly: dict  # {(code, year): count}
    monthly: dict  # {(code, year, month): count}, plain counts of dated rows only

    def months(self, code, year):
        return [self.monthly.get((code, year, month), 0) for month in range(1, 13)]


def count(years, scope=DEPARTEMENT, codes=None):
    """The counted indicators (or those of `codes`) over `years`, one query per source and kind of
    count: acts (dates) grouped by day in the order of their index (the months and years are sums),
    datetimes counted a year at a time, household counts by year."""
    years = sorted(set(years))
    codes_counted = [i.code for i in counted_indicators() if codes is None or i.code in codes]
    yearly = {(code, year): 0 for code in codes_counted for year in years}
    monthly = defaultdict(int)
    for source, indicators in _by_source(codes):
        date = source.date_field
        rows = in_years(scoped(source.rows(), source, scope).filter(_any_of(indicators)), date, years)
        if indicators[0].households:
            grouped = distinct_households(rows, source, indicators, ExtractYear(date))
        elif is_datetime(source):
            grouped = per_year(rows, source, indicators, years)
        else:
            for (code, day), n in tally(rows, source, indicators, date).items():
                monthly[code, day.year, day.month] += n
            continue
        for (code, year), n in grouped.items():
            if year in years:
                yearly[code, year] = n
    for (code, year, _), n in monthly.items():
        if year in years:
            yearly[code, year] += n
    return Counts(years, yearly, dict(monthly))


def counts_by_year(years, scope=DEPARTEMENT, codes=None):
    """{(code, year): count} for the counted indicators (or those of `codes`), every year given
    (0 when nothing)."""
    return count(years, scope, codes).yearly


def counts_by_month(year, scope=DEPARTEMENT, codes=None):
    """{code: [count for January … December]} for the counted indicators of one year (months
    in Europe/Paris for datetimes); a household counts once a month."""
    result = {i.code: [0] * 12 for i in counted_indicators() if codes is None or i.code in codes}
    for source, indicators in _by_source(codes):
        date = source.date_field
        rows = in_years(scoped(source.rows(), source, scope).filter(_any_of(indicators)), date, [year])
        if indicators[0].households:
            grouped = distinct_households(rows, source, indicators, TruncMonth(date))
        else:
            grouped = tally(rows, source, indicators, TruncMonth(date) if is_datetime(source) else date)
        for (code, day), n in grouped.items():
            result[code][day.month - 1] += n
    return result


def rows_behind(indicator, *, year, month=None, scope=DEPARTEMENT):
    """The source rows a counted figure counts (for the list of procedures behind it)."""
    source = SOURCES[indicator.source]
    date = source.date_field
    rows = scoped(source.rows(), source, scope).filter(indicator.q(), **{f"{date}__year": year})
    if month:
        rows = rows.filter(**{f"{date}__month": month})
    return rows.values(source.procedure_field)

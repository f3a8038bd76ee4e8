"""Counting the Charte's indicators in the database: one aggregate query per source and grain.

An event counts in the year (and month) of its date (formats.md); a territory is the set of its
communes, matched on the lease's commune; a sector is the lease's (parc public / privé).
"""

from collections import defaultdict
from dataclasses import dataclass
from itertools import groupby

from django.db.models import Count, Q
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
        queryset = queryset.filter(**{f"{path}__departement_code": scope.departement})
    if scope.territory is not None:
        communes = Commune.objects.filter(territories=scope.territory).values("pk")
        queryset = queryset.filter(**{f"{path}__lease__commune__in": communes})
    if scope.sector:
        queryset = queryset.filter(**{f"{path}__lease__sector": scope.sector})
    return queryset


def _count(indicator, source):
    if indicator.households:
        return Count(source.procedure_field, filter=indicator.q(), distinct=True)
    return Count("pk", filter=indicator.q())


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
    """Indicators grouped by source, household counts (COUNT DISTINCT, sorted aggregation) apart
    from plain counts (hashed aggregation): two cheap queries rather than one slow one."""
    key = lambda i: (i.source, i.households)  # noqa: E731
    indicators = sorted([i for i in counted_indicators() if codes is None or i.code in codes], key=key)
    return [(SOURCES[name], list(group)) for (name, _), group in groupby(indicators, key=key)]


def _count(indicator, source):
    if indicator.households:
        return Count(source.procedure_field, filter=indicator.q(), distinct=True)
    return Count("pk", filter=indicator.q())


def _grouped(rows, source, indicators, period):
    """Counts per period (a year or a month) and kind, summed over kinds: grouping by the kind
    column as well lets PostgreSQL estimate few groups and aggregate by hashing, not sorting."""
    rows = rows.annotate(period=period).values("period", *source.condition_fields)
    totals = defaultdict(int)
    for row in rows.annotate(**{i.code: _count(i, source) for i in indicators}):
        for indicator in indicators:
            totals[indicator.code, row["period"]] += row[indicator.code]
    return totals


def counts_by_year(years, scope=DEPARTEMENT, codes=None):
    """{(code, year): count} for the counted indicators (or those of `codes`), every year given
    (0 when nothing)."""
    years = sorted(set(years))
    result = {
        (i.code, year): 0 for i in counted_indicators() if codes is None or i.code in codes for year in years
    }
    for source, indicators in _by_source(codes):
        date = source.date_field
        rows = scoped(source.rows(), source, scope).filter(
            _any_of(indicators), **{f"{date}__year__gte": years[0], f"{date}__year__lte": years[-1]}
        )
        for (code, year), count in _grouped(rows, source, indicators, ExtractYear(date)).items():
            if year in years:
                result[code, year] = count
    return result


def counts_by_month(year, scope=DEPARTEMENT):
    """{code: [count for January … December]} for the counted indicators of one year (months
    in Europe/Paris for datetimes)."""
    result = {indicator.code: [0] * 12 for indicator in counted_indicators()}
    for source, indicators in _by_source():
        date = source.date_field
        rows = scoped(source.rows(), source, scope).filter(_any_of(indicators), **{f"{date}__year": year})
        for (code, month), count in _grouped(rows, source, indicators, TruncMonth(date)).items():
            result[code][month.month - 1] = count
    return result


def rows_behind(indicator, *, year, month=None, scope=DEPARTEMENT):
    """The source rows a counted figure counts (for the list of procedures behind it)."""
    source = SOURCES[indicator.source]
    date = source.date_field
    rows = scoped(source.rows(), source, scope).filter(indicator.q(), **{f"{date}__year": year})
    if month:
        rows = rows.filter(**{f"{date}__month": month})
    return rows.values(source.procedure_field)

"""The national view: the counted indicators per département and for the country, and the −30 %
objective per département (issue 16, item 4).

Aggregated figures only: no case, no name, and every count under 5 is shown "< 5" (statistical
secrecy), the country's totals included. The indicators are those of `definitions.py` counted from
their sources (`sources.py`) as the département dashboard counts them (`counting.py`), grouped by the
département holding each case (`Procedure.departement_code`: the lease's commune's at creation, the
new one after an accepted transfer, procedure/transfers.py; the acts carry a copy of it, read
without joining the procedures, decision 017), in one query per source. A supplied
indicator is entered by each département's referent and is not aggregated here.

The pages and exports do not count: they read the counts `counts()` stored at the last refresh
(national_counts.py, decision 019), handed to `build` and `export_rows` as `table`.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import F
from django.db.models.functions import ExtractYear
from django.utils.timezone import localtime

from directory.departements.loading import departement_names
from directory.exports import csv_text, xlsx_bytes
from directory.models import Commune

from . import counting
from . import definitions as d
from .models import CharterObjective
from .sources import counted_indicators

SMALL = 5
HIDDEN = "< 5"
COUNTRY = "FR"
COMPARED_YEARS = 4  # the year shown and the four before it
EXPORT_HEADER = ["indicator", "departement", "year", "value", "counted_at"]


def shown(count: int) -> int | str:
    """A count as the national view shows it: under 5, hidden."""
    return HIDDEN if count < SMALL else count


def counts(years) -> dict:
    """{(indicator code, département code, year): count} for the counted indicators, in one query
    per source and kind of count (counting.per_year, counting.distinct_households)."""
    years = sorted(set(years))
    result = defaultdict(int)
    for source, indicators in counting._by_source():
        date = source.date_field
        rows = counting.in_years(source.rows().filter(counting._any_of(indicators)), date, years)
        rows = rows.annotate(departement=F(source.departement))
        if indicators[0].households:
            grouped = counting.distinct_households(rows, source, indicators, ExtractYear(date), "departement")
        else:
            grouped = counting.per_year(rows, source, indicators, years, "departement")
        for key, count in grouped.items():
            result[key] += count
    return result


def departements(table=None, holding=()) -> list[tuple[str, str]]:
    """The départements set up in this install (their communes are loaded), and those holding a case
    counted in `table` (or named in `holding`), by code: a country's total is the sum of its rows."""
    names = departement_names()
    codes = set(Commune.objects.order_by().values_list("departement_code", flat=True).distinct())
    codes |= {key[1] for key in table or () if key[1]} | {code for code in holding if code}
    return sorted(((code, names.get(code, code)) for code in codes), key=lambda place: _order(place[0]))


def _order(code: str) -> str:
    """The official order: 19, 2A, 2B, 21 … 95, 971."""
    return "20" + code[1] if code in ("2A", "2B") else code


@dataclass
class View:
    year: int
    years: list
    indicator: d.Indicator
    rows: list  # [(code, name, [shown count per year])]
    country: list  # [shown count per year]
    objective: CharterObjective
    objective_rows: list  # [(code, name, baseline, actual, target, gap)]


def years_of(year: int, objective: CharterObjective) -> list[int]:
    """The years a view counts: the year shown, the four before it and the objective's baseline."""
    return sorted({*range(year - COMPARED_YEARS, year + 1), objective.baseline_year})


def build(year: int, indicator_code: str, table: dict | None = None, holding=()) -> View:
    """One indicator's view from `table` (counts(years_of(…)), or the stored counts of those years,
    national_counts.table; counted here when None); `holding`: the départements holding a counted
    case of any indicator, when `table` holds only some (the rows are the same for every one)."""
    objective = CharterObjective.current()
    years = list(range(year - COMPARED_YEARS, year + 1))
    table = counts(years_of(year, objective)) if table is None else table
    places = departements(table, holding)
    rows = [(code, name, [shown(table[indicator_code, code, y]) for y in years]) for code, name in places]
    country = [shown(sum(table[indicator_code, code, y] for code, _ in places)) for y in years]
    return View(
        year=year,
        years=years,
        indicator=d.BY_CODE[indicator_code],
        rows=rows,
        country=country,
        objective=objective,
        objective_rows=_objective_rows(table, places, objective, year),
    )


def _objective_rows(table, places, objective, year):
    """Evictions against the objective, per département and for the country: the target is hidden
    with its baseline, the gap with either figure."""
    rows = []
    for code, name in [*places, (COUNTRY, "France entière")]:
        codes = [c for c, _ in places] if code == COUNTRY else [code]
        baseline = sum(table[d.EVICTIONS, c, objective.baseline_year] for c in codes)
        actual = sum(table[d.EVICTIONS, c, year] for c in codes)
        target = objective.target(baseline, year) if baseline >= SMALL else None
        gap = None if target is None or actual < SMALL else round(actual - target, 1)
        rows.append((code, name, shown(baseline), shown(actual), target, gap))
    return rows


def export_rows(years, table=None, counted_at=None) -> list[list]:
    """One row per counted indicator, département (then the country, "FR") and year, from `table`
    (counted here when None) and the instant its figures are as of (ISO 8601, Europe/Paris)."""
    table = counts(years) if table is None else table
    as_of = localtime(counted_at).isoformat(timespec="minutes") if counted_at else ""
    places = [code for code, _ in departements(table)]
    rows = []
    for indicator in counted_indicators():
        for year in sorted(set(years)):
            for code in places:
                rows.append([indicator.code, code, year, shown(table[indicator.code, code, year]), as_of])
            total = sum(table[indicator.code, code, year] for code in places)
            rows.append([indicator.code, COUNTRY, year, shown(total), as_of])
    return rows


def rows_csv(rows) -> str:
    return csv_text(EXPORT_HEADER, rows)


def rows_xlsx(rows) -> bytes:
    return xlsx_bytes("indicateurs", EXPORT_HEADER, rows)

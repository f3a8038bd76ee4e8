"""What the dashboard and the annual report show for a year: the figures beside the previous
years', the funnel of the procedure, the monthly series and the evictions against the Charte's
objective (−30 % of households evicted over its five years, Charte I)."""

from dataclasses import dataclass

from . import charts, counting, services
from . import definitions as d
from .models import CharterObjective

MONTHS = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]
PREVIOUS_YEARS = 2


@dataclass
class Chart:
    title: str
    svg: str
    headers: list
    rows: list  # [label, value, value…]


@dataclass
class Dashboard:
    year: int
    years: list
    scope: counting.Scope
    objective: CharterObjective
    rows: list  # [(indicator, [Figure per year])]
    funnel: Chart
    monthly: Chart
    evictions: Chart
    objective_rows: list


def build(year, scope=counting.DEPARTEMENT):
    objective = CharterObjective.current()
    years = list(range(year - PREVIOUS_YEARS, year + 1))
    counted = counting.count(years, scope)  # the years and the months: one query per source
    table = services.figures(years, scope, counted=counted.yearly)
    rows = [(indicator, [table[indicator.code][y] for y in years]) for indicator in d.INDICATORS]
    evictions_years = list(range(objective.baseline_year, max(objective.last_year, year) + 1))
    evicted = services.figures(
        evictions_years,
        scope,
        codes=[d.EVICTIONS],
        counted=_evictions_counted(counted, evictions_years, scope),
    )
    evictions, objective_rows = _evictions(evicted, objective, evictions_years)
    return Dashboard(
        year=year,
        years=years,
        scope=scope,
        objective=objective,
        rows=rows,
        funnel=_funnel(table, year),
        monthly=_monthly(counted, year),
        evictions=evictions,
        objective_rows=objective_rows,
    )


def _funnel(table, year):
    items = [
        (d.BY_CODE[code].label.replace("Nombre de ", "").replace("Nombre d'", ""), table[code][year].value)
        for code in d.FUNNEL
    ]
    items = [(label[0].upper() + label[1:], value) for label, value in items]
    title = f"Du commandement de payer à l'expulsion, {year}"
    return Chart(
        title, charts.hbar_chart(title, items), ["Étape", "Nombre"], [[label, v] for label, v in items]
    )


def _evictions_counted(counted, years, scope):
    """The evictions of the objective's years: those of the years shown are counted already, the
    earlier ones are read from the (kind, date) index."""
    known = {(code, y): n for (code, y), n in counted.yearly.items() if code == d.EVICTIONS and y in years}
    if not known:
        return None  # supplied, or none of the years shown: services.figures reads them
    earlier = [y for y in years if (d.EVICTIONS, y) not in known]
    return known | counting.counts_by_year(earlier, scope, codes=[d.EVICTIONS]) if earlier else known


def _monthly(counted, year):
    """The monthly series of the acts (plain counts, MONTHLY) of the year shown."""
    codes = [code for code in d.MONTHLY if (code, year) in counted.yearly]
    series = {code: counted.months(code, year) for code in codes}
    lines = [
        charts.Series(_short(code), series[code], charts.PALETTE[i % len(charts.PALETTE)])
        for i, code in enumerate(codes)
    ]
    title = f"Actes de la procédure par mois, {year}"
    rows = [[MONTHS[m], *[series[code][m] for code in codes]] for m in range(12)]
    return Chart(
        title, charts.bar_line_chart(title, MONTHS, lines=lines), ["Mois", *map(_short, codes)], rows
    )


SHORT = {
    "commandements_payer": "Commandements de payer",
    "assignations": "Assignations",
    "commandements_quitter": "Commandements de quitter",
    "expulsions_effectives": "Expulsions",
}


def _short(code):
    return SHORT.get(code, d.BY_CODE[code].label)


def _evictions(table, objective, years):
    """The evictions of each year from the baseline, against the target line (which stays at
    −reduction % after the Charte's last year)."""
    actual = [table[d.EVICTIONS][y].value for y in years]
    baseline = actual[0]
    targets = [objective.target(baseline, y) if baseline else None for y in years]
    title = (
        f"Expulsions effectives et objectif de la Charte (−{objective.reduction_percent} % "
        f"entre {objective.baseline_year} et {objective.last_year})"
    )
    svg = charts.bar_line_chart(
        title,
        years,
        bars=[charts.Series("Expulsions effectives", actual, charts.BLUE)],
        lines=[charts.Series("Objectif de la Charte", targets, charts.RED, dashed=True)],
    )
    rows = [[y, a, _fmt(t), _gap(a, t)] for y, a, t in zip(years, actual, targets, strict=True)]
    headers = ["Année", "Expulsions effectives", "Objectif", "Écart à l'objectif"]
    return Chart(title, svg, headers, rows), rows


def _fmt(value):
    if value is None:
        return "—"
    return f"{value:.1f}".replace(".", ",").replace(",0", "")


def _gap(actual, target):
    if actual is None or target is None:
        return "—"
    gap = actual - target
    return ("+" if gap > 0 else "") + _fmt(gap)

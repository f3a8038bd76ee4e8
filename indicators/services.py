"""The indicators' figures (counted or supplied), entering a supplied figure, and the exports.

Charte IV: the CCAPEX plénière presents each year the follow-up indicators the Charte defines;
each has a referent organisation, which supplies the figure when Prévex cannot count it.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from directory.exports import csv_text, xlsx_bytes
from directory.models import Role

from . import counting
from . import definitions as d
from .models import SuppliedFigure
from .sources import status


@dataclass(frozen=True)
class Figure:
    indicator: d.Indicator
    year: int
    value: int | None
    status: str  # d.COUNTED or d.SUPPLIED
    supplied: SuppliedFigure | None = None

    @property
    def is_counted(self):
        return self.status == d.COUNTED

    @property
    def provenance(self):
        """Who the figure comes from, as the dashboard and the report say it."""
        if self.is_counted:
            return "Compté par Prévex"
        if self.supplied is None:
            return f"À fournir par : {self.indicator.referent}"
        entered = timezone.localtime(self.supplied.entered_at)
        return (
            f"Fourni par {self.supplied.organisation.name} "
            f"({self.supplied.entered_by.get_full_name()}, le {entered:%d/%m/%Y})"
        )


def supplied_figures(years, scope):
    """{(code, year): SuppliedFigure}; supplied figures are per territory, never per sector."""
    if scope.sector:
        return {}
    figures = SuppliedFigure.objects.filter(year__in=list(years), territory=scope.territory).select_related(
        "organisation", "entered_by"
    )
    if scope.departement:  # the département's own figures (issue 16)
        figures = figures.filter(departement_code=scope.departement)
    return {(figure.indicator, figure.year): figure for figure in figures}


def figures(years, scope=counting.DEPARTEMENT, codes=None, counted=None):
    """{code: {year: Figure}} for the 24 indicators (or those of `codes`) and every year given;
    `counted`: their counts ({(code, year): count}) when the caller has them already."""
    years = sorted(set(years))
    counted = counting.counts_by_year(years, scope, codes) if counted is None else counted
    supplied = supplied_figures(years, scope)
    table = {}
    for indicator in d.INDICATORS:
        if codes is not None and indicator.code not in codes:
            continue
        kind = status(indicator)
        row = {}
        for year in years:
            if kind == d.COUNTED:
                row[year] = Figure(indicator, year, counted[indicator.code, year], kind)
            else:
                entry = supplied.get((indicator.code, year))
                row[year] = Figure(indicator, year, entry.value if entry else None, kind, entry)
        table[indicator.code] = row
    return table


def may_supply(acting, indicator):
    """The secretariat may enter any supplied figure; otherwise only a partner acting for the
    referent organisation (Charte IV, « Référents »), never its social workers or commission members."""
    if acting.is_secretariat:
        return True
    if acting.role != Role.PARTNER or acting.organisation is None:
        return False
    return acting.organisation.kind in indicator.referent_kinds


def supply_figure(*, indicator, year, value, territory=None, user, organisation):
    """Enter (or correct) a yearly figure; who and when are recorded."""
    with transaction.atomic():
        figure, _ = SuppliedFigure.objects.update_or_create(
            indicator=indicator.code,
            year=year,
            territory=territory,
            departement_code=territory.departement_code if territory else organisation.departement_code,
            defaults={
                "value": value,
                "organisation": organisation,
                "entered_by": user,
                "entered_at": timezone.now(),
            },
        )
    return figure


EXPORT_HEADER = ["indicator", "year", "territory", "value"]


def export_rows(years, scope=counting.DEPARTEMENT):
    """One row per indicator and year (formats.md "Indicators export"); empty value when a
    supplied figure has not been entered."""
    table = figures(years, scope)
    territory = scope.territory.code if scope.territory else ""
    return [
        [code, year, territory, "" if table[code][year].value is None else table[code][year].value]
        for year in sorted(set(years))
        for code in d.CODES
    ]


def export_csv(years, scope=counting.DEPARTEMENT):
    return csv_text(EXPORT_HEADER, export_rows(years, scope))


def export_xlsx(years, scope=counting.DEPARTEMENT):
    return xlsx_bytes("indicateurs", EXPORT_HEADER, export_rows(years, scope))

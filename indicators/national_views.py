"""The national view's pages: the figures per département, their CSV/XLSX export and the PDF report.

Only the national steering role (`Role.NATIONAL_STEERING`) opens them (403 otherwise); they read
from the read replica when there is one, and show no case and no name (indicators/national.py).
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from config.db_routers import read_from_replica, reading_from_replica
from directory.acting import acting_role
from directory.forms import DsfrForm
from directory.models import Role
from procedure.background import services as background

from . import definitions as d
from . import national, report
from .forms import _years
from .models import CharterObjective
from .sources import counted_indicators

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def require_national(user) -> None:
    if acting_role(user) != Role.NATIONAL_STEERING:
        raise PermissionDenied("Réservé au pilotage national.")


class NationalFilterForm(DsfrForm):
    year = forms.TypedChoiceField(label="Année", coerce=int, choices=_years)
    indicator = forms.ChoiceField(label="Indicateur")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [(i.code, i.label) for i in counted_indicators()]


def _filters(request):
    data = request.GET.copy()
    data.setdefault("year", str(timezone.localdate().year))
    data.setdefault("indicator", d.EVICTIONS)
    form = NationalFilterForm(data)
    if not form.is_valid():
        form = NationalFilterForm({"year": timezone.localdate().year, "indicator": d.EVICTIONS})
        form.is_valid()
    return form


@require_GET
@read_from_replica
def national_view(request):
    require_national(request.user)
    form = _filters(request)
    view = national.build(form.cleaned_data["year"], form.cleaned_data["indicator"])
    context = {"title": "Pilotage national", "form": form, "view": view, "query": request.GET.urlencode()}
    return render(request, "indicators/national.html", context)


@require_GET
def national_export(request):
    """The national figures as CSV, XLSX or the PDF report: a nation's worth of rows (every counted
    indicator × 101 départements × the compared years) and a WeasyPrint rendering, so built in the
    background (procedure/background/) while the user follows its progress."""
    require_national(request.user)
    form = _filters(request)
    year = form.cleaned_data["year"]
    years = list(range(year - national.COMPARED_YEARS, year + 1))
    kind = request.GET.get("format")
    kind = kind if kind in ("pdf", "xlsx") else "csv"
    export = background.start(
        request,
        kind=f"indicateurs_nationaux_{kind}",
        params={"year": year},
        filename=f"indicateurs-nationaux-{years[0]}-{years[-1]}.{kind}",
    )
    return redirect("procedure:background_export", pk=export.pk)


def _years_of(params):
    year = params["year"]
    return list(range(year - national.COMPARED_YEARS, year + 1))


def _as_file(data: bytes | str):
    output = background.spooled()
    output.write(data.encode("utf-8") if isinstance(data, str) else data)
    output.seek(0)
    return output


def build_csv(user, params, progress):
    with reading_from_replica():
        rows = national.export_rows(_years_of(params))
    return _as_file(national.rows_csv(rows)), len(rows)


def build_xlsx(user, params, progress):
    with reading_from_replica():
        rows = national.export_rows(_years_of(params))
    return _as_file(national.rows_xlsx(rows)), len(rows)


def build_pdf(user, params, progress):
    year = params["year"]
    with reading_from_replica():
        table = national.counts(national.years_of(year, CharterObjective.current()))
        indicators = counted_indicators()
        views = []
        for done, indicator in enumerate(indicators, start=1):
            views.append(national.build(year, indicator.code, table))
            progress(done, len(indicators) + 1)
    return _as_file(_pdf_bytes(year, views)), len(views)


BUILDERS = {
    "indicateurs_nationaux_csv": ("text/csv; charset=utf-8", build_csv, "default"),
    "indicateurs_nationaux_xlsx": (XLSX, build_xlsx, "default"),
    "indicateurs_nationaux_pdf": ("application/pdf", build_pdf, "pdf"),
}


def register_builders():
    for kind, (content_type, build, queue) in BUILDERS.items():
        background.register(
            kind,
            background.Builder(
                "Indicateurs nationaux",
                build,
                content_type,
                "indicators:national",
                back_label="Pilotage national",
                queue=queue,
            ),
        )


def _pdf_bytes(year, views) -> bytes:
    from weasyprint import HTML

    context = {"year": year, "views": views, "objective": views[0].objective if views else None}
    context |= {"generated_on": timezone.localdate(), "fonts": report.fonts_base_url()}
    html = render_to_string("indicators/national_report.html", context)
    return HTML(string=html, base_url=report.fonts_base_url()).write_pdf()

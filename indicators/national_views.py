"""The national view's pages: the figures per département, their CSV/XLSX export and the PDF report,
and the refresh of the figures they read.

Only the national steering role (`Role.NATIONAL_STEERING`) opens them (403 otherwise); they read
from the read replica when there is one, and show no case and no name (indicators/national.py).
They count nothing: they read the counts stored at the last refresh (national_counts.py, decision
019) and print when these were « arrêtés ».
"""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from config.db_routers import read_from_replica, reading_from_replica
from directory.acting import acting_role
from directory.forms import DsfrForm
from directory.models import Role
from procedure.background import services as background

from . import definitions as d
from . import national, national_counts, report
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
    year, code = form.cleaned_data["year"], form.cleaned_data["indicator"]
    view, snapshot, running = stored_view(year, code)
    context = {
        "title": "Pilotage national",
        "form": form,
        "view": view,
        "year": year,
        "snapshot": snapshot,
        "running": running,
        "query": request.GET.urlencode(),
    }
    return render(request, "indicators/national.html", context)


def stored_view(year, code):
    """(the view of one indicator from the stored counts, or None when they do not cover its years;
    the newest ready snapshot; the refresh in progress): what the page reads, no act counted."""
    snapshot, running = national_counts.latest(), national_counts.in_progress()
    years = national.years_of(year, CharterObjective.current())
    if not national_counts.covers(snapshot, years):
        return None, snapshot, running
    table = national_counts.table(snapshot, years=years, codes=[code, d.EVICTIONS])
    view = national.build(year, code, table, national_counts.departements_holding(snapshot, years))
    return view, snapshot, running


@require_POST
def national_refresh(request):
    """« Mettre à jour les chiffres »: a refresh queued in the background, unless one is already in
    progress (then that one); back to the page, which says it runs."""
    require_national(request.user)
    _, queued = national_counts.request_refresh(user=request.user)
    if queued:
        messages.success(request, "Mise à jour des chiffres demandée : elle se fait en arrière-plan.")
    else:
        messages.info(request, "Une mise à jour des chiffres est déjà en cours.")
    asked = QueryDict(request.POST.get("query", ""))
    query = urlencode({key: asked[key] for key in ("year", "indicator") if asked.get(key)})
    return redirect(f"{reverse('indicators:national')}{'?' + query if query else ''}")


@require_GET
def national_export(request):
    """The national figures as CSV, XLSX or the PDF report: a nation's worth of rows (every counted
    indicator × 101 départements × the compared years) and a WeasyPrint rendering, so built in the
    background (procedure/background/) while the user follows its progress. They are the stored
    counts of the newest snapshot now (its id in the parameters: a refresh ending meanwhile does not
    change the file)."""
    require_national(request.user)
    form = _filters(request)
    year = form.cleaned_data["year"]
    years = list(range(year - national.COMPARED_YEARS, year + 1))
    snapshot = national_counts.latest()
    if not national_counts.covers(snapshot, national.years_of(year, CharterObjective.current())):
        messages.error(request, "Les chiffres de ces années ne sont pas encore arrêtés : mettez-les à jour.")
        return redirect(f"{reverse('indicators:national')}?{request.GET.urlencode()}")
    kind = request.GET.get("format")
    kind = kind if kind in ("pdf", "xlsx") else "csv"
    export = background.start(
        request,
        kind=f"indicateurs_nationaux_{kind}",
        params={"year": year, "snapshot": snapshot.pk},
        filename=f"indicateurs-nationaux-{years[0]}-{years[-1]}.{kind}",
    )
    return redirect("procedure:background_export", pk=export.pk)


class NoFigures(Exception):
    """No stored counts cover the years asked (deleted since the export was asked, or never made)."""


def _stored(params, years):
    snapshot = national_counts.ready(params.get("snapshot"))
    if not national_counts.covers(snapshot, years):
        raise NoFigures(years)
    return snapshot


def _years_of(params):
    year = params["year"]
    return list(range(year - national.COMPARED_YEARS, year + 1))


def _as_file(data: bytes | str):
    output = background.spooled()
    output.write(data.encode("utf-8") if isinstance(data, str) else data)
    output.seek(0)
    return output


def _export_rows(params):
    years = _years_of(params)
    with reading_from_replica():
        snapshot = _stored(params, years)
        table = national_counts.table(snapshot, years=years)
    return national.export_rows(years, table, snapshot.started_at)


def build_csv(user, params, progress):
    rows = _export_rows(params)
    return _as_file(national.rows_csv(rows)), len(rows)


def build_xlsx(user, params, progress):
    rows = _export_rows(params)
    return _as_file(national.rows_xlsx(rows)), len(rows)


def build_pdf(user, params, progress):
    year = params["year"]
    with reading_from_replica():
        years = national.years_of(year, CharterObjective.current())
        snapshot = _stored(params, years)
        table = national_counts.table(snapshot, years=years)
        indicators = counted_indicators()
        views = []
        for done, indicator in enumerate(indicators, start=1):
            views.append(national.build(year, indicator.code, table))
            progress(done, len(indicators) + 1)
    return _as_file(_pdf_bytes(year, views, snapshot)), len(views)


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


def _pdf_bytes(year, views, snapshot) -> bytes:
    from weasyprint import HTML

    context = {"year": year, "views": views, "objective": views[0].objective if views else None}
    context["counted_at"] = snapshot.started_at
    context |= {"generated_on": timezone.localdate(), "fonts": report.fonts_base_url()}
    html = render_to_string("indicators/national_report.html", context)
    return HTML(string=html, base_url=report.fonts_base_url()).write_pdf()

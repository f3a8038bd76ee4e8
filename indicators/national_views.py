"""The national view's pages: the figures per département, their CSV/XLSX export and the PDF report.

Only the national steering role (`Role.NATIONAL_STEERING`) opens them (403 otherwise); they read
from the read replica when there is one, and show no case and no name (indicators/national.py).
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from config.db_routers import read_from_replica
from directory.acting import acting_role
from directory.forms import DsfrForm
from directory.models import Role

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
@read_from_replica
def national_export(request):
    require_national(request.user)
    form = _filters(request)
    year = form.cleaned_data["year"]
    years = list(range(year - national.COMPARED_YEARS, year + 1))
    name = f"indicateurs-nationaux-{years[0]}-{years[-1]}"
    kind = request.GET.get("format")
    if kind == "pdf":
        return _pdf(year, name)
    if kind == "xlsx":
        response = HttpResponse(national.export_xlsx(years), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    response = HttpResponse(national.export_csv(years), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _pdf(year, name):
    from weasyprint import HTML

    table = national.counts(national.years_of(year, CharterObjective.current()))
    views = [national.build(year, indicator.code, table) for indicator in counted_indicators()]
    context = {"year": year, "views": views, "objective": views[0].objective if views else None}
    context |= {"generated_on": timezone.localdate(), "fonts": report.fonts_base_url()}
    html = render_to_string("indicators/national_report.html", context)
    response = HttpResponse(
        HTML(string=html, base_url=report.fonts_base_url()).write_pdf(), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response

"""The indicators' dashboard, its exports, the annual report and the supplied figures' form.

The dashboard, the exports and the report read from the read replica when there is one
(config/db_routers.py); the list of procedures behind a figure reads from the primary."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from config.db_routers import read_from_replica
from directory.acting import require_secretariat
from procedure.models import Procedure

from . import counting, report, services
from . import dashboard as board
from . import definitions as d
from .forms import DashboardFilterForm, SupplyFigureForm
from .models import SuppliedFigure
from .sources import status, supplied_indicators

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _departement(request):
    """The figures of the secretariat's own département (issue 16)."""
    return request.acting.organisation.departement_code if request.acting.organisation else ""


def _filters(request):
    data = request.GET.copy()
    data.setdefault("year", str(timezone.localdate().year))
    departement = _departement(request)
    form = DashboardFilterForm(data, departement=departement)
    if not form.is_valid():
        form = DashboardFilterForm({"year": timezone.localdate().year}, departement=departement)
        form.is_valid()
    return form


@require_GET
@read_from_replica
def dashboard(request):
    require_secretariat(request.user)
    form = _filters(request)
    data = board.build(form.cleaned_data["year"], form.scope())
    query = request.GET.urlencode()
    return render(
        request,
        "indicators/dashboard.html",
        {
            "title": "Indicateurs de la Charte",
            "form": form,
            "board": data,
            "query": query,
        },
    )


@require_GET
@read_from_replica
def export(request):
    require_secretariat(request.user)
    form = _filters(request)
    year = form.cleaned_data["year"]
    years = list(range(year - board.PREVIOUS_YEARS, year + 1))
    name = f"indicateurs-{years[0]}-{years[-1]}"
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(services.export_xlsx(years, form.scope()), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    response = HttpResponse(services.export_csv(years, form.scope()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@require_GET
@read_from_replica
def annual_report(request, year):
    require_secretariat(request.user)
    pdf = report.render_annual_report(year, counting.Scope(departement=_departement(request)))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bilan-ccapex-{year}.pdf"'
    return response


@require_GET
def procedures_behind(request, code):
    """The procedures a counted figure counts, as far as the user may see them."""
    require_secretariat(request.user)
    indicator = d.BY_CODE.get(code)
    if indicator is None or status(indicator) != d.COUNTED:
        raise Http404
    form = _filters(request)
    month = _month(request)
    rows = counting.rows_behind(indicator, year=form.cleaned_data["year"], month=month, scope=form.scope())
    procedures = (
        Procedure.objects.visible_to(request.user)
        .filter(pk__in=rows)
        .select_related("household", "lease__commune")
        .order_by("reference")
    )
    page = Paginator(procedures, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "indicators/procedures.html",
        {
            "title": indicator.label,
            "indicator": indicator,
            "page": page,
            "form": form,
            "month": month,
        },
    )


def _month(request):
    try:
        month = int(request.GET.get("month", ""))
    except ValueError:
        return None
    return month if 1 <= month <= 12 else None


@require_http_methods(["GET", "POST"])
def supply(request):
    """A referent organisation enters its yearly figure (Charte IV, « Référents »)."""
    indicators = [i for i in supplied_indicators() if services.may_supply(request.acting, i)]
    if not indicators:
        raise PermissionDenied
    form = SupplyFigureForm(request.POST or None, indicators=indicators)
    if request.method == "POST" and form.is_valid():
        figure = services.supply_figure(
            **form.cleaned_data, user=request.user, organisation=request.acting.organisation
        )
        messages.success(
            request, f"Chiffre enregistré : {figure.get_indicator_display()} {figure.year} = {figure.value}."
        )
        return redirect("indicators:supply")
    entered = (
        SuppliedFigure.objects.filter(
            indicator__in=[i.code for i in indicators], departement_code__in=request.acting.departements
        )
        .select_related("organisation", "entered_by", "territory")
        .order_by("-year", "indicator")[:100]
    )
    return render(
        request,
        "indicators/supply.html",
        {
            "title": "Chiffres fournis par les partenaires",
            "form": form,
            "entered": entered,
        },
    )

"""The secretariat's list screens: the work queue, the list of procedures and its export, the
search, and the upload of acts (formats.md).

Every queryset goes through `Procedure.objects.visible_to(user)`: the secretariat sees all, a social
worker the cases handed to their organisation; commission members and partners have no list.
"""

import functools
import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError
from django.db.models import Count, Q
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from directory.acting import acting_departements
from directory.models import Role
from directory.navigation import SECRETARIAT
from households.models import HousingSector

from .. import services
from ..background import services as background
from ..exports import EXPORT_COLUMNS, liability_candidates, procedures_workbook, state_liability_workbook
from ..filters import SORTS, ProcedureFilter, open_tasks_for_queue, procedures_for_list, with_next_due_title
from ..forms_lists import ImportConfirmForm, ImportUploadForm
from ..models import ListPreference, Procedure, Screen, Stage
from ..pagination import CappedPaginator
from ..pending_imports import PendingImport
from .saved_views import default_view_redirect, list_preference, saved_views_context

logger = logging.getLogger(__name__)

PER_PAGE = 50
# The database lost in the middle of an import (server restarted, connection cut): the import's
# transaction is rolled back by PostgreSQL, nothing is written, the secretariat retries.
DATABASE_LOST = (OperationalError, InterfaceError)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CASE_ROLES = (*SECRETARIAT, Role.SOCIAL_WORKER)


def roles_required(*roles):
    """A 403 for any role not listed (docs/architecture.md: visible but not for you is a 403)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.acting.role not in roles:
                raise PermissionDenied("Cette page est réservée au secrétariat de la CCAPEX.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _page(request, queryset):
    paginator = CappedPaginator(queryset, PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    page.pages_list = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return page


def _stage_label(value):
    return Stage(value).label if value else "—"


# ---------------------------------------------------------------- work queue (views/work_queue.py)


def home_work_queue(request):
    """The secretariat's home block: tasks overdue and due today."""
    today = timezone.localdate()
    counts = (
        open_tasks_for_queue(request.user)
        .order_by()
        .aggregate(
            overdue=Count("pk", filter=Q(due_date__lt=today)),
            due_today=Count("pk", filter=Q(due_date=today)),
        )
    )
    return {**counts, "queue_url": reverse("procedure:work_queue")}


# ---------------------------------------------------------------- list and export


@require_GET
@roles_required(*CASE_ROLES)
def procedure_list(request):
    if default := default_view_redirect(request, Screen.PROCEDURES):
        return default
    filterset = ProcedureFilter(request.GET, queryset=procedures_for_list(request.user), request=request)
    page = _page(request, _printed_columns(filterset.qs))
    for procedure in page.object_list:
        procedure.stage_label = _stage_label(procedure.current_stage)
        procedure.sector_label = SECTORS.get(procedure.sector, procedure.sector)
    current_sort = request.GET.get("tri", "")
    return render(
        request,
        "procedure/list.html",
        {
            "title": "Procédures",
            "filter": filterset,
            "page_obj": page,
            "columns": _sort_columns(current_sort),
            "current_sort": current_sort if current_sort.lstrip("-") in SORTS else "",
            "sort_query": _without(request.GET, "page", "tri"),
            "export_query": _without(request.GET, "page"),
            "today": timezone.localdate(),
            "export_columns": _export_column_choices(request),
            **saved_views_context(request, Screen.PROCEDURES),
        },
    )


# The columns a row of the list prints, the household, commune and sector from the procedure's own
# copies (models.LIST_KEYS): one join, to the landlord, instead of four tables read whole (70 columns
# a row, their planning and conversion about a third of the list's SQL at 10,000, issue 11).
LIST_FIELDS = (
    "reference",
    "household_label",
    "commune_name",
    "sector",
    "current_stage",
    "closed",
    "last_act_date",
    "next_due_date",
    "landlord__name",
)
SECTORS = dict(HousingSector.choices)


def _printed_columns(procedures):
    return procedures.select_related(None).select_related("landlord").only(*LIST_FIELDS)


def _export_column_choices(request):
    chosen = {column.key for column in export_columns_for(request)}
    return [(column, column.key in chosen) for column in EXPORT_COLUMNS]


COLUMNS = [
    ("reference", "Référence"),
    ("menage", "Ménage"),
    ("commune", "Commune"),
    ("etape", "Étape"),
    ("dernier_acte", "Dernier acte"),
]


def _sort_columns(current):
    """Each sortable column: its label, the link that sorts by it, and its aria-sort."""
    columns = []
    for param, label in COLUMNS:
        state = "ascending" if current == param else "descending" if current == f"-{param}" else ""
        columns.append(
            {
                "param": param,
                "label": label,
                "state": state,
                "next": f"-{param}" if state == "ascending" else param,
            }
        )
    return columns


def _without(query, *keys):
    query = query.copy()
    for key in keys:
        query.pop(key, None)
    return query.urlencode()


@require_GET
@roles_required(*CASE_ROLES)
def procedure_export(request):
    """The filtered list as an XLSX attachment, with the same filters as the page; past
    BACKGROUND_EXPORT_ROWS procedures it is built in the background and the user follows its
    progress on the document's page (procedure/background/)."""
    filterset = ProcedureFilter(request.GET, queryset=procedures_for_list(request.user), request=request)
    columns = export_columns_for(request)
    filename = f"procedures-{timezone.localdate():%Y-%m-%d}.xlsx"
    if background.needs_background(filterset.qs):
        params = {"query": dict(request.GET.lists()), "columns": [column.key for column in columns]}
        export = background.start(request, kind="procedures", params=params, filename=filename)
        return redirect("procedure:background_export", pk=export.pk)
    workbook, rows = procedures_workbook(filterset.qs, columns)
    services.log_access(
        user=request.user, context="export des procédures", filters=dict(request.GET.lists()), rows=rows
    )
    return FileResponse(workbook, as_attachment=True, filename=filename, content_type=XLSX)


def export_columns_for(request):
    """The columns the user chose for the export (all of them until they choose)."""
    preference = list_preference(request, Screen.PROCEDURES)
    chosen = set(preference.export_columns) if preference and preference.export_columns else None
    return [column for column in EXPORT_COLUMNS if chosen is None or column.key in chosen]


# ---------------------------------------------------------------- the State's liability (CPCE L.153-1)


@require_GET
@roles_required(*SECRETARIAT)
def state_liability_export(request):
    """For the préfecture's litigation office: every visible case whose concours was refused
    (explicitly or by silence), with the State's liability and its estimate (CPCE L.153-1); built
    in the background past BACKGROUND_EXPORT_ROWS candidate cases."""
    filename = f"responsabilite-etat-{timezone.localdate():%Y-%m-%d}.xlsx"
    if background.needs_background(liability_candidates(request.user)):
        export = background.start(request, kind="responsabilite_etat", params={}, filename=filename)
        return redirect("procedure:background_export", pk=export.pk)
    output, rows = state_liability_workbook(request.user)
    services.log_access(user=request.user, context="export de la responsabilité de l'État", rows=rows)
    return FileResponse(output, as_attachment=True, filename=filename, content_type=XLSX)


@require_POST
@roles_required(*CASE_ROLES)
def choose_export_columns(request):
    keys = [column.key for column in EXPORT_COLUMNS if column.key in request.POST.getlist("colonne")]
    filters = request.POST.get("filtres", "")
    back = reverse("procedure:list") + (f"?{filters}" if filters else "")
    if not keys:
        messages.error(request, "Colonnes non enregistrées : cochez au moins une colonne.")
        return redirect(back)
    ListPreference.objects.update_or_create(
        user=request.user, screen=Screen.PROCEDURES, defaults={"export_columns": keys}
    )
    messages.success(request, f"Colonnes de l'export enregistrées ({len(keys)}).")
    return redirect(back)


# ---------------------------------------------------------------- search


@require_GET
@roles_required(*CASE_ROLES)
def search(request):
    """Name, reference, address, claim number; one result opens the case."""
    query = request.GET.get("q", "").strip()[:100]
    page = None
    if query:
        results = services.search_procedures(
            Procedure.objects.visible_to(request.user), query, acting_departements(request.user)
        )
        results = with_next_due_title(results).select_related("household", "lease__commune")
        page = _page(request, results)
        if page.paginator.count == 1:
            return redirect("procedure:detail", pk=page.object_list[0].pk)
        for procedure in page.object_list:
            procedure.stage_label = _stage_label(procedure.current_stage)
    context = {
        "title": "Recherche",
        "q": query,
        "page_obj": page,
        "today": timezone.localdate(),
        "candidates": services.SEARCH_CANDIDATES,
    }
    return render(request, "procedure/search.html", context)


# ---------------------------------------------------------------- import of acts


@require_http_methods(["GET", "POST"])
@roles_required(*SECRETARIAT)
def import_acts(request):
    """Upload → dry run and preview → confirm → real import (formats.md: whole file or nothing)."""
    if request.method == "POST" and "token" in request.POST:
        return _confirm_import(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    context = {"title": "Importer des actes", "form": form}
    if request.method == "POST" and form.is_valid():
        PendingImport.discard(request)
        uploaded = form.cleaned_data["file"]
        pending = PendingImport.keep(request, uploaded, file_format=form.detected_format)
        report = _run_import(request, pending, dry_run=True)
        context |= {"report": report, "pending": pending}
        if report.ok:
            context["confirm_form"] = ImportConfirmForm(initial={"token": pending.token})
        else:
            pending.delete(request)
    return render(request, "procedure/import.html", context)


def _confirm_import(request):
    form = ImportConfirmForm(request.POST)
    pending = PendingImport.load(request, form.data.get("token", "")) if form.is_valid() else None
    if pending is None:
        messages.error(
            request,
            "Le fichier à importer n'est plus disponible (délai dépassé ou déjà importé) : "
            "déposez-le de nouveau.",
        )
        return redirect("procedure:import")
    if "cancel" in request.POST:
        pending.delete(request)
        messages.info(request, "Import annulé : rien n'a été enregistré.")
        return redirect("procedure:import")
    try:
        report = _run_import(request, pending, dry_run=False)
    except DATABASE_LOST as error:
        logger.warning("import_interrupted file=%s error=%s", pending.name, type(error).__name__)
        return _import_interrupted(request, pending)
    pending.delete(request)
    if not report.ok:
        return render(
            request,
            "procedure/import.html",
            {"title": "Importer des actes", "form": ImportUploadForm(), "report": report, "failed": True},
        )
    messages.success(request, f"Import terminé : {report.summary}.")
    return redirect("procedure:work_queue")


def _import_interrupted(request, pending):
    """The import stopped by a lost database: nothing was written (one transaction), the file is
    kept and its preview shown again (when the database answers again) with the confirm button."""
    context = {
        "title": "Importer des actes",
        "form": ImportUploadForm(),
        "pending": pending,
        "interrupted": True,
        "confirm_form": ImportConfirmForm(initial={"token": pending.token}),
    }
    try:
        report = _run_import(request, pending, dry_run=True)
    except DATABASE_LOST:  # still unreachable: the message and the confirm button, no preview
        report = None
    if report is not None and not report.ok:  # the cases changed meanwhile: the file's errors
        pending.delete(request)
        context.pop("confirm_form")
        context["interrupted"] = False
    context["report"] = report
    return render(request, "procedure/import.html", context, status=503 if report is None else 200)


def _run_import(request, pending, *, dry_run):
    with pending.open() as stream:
        return services.import_acts(
            stream, filename=pending.name, file_format=pending.file_format, user=request.user, dry_run=dry_run
        )


urlpatterns = [
    path("procedures/responsabilite-etat.xlsx", state_liability_export, name="state_liability_export"),
    path("procedures/", procedure_list, name="list"),
    path("procedures/export.xlsx", procedure_export, name="list_export"),
    path("procedures/colonnes-export/", choose_export_columns, name="export_columns"),
    path("procedures/import/", import_acts, name="import"),
    path("recherche/", search, name="search"),
]

"""The secretariat's list screens: the work queue, the list of procedures and its export, the
search, and the upload of acts (formats.md).

Every queryset goes through `Procedure.objects.visible_to(user)`: the secretariat sees all, a social
worker the cases handed to their organisation; commission members and partners have no list.
"""

import functools
import tempfile

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook

from directory.exports import xlsx_row
from directory.models import Role
from directory.navigation import SECRETARIAT

from .. import deadlines, services
from ..exports import EXPORT_COLUMNS, procedures_workbook
from ..filters import SORTS, ProcedureFilter, open_tasks_for_queue, procedures_for_list
from ..forms_lists import ImportConfirmForm, ImportUploadForm
from ..models import EventKind, ListPreference, Procedure, ProcedureEvent, Screen, Stage
from ..pagination import CappedPaginator
from ..pending_imports import PendingImport
from .saved_views import default_view_redirect, saved_views_context

PER_PAGE = 50
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
    page = _page(request, filterset.qs)
    for procedure in page.object_list:
        procedure.stage_label = _stage_label(procedure.current_stage)
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
            "export_columns": _export_column_choices(request.user),
            **saved_views_context(request, Screen.PROCEDURES),
        },
    )


def _export_column_choices(user):
    chosen = {column.key for column in export_columns_for(user)}
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
    """The filtered list as an XLSX attachment, with the same filters as the page."""
    filterset = ProcedureFilter(request.GET, queryset=procedures_for_list(request.user), request=request)
    workbook, rows = procedures_workbook(filterset.qs, export_columns_for(request.user))
    services.log_access(
        user=request.user, context="export des procédures", filters=dict(request.GET.lists()), rows=rows
    )
    filename = f"procedures-{timezone.localdate():%Y-%m-%d}.xlsx"
    return FileResponse(
        workbook,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def export_columns_for(user):
    """The columns the user chose for the export (all of them until they choose)."""
    preference = ListPreference.objects.filter(user=user, screen=Screen.PROCEDURES).first()
    chosen = set(preference.export_columns) if preference and preference.export_columns else None
    return [column for column in EXPORT_COLUMNS if chosen is None or column.key in chosen]


# ---------------------------------------------------------------- the State's liability (CPCE L.153-1)

LIABILITY_COLUMNS = [
    ("Référence", lambda p, s: p.reference),
    ("Ménage", lambda p, s: p.household.label),
    ("Bailleur", lambda p, s: p.landlord.name),
    ("Responsabilité depuis le", lambda p, s: s.starts_on),
    ("Jusqu'au", lambda p, s: s.until),
    ("Jours suspendus (trêve, délais du juge)", lambda p, s: s.suspended_days),
    ("Jours indemnisables", lambda p, s: s.liable_days),
    ("Loyer et charges mensuels (€)", lambda p, s: (p.lease.rent or 0) + (p.lease.charges or 0)),
    ("Indemnisation estimée (€)", lambda p, s: s.compensation_estimate),
    ("Fondement", lambda p, s: s.reference),
]


@require_GET
@roles_required(*SECRETARIAT)
def state_liability_export(request):
    """For the préfecture's litigation office: every visible case whose concours was refused
    (explicitly or by silence), with the State's liability and its estimate (CPCE L.153-1)."""
    requested = ProcedureEvent.objects.filter(kind=EventKind.POLICE_REQUEST).values("procedure")
    procedures = (
        Procedure.objects.visible_to(request.user)
        .filter(pk__in=requested)
        .select_related("household", "lease", "landlord")
        .prefetch_related("events")
        .order_by("reference")
    )
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Responsabilité de l'État")
    sheet.append([header for header, _ in LIABILITY_COLUMNS])
    rows = 0
    for procedure in procedures:
        liability = deadlines.state_liability(procedure, events=list(procedure.events.all()))
        if liability is not None:
            sheet.append(xlsx_row(sheet, [value(procedure, liability) for _, value in LIABILITY_COLUMNS]))
            rows += 1
    services.log_access(user=request.user, context="export de la responsabilité de l'État", rows=rows)
    output = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it once sent)
    workbook.save(output)
    output.seek(0)
    return FileResponse(
        output,
        as_attachment=True,
        filename=f"responsabilite-etat-{timezone.localdate():%Y-%m-%d}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


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
        results = services.search_procedures(Procedure.objects.visible_to(request.user), query)
        page = _page(request, results.select_related("household", "lease__commune"))
        if page.paginator.count == 1:
            return redirect("procedure:detail", pk=page.object_list[0].pk)
    return render(request, "procedure/search.html", {"title": "Recherche", "q": query, "page_obj": page})


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
    report = _run_import(request, pending, dry_run=False)
    pending.delete(request)
    if not report.ok:
        return render(
            request,
            "procedure/import.html",
            {"title": "Importer des actes", "form": ImportUploadForm(), "report": report, "failed": True},
        )
    messages.success(request, f"Import terminé : {report.summary}.")
    return redirect("procedure:work_queue")


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

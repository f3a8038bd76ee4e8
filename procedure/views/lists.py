"""The secretariat's list screens: the work queue, the list of procedures and its export, the
search, and the upload of acts (formats.md).

Every queryset goes through `Procedure.objects.visible_to(user)`: the secretariat sees all, a social
worker the cases handed to their organisation; commission members and partners have no list.
"""

import functools
import hashlib
import secrets
import tempfile
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook

from directory.models import Role
from directory.navigation import SECRETARIAT

from .. import extensions, services
from ..filters import SORTS, ProcedureFilter, WorkQueueFilter, open_tasks_for_queue, procedures_for_list
from ..forms_lists import ImportConfirmForm, ImportUploadForm, SetAsideForm
from ..models import Procedure, Stage, Task
from ..pagination import CappedPaginator

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


def _back_to_queue(request):
    """Back to the work queue with the filters it had (a local address only)."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("procedure:work_queue")


# ---------------------------------------------------------------- work queue


@require_GET
@roles_required(*SECRETARIAT)
def work_queue(request):
    """Open tasks, overdue first then soonest; the other apps' sections below."""
    filterset = WorkQueueFilter(request.GET, queryset=open_tasks_for_queue(request.user))
    page = _page(request, filterset.qs)
    _decorate_tasks(page.object_list)
    sections = [
        render_to_string(template, context(request), request=request)
        for template, context in extensions.WORK_QUEUE_SECTIONS
    ]
    return render(
        request,
        "procedure/work_queue.html",
        {
            "title": "File de travail",
            "filter": filterset,
            "page_obj": page,
            "sections": sections,
            "back_url": request.get_full_path(),  # once, not per row
        },
    )


def _decorate_tasks(tasks):
    """Each task's procedure stage (stored on the procedure) and how late it is."""
    today = timezone.localdate()
    for task in tasks:
        task.stage_label = _stage_label(task.procedure.current_stage)
        task.days_late = (today - task.due_date).days if task.due_date and task.due_date < today else 0
        task.due_today = task.due_date == today


def _stage_label(value):
    return Stage(value).label if value else "—"


def _queue_task(request, pk):
    tasks = Task.objects.filter(procedure__in=Procedure.objects.visible_to(request.user))
    return get_object_or_404(tasks.select_related("procedure"), pk=pk)


@require_POST
@roles_required(*SECRETARIAT)
def task_done(request, pk):
    task = _queue_task(request, pk)
    if task.status != Task.Status.OPEN:
        messages.info(request, f"La tâche « {task.title} » était déjà close.")
        return _back_to_queue(request)
    services.complete_task(task=task, user=request.user)
    messages.success(request, f"Tâche faite : « {task.title} » ({task.procedure.reference}).")
    return _back_to_queue(request)


@require_POST
@roles_required(*SECRETARIAT)
def task_set_aside(request, pk):
    task = _queue_task(request, pk)
    form = SetAsideForm(request.POST)
    if task.status != Task.Status.OPEN:
        messages.info(request, f"La tâche « {task.title} » était déjà close.")
    elif not form.is_valid():
        messages.error(request, f"Tâche non écartée : indiquez le motif pour « {task.title} ».")
    else:
        services.set_aside_task(task=task, user=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, f"Tâche écartée : « {task.title} » ({task.procedure.reference}).")
    return _back_to_queue(request)


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
    filterset = ProcedureFilter(request.GET, queryset=procedures_for_list(request.user))
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
        },
    )


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
    filterset = ProcedureFilter(request.GET, queryset=procedures_for_list(request.user))
    workbook = procedures_workbook(filterset.qs)
    filename = f"procedures-{timezone.localdate():%Y-%m-%d}.xlsx"
    return FileResponse(
        workbook,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


EXPORT_COLUMNS = [
    ("Référence", lambda p: p.reference),
    ("Ménage", lambda p: p.household.label),
    ("Numéro allocataire", lambda p: p.household.benefit_claim_number),
    ("Adresse", lambda p: p.lease.address),
    ("Code postal", lambda p: p.lease.postal_code),
    ("Commune", lambda p: p.lease.commune.name),
    ("Code INSEE", lambda p: p.lease.commune.insee_code),
    ("Parc", lambda p: p.lease.get_sector_display()),
    ("Bailleur", lambda p: p.landlord.name),
    ("Étape", lambda p: Stage(p.current_stage).label if p.current_stage else ""),
    ("Statut", lambda p: "Close" if p.closed else "En cours"),
    ("Dernier acte", lambda p: p.last_act_date),
    ("Prochaine échéance", lambda p: p.next_due_date),
    ("Dette (€)", lambda p: p.debt),
]


def procedures_workbook(procedures):
    """A write-only workbook (rows streamed from the database) in a temporary file, rewound."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Procédures")
    sheet.append([header for header, _ in EXPORT_COLUMNS])
    for procedure in procedures.iterator(chunk_size=2000):
        sheet.append([value(procedure) for _, value in EXPORT_COLUMNS])
    output = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it once sent)
    workbook.save(output)
    output.seek(0)
    return output


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


class PendingImport:
    """An uploaded file kept between the preview and the confirmation: a private temporary file
    whose random token and checksum live in the session, deleted after the import or on cancel."""

    SESSION_KEY = "procedure_pending_import"
    FOLDER = Path(tempfile.gettempdir()) / "prevex-imports"

    def __init__(self, *, token, name, file_format, sha256):
        self.token, self.name, self.file_format, self.sha256 = token, name, file_format, sha256

    @property
    def path(self):
        return self.FOLDER / f"{self.token}.{self.file_format}"

    @classmethod
    def keep(cls, request, uploaded, *, file_format):
        cls.FOLDER.mkdir(mode=0o700, parents=True, exist_ok=True)
        digest = hashlib.sha256()
        pending = cls(token=secrets.token_urlsafe(24), name=uploaded.name, file_format=file_format, sha256="")
        with pending.path.open("wb") as target:
            for chunk in uploaded.chunks():
                digest.update(chunk)
                target.write(chunk)
        pending.sha256 = digest.hexdigest()
        request.session[cls.SESSION_KEY] = vars(pending)
        return pending

    @classmethod
    def load(cls, request, token):
        """The pending file of this session with this token, unchanged since the preview, or None."""
        stored = request.session.get(cls.SESSION_KEY)
        if not stored or not secrets.compare_digest(stored["token"], token):
            return None
        pending = cls(**stored)
        if (
            not pending.path.exists()
            or hashlib.sha256(pending.path.read_bytes()).hexdigest() != pending.sha256
        ):
            pending.delete(request)
            return None
        return pending

    @classmethod
    def discard(cls, request):
        stored = request.session.get(cls.SESSION_KEY)
        if stored:
            cls(**stored).delete(request)

    def open(self):
        return self.path.open("rb")

    def delete(self, request):
        self.path.unlink(missing_ok=True)
        request.session.pop(self.SESSION_KEY, None)


def _run_import(request, pending, *, dry_run):
    with pending.open() as stream:
        return services.import_acts(
            stream, filename=pending.name, file_format=pending.file_format, user=request.user, dry_run=dry_run
        )


urlpatterns = [
    path("file-de-travail/", work_queue, name="work_queue"),
    path("file-de-travail/taches/<int:pk>/faite/", task_done, name="task_done"),
    path("file-de-travail/taches/<int:pk>/ecarter/", task_set_aside, name="task_set_aside"),
    path("procedures/", procedure_list, name="list"),
    path("procedures/export.xlsx", procedure_export, name="list_export"),
    path("procedures/import/", import_acts, name="import"),
    path("recherche/", search, name="search"),
]

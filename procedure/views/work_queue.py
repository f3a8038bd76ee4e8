"""The secretariat's desk: the work queue grouped by case (the most urgent first), and actions on
a selection of tasks (chosen tasks, whole cases, or every task of the filtered selection), each
confirmed with its count and applied in one UPDATE whatever the selection's size."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Exists, F, OuterRef, Q
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from directory.models import full_name
from directory.navigation import SECRETARIAT

from .. import extensions, services
from ..filters import MINE, NO_DUE_DATE, WorkQueueFilter, open_tasks_for_queue, precedes
from ..forms_desk import ASSIGN, SET_ASIDE, BulkTasksForm
from ..forms_lists import SetAsideForm
from ..models import Procedure, Screen, Task
from ..pagination import thousands
from .lists import PER_PAGE, SECTORS, _stage_label, roles_required
from .saved_views import default_view_redirect, saved_views_context
from .work_queue_rows import case_row


@dataclass
class CaseTasks:
    """One row of the queue: a case and its open tasks of the selection, the most urgent first."""

    procedure: Procedure
    household: str = ""
    commune: str = ""
    sector: str = ""
    tasks: list = field(default_factory=list)
    stage_label: str = "—"


@require_GET
@roles_required(*SECRETARIAT)
def work_queue(request):
    if default := default_view_redirect(request, Screen.WORK_QUEUE):
        return default
    form = BulkTasksForm(initial={"filters": request.GET.urlencode()}, **_members(request))
    return _render_queue(request, request.GET, form)


def _members(request):
    """The bulk form's scope: the acting départements' secretariat members, read once for the page
    (the filter offers the same, WorkQueueFilter)."""
    acting = request.acting
    return {"departements": acting.departements, "members": acting.secretariat_members}


def _render_queue(request, query, bulk_form):
    filterset = WorkQueueFilter(query, queryset=open_tasks_for_queue(request.user), request=request)
    tasks, cases = filterset.qs, filterset.cases_alone()
    first = _first_tasks(tasks)
    if len(first) <= QUEUE_CAP:
        cases = _cases_of_few(first)
    elif cases is None:
        cases = _cases_by_urgency(tasks, filterset.same_tasks())
    page = _page_of(query, cases)
    chosen = Chosen(getattr(bulk_form, "task_ids", set()), getattr(bulk_form, "case_ids", set()))
    page.object_list = _case_rows(tasks, page.object_list, chosen)
    sections = [
        render_to_string(template, context(request), request=request)
        for template, context in extensions.WORK_QUEUE_SECTIONS
    ]
    mine = open_tasks_for_queue(request.user).filter(assignee=request.user).count()
    return render(
        request,
        "procedure/work_queue.html",
        {
            "title": "File de travail",
            "filter": filterset,
            "page_obj": page,
            "task_count": _count_text(len(first)),
            "mine": mine,
            "mine_query": QueryDict(mutable=True) | {"assignee": MINE},
            "bulk_form": bulk_form,
            "sections": sections,
            **saved_views_context(request, Screen.WORK_QUEUE),
        },
    )


# The queue counts its tasks up to QUEUE_CAP (« plus de 1 000 tâches ») and never its cases: each
# count walks its rows with the scope's check, about 40 ms a thousand at 500,000 procedures.
QUEUE_CAP = 1_000


@dataclass
class QueuePage:
    """A page of the queue's cases, read without counting them all: PER_PAGE + 1 rows tell whether
    another page follows (docs/decisions/016)."""

    number: int
    object_list: list
    has_next: bool

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def __getitem__(self, index):
        return self.object_list[index]

    def has_previous(self):
        return self.number > 1

    def previous_page_number(self):
        return self.number - 1

    def next_page_number(self):
        return self.number + 1

    def start_index(self):
        return (self.number - 1) * PER_PAGE + 1 if self.object_list else 0

    def end_index(self):
        return (self.number - 1) * PER_PAGE + len(self.object_list)


def _page_of(query, cases):
    """The page asked for in the queue's query (which a refused bulk form carries back), from the
    cases in the queue's order (a list or a query); past the last page, the last rows are not
    sought: the page is empty, with a link back."""
    number = int(query["page"]) if str(query.get("page", "")).isdigit() and int(query["page"]) > 0 else 1
    offset = (number - 1) * PER_PAGE
    rows = list(cases[offset : offset + PER_PAGE + 1])
    return QueuePage(number=number, object_list=rows[:PER_PAGE], has_next=len(rows) > PER_PAGE)


def _first_tasks(tasks):
    """(id, case, due date) of the selection's tasks, QUEUE_CAP + 1 at most, in no order: the
    count (« plus de 1 000 tâches ») and, for a selection of no more than QUEUE_CAP, its page."""
    return list(tasks.order_by().values_list("pk", "procedure_id", "due_date")[: QUEUE_CAP + 1])


def _cases_of_few(first):
    """The cases of a selection read whole (`first`), in the queue's order: by their most urgent
    task (none last, then the lower id), then the case. PostgreSQL reads those few tasks from the
    side that finds them (the cases of a rare stage or territory, one person's tasks, an action):
    walking the open tasks in order would read all of them to find the few that match."""
    soonest = {}
    for pk, case, due_date in first:
        key = (due_date or NO_DUE_DATE, pk)
        soonest[case] = min(key, soonest.get(case, key))
    return sorted(soonest, key=lambda case: (soonest[case][0], case))


def _cases_by_urgency(tasks, same_tasks):
    """The cases of a selection of many tasks, each once, in the same order: the open tasks walked
    in the order of their index on (département, due date, case), each kept when no task of its case in the
    selection (`same_tasks`: the queue's filters on the tasks themselves) comes before it. No
    grouping over every open task: a page reads about as many tasks as it shows (docs/decisions/016)."""
    before = same_tasks.filter(precedes(), procedure_id=OuterRef("procedure_id"))
    return (
        tasks.filter(~Exists(before))
        .order_by(F("due_date").asc(nulls_last=True), "procedure_id")
        .values_list("procedure_id", flat=True)
    )


@dataclass
class Chosen:
    """The tasks and cases a refused bulk form had ticked: ticked again on its page."""

    tasks: set
    cases: set


@dataclass(slots=True)
class RowTask:
    """A task as its row prints it (work_queue_rows), read as values: a page's some 170 tasks were as
    many model instances with their assignee, a third of the rows' time (issue 11)."""

    pk: int
    procedure_id: int
    title: str
    legal_reference: str
    due_date: object
    assignee: str  # the assignee's full name, else e-mail; "" for nobody
    days_late: int = 0
    due_today: bool = False
    key: str = ""
    what: str = ""
    done_url: str = ""
    set_aside_url: str = ""
    hint: str = ""
    chosen: bool = False


# The columns a row prints, its case's as values of its task: the household, commune and sector from
# the procedure's own copies (models.LIST_KEYS, decision 017), one join, to the procedure, not four.
ROW_VALUES = ("id", "procedure_id", "title", "legal_reference", "due_date")
ASSIGNEE_VALUES = ("assignee__first_name", "assignee__last_name", "assignee__email")
CASE_VALUES = (
    "procedure__reference",
    "procedure__current_stage",
    "procedure__household_label",
    "procedure__sector",
    "procedure__commune_name",
)
CASE_FIELDS = ["id", "reference", "current_stage"]  # the row's procedure (its other columns deferred)


def _row_tasks(tasks, procedure_ids):
    """(task, its case's values) of the page's cases, the most urgent first."""
    rows = tasks.filter(procedure_id__in=procedure_ids).select_related(None)
    for values in rows.values_list(*ROW_VALUES, *ASSIGNEE_VALUES, *CASE_VALUES):
        first_name, last_name, email = values[5:8]
        assignee = full_name(first_name, last_name) or email or ""  # str(user); none: ""
        yield RowTask(*values[:5], assignee=assignee), values[8:]


def _case_of(procedure_id, case_values):
    """The task's case as `.only(*CASE_FIELDS)` would read it, with what its row prints."""
    reference, stage, household, sector, commune = case_values
    procedure = Procedure.from_db(DEFAULT_DB_ALIAS, CASE_FIELDS, [procedure_id, reference, stage])
    return CaseTasks(procedure=procedure, household=household, commune=commune, sector=sector)


def _case_rows(tasks, procedure_ids, chosen):
    """The page's cases with their tasks (one query, the columns printed only), each with its
    stored stage and what its row prints, prepared here rather than resolved by the template for
    every task (issue 11)."""
    rows = {pk: None for pk in procedure_ids}
    for task, case_values in _row_tasks(tasks, procedure_ids):
        if rows[task.procedure_id] is None:
            rows[task.procedure_id] = _case_of(task.procedure_id, case_values)
        rows[task.procedure_id].tasks.append(task)
    today, urls = timezone.localdate(), _row_urls()
    for row in rows.values():
        _prepare_case(row, urls, chosen)
        for task in row.tasks:
            _prepare_task(task, row.procedure.reference, today, urls)
            task.chosen = task.pk in chosen.tasks
        row.html = case_row(row)
    return list(rows.values())


def _prepare_case(row, urls, chosen):
    procedure = row.procedure
    row.stage_label = _stage_label(procedure.current_stage)
    row.key, row.url, row.chosen = str(procedure.pk), urls["case"](procedure.pk), procedure.pk in chosen.cases
    sector = SECTORS.get(row.sector, row.sector)  # Lease.get_sector_display()
    row.place = f"{row.commune} · {sector} · {row.stage_label}"


def _row_urls():
    """The addresses of a row's links, reversed once per page (`reverse` per task cost more than
    the rest of the row)."""
    return {
        "case": extensions.address_for_any("procedure:detail"),
        "done": extensions.address_for_any("procedure:task_done"),
        "set_aside": extensions.address_for_any("procedure:task_set_aside"),
    }


def _prepare_task(task, reference, today, urls):
    task.days_late = (today - task.due_date).days if task.due_date and task.due_date < today else 0
    task.due_today = task.due_date == today
    task.key, task.what = str(task.pk), f"{task.title} ({reference})"
    task.done_url, task.set_aside_url = urls["done"](task.pk), urls["set_aside"](task.pk)
    due = f"échéance {task.due_date:%d/%m/%Y}" if task.due_date else "sans échéance"
    parts = [due, task.legal_reference, f"attribuée à {task.assignee}" if task.assignee else ""]
    task.hint = " · ".join(part for part in parts if part)


# ---------------------------------------------------------------- one task


def _safe_next(request):
    """The queue's address with its filters, from the form (a local address only), or ''."""
    target = request.POST.get("next", "")
    local = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if local else ""


def _back_to_queue(request):
    """Back to the work queue with the filters it had."""
    return redirect(_safe_next(request) or "procedure:work_queue")


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
    form = SetAsideForm({"reason": _motive(request.POST, pk)})
    if task.status != Task.Status.OPEN:
        messages.info(request, f"La tâche « {task.title} » était déjà close.")
    elif not form.is_valid():
        messages.error(request, f"Tâche non écartée : indiquez le motif pour « {task.title} ».")
    else:
        services.set_aside_task(task=task, user=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, f"Tâche écartée : « {task.title} » ({task.procedure.reference}).")
    return _back_to_queue(request)


def _motive(data, pk):
    """The motive typed for this task: in the queue's page, whose rows all belong to one form, the
    field named after the task (a textarea: its lines joined), else `reason`."""
    return " ".join(data.get(f"motif-{pk}", data.get("reason", "")).split())


# ---------------------------------------------------------------- a selection of tasks


@require_POST
@roles_required(*SECRETARIAT)
def bulk(request):
    """Chosen → confirmation page with the count → applied in one UPDATE → back to the queue."""
    form = BulkTasksForm(request.POST, **_members(request))
    if not form.is_valid():
        return _render_queue(request, QueryDict(form.data.get(form.add_prefix("filters"), "")), form)
    selection = _selection(request, form)
    if "confirme" not in request.POST:
        return _confirm(request, form, selection.count())
    count = _apply(form.cleaned_data, selection, request.user)
    if count:
        messages.success(request, _done_message(form.cleaned_data, count))
    else:
        messages.info(request, "Aucune tâche à faire dans cette sélection : rien n'a changé.")
    return _back_to_queue(request)


def _selection(request, form):
    """The open tasks chosen, always inside what the user sees and the queue's filters."""
    query = QueryDict(form.cleaned_data["filters"])
    tasks = WorkQueueFilter(query, queryset=open_tasks_for_queue(request.user), request=request).qs
    if form.cleaned_data["everything"]:
        return tasks
    return tasks.filter(Q(pk__in=form.task_ids) | Q(procedure_id__in=form.case_ids))


def _apply(data, selection, user):
    if data["action"] == ASSIGN:
        return services.assign_tasks(selection, assignee=data["assignee"])
    reason = data["reason"] if data["action"] == SET_ASIDE else ""
    return services.close_tasks(selection, user=user, reason=reason)


def _confirm(request, form, count):
    hidden = [
        (name, value)
        for name in request.POST
        if name != "csrfmiddlewaretoken"
        for value in request.POST.getlist(name)
    ]
    return render(
        request,
        "procedure/work_queue_confirm.html",
        {
            "title": "Confirmer l'action",
            "question": _question(form.cleaned_data, count),
            "count": count,
            "hidden": hidden,
            "back_url": _safe_next(request) or reverse("procedure:work_queue"),
        },
    )


def _count_text(count):
    """« 12 tâches », « plus de 1 000 tâches »: the confirmation page of a bulk action still gives
    the exact number before anything is written."""
    return f"plus de {thousands(QUEUE_CAP)} tâches" if count > QUEUE_CAP else tasks_count(count)


def tasks_count(count):
    """« 1 tâche », « 5 000 tâches » (French grouping)."""
    return f"{formats.number_format(count, force_grouping=True)} tâche{'s' if count > 1 else ''}"


def _member(user):
    return user.get_full_name() or user.email if user else "personne"


def _question(data, count):
    what = tasks_count(count)
    if data["action"] == ASSIGN:
        return f"Attribuer {what} à {_member(data['assignee'])} ?"
    if data["action"] == SET_ASIDE:
        return f"Écarter {what} (motif : « {data['reason'].strip()} ») ?"
    return f"Marquer {what} comme faite{'s' if count > 1 else ''} ?"


def _done_message(data, count):
    what, plural = tasks_count(count), "s" if count > 1 else ""
    if data["action"] == ASSIGN:
        return f"{what} attribuée{plural} à {_member(data['assignee'])}."
    if data["action"] == SET_ASIDE:
        return f"{what} écartée{plural}."
    return f"{what} marquée{plural} comme faite{plural}."


urlpatterns = [
    path("file-de-travail/", work_queue, name="work_queue"),
    path("file-de-travail/lot/", bulk, name="work_queue_bulk"),
    path("file-de-travail/taches/<int:pk>/faite/", task_done, name="task_done"),
    path("file-de-travail/taches/<int:pk>/ecarter/", task_set_aside, name="task_set_aside"),
]

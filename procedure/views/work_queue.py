"""The secretariat's desk: the work queue grouped by case (the most urgent first), and actions on
a selection of tasks (chosen tasks, whole cases, or every task of the filtered selection), each
confirmed with its count and applied in one UPDATE whatever the selection's size."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F, Min, Q
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from directory.navigation import SECRETARIAT

from .. import extensions, services
from ..filters import MINE, WorkQueueFilter, open_tasks_for_queue
from ..forms_desk import ASSIGN, SET_ASIDE, BulkTasksForm
from ..forms_lists import SetAsideForm
from ..models import Procedure, Screen, Task
from ..pagination import CAP, thousands
from .lists import PER_PAGE, _stage_label, roles_required
from .saved_views import default_view_redirect, saved_views_context


@dataclass
class CaseTasks:
    """One row of the queue: a case and its open tasks of the selection, the most urgent first."""

    procedure: Procedure
    tasks: list = field(default_factory=list)
    stage_label: str = "—"


@require_GET
@roles_required(*SECRETARIAT)
def work_queue(request):
    if default := default_view_redirect(request, Screen.WORK_QUEUE):
        return default
    return _render_queue(request, request.GET, BulkTasksForm(initial={"filters": request.GET.urlencode()}))


def _render_queue(request, query, bulk_form):
    filterset = WorkQueueFilter(query, queryset=open_tasks_for_queue(request.user), request=request)
    tasks = filterset.qs
    page = _page_of(query, _cases_by_urgency(tasks))
    page.object_list = _case_rows(tasks, [row["procedure_id"] for row in page.object_list])
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
            "task_count": _capped_tasks_count(tasks),
            "mine": mine,
            "mine_query": QueryDict(mutable=True) | {"assignee": MINE},
            "bulk_form": bulk_form,
            "chosen_tasks": getattr(bulk_form, "task_ids", set()),
            "chosen_cases": getattr(bulk_form, "case_ids", set()),
            "sections": sections,
            **saved_views_context(request, Screen.WORK_QUEUE),
        },
    )


def _page_of(query, queryset):
    """The page asked for in the queue's query (which a refused bulk form carries back)."""
    paginator = Paginator(queryset, PER_PAGE)
    page = paginator.get_page(query.get("page"))
    page.pages_list = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return page


def _cases_by_urgency(tasks):
    """The cases of the selection, each once, by their most urgent task (overdue first)."""
    return (
        tasks.order_by()
        .values("procedure_id")
        .annotate(first_due=Min("due_date"))
        .order_by(F("first_due").asc(nulls_last=True), "procedure_id")
    )


def _case_rows(tasks, procedure_ids):
    """The page's cases with their tasks (one query), each with its stored stage."""
    rows = {pk: None for pk in procedure_ids}
    for task in tasks.filter(procedure_id__in=procedure_ids):
        if rows[task.procedure_id] is None:
            rows[task.procedure_id] = CaseTasks(procedure=task.procedure)
        rows[task.procedure_id].tasks.append(task)
    today = timezone.localdate()
    for row in rows.values():
        row.stage_label = _stage_label(row.procedure.current_stage)
        for task in row.tasks:
            task.days_late = (today - task.due_date).days if task.due_date and task.due_date < today else 0
            task.due_today = task.due_date == today
    return list(rows.values())


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
    form = SetAsideForm(request.POST)
    if task.status != Task.Status.OPEN:
        messages.info(request, f"La tâche « {task.title} » était déjà close.")
    elif not form.is_valid():
        messages.error(request, f"Tâche non écartée : indiquez le motif pour « {task.title} ».")
    else:
        services.set_aside_task(task=task, user=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, f"Tâche écartée : « {task.title} » ({task.procedure.reference}).")
    return _back_to_queue(request)


# ---------------------------------------------------------------- a selection of tasks


@require_POST
@roles_required(*SECRETARIAT)
def bulk(request):
    """Chosen → confirmation page with the count → applied in one UPDATE → back to the queue."""
    form = BulkTasksForm(request.POST, departements=request.acting.departements)
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


def _capped_tasks_count(tasks):
    """The queue's task count up to CAP (one bounded subquery, as the lists' CappedPaginator): the
    confirmation page of a bulk action still gives the exact number before anything is written."""
    count = tasks.order_by().values("pk")[: CAP + 1].count()
    return f"plus de {thousands(CAP)} tâches" if count > CAP else tasks_count(count)


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

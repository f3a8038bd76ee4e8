"""The case page and the forms of the case file: record an act, close a task, open a case,
edit the household and the lease.

A case the user may not see is a 404 (it is reached only through `visible_to`); one they may see
but not change is a 403.
"""

import copy
import datetime
import functools

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.template import Engine
from django.template.context import make_context
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from directory.acting import require_secretariat
from directory.templatetags.french import euros
from households.forms import HouseholdForm, LeaseForm
from households.models import Household, Lease, Person

from .. import deadlines, extensions, rules, services
from ..forms import CancelEventForm, CaseCreateForm, CorrectEventForm, RecordEventForm, SetAsideTaskForm
from ..models import ChangeLog, Procedure, ProcedureEvent, Stage, Task

# The stepper's steps (Charte II.B, étapes 1 to 6, the hearing and judgment shown apart from
# the assignation): each groups the stages it covers.
STEPS = (
    ("Impayé", (Stage.UNPAID_RENT,)),
    ("Commandement de payer", (Stage.PAYMENT_ORDER,)),
    ("Assignation", (Stage.SUMMONS,)),
    ("Audience et jugement", (Stage.HEARING, Stage.JUDGMENT)),
    ("Commandement de quitter les lieux", (Stage.ORDER_TO_VACATE,)),
    ("Réquisition de la force publique", (Stage.POLICE_REQUEST,)),
    ("Concours de la force publique", (Stage.POLICE_ASSISTANCE, Stage.EVICTION, Stage.DEPARTURE)),
)


def _visible_procedures(user):
    return Procedure.objects.visible_to(user).select_related(
        "household", "lease__commune", "landlord__organisation"
    )


def _get_case(request, pk):
    """A commission member reads only the summaries of their agendas (commissions app), never the
    case file itself (`case_files_visible_to`)."""
    procedures = Procedure.objects.case_files_visible_to(request.user)
    return get_object_or_404(
        procedures.select_related("household", "lease__commune", "landlord__organisation"), pk=pk
    )


# ---------------------------------------------------------------- the case page


def detail(request, pk):
    procedure = _get_case(request, pk)
    form = RecordEventForm() if request.acting.is_secretariat else None
    return _render_case(request, procedure, form)


def _render_case(request, procedure, form, status=200):
    services.log_access(user=request.user, procedure=procedure, context="dossier")
    context = _case_context(request, procedure)
    context["record_form"] = form
    context["record_fields"] = blank_record_fields() if form is not None and not form.is_bound else ""
    context["summary"] = _summary(context["panels"], with_record_form=form is not None)
    return render(request, "procedure/detail.html", context, status=status)


@functools.cache
def _blank_record_fields() -> str:
    return render_to_string("procedure/_event_fields.html", {"form": RecordEventForm()})


def blank_record_fields() -> str:
    """The record form's fields as every case page shows them, unbound: the same HTML whatever the
    case, rendered once by the process (the DSFR's field templates cost a third of the page's
    rendering); rendered each time in DEBUG, where templates change while the process runs."""
    if settings.DEBUG:
        return render_to_string("procedure/_event_fields.html", {"form": RecordEventForm()})
    return _blank_record_fields()


CORE_SUMMARY = [
    ("Échéances", "echeances-titre"),
    ("Ménage", "menage-titre"),
    ("Bail et bailleur", "bail-titre"),
    ("Tâches", "taches-titre"),
    ("Enregistrer un acte", "acte-titre"),
    ("Historique", "historique-titre"),
]


def _summary(panels, *, with_record_form):
    """The DSFR sommaire: the page's own sections, then the panels that are on the page."""
    rendered = "".join(panels)
    core = [(label, anchor) for label, anchor in CORE_SUMMARY if with_record_form or anchor != "acte-titre"]
    return core + [
        (label, anchor) for label, anchor in extensions.CASE_SUMMARY if f'id="{anchor}"' in rendered
    ]


# (parameter, label, timeline kinds): the history's filters.
HISTORY_FILTERS = [
    ("", "Tout", None),
    ("actes", "Actes", {"event"}),
    ("taches", "Tâches", {"task"}),
    ("modifications", "Modifications", {"change"}),
    ("documents", "Documents", {"letter", "document"}),
]


def _history(request, entries):
    """The timeline filtered as asked (?historique=actes…), and the filter links."""
    chosen = request.GET.get("historique", "")
    kinds = next((kinds for param, _, kinds in HISTORY_FILTERS if param == chosen), None)
    links = [
        {"param": param, "label": label, "current": param == chosen} for param, label, _ in HISTORY_FILTERS
    ]
    shown = entries if kinds is None else [entry for entry in entries if entry.kind in kinds]
    return shown, links


def _case_context(request, procedure):
    recorded = list(
        ProcedureEvent.all_objects.filter(procedure=procedure).select_related("recorded_by", "cancelled_by")
    )
    events = [event for event in recorded if not event.is_cancelled]
    tasks = _with_their_acts(procedure.tasks.select_related("closed_by", "assigned_to"), recorded)
    # The other apps' panels and timeline sources read them from the procedure (extensions.py).
    procedure._prefetched_objects_cache = {"events": events, "tasks": tasks}
    changes = list(_changes(procedure))
    persons = list(Person.objects.filter(household_id=procedure.household_id))
    stage = rules.current_stage(events)
    entries = timeline(
        procedure,
        request.user,
        events=recorded,
        tasks=tasks,
        changes=changes,
        may_correct=request.acting.is_secretariat,
    )
    history, history_filters = _history(request, entries)
    return {
        "title": f"Dossier {procedure.reference}",
        "procedure": procedure,
        "household": procedure.household,
        "persons": persons,
        "lease": procedure.lease,
        "landlord": procedure.landlord,
        "stage": stage,
        "closed": rules.is_closed(events),
        "stepper": stepper(stage),
        "deadlines": _one_per_deadline(deadlines.next_deadlines(procedure, events=events)),
        "anomalies": deadlines.anomalies(procedure, events=events),
        "state_liability": deadlines.state_liability(procedure, events=events),
        "today": timezone.localdate(),
        "open_tasks": [task for task in tasks if task.status == Task.Status.OPEN],
        "timeline": history,
        "history_filters": history_filters,
        "panels": _panels(request, procedure),
        "is_secretariat": request.acting.is_secretariat,
        "set_aside_form": SetAsideTaskForm(),
    }


def _with_their_acts(tasks, recorded):
    """The tasks, each holding its act from the case's acts already read (no join for it)."""
    acts = {event.pk: event for event in recorded}
    tasks = list(tasks)
    for task in tasks:
        if task.event_id in acts:
            Task.event.field.set_cached_value(task, acts[task.event_id])
    return tasks


def _one_per_deadline(found):
    """One alert per deadline: the same date and label given by two rules shows once."""
    seen, unique = set(), []
    for deadline in found:
        if (deadline.date, deadline.label) not in seen:
            seen.add((deadline.date, deadline.label))
            unique.append(deadline)
    return unique


def _changes(procedure):
    """The procedure's changes and those of its household and lease (logged without a procedure)."""
    of_household = Q(household_id=procedure.household_id, procedure__isnull=True)
    return ChangeLog.objects.filter(Q(procedure=procedure) | of_household).select_related("user")


def stepper(stage):
    """The DSFR stepper's data: "Étape N sur 7", the current step and the next one."""
    index = next((i for i, (_, stages) in enumerate(STEPS) if stage in stages), None)
    if index is None:
        return {"current": 0, "total": len(STEPS), "title": "Aucun acte enregistré", "next": STEPS[0][0]}
    following = STEPS[index + 1][0] if index + 1 < len(STEPS) else ""
    return {"current": index + 1, "total": len(STEPS), "title": STEPS[index][0], "next": following}


def _panels(request, procedure):
    """The other apps' panels, each rendered with its own context pushed on one request context:
    the context processors (the header's menu, the messages) run once for all of them, not once a
    panel (render_to_string with the request ran them again for each)."""
    engine = Engine.get_default()
    context = make_context({}, request)
    with context.bind_template(engine.from_string("")):
        return [_panel(engine, context, name, fn(request, procedure)) for name, fn in extensions.CASE_PANELS]


def _panel(engine, context, template, values):
    with context.push(values):
        return engine.get_template(template).render(context)


# ---------------------------------------------------------------- the timeline


def timeline(procedure, user, *, events, tasks, changes, may_correct=False):
    """Every event (cancelled ones too, marked), task, change and the other apps' entries, merged
    by date, newest first."""
    entries = [_event_entry(event, may_correct) for event in events]
    entries.extend(_created_tasks_entries(tasks))
    for task in tasks:
        entries.extend(_closed_task_entries(task))
    entries.extend(_change_entry(change) for change in changes)
    for source in extensions.TIMELINE_SOURCES:
        entries.extend(source(procedure, user))
    return sorted(entries, key=lambda entry: _sort_key(entry.at), reverse=True)


def _sort_key(at):
    if isinstance(at, datetime.datetime):
        return timezone.localtime(at) if timezone.is_aware(at) else timezone.make_aware(at)
    return timezone.make_aware(datetime.datetime.combine(at, datetime.time.max))


def _who(user):
    return user.get_full_name() if user else ""


def _event_entry(event, may_correct=False):
    details = [
        f"Audience le {event.hearing_date:%d/%m/%Y}" if event.hearing_date else "",
        event.get_judgment_outcome_display(),
        event.get_police_decision_display(),
        event.get_closure_reason_display(),
        f"Délai accordé jusqu'au {event.time_to_leave_until:%d/%m/%Y}" if event.time_to_leave_until else "",
        f"Dette : {euros(event.debt)}" if event.debt is not None else "",
        event.note,
    ]
    badges = (event.get_source_display(),)
    if event.is_cancelled:
        details.append(f"Annulé par {_who(event.cancelled_by)} — motif : {event.cancellation_reason}")
        badges = ("Annulé", *badges)
    correct_url = reverse("procedure:correct_event", args=[event.procedure_id, event.pk])
    return extensions.TimelineEntry(
        at=event.date,
        title=event.get_kind_display(),
        detail=" · ".join(part for part in details if part),
        who=_who(event.recorded_by) or event.get_source_display(),
        kind="cancelled" if event.is_cancelled else "event",
        badges=badges,
        action_url=correct_url if may_correct and not event.is_cancelled else "",
        action_label=f"Rectifier ou annuler : {event}",
    )


def _created_tasks_entries(tasks):
    """One entry per act for the tasks it created (they are created together)."""
    by_event = {}
    for task in tasks:
        by_event.setdefault(task.event_id, []).append(task)
    for created in by_event.values():
        lines = [
            f"{task.title} (échéance {task.due_date:%d/%m/%Y})" if task.due_date else task.title
            for task in created
        ]
        origin = f" après {created[0].event}" if created[0].event else ""
        yield extensions.TimelineEntry(
            at=min(task.created_at for task in created),
            title=f"{_tasks_created(len(created))}{origin}",
            detail=" ; ".join(lines),
            kind="task",
        )


def _tasks_created(count):
    return "1 tâche créée" if count == 1 else f"{count} tâches créées"


def _closed_task_entries(task):
    if task.status != Task.Status.OPEN and task.closed_at:
        done = task.status == Task.Status.DONE
        yield extensions.TimelineEntry(
            at=task.closed_at,
            title=f"Tâche {'faite' if done else 'écartée'} : {task.title}",
            detail="" if done else f"Motif : {task.set_aside_reason}",
            who=_who(task.closed_by),
            kind="task",
        )


CHANGED_MODELS = {
    "household": Household,
    "lease": Lease,
    "procedure": Procedure,
    "procedureevent": ProcedureEvent,
}


def _change_entry(change):
    model = CHANGED_MODELS.get(change.object_type)
    lines = [_change_line(model, field, values) for field, values in (change.changes or {}).items()]
    label = model._meta.verbose_name if model else change.object_type
    title = f"Modification : {label}"
    if change.object_type == "procedureevent":
        cancelled = "cancelled_at" in (change.changes or {})
        title = "Annulation d'un acte" if cancelled else "Rectification d'un acte"
        lines = [] if cancelled else lines
    if change.reason:
        lines.append(f"Motif : {change.reason}")
    return extensions.TimelineEntry(
        at=change.at,
        title=title,
        detail=" · ".join(lines),
        who=_who(change.user),
        kind="change",
    )


def _change_line(model, field, values):
    try:
        label = model._meta.get_field(field).verbose_name if model else field
    except Exception:  # a field since removed: show its code name
        label = field
    if isinstance(values, dict):
        before, after = values.get("before", values.get("old")), values.get("after", values.get("new"))
    elif isinstance(values, list | tuple) and len(values) == 2:
        before, after = values
    else:
        before, after = "", values
    return f"{label} : {_shown(before, model, field)} → {_shown(after, model, field)}"


def _shown(value, model=None, field=None):
    """A logged value as the user reads it: a choice's label, a date in French."""
    if value in (None, ""):
        return "—"
    choices = _field_choices(model, field)
    if str(value) in choices:
        return str(choices[str(value)])
    try:
        return datetime.date.fromisoformat(str(value)).strftime("%d/%m/%Y")
    except ValueError:
        return str(value)


def _field_choices(model, field) -> dict:
    try:
        return dict(model._meta.get_field(field).choices or ()) if model else {}
    except Exception:  # a field since removed
        return {}


# ---------------------------------------------------------------- recording an act, tasks


@require_POST
def record_event(request, pk):
    """The secretariat records the next act; a refused act comes back with its French error."""
    procedure = _get_case(request, pk)
    require_secretariat(request.user)
    form = RecordEventForm(request.POST)
    if not form.is_valid():
        return _render_case(request, procedure, form)
    try:
        event, created = services.record_event(procedure=procedure, user=request.user, **form.cleaned_data)
    except services.EventRefused as refusal:
        form.add_error(refusal.field if refusal.field in form.fields else None, refusal.messages)
        return _render_case(request, procedure, form)
    messages.success(request, _recorded_message(event, created))
    return redirect("procedure:detail", pk=procedure.pk)


def _recorded_message(event, created):
    if not created:
        return f"{event} était déjà enregistré : rien n'a changé."
    titles = [task.title for task in event.tasks.all()]
    if not titles:
        return f"{event} enregistré."
    return f"{event} enregistré. Tâches créées : " + " ; ".join(titles) + "."


def _open_task(request, pk, task_pk):
    procedure = _get_case(request, pk)
    require_secretariat(request.user)
    task = get_object_or_404(Task.objects.filter(procedure=procedure, status=Task.Status.OPEN), pk=task_pk)
    return procedure, task


@require_POST
def complete_task(request, pk, task_pk):
    procedure, task = _open_task(request, pk, task_pk)
    services.complete_task(task=task, user=request.user)
    messages.success(request, f"Tâche faite : {task.title}.")
    return redirect(reverse("procedure:detail", args=[procedure.pk]) + "#taches")


@require_POST
def set_aside_task(request, pk, task_pk):
    procedure, task = _open_task(request, pk, task_pk)
    form = SetAsideTaskForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez le motif pour écarter une tâche.")
        return redirect(reverse("procedure:detail", args=[procedure.pk]) + "#taches")
    services.set_aside_task(task=task, user=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, f"Tâche écartée : {task.title}.")
    return redirect(reverse("procedure:detail", args=[procedure.pk]) + "#taches")


# ---------------------------------------------------------------- correcting or cancelling an act


def _event_to_correct(request, pk, event_pk):
    procedure = _get_case(request, pk)
    require_secretariat(request.user)
    return procedure, get_object_or_404(ProcedureEvent.objects.filter(procedure=procedure), pk=event_pk)


@require_http_methods(["GET", "POST"])
def correct_event(request, pk, event_pk):
    """The secretariat corrects a mistaken act, or cancels it, with a reason (services.correct_event);
    a correction that breaks the order of the acts comes back with its French reason, kept."""
    procedure, event = _event_to_correct(request, pk, event_pk)
    form = CorrectEventForm.for_event(event, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.CORRECTABLE_FIELDS}
        try:
            corrected = services.correct_event(
                event=event, data=data, reason=form.cleaned_data["reason"], user=request.user
            )
        except services.EventRefused as refusal:
            form.add_error(refusal.field if refusal.field in form.fields else None, refusal.messages)
        else:
            messages.success(request, f"Acte rectifié : {corrected}. Les échéances et les tâches ont suivi.")
            return redirect("procedure:detail", pk=procedure.pk)
    return _render_correction(request, procedure, event, form, CancelEventForm())


@require_POST
def cancel_event(request, pk, event_pk):
    procedure, event = _event_to_correct(request, pk, event_pk)
    form = CancelEventForm(request.POST)
    if not form.is_valid():
        return _render_correction(request, procedure, event, CorrectEventForm.for_event(event), form)
    services.cancel_event(event=event, reason=form.cleaned_data["reason"], user=request.user)
    messages.success(request, f"Acte annulé : {event}. Il reste dans l'historique, marqué annulé.")
    return redirect("procedure:detail", pk=procedure.pk)


def _render_correction(request, procedure, event, form, cancel_form):
    services.log_access(user=request.user, procedure=procedure, context="rectification")
    context = {
        "title": f"Rectifier un acte — {procedure.reference}",
        "procedure": procedure,
        "event": event,
        "form": form,
        "cancel_form": cancel_form,
    }
    return render(request, "procedure/correct_event.html", context)


# ---------------------------------------------------------------- a new case


@require_http_methods(["GET", "POST"])
def create(request):
    """A new case; likely duplicates are shown first and must be confirmed."""
    require_secretariat(request.user)
    form = CaseCreateForm(request.POST or None, departement_code=request.acting.organisation.departement_code)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        if not form.cleaned_data["confirm_duplicate"]:
            duplicates = _duplicates(form)
        if not duplicates:
            try:
                procedure = form.save(user=request.user)
            except services.EventRefused as refusal:
                form.add_error(refusal.field if refusal.field in form.fields else None, refusal.messages)
            else:
                messages.success(
                    request, f"Dossier {procedure.reference} créé. Enregistrez maintenant le premier acte."
                )
                return redirect(reverse("procedure:detail", args=[procedure.pk]) + "#enregistrer-acte")
    context = {"form": form, "duplicates": duplicates, "title": "Nouveau dossier"}
    return render(request, "procedure/create.html", context)


def _duplicates(form):
    households = services.find_duplicates(**form.duplicate_criteria())
    procedures = Prefetch("procedures", queryset=Procedure.objects.only("pk", "reference", "household_id"))
    return list(households.prefetch_related("persons", procedures)[:10])


# ---------------------------------------------------------------- editing the household and the lease


# What the secretariat edits on a case, each with its optimistic lock (the version travels in
# the form): form, service, saved message, title; the template is households/edit_<what>.html.
EDITABLE = {
    "household": (HouseholdForm, services.update_household, "Ménage enregistré.", "Modifier le ménage"),
    "lease": (LeaseForm, services.update_lease, "Bail enregistré.", "Modifier le bail"),
}


def _edit(request, pk, what):
    """Edit the household or the lease; a save over someone else's newer one is refused, kept."""
    procedure = _get_case(request, pk)
    require_secretariat(request.user)
    form_class, update, saved, title = EDITABLE[what]
    obj = getattr(procedure, what)
    extra = {"departement_code": request.acting.organisation.departement_code} if what == "lease" else {}
    form = form_class(request.POST or None, instance=copy.copy(obj), **extra)
    if request.method == "POST" and form.is_valid():
        try:
            update(
                **{what: obj},
                data=form.changed_values(),
                expected_version=form.cleaned_data["version"],
                user=request.user,
            )
        except ValidationError as refusal:
            form.add_error(None, refusal.messages)
        else:
            messages.success(request, saved)
            return redirect("procedure:detail", pk=procedure.pk)
    services.log_access(user=request.user, procedure=procedure, context=f"modification ({what})")
    context = {"form": form, "procedure": procedure, "title": f"{title} — {procedure.reference}"}
    return render(request, f"households/edit_{what}.html", context)


@require_http_methods(["GET", "POST"])
def edit_household(request, pk):
    return _edit(request, pk, "household")


@require_http_methods(["GET", "POST"])
def edit_lease(request, pk):
    return _edit(request, pk, "lease")


urlpatterns = [
    path("procedures/nouvelle/", create, name="create"),
    path("procedures/<int:pk>/", detail, name="detail"),
    path("procedures/<int:pk>/acte/", record_event, name="record_event"),
    path("procedures/<int:pk>/taches/<int:task_pk>/fait/", complete_task, name="complete_task"),
    path("procedures/<int:pk>/taches/<int:task_pk>/ecarter/", set_aside_task, name="set_aside_task"),
    path("procedures/<int:pk>/actes/<int:event_pk>/rectifier/", correct_event, name="correct_event"),
    path("procedures/<int:pk>/actes/<int:event_pk>/annuler/", cancel_event, name="cancel_event"),
    path("procedures/<int:pk>/menage/", edit_household, name="edit_household"),
    path("procedures/<int:pk>/bail/", edit_lease, name="edit_lease"),
]

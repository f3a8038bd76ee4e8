"""The secretariat's list screens' filters (django-filter): the work queue and the list of procedures.

Every filter and sort reads an index (bench/, tests/procedure/test_query_plans.py): the stage, its
rank, closed and the last act's date are the summary stored on the procedure
(services.refresh_summary, docs/decisions/003), the next due date too (services.refresh_next_due).
"""

import datetime

import django_filters
from django.db.models import Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact, LessThan
from django.forms import DateInput
from django.utils import timezone

from directory.acting import acting_departements, is_secretariat, secretariat_members
from directory.models import Commune, Organisation, Territory
from households.models import HousingSector, Landlord

from . import services
from .forms_lists import FilterForm
from .models import LIST_KEYS, AccessLog, Procedure, Stage, Task
from .rules import Action

PERIODS = [
    ("en_retard", "En retard"),
    ("aujourdhui", "En retard ou pour aujourd'hui"),
    ("semaine", "Dans les 7 prochains jours (retards compris)"),
    ("mois", "Dans les 30 prochains jours (retards compris)"),
]
PERIOD_DAYS = {"aujourdhui": 0, "semaine": 7, "mois": 30}

STATUSES = [("ouverte", "En cours"), ("close", "Close")]


def _departements(request):
    return acting_departements(request.user) if request is not None else None


def _territories(request):
    """The filters' choices: the user's départements' only (issue 16)."""
    codes = _departements(request)
    return Territory.objects.all() if codes is None else Territory.objects.filter(departement_code__in=codes)


def _social_landlords(request):
    landlords = Landlord.objects.filter(kind=Landlord.Kind.SOCIAL)
    codes = _departements(request)
    return (
        landlords
        if codes is None
        else landlords.filter(organisation__in=Organisation.objects.serving(*codes))
    )


def _organisations(request):
    codes = _departements(request)
    organisations = Organisation.objects.all() if codes is None else Organisation.objects.serving(*codes)
    return organisations.order_by("name")


COMMUNES_MATCHED = 200  # a part of a name matches a few communes (« saint » some hundreds)


def _territory_communes(territory):
    """The INSEE codes of a territory's communes, read first (as values: see filter_commune), for
    the procedure's copy of its commune's (Procedure.commune_insee_code, decision 017)."""
    return list(territory.communes.values_list("insee_code", flat=True))


ANOMALIES = "anomalies"  # the tasks of services.sync_anomaly_tasks


def assignee_choices(departements=None, members=None):
    """« Moi », « Personne » and the secretariat's members (`members` when already read)."""
    members = secretariat_members(departements) if members is None else members
    return [
        (MINE, "Moi (mes tâches)"),
        (NOBODY, "Personne"),
        *[(str(user.pk), user.get_full_name() or user.email) for user in members],
    ]


MINE, NOBODY = "moi", "personne"


class WorkQueueFilter(django_filters.FilterSet):
    """Open tasks by action, stage of their procedure, territory, sector, due date and assignee."""

    action = django_filters.ChoiceFilter(
        label="Action",
        choices=[*Action.choices, (ANOMALIES, "Anomalies (règles de droit)")],
        method="filter_action",
        empty_label="Toutes",
    )
    stage = django_filters.ChoiceFilter(
        label="Étape", choices=Stage.choices, method="filter_stage", empty_label="Toutes"
    )
    territory = django_filters.ModelChoiceFilter(
        label="Territoire", queryset=_territories, method="filter_territory", empty_label="Tous"
    )
    sector = django_filters.ChoiceFilter(
        label="Parc", choices=HousingSector.choices, method="filter_sector", empty_label="Tous"
    )
    period = django_filters.ChoiceFilter(
        label="Échéance", choices=PERIODS, method="filter_period", empty_label="Toutes"
    )
    assignee = django_filters.ChoiceFilter(
        label="Attribuée à", choices=assignee_choices, method="filter_assignee", empty_label="Tous"
    )

    class Meta:
        model = Task
        fields = []
        form = FilterForm

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is not None:  # the members of the user's own départements' secretariats (issue 16)
            self.filters["assignee"].extra["choices"] = assignee_choices(
                members=request.acting.secretariat_members
            )

    def same_tasks(self):
        """The open tasks that pass this queue's filters on the tasks themselves (action, due date,
        assignee), whatever their case: the stage, sector and territory are the case's, the same for
        every task of a case (work_queue._cases_by_urgency compares a task with those of its case)."""
        tasks = Task.objects.filter(status=Task.Status.OPEN)
        data = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
        for name in TASK_FILTERS:
            tasks = self.filters[name].filter(tasks, data.get(name))
        return tasks

    def cases_alone(self):
        """The cases of this selection, in the queue's order, when its filters are on the case
        alone, a stage or a sector (CASE_CONDITIONS), and the user is the secretariat; else None.
        They are the procedures of the user's scope with an open task, by their next due date (the
        soonest of their open tasks, none last), then the case, read from the index on (département,
        stage or sector, next due date). Their tasks are the filter's own (`qs`), joined to the case
        under its département and their own (issue 11: « jugement » at 500,000 procedures walked
        4,940 open tasks in due order for a page of 51 cases, 72 ms)."""
        data = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
        chosen = {name: value for name, value in data.items() if value not in (None, "")}
        if not chosen or not set(chosen) <= set(CASE_CONDITIONS) or not is_secretariat(self.request.user):
            return None
        cases = Procedure.objects.visible_to(self.request.user)
        for name, value in chosen.items():
            cases = cases.filter(CASE_CONDITIONS[name](value))
        open_task = Task.objects.filter(procedure=OuterRef("pk"), status=Task.Status.OPEN)
        cases = cases.filter(Exists(open_task)).order_by(F("next_due_date").asc(nulls_last=True), "pk")
        return cases.values_list("pk", flat=True)

    def filter_action(self, queryset, name, value):
        if value == ANOMALIES:
            return queryset.filter(kind__startswith=services.ANOMALY_TASK_PREFIX)
        return queryset.filter(kind=value)

    # The stage, sector and territory are the case's: the condition on the case's département too
    # (the same as the task's, written again for the planner), so that the cases of a stage are read
    # from the département's stage index, not the country's (issue 16: « assignation » read 100,000
    # cases of the country at 2,500,000 procedures to keep the Côte-d'Or's).
    def _cases(self, **condition):
        if self.request is not None:
            condition["procedure__departement_code__in"] = acting_departements(self.request.user)
        return Q(**condition)

    def filter_stage(self, queryset, name, value):
        return queryset.filter(services.at_stage(value, procedure_ref="procedure"), self._cases())

    def filter_sector(self, queryset, name, value):
        return queryset.filter(self._cases(procedure__sector=value))  # the procedure's copy (decision 017)

    def filter_territory(self, queryset, name, value):
        return queryset.filter(self._cases(procedure__commune_insee_code__in=_territory_communes(value)))

    def filter_assignee(self, queryset, name, value):
        if value == MINE:
            return queryset.filter(assignee=self.request.user)
        if value == NOBODY:
            return queryset.filter(assignee__isnull=True)
        return queryset.filter(assignee_id=value)

    def filter_period(self, queryset, name, value):
        today = timezone.localdate()
        if value == "en_retard":
            return queryset.filter(due_date__lt=today)
        return queryset.filter(due_date__lte=today + datetime.timedelta(days=PERIOD_DAYS[value]))


TASK_FILTERS = ("action", "period", "assignee")  # the queue's filters on the task, not its case
# The queue's filters on the case read from the cases' side when alone, each as a condition on the
# procedure (the same as filter_stage's and filter_sector's on the task's procedure).
CASE_CONDITIONS = {"stage": services.at_stage, "sector": lambda sector: Q(sector=sector)}
NO_DUE_DATE = datetime.date.max  # a task without a due date comes after every dated one


def _urgency(field):
    return Coalesce(field, Value(NO_DUE_DATE))


def precedes():
    """The condition « this task comes before the outer query's task » in the queue's order: the
    sooner due date (none last), then the lower id (used with the outer task's case)."""
    outer = _urgency(OuterRef("due_date"))
    urgency = _urgency(F("due_date"))
    return Q(Exact(urgency, outer), pk__lt=OuterRef("pk")) | Q(LessThan(urgency, outer))


# The sortable columns that may be empty (no act yet): those come last either way.
NULLABLE_SORTS = {"stage_rank", "last_act_date"}


# The columns copied on the procedure (models.LIST_KEYS), sorted from the copy for a secretariat of
# one département: its index starts with the département's code (decision 017). Serving several,
# the household's or commune's own index gives the order.
SORTED_COPIES = {path: copy for copy, path in LIST_KEYS.items()}


class NullsLastOrderingFilter(django_filters.OrderingFilter):
    """Column sorting where procedures with no date come last either way, then by primary key; each
    order matches an index (procedure/models.py, households, directory)."""

    one_departement = False

    def get_ordering_value(self, param):
        descending = param.startswith("-")
        name = self.param_map[param.lstrip("-")]
        if self.one_departement:
            name = SORTED_COPIES.get(name, name)
        nulls_last = True if name in NULLABLE_SORTS else None
        field = F(name)
        return field.desc(nulls_last=nulls_last) if descending else field.asc(nulls_last=nulls_last)

    def filter(self, qs, value):
        if not value or not any(value):
            return qs
        params = [param for param in value if param]
        return qs.order_by(*[self.get_ordering_value(param) for param in params], "pk")


# (parameter, field): the list's sortable columns.
SORTS = {
    "reference": "reference",
    "menage": "household__label",
    "commune": "lease__commune__name",
    "etape": "stage_rank",
    "dernier_acte": "last_act_date",
}


class ProcedureFilter(django_filters.FilterSet):
    """The list of procedures: stage, sector, territory or commune, landlord, deadlines, status."""

    stage = django_filters.ChoiceFilter(
        label="Étape", choices=Stage.choices, method="filter_stage", empty_label="Toutes"
    )
    sector = django_filters.ChoiceFilter(  # the lease's, copied on the procedure (decision 017)
        label="Parc", field_name="sector", choices=HousingSector.choices, empty_label="Tous"
    )
    territory = django_filters.ModelChoiceFilter(
        label="Territoire", queryset=_territories, method="filter_territory", empty_label="Tous"
    )
    commune = django_filters.CharFilter(
        label="Commune (nom ou code INSEE)", method="filter_commune", help_text="ex. : Dijon ou 21231"
    )
    landlord = django_filters.ModelChoiceFilter(
        label="Bailleur social",
        queryset=_social_landlords,
        empty_label="Tous",
    )
    landlord_name = django_filters.CharFilter(
        label="Bailleur (nom)", method="filter_landlord_name", help_text="social ou privé, ex. : orvitis"
    )
    deadline_within = django_filters.NumberFilter(
        label="Tâche à échéance dans les N jours",
        method="filter_deadline_within",
        min_value=0,
        max_value=3650,
        help_text="retards compris",
    )
    overdue = django_filters.ChoiceFilter(
        label="Tâches en retard",
        choices=[("oui", "Oui"), ("non", "Non")],
        method="filter_overdue",
        empty_label="Indifférent",
    )
    status = django_filters.ChoiceFilter(
        label="Statut", choices=STATUSES, method="filter_status", empty_label="Tous"
    )
    tri = NullsLastOrderingFilter(label="Tri", fields=[(field, param) for param, field in SORTS.items()])

    class Meta:
        model = Procedure
        fields = []
        form = FilterForm

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.filters["tri"].one_departement = len(_departements(request) or ()) == 1

    def filter_stage(self, queryset, name, value):
        return queryset.filter(services.at_stage(value))

    def filter_territory(self, queryset, name, value):
        return queryset.filter(commune_insee_code__in=_territory_communes(value))

    def filter_commune(self, queryset, name, value):
        """A code INSEE, or a part of the name, accents and case ignored (« chenove » finds Chenôve)."""
        value = value.strip()
        # Read first, as values: PostgreSQL cannot estimate a subquery matching a pattern, and with a
        # rare commune it then walked the list's order index over every procedure (20 s at 500,000);
        # with the values it reads the procedures of those communes from the copy of their code on
        # the procedure (procedure_dep_insee_idx, decision 017), not the leases of a large commune
        # then each one's procedure, scattered over the country's tables (Dijon 7–10 × at 2,500,000).
        communes = Commune.objects.filter(Q(insee_code=value) | Q(name__folded_contains=value))
        codes = _departements(self.request)
        if codes is not None:  # the user's communes only: « saint » matches 4,000 in the country
            communes = communes.filter(departement_code__in=codes)
        return queryset.filter(
            commune_insee_code__in=list(communes.values_list("insee_code", flat=True)[:COMMUNES_MATCHED])
        )

    def filter_landlord_name(self, queryset, name, value):
        landlords = Landlord.objects.filter(name__folded_contains=value).values("pk")
        return queryset.filter(landlord__in=landlords)

    # Both read the stored next due date, the soonest due date of the case's open tasks
    # (services.refresh_next_due, decision 003): « an open task due by then » is « the soonest one
    # is », a range on procedure_dep_next_due_idx instead of a probe of each case's tasks.
    def filter_deadline_within(self, queryset, name, value):
        horizon = timezone.localdate() + datetime.timedelta(days=int(value))
        return queryset.filter(next_due_date__lte=horizon)

    def filter_overdue(self, queryset, name, value):
        today = timezone.localdate()
        if value == "oui":
            return queryset.filter(next_due_date__lt=today)
        return queryset.filter(Q(next_due_date__isnull=True) | Q(next_due_date__gte=today))

    def filter_status(self, queryset, name, value):
        return queryset.filter(closed=value == "close")


def _open_tasks():
    return Task.objects.filter(procedure=OuterRef("pk"), status=Task.Status.OPEN)


def procedures_for_list(user):
    """The procedures the user may see, with their household, lease, commune and landlord in one
    query (the export reads them; the list page narrows them to the columns it prints,
    views.lists.LIST_FIELDS).

    The default order, the most recently opened first, is read from the index (-opened_at, -id):
    the page costs 50 rows, not the whole table. The stage, status, last act and next due date are
    stored columns (decision 003)."""
    return (
        Procedure.objects.visible_to(user)
        .select_related("household", "lease__commune", "landlord")
        .order_by("-opened_at", "-pk")
    )


def with_next_due_title(queryset):
    """The procedures with the title of their soonest open task (the one of their stored next due
    date), as a subquery in the SELECT list: no query per row."""
    next_due = _open_tasks().filter(due_date__isnull=False).order_by("due_date", "pk")
    return queryset.annotate(next_due_title=Subquery(next_due.values("title")[:1]))


def open_tasks_for_queue(user):
    """The open tasks of the procedures the user may see, soonest first (overdue ones first)."""
    tasks = Task.objects.filter(status=Task.Status.OPEN)
    if is_secretariat(user):  # its départements, the first column of the open tasks' indexes
        tasks = tasks.filter(departement_code__in=acting_departements(user))  # one: `=` (PostgreSQL)
    else:
        tasks = tasks.filter(procedure__in=Procedure.objects.visible_to(user))
    return tasks.select_related("procedure__household", "procedure__lease__commune", "assignee").order_by(
        F("due_date").asc(nulls_last=True), "pk"
    )


class AccessLogFilter(django_filters.FilterSet):
    """The access log by user, organisation, procedure, page and period (administrators)."""

    user = django_filters.CharFilter(label="Utilisateur (nom ou adresse)", method="filter_user")
    organisation = django_filters.ModelChoiceFilter(
        label="Organisme", queryset=_organisations, empty_label="Tous"
    )
    reference = django_filters.CharFilter(
        label="Référence de la procédure", field_name="procedure__reference", lookup_expr="iexact"
    )
    context = django_filters.CharFilter(
        label="Page ou export", field_name="context", lookup_expr="folded_contains"
    )
    since = django_filters.DateFilter(
        label="Du", field_name="at", lookup_expr="date__gte", widget=DateInput(attrs={"type": "date"})
    )
    until = django_filters.DateFilter(
        label="Au", field_name="at", lookup_expr="date__lte", widget=DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = AccessLog
        fields = []
        form = FilterForm

    def filter_user(self, queryset, name, value):
        words = value.split()
        for word in words:
            queryset = queryset.filter(
                Q(user__email__icontains=word)
                | Q(user__first_name__folded_contains=word)
                | Q(user__last_name__folded_contains=word)
            )
        return queryset

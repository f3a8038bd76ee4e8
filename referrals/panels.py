"""What the referrals app adds to the procedure's pages (registered in apps.py): the access grant,
the case panel, the work-queue section and the timeline entries."""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from directory.acting import acting_organisation, acting_role, is_secretariat
from directory.rows_html import fill
from procedure.extensions import TimelineEntry, address_for_any, once
from procedure.models import Task
from procedure.pagination import thousands

from . import routing, services
from .models import WORKING_ROLES, Referral


def referral_grant(user) -> Q:
    """An organisation sees a case while it holds an open referral on it, and REFERRAL_ACCESS_DAYS
    (90 by default) after its closure (docs/architecture.md; Code pénal 226-13)."""
    organisation = acting_organisation(user)
    if acting_role(user) not in WORKING_ROLES or organisation is None:
        return Q(pk__in=[])
    referrals = Referral.objects.filter(addressed_to=organisation).in_access_window()
    return Q(pk__in=referrals.values("procedure_id"))


def case_panel(request, procedure) -> dict:
    """The case's referrals the user may see, and for the secretariat the one-click requests."""
    user = request.user
    referrals = _case_referrals(procedure, user)
    secretariat = is_secretariat(user)
    # The case page renders the template with this dict as its context.
    return {
        "panel": {
            "referrals": referrals,
            "is_secretariat": secretariat,
            "today": timezone.localdate(),
            "requestable_tasks": _requestable_tasks(procedure, referrals) if secretariat else [],
            "request_url": reverse("referrals:request", args=[procedure.pk]),
            "measures": [
                {
                    "measure": measure,
                    "status": measure.status_label(),
                    "may_renew": services.may_renew(measure),
                }
                for measure in _case_measures(procedure)
            ],
            "measure_url": reverse("referrals:add_measure", args=[procedure.pk]),
        }
    }


def _case_referrals(procedure, user):
    """The case's referrals the user may see, newest first, with their steps: read once for the
    panel and the timeline (procedure.extensions.once)."""
    return once(
        procedure,
        "referrals",
        lambda: list(
            Referral.objects.visible_to(user)
            .filter(procedure=procedure)
            .select_related("addressed_to")
            .prefetch_related("transitions__by")
            .order_by("-requested_at")
        ),
    )


def _case_measures(procedure):
    return once(
        procedure, "support_measures", lambda: list(procedure.support_measures.select_related("operator"))
    )


def _requestable_tasks(procedure, referrals):
    """Open tasks that a referral fulfils, with no referral of that kind open yet: each with the
    routing's suggestion and the due date, so that one click sends the request. The routing rules,
    the delays and the events are read once for the case, whatever its number of tasks."""
    open_kinds = {referral.kind for referral in referrals if referral.is_open}
    tasks = [
        task
        for task in procedure.tasks.all()  # read with the case page's tasks (procedure/extensions.py)
        if task.status == Task.Status.OPEN
        and (task.kind in services.KIND_BY_ACTION or task.kind.startswith(services.AGAIN_PREFIX))
        and services.kind_for_task(task) not in open_kinds
    ]
    if not tasks:
        return []
    today = timezone.localdate()
    rules, delays = routing.rules_for(procedure), services.referral_delays()
    hearing = services.hearing_date(procedure, today)
    requestable = []
    for task in tasks:
        kind = Referral.Kind(services.kind_for_task(task))
        requestable.append(
            {
                "task": task,
                "kind": kind,
                "organisation": routing.suggest_organisation(kind=kind, procedure=procedure, rules=rules),
                "due_date": services.due_date_for(kind, today=today, hearing=hearing, delays=delays),
            }
        )
    return requestable


SHOWN = 50  # the rows of each table of the work queue's section
# The values the section's rows print (templates/referrals/work_queue_section.html), the household's
# label from the procedure's copy (decision 017): its 50 referrals read as model instances, each
# with its organisation, case and household, cost the queue more than its own rows (issue 11,
# docs/decisions/016).
OVERDUE_VALUES = (
    "pk",
    "kind",
    "status",
    "due_date",
    "procedure_id",
    "addressed_to__name",
    "procedure__household_label",
)
FILED_VALUES = (
    "referral_id",
    "referral__kind",
    "referral__procedure_id",
    "referral__addressed_to__name",
    "referral__procedure__household_label",
    "submitted_at",
)
KINDS = dict(Referral.Kind.choices)
STATUSES = dict(Referral.Status.choices)


def work_queue_section(request) -> dict:
    overdue = Referral.objects.visible_to(request.user).overdue()
    shown = list(overdue.values_list(*OVERDUE_VALUES)[:SHOWN])
    filed = services.diagnoses_filed(user=request.user).values_list(*FILED_VALUES)[:SHOWN]
    urls = address_for_any("referrals:detail"), address_for_any("procedure:detail")
    return {
        "overdue_referrals": shown,
        "overdue_rows": mark_safe("".join(_overdue_row(row, *urls) for row in shown)),
        "overdue_count": len(shown) if len(shown) < SHOWN else capped_count(overdue),  # fewer: all of them
        "filed": [_filed_row(row, *urls) for row in filed],
        "filed_days": services.FILED_SHOWN_DAYS,
    }


# An overdue referral's row, written here (50 rows on every page of the queue, each template node
# about 40 µs under load, issue 11); the same markup as the template's loop wrote, every value escaped.
# An overdue referral is open: requested, accepted or in progress (the badge of _status_badge.html).
OVERDUE_ROW = (
    '\n      <tr data-testid="overdue-referral">\n'
    '        <td><a href="{url}">{kind}</a></td>\n'
    '        <td><a href="{case_url}">{household}</a></td>\n'
    "        <td>{organisation}</td>\n"
    '        <td class="prevex-overdue">{due_date}</td>\n'
    '        <td><span class="fr-badge fr-badge--sm fr-badge--no-icon {badge}" data-testid="referral-status">'
    "{status}</span></td>\n"
    "      </tr>\n    "
)


def _overdue_row(row, referral_url, case_url):
    pk, kind, status, due_date, procedure_id, organisation, household = row
    return fill(
        OVERDUE_ROW,
        url=referral_url(pk),
        kind=KINDS.get(kind, kind),
        case_url=case_url(procedure_id),
        household=household,
        organisation=organisation,
        due_date=f"{due_date:%d/%m/%Y}",
        badge="fr-badge--new" if status == Referral.Status.REQUESTED else "fr-badge--info",
        status=STATUSES.get(status, status),
    )


def _filed_row(row, referral_url, case_url):
    """A diagnosis received, as the template prints it."""
    referral_id, kind, procedure_id, organisation, household, submitted_at = row
    return {
        "url": referral_url(referral_id),
        "kind": KINDS.get(kind, kind),
        "case_url": case_url(procedure_id),
        "household": household,
        "organisation": organisation,
        "submitted_at": submitted_at,
    }


COUNTED = 1_000  # the work queue's counts stop there (« plus de 1 000 »): an exact count reads every row
# The overdue referrals are counted on their own copy of their case's département, as every read of
# `Referral.objects.visible_to` (decision 017): no join of the procedures (issue 11).


def capped_count(queryset, cap=COUNTED):
    """The number of rows up to `cap`, or « plus de 1 000 » (one bounded subquery)."""
    count = queryset.order_by().values("pk")[: cap + 1].count()
    return f"plus de {thousands(cap)}" if count > cap else count


def timeline_entries(procedure, user):
    for referral in _case_referrals(procedure, user):
        url = reverse("referrals:detail", args=[referral.pk])
        for transition in referral.transitions.all():
            yield TimelineEntry(
                at=transition.at,
                title=f"{referral.get_kind_display()} : {transition.get_to_status_display().lower()}",
                detail=f"{referral.addressed_to}" + (f" · {transition.note}" if transition.note else ""),
                who=transition.by.get_full_name() if transition.by else "",
                url=url,
                kind="referral",
            )
    for measure in _case_measures(procedure):
        yield _measure_entry(measure)


def _measure_entry(measure):
    agreed = {True: "acceptée par le ménage", False: "refusée par le ménage", None: "proposée"}[
        measure.household_agreed
    ]
    period = ""
    if measure.start_date:
        period = f" · du {measure.start_date:%d/%m/%Y}" + (
            f" au {measure.end_date:%d/%m/%Y}" if measure.end_date else ""
        )
    renewals = f" · renouvelée {measure.renewals} fois" if measure.renewals else ""
    return TimelineEntry(
        at=measure.proposed_on,
        title=f"Mesure d'accompagnement : {measure.get_kind_display()}",
        detail=f"{agreed}{period}{renewals}",
        kind="support_measure",
    )


def home_inbox(request) -> dict:
    """The social workers' home-page block: what their organisation has to handle, and how much is late."""
    referrals = Referral.objects.visible_to(request.user).open()
    return {
        "open_count": referrals.count(),
        "overdue_count": referrals.overdue().count(),
        "inbox_url": reverse("referrals:inbox"),
        "overdue_url": reverse("referrals:inbox") + "?due=retard",
    }

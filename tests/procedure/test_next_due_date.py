"""The next due date stored on the procedure (services.refresh_next_due, docs/decisions/003): written
with every write of its tasks, so that the list's overdue and deadline filters, which read it, give
the same cases as the open tasks themselves, whatever happened to them."""

import datetime

import pytest
from django.db.models import Exists, OuterRef
from django.utils import timezone

from procedure import services
from procedure.filters import ProcedureFilter
from procedure.models import Procedure, Stage, Task
from procedure.services import import_acts
from tests.procedure.factories import ProcedureFactory, procedure_at
from tests.procedure.test_import_acts import csv_file

pytestmark = pytest.mark.django_db

FILTERS = [
    {"overdue": "oui"},
    {"overdue": "non"},
    {"deadline_within": 0},
    {"deadline_within": 7},
    {"deadline_within": 30},
    {"deadline_within": 3650},
]


def _today():
    return timezone.localdate()


def _days(n):
    return _today() + datetime.timedelta(days=n)


def from_the_tasks(data):
    """What the filter gave before the column: an open task of the case due by then (or none overdue)."""
    open_tasks = Task.objects.filter(procedure=OuterRef("pk"), status=Task.Status.OPEN)
    if "overdue" in data:
        overdue = Exists(open_tasks.filter(due_date__lt=_today()))
        found = Procedure.objects.filter(overdue if data["overdue"] == "oui" else ~overdue)
    else:
        found = Procedure.objects.filter(
            Exists(open_tasks.filter(due_date__lte=_days(data["deadline_within"])))
        )
    return sorted(found.values_list("reference", flat=True))


def from_the_filter(data):
    filtered = ProcedureFilter(data, queryset=Procedure.objects.all())
    assert filtered.is_valid(), filtered.errors
    return sorted(filtered.qs.values_list("reference", flat=True))


def assert_same_cases():
    for data in FILTERS:
        assert from_the_filter(data) == from_the_tasks(data), data
    assert [d for d in services.check_summaries()[1] if d[1] == "next_due_date"] == []


def soonest_open(procedure):
    return procedure.tasks.filter(status=Task.Status.OPEN).exclude(due_date=None).order_by("due_date").first()


@pytest.fixture
def cases():
    """Cases with overdue tasks, tasks due in a few days or later, none at all."""
    return {
        "recent": procedure_at(Stage.PAYMENT_ORDER, on=_days(-3), reference="RECENT"),
        "late": procedure_at(Stage.SUMMONS, on=_days(-60), reference="LATE"),
        "old": procedure_at(Stage.ORDER_TO_VACATE, on=_days(-20), reference="OLD"),
        "none": ProcedureFactory(reference="NONE"),
    }


def test_the_stored_date_is_the_soonest_open_task_s(cases):
    for procedure in cases.values():
        procedure.refresh_from_db()
        soonest = soonest_open(procedure)
        assert procedure.next_due_date == (soonest.due_date if soonest else None)
    assert cases["recent"].next_due_date is not None and cases["none"].next_due_date is None
    assert_same_cases()


def test_a_task_done_or_set_aside_moves_the_date_to_the_next_one(cases, secretariat):
    late = cases["late"]
    first = soonest_open(late)
    services.complete_task(task=first, user=secretariat)
    late.refresh_from_db()
    assert late.next_due_date == getattr(soonest_open(late), "due_date", None)
    assert_same_cases()

    for task in late.tasks.filter(status=Task.Status.OPEN):
        services.set_aside_task(task=task, user=secretariat, reason="Sans objet")
    late.refresh_from_db()
    assert late.next_due_date is None
    assert_same_cases()


def test_the_work_queue_s_bulk_close_moves_every_case_s_date(cases, secretariat):
    services.close_tasks(
        Task.objects.filter(status=Task.Status.OPEN, due_date__lt=_today()), user=secretariat
    )
    assert from_the_filter({"overdue": "oui"}) == []
    assert_same_cases()
    services.close_tasks(Task.objects.filter(procedure=cases["recent"]), user=secretariat, reason="Doublon")
    assert Procedure.objects.get(pk=cases["recent"].pk).next_due_date is None
    assert_same_cases()


def test_a_corrected_act_re_dates_its_tasks_and_the_date(cases, secretariat):
    recent = cases["recent"]
    before = Procedure.objects.get(pk=recent.pk).next_due_date
    act = recent.events.get()
    services.correct_event(event=act, data={"date": _days(-200)}, reason="Date mal saisie", user=secretariat)
    after = Procedure.objects.get(pk=recent.pk).next_due_date
    assert after is not None and after < before
    assert_same_cases()


def test_a_new_act_creating_tasks_and_its_cancellation(cases, secretariat):
    none = cases["none"]
    event, _ = services.record_event(
        procedure=none, kind=Stage.PAYMENT_ORDER, date=_days(-100), user=secretariat
    )
    assert Procedure.objects.get(pk=none.pk).next_due_date is not None
    assert_same_cases()

    old = cases["old"]
    last = old.events.order_by("-date").first()
    services.cancel_event(event=last, reason="Acte d'un autre dossier", user=secretariat)  # reopens tasks
    assert_same_cases()
    services.cancel_event(event=event, reason="Erreur", user=secretariat)
    assert Procedure.objects.get(pk=none.pk).next_due_date is None
    assert_same_cases()


def test_a_closing_act_sets_every_task_aside_and_clears_the_date(cases, secretariat):
    services.record_event(
        procedure=cases["late"],
        kind="cloture",
        date=_today(),
        closure_reason="dette_soldee",
        user=secretariat,
    )
    assert Procedure.objects.get(pk=cases["late"].pk).next_due_date is None
    assert_same_cases()


def test_the_import_writes_the_date_of_known_and_new_cases(cases, dijon, secretariat):
    rows = [
        f"RECENT,assignation,{_days(-1).isoformat()},,,,,,,,,,,,,{_days(60).isoformat()},,,,",
        f"NOUVEAU,commandement_de_payer,{_days(-5).isoformat()},Martin,Paul,3 place Darcy,21000,21231,"
        "M. Jean Bernard,,prive,2024-01-10,650.00,40,,,,1,0,",
    ]
    report = import_acts(csv_file(rows), filename="actes.csv", user=secretariat)
    assert report.ok, report.errors
    assert Procedure.objects.get(reference="NOUVEAU").next_due_date is not None
    assert_same_cases()


def test_check_consistency_reports_a_next_due_date_that_drifted(cases):
    Task.objects.create(
        procedure=cases["none"], kind="examen_x", title="Créée sans refresh_next_due", due_date=_days(-1)
    )

    differences = services.check_summaries()[1]

    assert differences == [("NONE", "next_due_date", None, _days(-1))]

"""The set-based import applies the law's rules as services.record_event does, act after act:
the Charte's tasks (the CAF / MSA report only with housing benefit, CCH R.824), the tasks an act
supersedes, the anomalies kept as work-queue tasks; in as many queries for 100 cases as for 10."""

import datetime
import io
import re

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from households.models import Household, HousingSector
from procedure import services
from procedure.models import Procedure, Stage, Task
from procedure.rules import Action
from tests.procedure.factories import ProcedureFactory

D = datetime.date
pytestmark = pytest.mark.django_db

HEADER = "reference,acte,date_acte,date_audience,issue"

# An act of each kind that has tasks, in the legal order, with four anomalies on the way: the
# assignation notified 4 weeks before the hearing (loi 89-462 art. 24 III: 6 weeks), the
# réquisition 1 month after the CQL (CE 18 déc. 2013: 2 months), the eviction on Sunday 2 Aug 2026
# (CPCE L.141-1), hence before Monday 3 Aug, the first day after the CQL's 2 months (CPCE L.412-1);
# the eviction closes the case and sets every open task aside.
ACTS = [
    (Stage.UNPAID_RENT, D(2026, 1, 5), {}),
    (Stage.PAYMENT_ORDER, D(2026, 2, 2), {}),
    (Stage.SUMMONS, D(2026, 4, 6), {"hearing_date": D(2026, 5, 4)}),
    (Stage.JUDGMENT, D(2026, 5, 18), {"judgment_outcome": "resiliation"}),
    (Stage.ORDER_TO_VACATE, D(2026, 6, 1), {}),
    (Stage.POLICE_REQUEST, D(2026, 7, 1), {}),
    (Stage.EVICTION, D(2026, 8, 2), {}),
]


def csv_of(*rows):
    return io.BytesIO("\n".join([HEADER, *rows, ""]).encode())


def row(reference, kind, date, details):
    hearing = details.get("hearing_date")
    issue = details.get("judgment_outcome") or details.get("police_decision") or ""
    return f"{reference},{kind},{date.isoformat()},{hearing.isoformat() if hearing else ''},{issue}"


def tasks_of(procedure):
    """The tasks of the case, as a reader of the work queue and the timeline sees them; of the
    anomaly tasks the open ones: the import reads a case's anomalies once, after its acts of the
    file, so it never creates those its closing act would set aside at once."""
    closed_anomalies = Q(kind__startswith="anomalie:") & ~Q(status=Task.Status.OPEN)
    return sorted(
        (
            task.kind,
            task.event.kind if task.event else "",
            task.due_date,
            task.status,
            task.set_aside_reason,
            task.superseded_by.kind if task.superseded_by else "",
        )
        for task in procedure.tasks.exclude(closed_anomalies).select_related("event", "superseded_by")
    )


def case(*, housing_benefit):
    procedure = ProcedureFactory(lease__sector=HousingSector.PRIVATE)
    Household.objects.filter(pk=procedure.household_id).update(benefit_payer="caf" if housing_benefit else "")
    return Procedure.objects.get(pk=procedure.pk)


def test_one_file_leaves_the_same_tasks_as_the_acts_recorded_one_by_one():
    by_hand, imported = case(housing_benefit=True), case(housing_benefit=True)
    for kind, date, details in ACTS:
        services.record_event(procedure=by_hand, kind=kind, date=date, **details)

    report = services.import_acts(
        csv_of(*(row(imported.reference, kind, date, details) for kind, date, details in ACTS)),
        filename="actes.csv",
    )

    assert report.ok, report.errors
    assert tasks_of(imported) == tasks_of(by_hand)
    anomaly_tasks = imported.tasks.filter(kind__startswith="anomalie:", status=Task.Status.OPEN)
    assert anomaly_tasks.count() == 4
    assert imported.tasks.filter(superseded_by__kind=Stage.EVICTION).count() > 1


def test_acts_imported_over_two_files_leave_the_same_tasks_as_recorded_one_by_one():
    by_hand, imported = case(housing_benefit=False), case(housing_benefit=False)
    for kind, date, details in ACTS:
        services.record_event(procedure=by_hand, kind=kind, date=date, **details)

    for half in (ACTS[:4], ACTS[4:]):
        report = services.import_acts(
            csv_of(*(row(imported.reference, kind, date, details) for kind, date, details in half)),
            filename="actes.csv",
        )
        assert report.ok, report.errors

    assert tasks_of(imported) == tasks_of(by_hand)


def test_cch_r824_the_report_task_only_for_a_household_with_housing_benefit():
    with_benefit, without = case(housing_benefit=True), case(housing_benefit=False)

    services.import_acts(
        csv_of(
            f"{with_benefit.reference},impaye,2026-01-05,,",
            f"{without.reference},impaye,2026-01-05,,",
        ),
        filename="actes.csv",
    )

    report_task = Task.objects.filter(kind=Action.CHECK_BENEFIT_PAYER_REPORT)
    assert report_task.filter(procedure=with_benefit, status=Task.Status.OPEN).count() == 1
    assert not report_task.filter(procedure=without).exists()


def test_an_assignation_in_a_later_file_supersedes_the_questionnaire_of_the_commandement():
    procedure = case(housing_benefit=False)
    services.import_acts(
        csv_of(f"{procedure.reference},commandement_de_payer,2026-03-02,,"), filename="a.csv"
    )
    first = procedure.tasks.get(kind=Action.QUESTIONNAIRE_HOUSEHOLD)

    services.import_acts(
        csv_of(f"{procedure.reference},assignation,2026-05-04,2026-07-06,"), filename="b.csv"
    )

    first.refresh_from_db()
    assert first.status == Task.Status.SET_ASIDE
    assert first.set_aside_reason == "Remplacée par la même action après l'assignation du 04/05/2026."
    assert first.superseded_by == procedure.events.get(kind=Stage.SUMMONS)


def test_a_dry_run_reports_the_anomalies_and_writes_no_task():
    procedure = case(housing_benefit=False)

    report = services.import_acts(
        csv_of(
            f"{procedure.reference},commandement_de_quitter_les_lieux,2026-01-05,,",
            f"{procedure.reference},requisition_force_publique,2026-03-05,,",
        ),
        filename="actes.csv",
        dry_run=True,
    )

    assert report.summary.endswith(", 1 anomalie relevée")
    assert not Task.objects.exists()


def _eviction_file(cases):
    """Each case a CQL on 1 June 2026, a réquisition 1 month later (CE 18 déc. 2013: 2 months) and
    an eviction on Sunday 2 Aug 2026 (CPCE L.141-1), before Monday 3 Aug (CPCE L.412-1): 3 anomalies."""
    rows = []
    for case_ in cases:
        rows += [
            f"{case_.reference},commandement_de_quitter_les_lieux,2026-06-01,,",
            f"{case_.reference},requisition_force_publique,2026-07-01,,",
            f"{case_.reference},expulsion,2026-08-02,,",
        ]
    return csv_of(*rows)


def statements(captured):
    """The queries sent, a bulk write split in batches counted once (SQLite's 999 parameters)."""
    keys = []
    for query in captured.captured_queries:
        sql = query["sql"]
        key = re.sub(r"'[^']*'|\d+", "?", sql.split(" VALUES ")[0])[:100]
        if not (keys and keys[-1] == key and sql.startswith(("INSERT", "UPDATE"))):
            keys.append(key)
    return keys


def test_the_anomalies_of_100_cases_take_as_many_queries_as_those_of_10():
    cases = [case(housing_benefit=False) for _ in range(110)]
    with CaptureQueriesContext(connection) as ten:
        assert services.import_acts(_eviction_file(cases[:10]), filename="actes.csv").ok

    with CaptureQueriesContext(connection) as hundred:
        report = services.import_acts(_eviction_file(cases[10:]), filename="actes.csv")

    assert report.recorded_acts == 300 and len(report.anomalies) == 300
    assert statements(hundred) == statements(ten)
    if connection.vendor == "postgresql":
        assert len(hundred) == len(ten)
    anomaly_tasks = Task.objects.filter(kind__startswith="anomalie:", status=Task.Status.OPEN)
    assert anomaly_tasks.count() == 330

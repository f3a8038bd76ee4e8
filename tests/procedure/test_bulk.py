"""procedure.bulk: unsaved objects built as `Model(**values)` builds them, and new rows written in
two statements whatever their number (sequence and COPY on PostgreSQL, bulk_create elsewhere)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from households.models import Household, Person
from procedure import bulk
from procedure.models import ChangeLog, Procedure, ProcedureEvent, Task
from tests.procedure.factories import ProcedureFactory

pytestmark = pytest.mark.django_db


def _fields(instance):
    return {field.attname: getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields}


def test_new_builds_what_the_model_builds_its_defaults_and_foreign_keys_included():
    procedure = ProcedureFactory()
    event = ProcedureEvent(pk=12, procedure=procedure, kind="assignation", date=datetime.date(2026, 3, 2))
    values = {"kind": "questionnaire", "title": "Envoyer", "due_date": datetime.date(2026, 4, 1)}

    built = bulk.new(Task, procedure=procedure, event=event, **values)

    assert _fields(built) == _fields(Task(procedure=procedure, event=event, **values))
    assert built.procedure is procedure and built.event is event  # no query: kept in the cache
    assert built._state.adding and built.pk is None
    log = bulk.new(ChangeLog, procedure=procedure, object_type="procedure", object_id=procedure.pk)
    assert log.changes == {} and log.changes is not bulk.new(ChangeLog, object_type="x", object_id=1).changes


def test_new_refuses_a_field_the_model_does_not_have():
    with pytest.raises(TypeError, match="Task has no field colour"):
        bulk.new(Task, colour="red")


def _write(count):
    households = [bulk.new(Household, label=f"Ménage {number}") for number in range(count)]
    persons = [
        bulk.new(Person, household=household, role="titulaire", last_name="Nom") for household in households
    ]
    with CaptureQueriesContext(connection) as captured:
        bulk.insert(Household, households)
        bulk.insert(Person, persons)
    return households, persons, captured


def test_insert_gives_the_keys_and_writes_the_rows_with_their_foreign_keys():
    households, persons, _ = _write(3)

    assert all(household.pk for household in households)
    stored = Person.objects.filter(pk__in=[person.pk for person in persons]).order_by("pk")
    assert [person.household_id for person in stored] == [household.pk for household in households]
    assert [household.label for household in Household.objects.filter(pk__in=[h.pk for h in households])] == [
        "Ménage 0",
        "Ménage 1",
        "Ménage 2",
    ]
    assert Household.objects.get(pk=households[0].pk).created_at is not None  # auto_now_add
    assert persons[0].household is households[0] and not persons[0]._state.adding


def test_insert_sends_as_many_statements_for_100_rows_as_for_3():
    *_, three = _write(3)
    households, _, hundred = _write(100)
    assert Household.objects.filter(pk__in=[household.pk for household in households]).count() == 100
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's bulk_create splits its INSERT in batches of 999 parameters")
    assert len(hundred) == len(three)  # the keys from the sequence, then one COPY, for each table
    assert [query["sql"].split(" ")[0] for query in hundred] == ["WITH", "COPY", "WITH", "COPY"]


def test_insert_writes_decimals_json_and_dates_as_the_orm_does():
    procedure = ProcedureFactory()
    log = bulk.new(
        ChangeLog,
        procedure=procedure,
        household=procedure.household,
        object_type="procedure",
        object_id=procedure.pk,
        changes={"debt": [None, "1234.56"]},
    )
    event = bulk.new(
        ProcedureEvent,
        procedure=procedure,
        departement_code=procedure.departement_code,  # as the import writes it (decision 017)
        kind="commandement_de_payer",
        date=datetime.date(2026, 1, 5),
    )
    event.debt = Decimal("1234.56")
    bulk.insert(ChangeLog, [log])
    bulk.insert(ProcedureEvent, [event])

    assert ChangeLog.objects.get(pk=log.pk).changes == {"debt": [None, "1234.56"]}
    stored = ProcedureEvent.objects.get(pk=event.pk)
    assert (stored.debt, stored.date, stored.source) == (
        Decimal("1234.56"),
        datetime.date(2026, 1, 5),
        "saisie",
    )
    assert Procedure.objects.get(pk=procedure.pk).events.get() == stored


def test_insert_of_nothing_sends_nothing():
    with CaptureQueriesContext(connection) as captured:
        assert bulk.insert(Household, []) == []
    assert len(captured) == 0


def test_the_auto_now_dates_are_set_on_the_objects_as_stored():
    households, *_ = _write(3)

    stored = dict(Household.objects.filter(pk__in=[h.pk for h in households]).values_list("pk", "created_at"))
    assert {household.pk: household.created_at for household in households} == stored
    if connection.vendor == "postgresql":  # one instant for the whole insert (no now() per row)
        assert len({household.updated_at for household in households}) == 1


def test_the_keys_are_taken_with_the_sequence_named_once_not_once_a_row():
    """pg_get_serial_sequence() per row cost 0.44 s for the import's 37,500 tasks (0.07 s named once)."""
    if connection.vendor != "postgresql":
        pytest.skip("the keys come from a PostgreSQL sequence")
    *_, captured = _write(3)
    keys = next(query["sql"] for query in captured.captured_queries if "nextval" in query["sql"])
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (VERBOSE) {keys}")
        plan = [line for (line,) in cursor.fetchall()]

    rows = [line for line in plan if "nextval" in line]
    assert rows and not [line for line in rows if "pg_get_serial_sequence" in line], plan

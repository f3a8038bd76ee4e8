"""Many new rows written in two statements whatever their number (the import, issue 11).

`insert(model, objects)` does what `bulk_create` does, without its work per value: on PostgreSQL
the primary keys are taken from the table's sequence in one query, then the rows are sent by one
`COPY … FROM STDIN` (psycopg formats them in C). `bulk_create` prepared every value of every
object in Python and psycopg's client-side binding quoted each into the SQL text: at 10,000 acts
(about 90,000 rows) that was most of the import's time (bench/importing.py). Elsewhere (SQLite)
it is `bulk_create`.

The objects' foreign keys may point at objects inserted before them (their ids are copied, as
`bulk_create` does); the rows are written as they are, defaults included, `auto_now_add` dates
set. Triggers fire as for an INSERT; a lost connection raises Django's `OperationalError`.
"""

import datetime
from functools import cache
from operator import attrgetter

from django.db import connection
from django.db.models import DateTimeField, ForeignKey
from django.db.models.base import ModelState
from django.utils import timezone

# The fields whose Python value psycopg writes as it is (get_db_prep_save changes nothing on
# PostgreSQL); any other field's value goes through get_db_prep_save.
AS_IS = {
    "AutoField", "BigAutoField", "BigIntegerField", "BooleanField", "CharField", "DateField",
    "DateTimeField", "DecimalField", "EmailField", "ForeignKey", "IntegerField", "OneToOneField",
    "PositiveBigIntegerField", "PositiveIntegerField", "PositiveSmallIntegerField", "SlugField",
    "SmallIntegerField", "TextField",
}  # fmt: skip


def new(model, /, **values):
    """`model(**values)`, unsaved, for the import's tens of thousands of tasks and acts: its fields
    written straight into the instance (`Model.__init__` cost 25 to 30 µs an object, most of it in
    a descriptor call per foreign key and a keyword search per field). A foreign key is given by
    its id (`procedure_id=`) or by its object (`procedure=`, kept in the instance's cache); the
    fields not given take their default. No `post_init` signal (none of these models has one)."""
    relations = _relations(model)
    objects = {name: values.pop(name) for name in relations.keys() & values.keys()}
    for name, target in objects.items():
        values[relations[name].attname] = None if target is None else target.pk
    constants, callables = _defaults(model)
    if not _attnames(model).issuperset(values):
        unknown = values.keys() - _attnames(model)
        raise TypeError(f"{model.__name__} has no field {', '.join(sorted(unknown))}")
    instance = model.__new__(model)
    instance._state = ModelState()
    instance.__dict__.update(constants)
    for attname, default in callables.items():
        if attname not in values:
            instance.__dict__[attname] = default()
    instance.__dict__.update(values)
    for name, target in objects.items():
        if target is not None:
            relations[name].set_cached_value(instance, target)
    return instance


@cache
def _defaults(model) -> tuple[dict, dict]:
    """The model's defaults by attname: the constant ones, and the functions of the others."""
    constants, callables = {}, {}
    for field in model._meta.concrete_fields:
        if field.has_default() and callable(field.default):
            callables[field.attname] = field.get_default
        else:
            constants[field.attname] = field.get_default()
    return constants, callables


@cache
def _attnames(model) -> frozenset:
    return frozenset(field.attname for field in model._meta.concrete_fields)


@cache
def _relations(model) -> dict:
    return {field.name: field for field in model._meta.concrete_fields if isinstance(field, ForeignKey)}


def insert(model, objects) -> list:
    """Insert these unsaved objects and give them their primary keys (`bulk_create`)."""
    objects = list(objects)
    if not objects:
        return objects
    if connection.vendor != "postgresql":
        return model.objects.bulk_create(objects)
    fields = model._meta.concrete_fields
    _link(fields, objects)
    _take_keys(model, objects)
    _copy(model, fields, objects)
    return objects


def _link(fields, objects) -> None:
    """Each foreign key set from the object it points at, saved before (as `bulk_create`)."""
    for field in fields:
        if not isinstance(field, ForeignKey):
            continue
        name, attname = field.cache_name, field.attname
        for obj in objects:
            if obj.__dict__.get(attname) is not None:
                continue
            target = obj._state.fields_cache.get(name)
            if target is not None:
                obj.__dict__[attname] = target.pk  # the cached object kept (it is the same row)


def _take_keys(model, objects) -> None:
    meta = model._meta
    with connection.cursor() as cursor:  # the sequence named once, not once a row (6 × faster)
        cursor.execute(
            "WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence(%s, %s)::regclass AS seq)"
            " SELECT nextval(s.seq) FROM s, generate_series(1, %s)",
            [connection.ops.quote_name(meta.db_table), meta.pk.column, len(objects)],
        )
        keys = [key for (key,) in cursor.fetchall()]
    for obj, key in zip(objects, keys, strict=True):
        obj.pk = key
        obj._state.adding, obj._state.db = False, connection.alias


def _copy(model, fields, objects) -> None:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    statement = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    _stamp(fields, objects)
    plain = attrgetter(*(field.attname for field in fields))  # every value at once, in C
    prepared = [(index, _preparer(field)) for index, field in enumerate(fields) if _preparer(field)]
    with connection.cursor() as cursor, connection.wrap_database_errors, cursor.copy(statement) as copy:
        for obj in objects:
            row = list(plain(obj))
            for index, prepare in prepared:
                row[index] = prepare(obj, row[index])
            copy.write_row(row)


def _stamp(fields, objects) -> None:
    """The `auto_now` and `auto_now_add` dates set, one instant for the whole insert (what their
    pre_save does, without a timezone.now() per row: 72,000 rows at 10,000 acts)."""
    stamps = {field.attname: _now(field) for field in fields if _is_stamp(field)}
    for obj in objects:
        obj.__dict__.update(stamps)


def _now(field):
    """What the field's pre_save writes: now, or today for a DateField."""
    return timezone.now() if isinstance(field, DateTimeField) else datetime.date.today()


def _is_stamp(field) -> bool:
    return getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)


def _preparer(field):
    """None when psycopg writes the field's value as it is, else the function preparing it."""
    if _is_stamp(field) or field.get_internal_type() in AS_IS:
        return None
    return lambda obj, value: field.get_db_prep_save(value, connection)

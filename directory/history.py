"""The history of every sensitive change (issue 15 §6, docs/decisions/014-history-of-changes.md).

django-simple-history keeps, for each registered model, a historical table: one row per save or
delete (`history_type` "+", "~" or "-"), with the values after the change, when, and who
(`history_user`, set by `simple_history.middleware.HistoryRequestMiddleware` from the request).
`ActingHistory` adds the organisation the user acted for (`request.acting`), so that an entry
names "who, for which organisation" as the access log does.

A model is registered with `history = tracked_history()` in its class, then listed in `TRACKED`
by its app's `ready()` (`register_tracked`) with its audience:

- `CONFIGURATION` (organisations, memberships, API tokens, routing rules and delays, commissions,
  letter templates, retention period…): administrators, on `/historique/`;
- `CASE` (referrals, diagnoses, visit reports, support measures, saisines, opinions,
  recommendations): on each case's "Historique des modifications", as scoped by the app's
  function registered in `procedure.extensions.CASE_HISTORY_SOURCES`.

What is not history: a queryset's `update()`, `bulk_create()` and `bulk_update()` write none
(the import and the work queue's bulk actions touch only acts, tasks, households and the
hand-written `procedure.ChangeLog`, none of which is registered here). Anonymisation scrubs the
historical rows' free texts with the live ones (`procedure.retention.scrub_texts`).
"""

import datetime
import decimal
from dataclasses import dataclass, field

from django.db import models
from django.dispatch import receiver
from django.utils import timezone
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from .templatetags import french

CONFIGURATION = "configuration"
CASE = "case"

ACTIONS = {"+": "Création", "~": "Modification", "-": "Suppression"}


class ActingHistory(models.Model):
    """Extra columns of every historical table: the organisation the user acted for."""

    history_organisation = models.ForeignKey(
        "directory.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_constraint=False,
        related_name="+",
        verbose_name="pour l'organisme",
    )

    class Meta:
        abstract = True


def _request_user(request, **kwargs):
    """The signed-in user; none for the partner API's machines (a token, not a user) and outside
    a request."""
    from django.contrib.auth import get_user_model

    user = getattr(request, "user", None)
    return user if isinstance(user, get_user_model()) else None


def tracked_history(**kwargs):
    """The `history` field of a registered model (same options everywhere)."""
    kwargs.setdefault("bases", [ActingHistory])
    kwargs.setdefault("get_user", _request_user)
    kwargs.setdefault("user_related_name", "+")
    kwargs.setdefault("cascade_delete_history", False)
    return HistoricalRecords(**kwargs)


@receiver(pre_create_historical_record)
def _record_acting_organisation(sender, history_instance, **kwargs):
    if hasattr(history_instance, "history_organisation_id"):
        history_instance.history_organisation_id = _acting_organisation_id()


def _acting_organisation_id():
    """The organisation the user acts for, or the partner API token's (`directory.api.Machine`)."""
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    if hasattr(user, "token"):  # read before `request.acting`, which a machine cannot resolve
        return user.organisation.pk
    if not getattr(user, "is_authenticated", False):
        return None
    acting = getattr(request, "acting", None)
    return getattr(getattr(acting, "organisation", None), "pk", None)


def record_updates(model, pks, *, user=None, reason=""):
    """History rows for the rows a queryset's `update()` changed (a claim that must stay one
    statement: a revocation, a status): `update()` writes none by itself. One query to read the
    rows, one to write their history; `user` defaults to the request's."""
    rows = list(model._base_manager.filter(pk__in=list(pks)))
    if rows:
        model.history.bulk_history_create(
            rows,
            update=True,
            default_user=user if getattr(user, "is_authenticated", False) else None,
            default_change_reason=reason,
            custom_historical_attrs={"history_organisation_id": _acting_organisation_id()},
        )
    return rows


@dataclass(frozen=True)
class Tracked:
    key: str  # the ?objet= of the page
    label: str  # plural, French
    model: type
    audience: str = CONFIGURATION


TRACKED: dict[str, Tracked] = {}


def register_tracked(model, label, audience=CONFIGURATION, key=None):
    key = key or model._meta.model_name
    TRACKED[key] = Tracked(key=key, label=label, model=model, audience=audience)
    return TRACKED[key]


# ------------------------------------------------------------------ reading the history


@dataclass
class Change:
    field: str
    before: str
    after: str


@dataclass
class Entry:
    at: object
    action: str
    type_label: str
    object_label: str
    object_id: int
    user: object
    organisation: object
    changes: list = field(default_factory=list)
    reason: str = ""


def entries(historical_querysets, *, limit=None) -> list[Entry]:
    """The history rows of these querysets (of one or more historical models), newest first, each
    with the fields it changed against the object's previous row (fetched in the same query)."""
    result = []
    for queryset in historical_querysets:
        result.extend(_entries_of(queryset))
    result.sort(key=lambda entry: entry.at, reverse=True)
    return result[:limit] if limit else result


def _entries_of(queryset):
    historical = queryset.model
    model = historical.instance_type
    type_label = model._meta.verbose_name.capitalize()
    ids = queryset.values("id")
    rows = list(
        historical.objects.filter(id__in=ids)
        .select_related("history_user", "history_organisation")
        .order_by("id", "history_date", "history_id")
    )
    wanted = set(queryset.values_list("history_id", flat=True))
    fields = [f for f in model._meta.concrete_fields if f.name not in _SKIPPED and _kept(historical, f)]
    labels = _foreign_labels(rows, fields)
    names = _live_labels(model, {row.id for row in rows if row.history_id in wanted})
    previous = {}
    for row in rows:
        before = previous.get(row.id)
        previous[row.id] = row
        if row.history_id not in wanted:
            continue
        yield Entry(
            at=row.history_date,
            action=ACTIONS.get(row.history_type, row.history_type),
            type_label=type_label,
            object_label=names.get(row.id) or _object_label(row),
            object_id=row.id,
            user=row.history_user,
            organisation=row.history_organisation,
            changes=_changes(before, row, fields, labels) if row.history_type != "-" else [],
            reason=row.history_change_reason or "",
        )


_SKIPPED = {"id", "updated_at", "digest"}


def _kept(historical, model_field):
    try:
        historical._meta.get_field(model_field.name)
    except Exception:  # noqa: BLE001 - a field excluded from the history
        return False
    return True


def _live_labels(model, ids):
    """The objects' labels as they are now, in one query (their direct foreign keys joined)."""
    joined = [f.name for f in model._meta.concrete_fields if f.many_to_one]
    return {obj.pk: str(obj) for obj in model._base_manager.select_related(*joined).filter(pk__in=ids)}


def _object_label(row):
    try:
        return str(row.instance)
    except Exception:  # noqa: BLE001 - a label that needs a deleted related row
        return f"n° {row.id}"


def _foreign_labels(rows, fields):
    """The related rows' labels, one query per foreign key."""
    labels = {}
    for model_field in fields:
        if not model_field.is_relation:
            continue
        ids = {getattr(row, model_field.attname) for row in rows} - {None}
        related = model_field.related_model
        labels[model_field.name] = {obj.pk: str(obj) for obj in related._base_manager.filter(pk__in=ids)}
    return labels


def _display(row, model_field, labels):
    value = getattr(row, model_field.attname)
    if value is None or value == "":
        return "—"
    if model_field.is_relation:
        return labels.get(model_field.name, {}).get(value, f"n° {value}")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, decimal.Decimal):  # amounts: « 2 400,00 »
        return french.number(value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _changes(before, row, fields, labels):
    changes = []
    for model_field in fields:
        after = _display(row, model_field, labels)
        if before is None:
            if after != "—":
                changes.append(Change(str(model_field.verbose_name), "—", after))
            continue
        old = _display(before, model_field, labels)
        if old != after:
            changes.append(Change(str(model_field.verbose_name), old, after))
    return changes

"""The département scope of every choice list (issue 16): a secretariat of the 71 is offered, and
may post, no organisation, commune, territory, commission, landlord, letter template or user of
the 21.

The table is the administration's (admin_scope.SCOPES: what of each model belongs to these
départements); a model without a line there but with a `departement_code` is scoped by it. The
départements are those the form is given, else those of the user the request is served for (the
middleware's `request.acting`); a form built outside a request (a command, a task) or for a
technical superuser acting for no organisation lists everything. A model form keeps the value its
instance already holds (a lease's commune before its case was transferred)."""

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q
from simple_history.models import HistoricalRecords

from .admin_scope import SCOPES, field_condition


def request_departements():
    """The départements of the request being served, or None (no request, or acting for none)."""
    request = getattr(HistoricalRecords.context, "request", None)
    acting = getattr(request, "acting", None)
    if acting is None or getattr(acting, "organisation", None) is None:
        return None
    return tuple(acting.departements)


def condition_for(model):
    condition = SCOPES.get(model._meta.label_lower)
    if condition is not None:
        return condition
    try:
        model._meta.get_field("departement_code")
    except FieldDoesNotExist:
        return None
    return field_condition("departement_code")


def scope_fields(form, departements) -> None:
    if departements is None:
        return
    for name, field in form.fields.items():
        if isinstance(field, forms.ModelChoiceField) and field.queryset is not None:
            _scope(form, name, field, list(departements))


def _scope(form, name, field, codes):
    condition = condition_for(field.queryset.model)
    if condition is None:
        return
    held = _held(form, name)
    field.queryset = field.queryset.filter(condition(codes) | Q(pk__in=held) if held else condition(codes))


def _held(form, name):
    """The pks the model form's saved instance already holds in this field."""
    instance = getattr(form, "instance", None)
    if instance is None or instance.pk is None:
        return []
    try:
        model_field = instance._meta.get_field(name)
    except FieldDoesNotExist:
        return []
    if model_field.many_to_one or model_field.one_to_one:
        value = getattr(instance, model_field.attname)
        return [value] if value is not None else []
    return []

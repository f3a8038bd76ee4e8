"""The administration (/admin/) of one département (issue 16): an administrator reads and changes
the configuration and data of the départements their acting organisation works in, and nothing of
another; a technical superuser acting for no organisation sees everything.

A table, not a change to each app's admin: `SCOPES` maps a model to the condition of "belongs to
these départements", applied to the registered ModelAdmins once the admin is loaded (config/urls.py).
The directory's models are here; config/admin_scopes.py adds the other apps' (the wiring layer,
so that no lower app knows a higher one).
"""

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q

from .models import Organisation


def field_condition(path):
    return lambda codes: Q(**{f"{path}__in": codes})


def organisation_condition(path):
    def condition(codes):
        serving = Organisation.objects.serving(*codes).values("pk")
        return Q(**{f"{path}__in": serving}) if path else Q(pk__in=serving)

    return condition


SCOPES = {
    "directory.organisation": organisation_condition(""),
    "directory.territory": field_condition("departement_code"),
    "directory.commune": field_condition("departement_code"),
    "directory.membership": organisation_condition("organisation"),
    "directory.user": lambda codes: Q(
        pk__in=Organisation.objects.serving(*codes).values("memberships__user")
    ),
    "directory.apitoken": organisation_condition("organisation"),
}


def departements_of(request):
    """The départements the request's user administers, or None for a technical superuser acting
    for no organisation (who sees everything)."""
    acting = getattr(request, "acting", None)
    if acting is not None and acting.organisation is not None:
        return acting.departements
    return None if request.user.is_superuser else ()


def scope_admin(site):
    """Every registered ModelAdmin: its rows (get_queryset) when its model has a line in SCOPES, the
    choices of its foreign keys and many-to-many fields, and its list filters on them, to the
    administrator's départements."""
    for model, model_admin in site._registry.items():
        if getattr(model_admin, "_departement_scoped", False):
            continue
        condition = SCOPES.get(model._meta.label_lower)
        if condition is not None:
            model_admin.get_queryset = _scoped(model_admin.get_queryset, condition)
        model_admin.formfield_for_foreignkey = _scoped_choices(model_admin.formfield_for_foreignkey)
        model_admin.formfield_for_manytomany = _scoped_choices(model_admin.formfield_for_manytomany)
        model_admin.list_filter = [_related_only(model, entry) for entry in model_admin.list_filter]
        model_admin._departement_scoped = True


def _scoped_choices(formfield_for):
    def scoped_formfield(db_field, request, **kwargs):
        formfield = formfield_for(db_field, request, **kwargs)
        condition = SCOPES.get(db_field.related_model._meta.label_lower)
        codes = departements_of(request)
        if formfield is not None and condition is not None and codes is not None:
            formfield.queryset = formfield.queryset.filter(condition(list(codes)))
        return formfield

    return scoped_formfield


def _related_only(model, entry):
    """A list filter on a relation lists only the related rows of the (scoped) list."""
    if not isinstance(entry, str):
        return entry
    try:
        field = model._meta.get_field(entry)
    except FieldDoesNotExist:
        return entry
    if field.is_relation and field.related_model._meta.label_lower in SCOPES:
        return (entry, admin.RelatedOnlyFieldListFilter)
    return entry


def _scoped(get_queryset, condition):
    def scoped_get_queryset(request):
        queryset = get_queryset(request)
        codes = departements_of(request)
        if codes is None:
            return queryset
        return queryset.filter(condition(list(codes)))

    return scoped_get_queryset

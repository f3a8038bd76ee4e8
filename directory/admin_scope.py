"""The administration (/admin/) of one département (issue 16): an administrator reads and changes
the configuration and data of the départements their acting organisation works in, and nothing of
another; a technical superuser acting for no organisation sees everything.

A table, not a change to each app's admin: `SCOPES` maps a model to the condition of "belongs to
these départements", applied to the registered ModelAdmins once the admin is loaded (config/urls.py).
`SUPERUSERS_ONLY` lists, with the reason, the models that belong to the whole install (the law's
delays, the technical configuration): in an install of several départements, only a technical
superuser acting for no organisation reaches them (an install of one département is unchanged: its
administrators keep them). Every registered model is in one table or the other
(tests/departements/test_lists_across.py).
The directory's models are here; config/admin_scopes.py adds the other apps' (the wiring layer,
so that no lower app knows a higher one). The same table scopes every form's choice lists
(choice_scope.py).
"""

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q

from .models import Organisation, default_departement


def field_condition(path):
    return lambda codes: Q(**{f"{path}__in": codes})


def organisation_condition(path):
    def condition(codes):
        serving = Organisation.objects.serving(*codes).values("pk")
        return Q(**{f"{path}__in": serving}) if path else Q(pk__in=serving)

    return condition


def users_condition(path):
    def condition(codes):
        users = Organisation.objects.serving(*codes).values("memberships__user")
        return Q(**{f"{path}__in": users}) if path else Q(pk__in=users)

    return condition


SCOPES = {
    "directory.organisation": organisation_condition(""),
    "directory.territory": field_condition("departement_code"),
    "directory.commune": field_condition("departement_code"),
    "directory.membership": organisation_condition("organisation"),
    "directory.apitoken": organisation_condition("organisation"),
    "directory.user": users_condition(""),
    "otp_totp.totpdevice": users_condition("user"),
    "otp_static.staticdevice": users_condition("user"),
}


TECHNICAL = "configuration technique de l'installation, commune à tous les départements"
SUPERUSERS_ONLY = {
    "auth.group": "groupes de permissions Django : " + TECHNICAL,
    "dsfr.dsfrconfig": "apparence du site (DSFR) : " + TECHNICAL,
    "django_celery_beat.periodictask": "tâches planifiées : " + TECHNICAL,
    "django_celery_beat.intervalschedule": "tâches planifiées : " + TECHNICAL,
    "django_celery_beat.crontabschedule": "tâches planifiées : " + TECHNICAL,
    "django_celery_beat.solarschedule": "tâches planifiées : " + TECHNICAL,
    "django_celery_beat.clockedschedule": "tâches planifiées : " + TECHNICAL,
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
        if model._meta.label_lower in SUPERUSERS_ONLY:
            _superusers_only(model_admin)
        model_admin.formfield_for_foreignkey = _scoped_choices(model_admin.formfield_for_foreignkey)
        model_admin.formfield_for_manytomany = _scoped_choices(model_admin.formfield_for_manytomany)
        model_admin.list_filter = [_related_only(model, entry) for entry in model_admin.list_filter]
        for inline in model_admin.inlines:
            _scope_inline(inline)
        model_admin._departement_scoped = True


PERMISSIONS = ("has_module_permission", "has_view_permission", "has_add_permission")
PERMISSIONS_ON_OBJECTS = ("has_change_permission", "has_delete_permission")


def _superusers_only(model_admin):
    """Hidden from, and refused to, an administrator acting for an organisation, when the install
    serves several départements."""
    for name in PERMISSIONS + PERMISSIONS_ON_OBJECTS:
        original = getattr(model_admin, name)

        def permitted(request, *args, _original=original, **kwargs):
            return reaches_the_whole_install(request) and _original(request, *args, **kwargs)

        setattr(model_admin, name, permitted)


def reaches_the_whole_install(request) -> bool:
    """A technical superuser acting for no organisation, or any administrator of an install of one
    département (one query a request)."""
    if departements_of(request) is None:
        return True
    if not hasattr(request, "_several_departements"):
        request._several_departements = Organisation.objects.exclude(
            departement_code=default_departement()
        ).exists()
    return not request._several_departements


def _scope_inline(inline):
    """An inline's foreign keys (a commission's member organisations, a case's tasks) list the
    administrator's départements' only; its rows are its parent's, already scoped."""
    if inline.__dict__.get("_departement_scoped"):
        return
    for name in ("formfield_for_foreignkey", "formfield_for_manytomany"):
        original = getattr(inline, name)

        def scoped(self, db_field, request, _original=original, **kwargs):
            return _restrict(_original(self, db_field, request, **kwargs), db_field, request)

        setattr(inline, name, scoped)
    inline._departement_scoped = True


def _scoped_choices(formfield_for):
    def scoped_formfield(db_field, request, **kwargs):
        return _restrict(formfield_for(db_field, request, **kwargs), db_field, request)

    return scoped_formfield


def _restrict(formfield, db_field, request):
    condition = SCOPES.get(db_field.related_model._meta.label_lower)
    codes = departements_of(request)
    if formfield is not None and condition is not None and codes is not None:
        formfield.queryset = formfield.queryset.filter(condition(list(codes)))
    return formfield


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

"""The Côte-d'Or as setup_departement makes it, with the Charte's routing rules, loaded cheaply.

setup_departement takes over a second; the first load of a session runs it for real, and the rows
it wrote (every table whose row count it changed) are kept in memory and bulk-inserted, keys and
all, by the following loads: the same rows in a fraction of the time.
"""

from django.apps import apps
from django.db import transaction

from directory.departements import setup_departement
from referrals.routing import install_default_rules

_SNAPSHOT = []  # [(model, [row dict, ...])], filled by the first load of the session


def _counts():
    return {model: model.objects.count() for model in apps.get_models(include_auto_created=True)}


def _load_for_real():
    before = _counts()
    setup_departement("21")
    install_default_rules()
    for model, count in _counts().items():
        if count != before[model]:
            fields = [field.attname for field in model._meta.concrete_fields]
            _SNAPSHOT.append((model, list(model.objects.values(*fields))))


def load_departement():
    """setup_departement("21") + the routing rules: replayed from the snapshot into an empty
    database; for real (idempotent, no snapshot taken) where a fixture already wrote a commune or
    an organisation, which the snapshot's rows would collide with."""
    from directory.models import Commune, Organisation

    if Commune.objects.exists() or Organisation.objects.exists():
        setup_departement("21")
        install_default_rules()
        return
    if not _SNAPSHOT:
        _load_for_real()
        return
    # Foreign keys are checked at commit (deferred) on SQLite and PostgreSQL: any order works.
    with transaction.atomic():
        for model, rows in _SNAPSHOT:
            model.objects.bulk_create([model(**row) for row in rows], batch_size=500)

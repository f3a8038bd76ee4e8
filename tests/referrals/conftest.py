"""The Côte-d'Or as setup_departement makes it, with the Charte's routing rules: the personas'
CCAS are the real ones (CCAS de Dijon, CCAS de Beaune).

setup_departement takes over a second; the first test of a session runs it for real, and the rows
it wrote (every table whose content it changed) are kept in memory and bulk-inserted, keys and all,
for the following tests, which sees the same rows in a fraction of the time.
"""

import pytest
from django.apps import apps
from django.db import transaction

from directory.departements import setup_departement
from directory.models import Organisation
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
    """setup_departement("21") + the routing rules, into an empty database."""
    if not _SNAPSHOT:
        _load_for_real()
        return
    # Foreign keys are checked at commit (deferred) on SQLite and PostgreSQL: any order works.
    with transaction.atomic():
        for model, rows in _SNAPSHOT:
            model.objects.bulk_create([model(**row) for row in rows], batch_size=500)


@pytest.fixture
def departement(db):
    load_departement()


@pytest.fixture
def ccas_dijon(departement):
    return Organisation.objects.get(code="ccas-dijon")


@pytest.fixture
def ccas_beaune(departement):
    return Organisation.objects.get(code="ccas-beaune")


@pytest.fixture
def ddets(departement):
    return Organisation.objects.get(code="ddets-21")


@pytest.fixture
def caf(departement):
    return Organisation.objects.get(code="caf-21")

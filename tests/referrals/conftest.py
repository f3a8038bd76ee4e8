"""The Côte-d'Or as setup_departement makes it, with the Charte's routing rules: the personas'
CCAS are the real ones (CCAS de Dijon, CCAS de Beaune). See departement.py for the cheap reload."""

import pytest

from directory.models import Organisation

from .departement import load_departement


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

"""The personas of style.md, as fixtures every view test uses.

- secretariat: the CCAPEX secretariat (DDETS), sees every case;
- social_worker: a social worker of the CCAS de Dijon, sees the cases referred to the CCAS;
- other_social_worker: a social worker of another organisation (CCAS de Beaune), sees nothing of Dijon's;
- commission_member: a member for the CAF, sees the agendas of their sessions only;
- administrator: configures Prévex.
"""

import django_otp
import pytest
from django.core.cache import caches
from django.http import HttpRequest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from directory.models import Role
from tests.contacts import directory_contacts  # noqa: F401 (the letters' directory details)
from tests.factories import CommuneFactory, OrganisationFactory, member


@pytest.fixture
def dijon(db):
    return CommuneFactory()


@pytest.fixture
def ddets(db):
    return OrganisationFactory(ddets=True)


@pytest.fixture
def ccas_dijon(db):
    return OrganisationFactory(ccas=True, code="ccas-dijon", name="CCAS de Dijon")


@pytest.fixture
def ccas_beaune(db):
    return OrganisationFactory(ccas=True, code="ccas-beaune", name="CCAS de Beaune")


@pytest.fixture
def caf(db):
    return OrganisationFactory(caf=True)


@pytest.fixture
def secretariat(ddets):
    return member(
        role=Role.SECRETARIAT, organisation=ddets, email="secretariat@example.org", first_name="Sophie"
    )


@pytest.fixture
def social_worker(ccas_dijon):
    return member(role=Role.SOCIAL_WORKER, organisation=ccas_dijon, email="ts.dijon@example.org")


@pytest.fixture
def other_social_worker(ccas_beaune):
    return member(role=Role.SOCIAL_WORKER, organisation=ccas_beaune, email="ts.beaune@example.org")


@pytest.fixture
def commission_member(caf):
    return member(role=Role.COMMISSION_MEMBER, organisation=caf, email="membre.caf@example.org")


@pytest.fixture
def administrator(ddets):
    user = member(
        role=Role.ADMIN, organisation=ddets, email="admin@example.org", is_staff=True, is_superuser=True
    )
    return user


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Letters, lists, attachments and PDFs are written under a temporary MEDIA_ROOT, never in the
    working tree."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _own_cache_and_database_sessions(settings):
    """Each test its own empty cache (the API's rate limit, the throttles: nothing carried over from
    another test or another run sharing the Redis) and its sessions in the database, as on a single
    host, so that the query counts pinned by the tests read the same with or without REDIS_URL.
    Sessions and cache in Redis are tested on their own (tests/config/test_redis_sessions.py)."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    caches["default"].clear()


def client_for(user):
    """A client signed in as the user, past the second factor: the session records a confirmed
    authenticator through django-otp's own login helper, as a real sign-in with a code does."""
    client = Client()
    client.force_login(user)
    request = HttpRequest()
    request.session, request.user = client.session, user
    django_otp.login(request, TOTPDevice.objects.create(user=user, name="tests", confirmed=True))
    request.session.save()
    return client


@pytest.fixture
def secretariat_client(secretariat):
    return client_for(secretariat)


@pytest.fixture
def social_worker_client(social_worker):
    return client_for(social_worker)


@pytest.fixture
def other_social_worker_client(other_social_worker):
    return client_for(other_social_worker)


@pytest.fixture
def commission_member_client(commission_member):
    return client_for(commission_member)


@pytest.fixture
def administrator_client(administrator):
    return client_for(administrator)


pytest_plugins = ["tests.conftest_celery"]

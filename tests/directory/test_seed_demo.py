import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from directory import demo
from directory.models import Membership, Role, User

pytestmark = pytest.mark.django_db

ACCOUNTS = {
    "secretariat@demo.prevex.fr": {("ddets-21", Role.SECRETARIAT)},
    "ts.cd21@demo.prevex.fr": {("cd21-agence-dijon", Role.SOCIAL_WORKER), ("cd21", Role.COMMISSION_MEMBER)},
    "ts.ccas-dijon@demo.prevex.fr": {("ccas-dijon", Role.SOCIAL_WORKER)},
    "adefo@demo.prevex.fr": {("adefo", Role.SOCIAL_WORKER)},
    "membre.caf@demo.prevex.fr": {("caf-21", Role.COMMISSION_MEMBER)},
    "admin@demo.prevex.fr": {("ddets-21", Role.ADMIN)},
}


@pytest.fixture(autouse=True)
def debug_on(settings):
    """pytest-django runs tests with DEBUG off; seed_demo is for development machines."""
    settings.DEBUG = True


@pytest.fixture
def departement():
    call_command("setup_departement", "21", stdout=io.StringIO())


def seed():
    output = io.StringIO()
    call_command("seed_demo", stdout=output)
    return output.getvalue()


def test_creates_the_six_accounts_with_their_roles(departement):
    output = seed()
    assert set(User.objects.values_list("email", flat=True)) == set(ACCOUNTS)
    for email, memberships in ACCOUNTS.items():
        found = set(
            Membership.objects.active().filter(user__email=email).values_list("organisation__code", "role")
        )
        assert found == memberships
    assert "ts.cd21@demo.prevex.fr a deux appartenances" in output


def test_only_the_administrator_reaches_the_technical_admin(departement):
    seed()
    admin = User.objects.get(email="admin@demo.prevex.fr")
    assert admin.is_staff and admin.is_superuser
    assert not User.objects.exclude(pk=admin.pk).filter(is_staff=True).exists()


@pytest.mark.parametrize("email", sorted(ACCOUNTS))
def test_each_account_signs_in_with_the_demo_password(departement, email, settings):
    seed()
    client = Client()
    response = client.post("/connexion/", {"username": email, "password": settings.DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(email=email).pk)


@override_settings(DEMO_PASSWORD="autre-mot-de-passe-demo")
def test_uses_the_configured_demo_password(departement):
    seed()
    assert User.objects.get(email="adefo@demo.prevex.fr").check_password("autre-mot-de-passe-demo")


@override_settings(DEBUG=False)
def test_is_refused_when_debug_is_off(departement):
    with pytest.raises(CommandError, match="DEBUG"):
        seed()
    assert not User.objects.exists()


def test_asks_for_setup_departement_first():
    with pytest.raises(CommandError, match="setup_departement 21"):
        seed()
    assert not User.objects.exists()


def test_rerun_changes_nothing(departement):
    seed()
    users = list(User.objects.order_by("email").values())
    memberships = list(Membership.objects.order_by("pk").values())
    seed()
    assert list(User.objects.order_by("email").values()) == users
    assert list(Membership.objects.order_by("pk").values()) == memberships


def test_calls_the_demo_steps_of_other_apps_in_order(departement, monkeypatch):
    monkeypatch.setattr(demo, "DEMO_STEPS", [*demo.DEMO_STEPS, "tests.directory.test_seed_demo.record_step"])
    calls.clear()
    seed()
    assert calls == [User.objects.count()]


calls = []


def record_step():
    calls.append(User.objects.count())

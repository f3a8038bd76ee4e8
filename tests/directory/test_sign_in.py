import datetime

import pytest
from django.test import Client
from django.utils import timezone

from directory.models import Role, User
from tests.factories import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client, email, password):
    return client.post("/connexion/", {"username": email, "password": password})


def fail_five_times(client, email):
    return [sign_in(client, email, "mauvais-mot-de-passe") for _ in range(5)]


def test_signs_in_with_email_and_password(secretariat):
    client = Client()
    response = sign_in(client, "SECRETARIAT@example.org", DEMO_PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(secretariat.pk)


def test_wrong_password_is_refused_without_saying_which_field(secretariat):
    response = sign_in(Client(), secretariat.email, "mauvais-mot-de-passe")
    assert response.status_code == 200
    assert "Adresse électronique ou mot de passe incorrect." in response.content.decode()


def test_five_wrong_passwords_lock_the_account(secretariat):
    responses = fail_five_times(Client(), secretariat.email)
    assert "verrouillé" not in responses[3].content.decode()
    assert "verrouillé" in responses[4].content.decode()
    secretariat.refresh_from_db()
    assert secretariat.is_locked()


def test_correct_password_is_refused_while_locked(secretariat):
    client = Client()
    fail_five_times(client, secretariat.email)
    response = sign_in(client, secretariat.email, DEMO_PASSWORD)
    assert response.status_code == 200
    assert "verrouillé" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lock_expires(secretariat):
    client = Client()
    fail_five_times(client, secretariat.email)
    User.objects.filter(pk=secretariat.pk).update(locked_until=timezone.now() - datetime.timedelta(seconds=1))
    response = sign_in(client, secretariat.email, DEMO_PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(secretariat.pk)


def test_success_resets_the_failure_count(secretariat):
    client = Client()
    for _ in range(4):
        sign_in(client, secretariat.email, "mauvais-mot-de-passe")
    assert sign_in(Client(), secretariat.email, DEMO_PASSWORD).status_code == 302
    secretariat.refresh_from_db()
    assert secretariat.failed_login_count == 0
    sign_in(client, secretariat.email, "mauvais-mot-de-passe")
    secretariat.refresh_from_db()
    assert not secretariat.is_locked()


def test_signed_in_user_lands_on_the_home_page_of_their_role(social_worker):
    client = Client()
    response = sign_in(client, social_worker.email, DEMO_PASSWORD)
    assert response["Location"] == "/"
    home = client.get("/")
    assert "CCAS de Dijon" in home.content.decode()
    assert social_worker.active_memberships().get().role == Role.SOCIAL_WORKER

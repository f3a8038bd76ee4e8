"""The second factor of password sign-ins for the secretariat and the administrators."""

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

URL = "/connexion/second-facteur/"


def signed_in(email):
    client = Client()
    response = client.post("/connexion/", {"username": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return client


def code_of(device, step=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.drift += step
    return f"{totp.token():06d}"


def enrol(client):
    client.get(URL)
    device = TOTPDevice.objects.get(confirmed=False)
    response = client.post(URL, {"code": code_of(device), "next": "/"})
    return device, response


def test_secretariat_enrols_at_first_password_sign_in_and_gets_recovery_codes(secretariat):
    client = signed_in("secretariat@example.org")
    assert client.get("/").url == f"{URL}?next=/"
    page = client.get(URL)
    assert "Activer la vérification en deux étapes" in page.content.decode()
    assert "<svg" in page.content.decode()  # the QR code
    device, response = enrol(client)
    assert len(response.context["codes"]) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200


def test_a_wrong_code_keeps_the_account_unverified_with_a_french_message(secretariat):
    client = signed_in("secretariat@example.org")
    client.get(URL)
    response = client.post(URL, {"code": "000000"})
    assert "Code incorrect" in response.content.decode()
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    assert client.get("/").status_code == 302


def test_next_password_sign_in_asks_the_code_and_a_recovery_code_works_once(administrator):
    device, response = enrol(signed_in("admin@example.org"))
    recovery = response.context["codes"][0]

    client = signed_in("admin@example.org")
    assert "Vérification en deux étapes" in client.get(URL).content.decode()
    assert client.post(URL, {"code": "123"}).status_code == 200
    assert client.get("/").status_code == 302
    assert client.post(URL, {"code": recovery, "next": "/"}).url == "/"
    assert client.get("/").status_code == 200
    assert not StaticToken.objects.filter(token=recovery).exists()

    again = signed_in("admin@example.org")
    again.post(URL, {"code": recovery})
    assert again.get("/").status_code == 302


def test_the_same_code_is_not_accepted_twice(secretariat):
    device, _ = enrol(signed_in("secretariat@example.org"))
    device.refresh_from_db()
    used = code_of(device, step=0)
    client = signed_in("secretariat@example.org")
    client.post(URL, {"code": used})
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("email", ["ts.dijon@example.org", "membre.caf@example.org"])
def test_other_roles_are_not_asked(social_worker, commission_member, email):
    assert signed_in(email).get("/").status_code == 200


def test_the_second_factor_pages_show_no_header_tools_until_the_code_is_typed(secretariat):
    """A session waiting for its code has no organisation to act for, no notification to read, and
    no page fetches the unread count behind the person's back (a fetch that raced a new sign-in
    once replaced the sign-in form's CSRF cookie): the name and « Se déconnecter » only."""
    client = signed_in("secretariat@example.org")
    page = client.get(URL).content.decode()
    assert "data-unread-url" not in page
    assert 'data-testid="acting-organisation"' not in page
    assert "Se déconnecter" in page
    enrol(client)
    page = client.get("/").content.decode()
    assert "data-unread-url" in page
    assert 'data-testid="acting-organisation"' in page

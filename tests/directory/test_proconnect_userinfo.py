"""ProConnect's userinfo, JSON or signed JWT (application/jwt), read from a real OpenID Connect
provider started on 127.0.0.1 (tests/oidc_provider.py): the whole authorisation code flow over HTTP,
Prévex's side through Django's test client, the provider's sign-in form posted with requests."""

import html
from urllib.parse import urlsplit

import pytest
import requests
from django.contrib.auth import get_user

from directory import proconnect
from tests import oidc_provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(request, settings):
    with oidc_provider.running(userinfo=request.param) as (provider, server):
        oidc_provider.configure(settings, server)
        yield provider
    proconnect._client.cache_clear()


def sign_in(client, email):
    """Prévex → the provider's authorisation form, posted as the agent → back to Prévex."""
    start = client.get("/connexion/proconnect/")
    assert start.status_code == 302
    assert start["Location"].startswith("http://localhost:")
    authorised = requests.post(start["Location"], data={"sub": email}, allow_redirects=False, timeout=10)
    assert authorised.status_code == 302, authorised.text
    back = urlsplit(authorised.headers["Location"])
    assert back.path == "/connexion/proconnect/retour/"
    return client.get(f"{back.path}?{back.query}")


@pytest.mark.parametrize("provider", ["signed"], indirect=True)
def test_a_signed_userinfo_is_verified_and_read(client, provider, secretariat):
    response = sign_in(client, "secretariat@example.org")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert get_user(client) == secretariat
    assert provider.userinfo_calls == ["application/jwt"]


@pytest.mark.parametrize("provider", ["json"], indirect=True)
def test_a_json_userinfo_still_works(client, provider, secretariat):
    response = sign_in(client, "secretariat@example.org")
    assert response.status_code == 302
    assert get_user(client) == secretariat
    assert provider.userinfo_calls == ["application/json"]


@pytest.mark.parametrize(
    ("provider", "reason"),
    [
        ("forged", "ne portent pas une signature valide"),
        ("other-audience", "ne sont pas destinées à Prévex"),
        ("other-subject", "ne concernent pas l'agent connecté"),
    ],
    indirect=["provider"],
)
def test_a_userinfo_that_cannot_be_trusted_is_refused_in_french(client, provider, secretariat, reason):
    response = sign_in(client, "secretariat@example.org")
    assert response.status_code == 403
    assert provider.userinfo_calls == ["application/jwt"]
    page = html.unescape(response.content.decode())
    assert "La réponse de ProConnect n'a pas pu être vérifiée" in page
    assert reason in page
    assert not get_user(client).is_authenticated
    assert proconnect.SESSION_ID_TOKEN not in client.session

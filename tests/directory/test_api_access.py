"""Who reaches what, for machines too: every endpoint of the partner API replayed with every token
kind; unknown, revoked and expired tokens; the rate limit."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from directory import services
from directory.models import ApiCall, Organisation
from tests.partner_api import client_with, forged_token_for, partner, token_for

pytestmark = pytest.mark.django_db

WEEK = "2026-W48"
ENDPOINTS = {
    "actes": ("post", "/api/v1/actes/", {"reference": "R-1", "acte": "impaye", "date_acte": "2026-01-05"}),
    "lot": (
        "post",
        "/api/v1/actes/lot/",
        {"actes": [{"reference": "R-1", "acte": "impaye", "date_acte": "x"}]},
    ),
    "actes_pdf": ("post", "/api/v1/actes/pdf/", "multipart"),
    "suivi_pdf": ("get", "/api/v1/actes/pdf/999999/", None),
    "saisines": ("post", "/api/v1/saisines/", {"motif": ""}),
    "liste_siao": ("get", f"/api/v1/listes/siao/{WEEK}/", None),
    "liste_caf": ("get", f"/api/v1/listes/caf/{WEEK}/", None),
}
# Which token kind may use which endpoint: everything else is a 403.
ALLOWED = {
    Organisation.Kind.BAILIFFS: {"actes", "lot", "actes_pdf", "suivi_pdf"},
    Organisation.Kind.SOCIAL_LANDLORD: {"saisines"},
    Organisation.Kind.SIAO: {"liste_siao"},
    Organisation.Kind.CAF: {"liste_caf"},
}


def call(client, endpoint):
    method, url, body = ENDPOINTS[endpoint]
    if body == "multipart":  # a file that is not a PDF: refused (422) once the token may post
        upload = SimpleUploadedFile("acte.pdf", b"pas un PDF", "application/pdf")
        return client.post(url, {"fichiers": [upload]}, format="multipart")
    return getattr(client, method)(url, body, format="json") if body is not None else client.get(url)


@pytest.mark.parametrize("kind", list(ALLOWED))
@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_each_token_kind_reaches_only_its_own_endpoints(kind, endpoint):
    client = client_with(token_for(partner(kind))[1])
    response = call(client, endpoint)
    if endpoint in ALLOWED[kind]:
        # 404: the batch followed is not the organisation's (there is none)
        assert response.status_code in (200, 201, 404, 422), response.content
    else:
        assert response.status_code == 403
        assert response.json() == {"detail": "Ce jeton n'a pas le droit d'utiliser ce point d'accès."}


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_a_scope_held_by_an_organisation_of_another_kind_opens_nothing(endpoint):
    ccas = partner(Organisation.Kind.CCAS)
    client = client_with(
        forged_token_for(ccas, scopes=list({"actes", "saisines", "liste_siao", "liste_caf"}))
    )
    assert call(client, endpoint).status_code == 403


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_no_token_is_a_401_in_french(endpoint):
    response = call(APIClient(), endpoint)
    assert response.status_code == 401
    assert response.json()["detail"].startswith("Authentification requise")
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="prevex"'


def test_an_unknown_token_is_a_401():
    response = call(client_with("pvx_nimporte-quoi"), "liste_siao")
    assert response.status_code == 401
    assert response.json() == {"detail": "Jeton inconnu, révoqué ou expiré."}


def test_a_revoked_token_gets_401_at_once(administrator):
    siao = partner(Organisation.Kind.SIAO)
    token, secret = token_for(siao)
    client = client_with(secret)
    assert call(client, "liste_siao").status_code == 200
    services.revoke_api_token(token=token, user=administrator)
    assert call(client, "liste_siao").status_code == 401


def test_a_token_is_refused_from_its_expiry_on(time_machine):
    caf = partner(Organisation.Kind.CAF)
    token, secret = token_for(caf, days=1)
    client = client_with(secret)
    time_machine.move_to(token.expires_at - datetime.timedelta(seconds=1))
    assert call(client, "liste_caf").status_code == 200
    time_machine.move_to(token.expires_at)
    assert call(client, "liste_caf").status_code == 401


def test_a_token_of_a_deactivated_organisation_is_refused():
    caf = partner(Organisation.Kind.CAF)
    client = client_with(token_for(caf)[1])
    Organisation.objects.filter(pk=caf.pk).update(is_active=False)
    assert call(client, "liste_caf").status_code == 401


def test_the_secret_is_stored_hashed():
    token, secret = token_for(partner(Organisation.Kind.SIAO))
    token.refresh_from_db()
    assert secret not in str(token.__dict__)
    assert token.prefix == secret[:12]


def test_over_the_rate_limit_a_token_gets_a_clear_429(settings):
    settings.API_RATE_LIMIT = 3
    siao_client = client_with(token_for(partner(Organisation.Kind.SIAO))[1])
    caf_client = client_with(token_for(partner(Organisation.Kind.CAF))[1])
    assert [call(siao_client, "liste_siao").status_code for _ in range(3)] == [200, 200, 200]
    refused = call(siao_client, "liste_siao")
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith("Trop d'appels : 3 par minute au plus pour un jeton.")
    assert refused.headers["Retry-After"] == "60"
    assert call(caf_client, "liste_caf").status_code == 200  # per token: the CAF is not slowed down


def test_the_rate_limit_window_slides(settings, time_machine):
    settings.API_RATE_LIMIT = 1
    client = client_with(token_for(partner(Organisation.Kind.SIAO))[1])
    assert call(client, "liste_siao").status_code == 200
    assert call(client, "liste_siao").status_code == 429
    time_machine.move_to(timezone.now() + datetime.timedelta(seconds=61))
    assert call(client, "liste_siao").status_code == 200


def test_refused_calls_are_logged_too():
    call(APIClient(), "actes")
    logged = ApiCall.objects.get()
    assert (logged.organisation, logged.endpoint, logged.status) == (None, "api:acts", 401)

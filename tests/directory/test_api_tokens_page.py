"""The administrators' page of the partners' API tokens: create (secret shown once), revoke, calls."""

import datetime

import pytest
from django.utils import timezone

from directory.models import ApiToken, Organisation
from tests.partner_api import client_with, partner

pytestmark = pytest.mark.django_db

URL = "/jetons-api/"
# Session, user, memberships, the form's organisations, the tokens with their call counts, the calls.
QUERIES = 6


@pytest.fixture
def siao(db):
    return partner(Organisation.Kind.SIAO)


def form(organisation, **extra):
    expires = timezone.localdate() + datetime.timedelta(days=90)
    return {"organisation": organisation.pk, "name": "Serveur du SIAO", "scopes": ["liste_siao"],
            "expires_on": expires.isoformat(), **extra}  # fmt: skip


def test_administrator_creates_a_token_that_works_at_once(administrator_client, siao):
    response = administrator_client.post(URL, form(siao))
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("pvx_") and secret in response.content.decode()
    token = ApiToken.objects.get()
    assert (token.organisation, token.scopes, token.created_by.email) == (
        siao,
        ["liste_siao"],
        "admin@example.org",
    )
    last_day = timezone.localdate() + datetime.timedelta(days=90)
    assert timezone.localtime(token.expires_at).date() == last_day
    assert token.expires_at > timezone.make_aware(datetime.datetime.combine(last_day, datetime.time(23, 59)))
    assert client_with(secret).get("/api/v1/listes/siao/2026-W48/").status_code == 200
    # Shown once: the page never shows it again.
    assert secret not in administrator_client.get(URL).content.decode()


def test_a_scope_outside_the_organisation_s_kind_is_refused_in_french(administrator_client, siao):
    response = administrator_client.post(URL, form(siao, scopes=["actes"], name="mon nom"))
    assert "Droits non ouverts à un organisme de type « SIAO »." in response.content.decode()
    assert response.context["form"]["name"].value() == "mon nom"  # what was typed is kept
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("days", [0, 367])
def test_expiry_must_be_within_the_coming_year(administrator_client, siao, days):
    expires = (timezone.localdate() + datetime.timedelta(days=days)).isoformat()
    response = administrator_client.post(URL, form(siao, expires_on=expires))
    assert response.context["form"].errors["expires_on"] == ["Choisissez une date dans l'année qui vient."]
    assert not ApiToken.objects.exists()


def test_administrator_revokes_a_token_and_the_next_call_is_401(administrator_client, siao):
    secret = administrator_client.post(URL, form(siao)).context["secret"]
    token = ApiToken.objects.get()
    response = administrator_client.post(f"/jetons-api/{token.pk}/revoquer/", follow=True)
    assert "révoqué : il est refusé dès maintenant" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by.email == "admin@example.org"
    assert client_with(secret).get("/api/v1/listes/siao/2026-W48/").status_code == 401


def test_the_page_lists_the_calls(administrator_client, siao):
    secret = administrator_client.post(URL, form(siao)).context["secret"]
    client_with(secret).get("/api/v1/listes/siao/2026-W48/")
    page = administrator_client.get(URL).content.decode()
    assert "GET api:weekly_list_siao" in page


@pytest.mark.parametrize(
    "persona",
    ["secretariat_client", "social_worker_client", "other_social_worker_client", "commission_member_client"],
)
def test_other_personas_get_403(request, persona, siao):
    client = request.getfixturevalue(persona)
    assert client.get(URL).status_code == 403
    assert client.post(URL, form(siao)).status_code == 403
    assert not ApiToken.objects.exists()


def test_other_personas_cannot_revoke(secretariat_client, administrator_client, siao):
    administrator_client.post(URL, form(siao))
    token = ApiToken.objects.get()
    assert secretariat_client.post(f"/jetons-api/{token.pk}/revoquer/").status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None


def test_page_queries_stay_pinned_as_tokens_grow(administrator_client, siao, django_assert_num_queries):
    administrator_client.post(URL, form(siao))
    with django_assert_num_queries(QUERIES):
        administrator_client.get(URL)
    for n in range(5):
        administrator_client.post(URL, form(siao, name=f"jeton {n}"))
    with django_assert_num_queries(QUERIES):
        administrator_client.get(URL)

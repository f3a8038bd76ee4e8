"""ProConnect sign-in in a real browser, against a real OpenID Connect provider started on
127.0.0.1 (oidc-provider-mock, whose userinfo answers a signed JWT as ProConnect's does:
tests/oidc_provider.py): sign in, sign out at the provider, wrong nonce and expired token refused,
unknown agent."""

import datetime
import re

import pytest
from django.contrib.sessions.backends import cache as cache_sessions
from django.contrib.sessions.backends import db as db_sessions
from playwright.sync_api import expect

from directory import proconnect
from tests import oidc_provider

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def provider(settings):
    with oidc_provider.running(userinfo="signed") as (provider, server):
        oidc_provider.configure(settings, server)
        yield provider
    proconnect._client.cache_clear()


@pytest.fixture
def expired_provider(settings):
    # ID tokens that expired ten minutes ago (beyond Authlib's two minutes of clock leeway).
    expired = datetime.timedelta(minutes=-10)
    with oidc_provider.running(userinfo="signed", access_token_max_age=expired) as (provider, server):
        oidc_provider.configure(settings, server)
        yield provider
    proconnect._client.cache_clear()


def to_provider(page):
    page.goto("/connexion/")
    page.get_by_role("link", name="S'identifier avec ProConnect").click()
    expect(page.get_by_role("heading", name="Authorize Client")).to_be_visible()


def authorize_as(page, email):
    page.locator("input[name=sub]").fill(email)
    page.get_by_role("button", name="Authorize").click()


def test_agent_signs_in_with_proconnect_without_a_second_factor_and_out_at_the_provider(
    page, provider, secretariat, screenshot, csp_violations
):
    page.goto("/connexion/")
    screenshot("sign-in-proconnect")
    to_provider(page)
    authorize_as(page, "secretariat@example.org")
    # The secretariat signing in by password would be asked for a code first; through ProConnect, not.
    expect(page.get_by_role("heading", name="Bonjour Sophie")).to_be_visible()
    expect(page.get_by_test_id("acting-organisation")).to_contain_text("DDETS de la Côte-d'Or")
    assert provider.userinfo_calls == ["application/jwt"]  # read and verified as ProConnect sends it

    page.get_by_role("button", name=re.compile("Se déconnecter")).first.click()
    expect(page.get_by_role("heading", name="End Session")).to_be_visible()
    page.get_by_role("button", name="End session").click()
    expect(page).to_have_url(re.compile(r"/connexion/"))
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/connexion/\?next=/$"))
    assert csp_violations == []  # form-action lets the sign-out reach the provider


def test_an_unknown_agent_lands_on_a_french_page_saying_whom_to_ask(page, provider, secretariat, screenshot):
    to_provider(page)
    authorize_as(page, "inconnu@example.org")
    expect(page.get_by_role("heading", name="Compte inconnu de Prévex")).to_be_visible()
    expect(page.get_by_test_id("proconnect-unknown")).to_contain_text("inconnu@example.org")
    expect(page.get_by_text("demandez à l'administrateur de Prévex de la DDETS")).to_be_visible()
    screenshot("proconnect-unknown-agent")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/connexion/"))


def _session(key):
    """The browser's session where the live server keeps it: in the database, or in the cache when
    the server's handler was first loaded with REDIS_URL's settings (sessions in the cache)."""
    for store in (db_sessions.SessionStore, cache_sessions.SessionStore):
        if store().exists(key):
            return store(session_key=key)
    raise AssertionError("session introuvable")


def test_a_wrong_nonce_is_refused(page, provider, secretariat):
    to_provider(page)
    # The nonce Prévex expects is in its session: change it, as if the ID token were replayed from
    # another sign-in; the provider's token then carries a nonce Prévex did not send.
    [cookie] = [cookie for cookie in page.context.cookies() if cookie["name"] == "sessionid"]
    session = _session(cookie["value"])
    [key] = [key for key in session.keys() if key.startswith("_state_proconnect_")]  # noqa: SIM118
    state = session[key]
    state["data"]["nonce"] = "un-autre-nonce"
    session[key] = state
    session.save()
    authorize_as(page, "secretariat@example.org")
    expect(page.get_by_test_id("proconnect-refused")).to_contain_text("n'a pas pu être vérifiée")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/connexion/"))


def test_an_expired_id_token_is_refused(page, expired_provider, secretariat):
    to_provider(page)
    authorize_as(page, "secretariat@example.org")
    expect(page.get_by_test_id("proconnect-refused")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/connexion/"))


def test_proconnect_is_off_when_unset(page, settings):
    settings.PROCONNECT_CLIENT_ID = ""
    page.goto("/connexion/")
    expect(page.get_by_role("link", name="S'identifier avec ProConnect")).to_have_count(0)
    assert page.goto("/connexion/proconnect/").status == 404

"""The administrator's token page and the API documentation page, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from directory.models import Organisation
from tests.e2e.conftest import sign_in
from tests.factories import DEMO_PASSWORD
from tests.partner_api import client_with, partner

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_administrator_creates_a_token_with_the_keyboard_then_revokes_it(page, administrator, screenshot):
    partner(Organisation.Kind.SIAO)
    sign_in(page, email="admin@example.org", password=DEMO_PASSWORD)
    page.get_by_role("link", name="Jetons d'accès des partenaires").first.click()
    page.get_by_label("Organisme").select_option(label="Partenaire siao")
    page.get_by_label("Nom du jeton").fill("Serveur du SIAO")
    page.get_by_label(re.compile("Lire la liste hebdomadaire SIAO")).press("Space")
    page.get_by_label("Nom du jeton").press("Enter")
    secret = page.get_by_test_id("token-secret").inner_text()
    assert secret.startswith("pvx_")
    screenshot("api-token-created")
    assert client_with(secret).get("/api/v1/listes/siao/2026-W48/").status_code == 200

    page.get_by_role("button", name="Révoquer le jeton Serveur du SIAO").click()
    expect(page.get_by_test_id("token")).to_contain_text("Révoqué le")
    assert client_with(secret).get("/api/v1/listes/siao/2026-W48/").status_code == 401
    screenshot("api-token-revoked")


def test_the_documentation_page_loads_only_prevex_s_own_files(page, screenshot):
    outside = []
    page.on("request", lambda request: None if "localhost" in request.url else outside.append(request.url))
    page.goto("/api/documentation/")
    expect(page.get_by_text("API partenaires de Prévex")).to_be_visible()
    expect(page.get_by_text("/api/v1/actes/lot/")).to_be_visible()
    screenshot("api-documentation")
    assert outside == []

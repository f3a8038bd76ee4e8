"""Sign-in, lockout and password reset, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.factories import DEMO_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_secretariat_signs_in_and_sees_its_home_with_its_organisation(page, secretariat, screenshot):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/connexion/\?next=/$"))
    expect(page.get_by_role("heading", name="Connexion à Prévex")).to_be_visible()
    screenshot("sign-in")

    sign_in(page, email="secretariat@example.org", password=DEMO_PASSWORD)

    expect(page.get_by_role("heading", name="Bonjour Sophie")).to_be_visible()
    expect(page.get_by_test_id("acting-organisation")).to_contain_text("DDETS de la Côte-d'Or")
    expect(page.get_by_test_id("acting-organisation")).to_contain_text("Secrétariat de la CCAPEX")
    screenshot("home-secretariat")


def test_five_wrong_passwords_lock_the_account_with_a_message(page, social_worker, screenshot):
    for _ in range(4):
        sign_in(page, email="ts.dijon@example.org", password="pas-le-bon-mot-de-passe")
        expect(page.locator("#erreurs-connexion")).to_contain_text("mot de passe incorrect")

    sign_in(page, email="ts.dijon@example.org", password="pas-le-bon-mot-de-passe")

    expect(page.locator("#erreurs-connexion")).to_contain_text("verrouillé")
    screenshot("sign-in-locked")
    sign_in(page, email="ts.dijon@example.org", password=DEMO_PASSWORD)
    expect(page.locator("#erreurs-connexion")).to_contain_text("verrouillé")


def test_password_reset_mails_a_link_that_sets_a_new_password(page, commission_member, mailoutbox):
    page.goto("/connexion/")
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    page.locator("input[name=email]").fill("membre.caf@example.org")
    page.get_by_role("button", name="Recevoir le lien").click()
    expect(page.get_by_role("heading", name="Courriel envoyé")).to_be_visible()

    assert [message.to for message in mailoutbox] == [["membre.caf@example.org"]]
    link = re.search(r"https?://\S+/mot-de-passe/nouveau/\S+/", mailoutbox[0].body).group(0)
    page.goto(link)
    page.locator("input[name=new_password1]").fill("un-nouveau-mot-de-passe-21")
    page.locator("input[name=new_password2]").fill("un-nouveau-mot-de-passe-21")
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    expect(page.get_by_role("heading", name="Mot de passe modifié")).to_be_visible()

    sign_in(page, email="membre.caf@example.org", password="un-nouveau-mot-de-passe-21")
    expect(page.get_by_test_id("acting-organisation")).to_contain_text("CAF de la Côte-d'Or")

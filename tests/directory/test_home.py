import pytest

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")


@pytest.mark.parametrize(
    "persona",
    ["secretariat_client", "social_worker_client", "commission_member_client", "administrator_client"],
)
def test_each_persona_sees_its_home_with_its_organisation(persona, request):
    client = request.getfixturevalue(persona)
    response = client.get("/")
    assert response.status_code == 200
    assert 'data-testid="acting-organisation"' in response.content.decode()


def test_admin_is_for_administrators_only(secretariat_client, administrator_client):
    assert secretariat_client.get("/admin/").status_code == 302
    assert administrator_client.get("/admin/").status_code == 200


def test_the_accessibility_statement_is_public_and_linked_from_the_footer(client):
    response = client.get("/accessibilite/")
    assert response.status_code == 200
    assert "Déclaration d'accessibilité" in response.content.decode()
    assert 'href="/accessibilite/"' in client.get("/connexion/").content.decode()


@pytest.mark.parametrize(
    ("url", "title"),
    [("/mentions-legales/", "Mentions légales"), ("/donnees-personnelles/", "Données personnelles")],
)
def test_the_legal_pages_are_public_linked_from_the_footer_and_give_a_contact(client, settings, url, title):
    settings.CONTACT_EMAIL = "ccapex@ddets.example.fr"

    html = client.get(url).content.decode()

    assert f"<h1>{title}</h1>" in html
    assert 'href="mailto:ccapex@ddets.example.fr"' in html
    assert f'href="{url}"' in client.get("/connexion/").content.decode()

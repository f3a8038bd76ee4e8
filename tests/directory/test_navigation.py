"""The header's menu per role: sub-menus for the secretariat and the administrator, flat links else."""

from django.urls import reverse

from directory.models import Role
from directory.navigation import menu_for, sections_for


def test_the_secretariat_s_menu_groups_the_cases_letters_and_commissions():
    labels = [label for label, _target in menu_for(Role.SECRETARIAT)]
    menus = {label: target for label, target in menu_for(Role.SECRETARIAT) if isinstance(target, list)}

    assert labels == [
        "Accueil",
        "File de travail",
        "Procédures",
        "Courriers",
        "Orientations",
        "Commissions",
        "Indicateurs",
    ]
    assert [label for label, _ in menus["Procédures"]] == [
        "Liste des procédures",
        "Importer des actes",
        "Lire des actes PDF",
        "Transferts",
    ]


def test_the_administrator_has_the_administration_sub_menu_and_every_section_reached():
    menu = menu_for(Role.ADMIN)
    reached = {
        name
        for _label, target in menu
        for name in ([target] if isinstance(target, str) else [n for _, n in target])
    }

    assert dict(menu)["Administration"] == [
        ("Jetons d'accès des partenaires", "directory:api_tokens"),
        ("Journal des consultations", "procedure:access_log"),
        ("Historique des modifications", "directory:change_history"),
        ("Administration du site", "admin:index"),
    ]
    assert reached == {name for _label, name in sections_for(Role.ADMIN)}


def test_a_role_without_sub_menus_has_plain_links(social_worker_client):
    assert all(isinstance(target, str) for _label, target in menu_for(Role.SOCIAL_WORKER))
    html = social_worker_client.get(reverse("home")).content.decode()
    assert "fr-nav__btn" not in html
    assert f'class="fr-nav__link" href="{reverse("referrals:inbox")}"' in html

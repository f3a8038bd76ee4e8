"""The main navigation, as a table: each section names the roles that may use it, and the sub-menu
(DSFR « menu déroulant ») it sits in, if any, so that the secretariat's and the administrator's
menu holds on one line at 1280 px (issue 13).

An app adds its sections here when it has pages to show; a link never leads nowhere. A sub-menu
of which a role sees a single section shows that section as a plain link.
"""

from .acting import SECRETARIAT_ROLES as SECRETARIAT
from .models import Role

CASES, LETTERS, COMMISSIONS, ADMINISTRATION = "Procédures", "Courriers", "Commissions", "Administration"

SECTIONS = [
    # (label, url name, roles, sub-menu or None)
    ("Accueil", "home", tuple(Role.values), None),
    ("File de travail", "procedure:work_queue", SECRETARIAT, None),
    ("Liste des procédures", "procedure:list", SECRETARIAT, CASES),
    ("Importer des actes", "procedure:import", SECRETARIAT, CASES),
    ("Lire des actes PDF", "procedure:reading_drop", SECRETARIAT, CASES),
    ("Transferts", "procedure:transfers", SECRETARIAT, CASES),
    ("Courriers et modèles", "letters:index", SECRETARIAT, LETTERS),
    ("Listes hebdomadaires", "letters:weekly_lists", SECRETARIAT, LETTERS),
    ("Demandes reçues", "referrals:inbox", (Role.SOCIAL_WORKER, Role.PARTNER), None),
    ("Orientations", "referrals:inbox", SECRETARIAT, None),
    ("Séances des commissions", "commissions:index", SECRETARIAT, COMMISSIONS),
    ("Vivier de relogement", "commissions:pool", SECRETARIAT, COMMISSIONS),
    ("Indicateurs", "indicators:dashboard", SECRETARIAT, None),
    ("Mes séances", "commissions:member_sessions", (Role.COMMISSION_MEMBER,), None),
    ("Saisir la CCAPEX", "commissions:partner_review", (Role.PARTNER, Role.SOCIAL_WORKER), None),
    ("Chiffres de la Charte", "indicators:supply", (Role.PARTNER,), None),
    ("Jetons d'accès des partenaires", "directory:api_tokens", (Role.ADMIN,), ADMINISTRATION),
    ("Journal des consultations", "procedure:access_log", (Role.ADMIN,), ADMINISTRATION),
    ("Historique des modifications", "directory:change_history", (Role.ADMIN,), ADMINISTRATION),
    ("Pilotage national", "indicators:national", (Role.NATIONAL_STEERING,), None),
    ("Administration du site", "admin:index", (Role.ADMIN,), ADMINISTRATION),
]


def sections_for(role):
    """Every section of the role, flat (the home page's tiles)."""
    return [(label, url_name) for label, url_name, roles, _menu in SECTIONS if role in roles]


def menu_for(role):
    """The header's menu: entries (label, url name) or (sub-menu label, [(label, url name), …]),
    in the table's order, a sub-menu where its first section stands."""
    entries, menus = [], {}
    for label, url_name, roles, menu in SECTIONS:
        if role not in roles:
            continue
        if menu is None:
            entries.append((label, url_name))
        elif menu in menus:
            menus[menu].append((label, url_name))
        else:
            menus[menu] = [(label, url_name)]
            entries.append((menu, menus[menu]))
    return [entry[1][0] if isinstance(entry[1], list) and len(entry[1]) == 1 else entry for entry in entries]

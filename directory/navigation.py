"""The main navigation, as a table: each section names the roles that may use it.

An app adds its sections here when it has pages to show; a link never leads nowhere.
"""

from .acting import SECRETARIAT_ROLES as SECRETARIAT
from .models import Role

SECTIONS = [
    # (label, url name, roles)
    ("Accueil", "home", tuple(Role.values)),
    ("File de travail", "procedure:work_queue", SECRETARIAT),
    ("Procédures", "procedure:list", SECRETARIAT),
    ("Importer des actes", "procedure:import", SECRETARIAT),
    ("Lire des actes PDF", "procedure:reading_drop", SECRETARIAT),
    ("Transferts", "procedure:transfers", SECRETARIAT),
    ("Courriers", "letters:index", SECRETARIAT),
    ("Listes hebdomadaires", "letters:weekly_lists", SECRETARIAT),
    ("Indicateurs", "indicators:dashboard", SECRETARIAT),
    ("Demandes reçues", "referrals:inbox", (Role.SOCIAL_WORKER, Role.PARTNER)),
    ("Orientations", "referrals:inbox", SECRETARIAT),
    ("Commissions", "commissions:index", SECRETARIAT),
    ("Vivier de relogement", "commissions:pool", SECRETARIAT),
    ("Mes séances", "commissions:member_sessions", (Role.COMMISSION_MEMBER,)),
    ("Saisir la CCAPEX", "commissions:partner_review", (Role.PARTNER, Role.SOCIAL_WORKER)),
    ("Chiffres de la Charte", "indicators:supply", (Role.PARTNER,)),
    ("Jetons d'accès des partenaires", "directory:api_tokens", (Role.ADMIN,)),
    ("Journal des consultations", "procedure:access_log", (Role.ADMIN,)),
    ("Pilotage national", "indicators:national", (Role.NATIONAL_STEERING,)),
    ("Administration", "admin:index", (Role.ADMIN,)),
]


def sections_for(role):
    return [(label, url_name) for label, url_name, roles in SECTIONS if role in roles]

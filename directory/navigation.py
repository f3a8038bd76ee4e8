"""The main navigation, as a table: each section names the roles that may use it.

An app adds its sections here when it has pages to show; a link never leads nowhere.
"""

from .models import Role

SECRETARIAT = (Role.SECRETARIAT, Role.ADMIN)

SECTIONS = [
    # (label, url name, roles)
    ("Accueil", "home", tuple(Role.values)),
    ("Administration", "admin:index", (Role.ADMIN,)),
]


def sections_for(role):
    return [(label, url_name) for label, url_name, roles in SECTIONS if role in roles]

"""Demo data for `manage.py seed_demo` (refused when DEBUG is off).

DEMO_STEPS lists, in order, the dotted paths of the functions the command calls; each takes no
argument or a `stdout` keyword, and must be idempotent. Another app appends its own step, e.g.
`DEMO_STEPS.append("procedure.demo.seed_cases")` — or, better, adds its path to this list.
"""

from django.conf import settings

from .models import Membership, Organisation, Role, User

DEMO_STEPS = ["directory.demo.seed_accounts", "procedure.demo.seed_cases", "referrals.demo.seed_referrals"]
DEMO_STEPS.append("letters.demo.seed_letters")
DEMO_STEPS.append("commissions.demo.seed_commissions")

# The organisations the accounts need: created by `setup_departement 21`.
REQUIRED_ORGANISATIONS = ["ddets-21", "cd21", "cd21-agence-dijon", "ccas-dijon", "adefo", "caf-21"]

# e-mail, first name, last name, memberships (organisation code, role), administrator.
ACCOUNTS = [
    ("secretariat@demo.prevex.fr", "Sophie", "Marchand", [("ddets-21", Role.SECRETARIAT)], False),
    # Two memberships, to try the organisation chooser (/organisme/).
    (
        "ts.cd21@demo.prevex.fr",
        "Claire",
        "Bonnet",
        [("cd21-agence-dijon", Role.SOCIAL_WORKER), ("cd21", Role.COMMISSION_MEMBER)],
        False,
    ),
    ("ts.ccas-dijon@demo.prevex.fr", "Julien", "Perrin", [("ccas-dijon", Role.SOCIAL_WORKER)], False),
    ("adefo@demo.prevex.fr", "Nadia", "Benali", [("adefo", Role.SOCIAL_WORKER)], False),
    ("membre.caf@demo.prevex.fr", "Thomas", "Girard", [("caf-21", Role.COMMISSION_MEMBER)], False),
    ("admin@demo.prevex.fr", "Isabelle", "Roux", [("ddets-21", Role.ADMIN)], True),
]


def missing_organisations() -> list[str]:
    present = set(Organisation.objects.filter(code__in=REQUIRED_ORGANISATIONS).values_list("code", flat=True))
    return [code for code in REQUIRED_ORGANISATIONS if code not in present]


def seed_accounts(stdout=None) -> None:
    """The demo accounts of issue 2, all with settings.DEMO_PASSWORD; a rerun changes nothing."""
    for email, first_name, last_name, memberships, is_admin in ACCOUNTS:
        user = _account(
            email, first_name=first_name, last_name=last_name, is_staff=is_admin, is_superuser=is_admin
        )
        for code, role in memberships:
            Membership.objects.get_or_create(
                user=user, organisation=Organisation.objects.get(code=code), role=role
            )
        if stdout is not None:
            roles = ", ".join(f"{Role(role).label} ({code})" for code, role in memberships)
            stdout.write(f"{email} : {roles}")
    if stdout is not None:
        stdout.write("ts.cd21@demo.prevex.fr a deux appartenances : choix de l'organisme sur /organisme/.")


def _account(email: str, **fields) -> User:
    user, created = User.objects.get_or_create(email=email, defaults=fields)
    changed = [name for name, value in fields.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, fields[name])
    if not user.check_password(settings.DEMO_PASSWORD):
        # Set only when it differs: set_password salts anew, so a rerun would change the hash.
        user.set_password(settings.DEMO_PASSWORD)
        changed.append("password")
    if changed or created:
        user.save()
    return user

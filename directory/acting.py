"""Which organisation and role a signed-in user acts for in this session."""

from dataclasses import dataclass
from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from .models import Membership, Organisation, Role, User

# The roles that act as the CCAPEX secretariat and see every case (administrators included).
SECRETARIAT_ROLES = (Role.SECRETARIAT, Role.ADMIN)

SESSION_KEY = "acting_membership_id"


@dataclass(frozen=True)
class Acting:
    membership: Membership | None

    @property
    def organisation(self) -> Organisation | None:
        return self.membership.organisation if self.membership else None

    @property
    def role(self) -> str | None:
        return self.membership.role if self.membership else None

    def has_role(self, *roles) -> bool:
        return self.role in roles

    @property
    def is_secretariat(self) -> bool:
        return self.role in SECRETARIAT_ROLES

    @cached_property
    def departements(self) -> tuple:
        """The départements the acting organisation works in (issue 16): the scope of every case,
        configuration and figure the user reaches."""
        return self.organisation.departement_codes if self.organisation else ()

    @cached_property
    def secretariat_members(self) -> list:
        """The members of the secretariats of these départements (secretariat_members), read once a
        request: the work queue offers them in its filter and in its bulk form (issue 11)."""
        return list(secretariat_members(self.departements))


def resolve(request) -> Acting:
    """The membership chosen in the session, else the only one the user has, else the one they
    chose last time (if still active)."""
    user = request.user
    if not user.is_authenticated:
        return Acting(None)
    memberships = list(user.active_memberships())
    chosen = request.session.get(SESSION_KEY)
    for membership in memberships:
        if membership.pk == chosen:
            return Acting(membership)
    remembered = memberships[0].pk if len(memberships) == 1 else user.last_membership_id
    for membership in memberships:
        if membership.pk == remembered:
            request.session[SESSION_KEY] = membership.pk
            return Acting(membership)
    return Acting(None)


def choose(request, membership) -> None:
    """Act for this membership in this session, and from the next sign-in on."""
    request.session[SESSION_KEY] = membership.pk
    User.objects.filter(pk=request.user.pk).update(last_membership=membership)


def secretariat_members(departements=None):
    """The people who may be given the secretariat's tasks: an active secretariat membership (of
    an organisation working in one of `departements`, when given)."""
    members = Membership.objects.active().filter(role=Role.SECRETARIAT)
    if departements is not None:
        members = members.filter(organisation__in=Organisation.objects.serving(*departements))
    members = members.values("user")
    return User.objects.filter(pk__in=members, is_active=True).order_by("last_name", "first_name", "pk")


def acting_role(user) -> str | None:
    """The role the user acts in (set on the user by the middleware), for querysets' visible_to."""
    acting = getattr(user, "acting", None)
    return acting.role if acting else None


def acting_organisation(user):
    acting = getattr(user, "acting", None)
    return acting.organisation if acting else None


def acting_departements(user) -> tuple:
    """The départements the user acts in (set by the middleware), () when acting for none."""
    acting = getattr(user, "acting", None)
    return acting.departements if acting else ()


def in_departements(user, field="departement_code"):
    """The Q "belongs to one of the user's départements" on a model with `field`."""
    return Q(**{f"{field}__in": acting_departements(user)})


def is_secretariat(user) -> bool:
    return acting_role(user) in SECRETARIAT_ROLES


def require_secretariat(user) -> None:
    """What only the secretariat may do: 403 for every other role."""
    if not is_secretariat(user):
        raise PermissionDenied("Réservé au secrétariat de la CCAPEX.")

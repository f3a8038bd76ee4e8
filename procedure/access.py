"""Who sees which procedure: the secretariat sees all; other roles through access grants.

Each grant is a function (user) -> Q on Procedure, registered by the app that hands cases over
(referrals: an open referral addressed to the organisation, and 90 days after; commissions: the
published agenda of a session of the user's commissions). With no grant, a role sees nothing.
"""

from django.db.models import Q

from directory.acting import SECRETARIAT_ROLES, acting_organisation, acting_role

GRANTS = []

SEES_ALL = SECRETARIAT_ROLES


def register_grant(grant):
    if grant not in GRANTS:
        GRANTS.append(grant)
    return grant


def procedure_filter(user):
    """The Q a user's procedures must match, or None when the user sees all."""
    role = acting_role(user)
    if role in SEES_ALL:
        return None
    if role is None or acting_organisation(user) is None:
        return Q(pk__in=[])
    condition = Q(pk__in=[])
    for grant in GRANTS:
        condition |= grant(user)
    return condition


def households_visible_to(user):
    """The households of the procedures the user may see: the procedure app's scope on households
    (households/access.py, registered in ProcedureConfig.ready)."""
    from .models import Procedure

    return Procedure.objects.visible_to(user).values("household_id")

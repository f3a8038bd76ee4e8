"""Who sees which procedure: the secretariat sees all; other roles through access grants.

Each grant is a function (user) -> Q on Procedure, registered by the app that hands cases over
(referrals: an open referral addressed to the organisation, and 90 days after; commissions: the
published agenda of a session of the user's commissions). With no grant, a role sees nothing.
"""

from django.db.models import Q

from directory.acting import SECRETARIAT_ROLES, acting_organisation, acting_role, in_departements

GRANTS = []

SEES_ALL = SECRETARIAT_ROLES


def register_grant(grant):
    if grant not in GRANTS:
        GRANTS.append(grant)
    return grant


def procedure_filter(user):
    """The Q a user's procedures must match: the secretariat sees every case of its départements
    (an index lookup on Procedure.departement_code, issue 16); any other role the cases its grants
    open, in its organisation's départements."""
    role = acting_role(user)
    if role is None or acting_organisation(user) is None:
        return Q(pk__in=[])
    if role in SEES_ALL:
        return in_departements(user)
    condition = Q(pk__in=[])
    for grant in GRANTS:
        condition |= grant(user)
    return in_departements(user) & condition


def households_visible_to(user):
    """The households of the procedures the user may see: the procedure app's scope on households
    (households/access.py, registered in ProcedureConfig.ready)."""
    from .models import Procedure

    return Procedure.objects.visible_to(user).values("household_id")

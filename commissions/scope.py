"""What of the commissions a user reaches: their départements' only (issue 16).

The formations, their sessions and agenda items belong to the formation's département; saisines,
recommendations and the rehousing pool to their case's (a partner's saisine not attached yet, to
its commission's, else to its commune's). Every secretariat view reads through these.
"""

from django.db.models import Q

from directory.acting import acting_departements

from .models import (
    AgendaItem,
    Commission,
    Recommendation,
    RehousingOffer,
    RehousingPoolEntry,
    ReviewRequest,
    Session,
)


def commissions(user):
    return Commission.objects.filter(departement_code__in=acting_departements(user))


def sessions(user):
    return Session.objects.filter(commission__departement_code__in=acting_departements(user))


def items(user):
    return AgendaItem.objects.filter(session__commission__departement_code__in=acting_departements(user))


def review_condition(user, prefix=""):
    codes = acting_departements(user)
    unattached = Q(**{f"{prefix}procedure__isnull": True}) & (
        Q(**{f"{prefix}commission__departement_code__in": codes})
        | Q(**{f"{prefix}commission__isnull": True, f"{prefix}commune__departement_code__in": codes})
    )
    return Q(**{f"{prefix}procedure__departement_code__in": codes}) | unattached


def reviews(user):
    return ReviewRequest.objects.filter(review_condition(user))


def recommendations(user):
    return Recommendation.objects.filter(procedure__departement_code__in=acting_departements(user))


def pool_entries(user):
    return RehousingPoolEntry.objects.filter(procedure__departement_code__in=acting_departements(user))


def offers(user):
    return RehousingOffer.objects.filter(entry__procedure__departement_code__in=acting_departements(user))

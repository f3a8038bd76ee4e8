"""Who reaches a household: the apps built on households register their scopes here, in their
AppConfig.ready(), so that households imports none of them (docs/architecture.md).

A scope is a function (user) -> a queryset of household ids (`.values("pk")` or
`.values("household_id")`); a household is visible when one scope opens it. With no scope, nobody
sees any household: the access fails closed.
"""

from django.db.models import Q

SCOPES = []


def register_scope(scope):
    if scope not in SCOPES:
        SCOPES.append(scope)
    return scope


def visible_condition(user) -> Q:
    condition = Q(pk__in=[])
    for scope in SCOPES:
        condition |= Q(pk__in=scope(user))
    return condition

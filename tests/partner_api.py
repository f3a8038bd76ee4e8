"""Tokens of the partner API for the tests."""

import datetime

from django.utils import timezone
from rest_framework.test import APIClient

from directory import api, services
from directory.models import ApiToken
from tests.factories import OrganisationFactory


def partner(kind, **fields):
    return OrganisationFactory(code=f"api-{kind}", name=f"Partenaire {kind}", kind=kind, **fields)


def token_for(organisation, *, scopes=None, days=30):
    """A token made as the administrator makes it, with every scope its organisation may hold (or
    those given); returns (token, secret)."""
    if scopes is None:
        scopes = [scope.code for scope in api.scopes_for(organisation.kind)]
    expires_at = timezone.now() + datetime.timedelta(days=days)
    return services.create_api_token(
        organisation=organisation, name="système", scopes=scopes, expires_at=expires_at, user=None
    )


def forged_token_for(organisation, *, scopes):
    """A token holding scopes its organisation's kind may not hold (as if the organisation had
    changed kind since): the API must still refuse it."""
    secret = f"{api.TOKEN_PREFIX}forged-{organisation.pk}"
    ApiToken.objects.create(
        organisation=organisation,
        name="forgé",
        prefix=secret[:12],
        digest=api.digest(secret),
        scopes=scopes,
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    return secret


def client_with(secret) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client

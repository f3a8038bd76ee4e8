"""ProConnect sign-in (OpenID Connect, with Authlib: docs/decisions/006-proconnect.md).

Discovery from PROCONNECT_DISCOVERY_URL; authorisation code with PKCE (S256); Authlib checks the
state, and the ID token's signature (the provider's JWKS), issuer, audience, expiry and nonce. An
agent is matched to an existing active user by the verified e-mail address, and acts for that
user's memberships: ProConnect never creates a user or a membership. Off when the variables are unset.
"""

import functools
import logging
from urllib.parse import urlsplit

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import OAuth
from django.conf import settings
from joserfc.errors import JoseError

from .models import User

logger = logging.getLogger(__name__)

SESSION_ID_TOKEN = "proconnect_id_token"
# Everything that means "this answer of the provider cannot be trusted" (or never came).
REFUSALS = (OAuthError, JoseError, ValueError, KeyError, requests.RequestException)


def enabled() -> bool:
    return bool(settings.PROCONNECT_CLIENT_ID and settings.PROCONNECT_DISCOVERY_URL)


def client():
    """The provider's client; its discovery document and keys are fetched once per configuration."""
    return _client(
        settings.PROCONNECT_DISCOVERY_URL,
        settings.PROCONNECT_CLIENT_ID,
        settings.PROCONNECT_CLIENT_SECRET,
        settings.PROCONNECT_SCOPES,
    )


@functools.cache
def _client(discovery_url, client_id, client_secret, scopes):
    return OAuth().register(
        "proconnect",
        client_id=client_id,
        client_secret=client_secret,
        server_metadata_url=discovery_url,
        client_kwargs={"scope": scopes, "code_challenge_method": "S256"},
    )


def verified_email(request) -> tuple[str, str]:
    """The e-mail of the agent coming back from the provider, once every check has passed, and the
    ID token (kept for the logout at the provider)."""
    token = client().authorize_access_token(request)
    claims = token.get("userinfo") or {}
    email = claims.get("email") or client().userinfo(token=token).get("email", "")
    return email.strip().lower(), token["id_token"]


def matching_user(email: str) -> User | None:
    """The active Prévex user with this e-mail and at least one active membership."""
    user = User.objects.filter(email__iexact=email, is_active=True).first() if email else None
    if user is None or not user.active_memberships().exists():
        return None
    return user


def logout_url(request, id_token: str, *, back_to: str):
    """The provider's end-session redirect (RP-initiated logout)."""
    return client().logout_redirect(request, post_logout_redirect_uri=back_to, id_token_hint=id_token)


def end_session_origin() -> str:
    """The origin of the provider's end-session endpoint ("" when the provider has none)."""
    try:
        endpoint = client().load_server_metadata().get("end_session_endpoint", "")
    except REFUSALS:
        return ""
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""

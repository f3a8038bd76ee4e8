"""ProConnect sign-in (OpenID Connect, with Authlib: docs/decisions/006-proconnect.md).

Discovery from PROCONNECT_DISCOVERY_URL; authorisation code with PKCE (S256); Authlib checks the
state, and the ID token's signature (the provider's JWKS), issuer, audience, expiry and nonce. The
userinfo endpoint is then read, as ProConnect asks, whether it answers JSON or a signed JWT
(``application/jwt``, ProConnect's ``userinfo_signed_response_alg`` RS256 or ES256): the JWT's
signature is verified against the same JWKS, its issuer and audience checked, and its subject must
be the ID token's (OpenID Connect Core 5.3.2). An agent is matched to an existing active user by
the verified e-mail address, and acts for that user's memberships: ProConnect never creates a user
or a membership. Off when the variables are unset.
"""

import functools
import logging
from urllib.parse import urlsplit

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import OAuth
from django.conf import settings
from joserfc import jwt
from joserfc.errors import BadSignatureError, InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

from .models import User

logger = logging.getLogger(__name__)

SESSION_ID_TOKEN = "proconnect_id_token"
# The algorithms a signed userinfo may use when the discovery document does not list them
# (ProConnect's userinfo_signed_response_alg: RS256 or ES256); never "none".
USERINFO_ALGORITHMS = ("RS256", "ES256")


class Refused(ValueError):
    """An answer of the provider that cannot be trusted, with the reason shown to the agent."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


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
    id_claims = token.get("userinfo") or {}
    claims = userinfo(token)
    if claims and claims.get("sub") != id_claims.get("sub"):
        raise Refused("Les informations transmises par ProConnect ne concernent pas l'agent connecté.")
    email = claims.get("email") or id_claims.get("email") or ""
    return email.strip().lower(), token["id_token"]


def userinfo(token) -> dict:
    """The claims of the provider's userinfo endpoint ({} when it has none), JSON or signed JWT."""
    provider = client()
    metadata = provider.load_server_metadata()
    endpoint = metadata.get("userinfo_endpoint")
    if not endpoint:
        return {}
    response = provider.get(endpoint, token=token)
    response.raise_for_status()
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type == "application/jwt":
        return signed_claims(response.text.strip(), metadata)
    claims = response.json()
    if not isinstance(claims, dict):
        raise Refused("Les informations transmises par ProConnect sont illisibles.")
    return claims


def signed_claims(value: str, metadata: dict) -> dict:
    """The claims of a signed userinfo, once its signature (the provider's JWKS), its issuer and its
    audience (our client id) are verified."""
    provider = client()
    algorithms = metadata.get("userinfo_signing_alg_values_supported") or USERINFO_ALGORITHMS
    algorithms = [algorithm for algorithm in algorithms if algorithm != "none"]
    try:
        try:
            decoded = jwt.decode(value, KeySet.import_key_set(provider.fetch_jwk_set()), algorithms)
        except InvalidKeyIdError:  # the provider may have rotated its keys since we read them
            keys = KeySet.import_key_set(provider.fetch_jwk_set(force=True))
            decoded = jwt.decode(value, keys, algorithms)
    except (BadSignatureError, InvalidKeyIdError) as error:
        raise Refused(
            "Les informations transmises par ProConnect ne portent pas une signature valide."
        ) from error
    except (JoseError, ValueError) as error:
        raise Refused("Les informations transmises par ProConnect sont illisibles.") from error
    registry = jwt.JWTClaimsRegistry(
        leeway=120,
        iss={"essential": True, "value": metadata.get("issuer", "")},
        aud={"essential": True, "value": provider.client_id},
        sub={"essential": True},
    )
    try:
        registry.validate(decoded.claims)
    except JoseError as error:
        raise Refused(
            "Les informations transmises par ProConnect ne sont pas destinées à Prévex "
            "ou ne viennent pas de ProConnect."
        ) from error
    return decoded.claims


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

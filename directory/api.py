"""The partner API's common ground: scopes, token authentication, rate limit, call log, idempotency.

The endpoints live in the apps whose concept they serve (`procedure.api`, `commissions.api`,
`letters.api`); each registers its scope here in its `AppConfig.ready()` and derives its views from
`PartnerApiView`, so that every call is authenticated by an `ApiToken`, checked against the scope,
counted against the token's rate limit and logged (organisation, endpoint, status, time; no body).
"""

import hashlib
import json
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions, status
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from .models import ApiCall, ApiToken, IdempotentRequest

logger = logging.getLogger(__name__)
# The database lost in the middle of a request (docs/deploy.md "When something fails").
DATABASE_LOST = (OperationalError, InterfaceError)
# Django's limits on a request body (DATA_UPLOAD_MAX_*), met while DRF parses it: a 422 in JSON,
# as the schema says, instead of Django's HTML « Bad Request (400) ».
BODY_LIMITS = {
    TooManyFilesSent: ("fichiers", "Trop de fichiers dans un même envoi : envoyez-les en plusieurs fois."),
    TooManyFieldsSent: ("requête", "Trop de champs dans la requête."),
    RequestDataTooBig: ("requête", "Requête trop volumineuse : envoyez les fichiers en plusieurs fois."),
}

TOKEN_PREFIX = "pvx_"


@dataclass(frozen=True)
class Scope:
    code: str
    label: str
    # The organisation kinds that may hold this scope (a SIAO never posts acts).
    kinds: tuple[str, ...]


# code -> Scope; filled by the apps in their ready().
SCOPES: dict[str, Scope] = {}


def register_scope(scope: Scope) -> None:
    SCOPES[scope.code] = scope


def scopes_for(kind: str) -> list[Scope]:
    """The scopes an organisation of this kind may be given."""
    return [scope for scope in SCOPES.values() if kind in scope.kinds]


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# ---------------------------------------------------------------------------------------------
# Authentication, permission, rate limit
# ---------------------------------------------------------------------------------------------


class Machine:
    """The "user" of an API call: an organisation's system, through one token."""

    is_authenticated = True
    is_anonymous = False

    def __init__(self, token: ApiToken):
        self.token = token
        self.organisation = token.organisation


class TokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer pvx_…`; an unknown, revoked or expired token is a 401 at once."""

    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("En-tête Authorization attendu : « Bearer <jeton> ».")
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError as error:
            raise exceptions.AuthenticationFailed("Jeton invalide.") from error
        token = ApiToken.objects.usable().select_related("organisation").filter(digest=digest(secret)).first()
        if token is None:
            raise exceptions.AuthenticationFailed("Jeton inconnu, révoqué ou expiré.")
        return Machine(token), token

    def authenticate_header(self, request):
        return 'Bearer realm="prevex"'


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = TokenAuthentication
    name = "jeton"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "Jeton d'accès remis par Prévex."}


class HasScope(BasePermission):
    """The token holds the view's scope, and its organisation is still of a kind that may hold it."""

    message = "Ce jeton n'a pas le droit d'utiliser ce point d'accès."

    def has_permission(self, request, view):
        token = request.auth
        scope = SCOPES[view.scope]
        return token is not None and view.scope in token.scopes and token.organisation.kind in scope.kinds


class TokenRateThrottle(BaseThrottle):
    """At most API_RATE_LIMIT calls per token per minute, counted on the call log (the same count
    for every worker, no cache to share). This costs one indexed COUNT query per call."""

    window = 60

    def allow_request(self, request, view):
        if request.auth is None:
            return True
        since = timezone.now() - timezone.timedelta(seconds=self.window)
        return ApiCall.objects.filter(token=request.auth, at__gte=since).count() < settings.API_RATE_LIMIT

    def wait(self):
        return self.window


# ---------------------------------------------------------------------------------------------
# The base view
# ---------------------------------------------------------------------------------------------


class PartnerApiView(APIView):
    """An endpoint of the partner API for the organisations holding `scope`."""

    scope: str = ""
    authentication_classes = [TokenAuthentication]
    permission_classes = [HasScope]
    throttle_classes = [TokenRateThrottle]

    def initial(self, request, *args, **kwargs):
        self._started = time.monotonic()
        super().initial(request, *args, **kwargs)

    def permission_denied(self, request, message=None, code=None):
        if request.authenticators and not request.successful_authenticator:
            raise exceptions.NotAuthenticated("Authentification requise : « Authorization: Bearer <jeton> ».")
        raise exceptions.PermissionDenied(message or HasScope.message)

    def throttled(self, request, wait):
        raise exceptions.Throttled(
            wait, detail=f"Trop d'appels : {settings.API_RATE_LIMIT} par minute au plus pour un jeton."
        )

    def handle_exception(self, exc):
        """The database lost in the middle of a write (server restarted, connection cut): the
        transaction is rolled back, so a 503 says that nothing was written and to retry."""
        if isinstance(exc, DATABASE_LOST):
            logger.warning("api_database_lost view=%s error=%s", type(self).__name__, type(exc).__name__)
            return Response(
                {
                    "detail": "Base de données momentanément indisponible : rien n'a été enregistré. "
                    "Réessayez dans une minute (avec la même Idempotency-Key)."
                },
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
                headers={"Retry-After": "60"},
            )
        for limit, (field, message) in BODY_LIMITS.items():
            if isinstance(exc, limit):
                logger.warning("api_body_limit view=%s error=%s", type(self).__name__, limit.__name__)
                return unprocessable([error(field, message)])
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        try:
            self._log(request, response)
        except DATABASE_LOST:  # still unreachable: the answer goes out unlogged, said in the logs
            logger.warning("api_call_not_logged status=%s", response.status_code)
        return response

    def _log(self, request, response):
        token = getattr(request, "_auth", None)
        started = getattr(self, "_started", time.monotonic())
        ApiCall.objects.create(
            token=token if isinstance(token, ApiToken) else None,
            organisation=token.organisation if isinstance(token, ApiToken) else None,
            method=request.method,
            endpoint=request.resolver_match.view_name if request.resolver_match else request.path[:100],
            status=response.status_code,
            duration_ms=int((time.monotonic() - started) * 1000),
        )

    def idempotent(self, request, handler):
        """Run `handler()` (-> Response) once per `Idempotency-Key` of the organisation: the same key
        with the same body replays the first answer; with another body it is refused."""
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key:
            return handler()
        if len(key) > 100:
            return unprocessable([error("Idempotency-Key", "100 caractères au plus.")])
        body = digest(json.dumps(request.data, sort_keys=True, default=str))
        organisation = request.auth.organisation
        with transaction.atomic():
            try:
                with transaction.atomic():
                    claim = IdempotentRequest.objects.create(
                        organisation=organisation, key=key, endpoint=self.scope, body_digest=body
                    )
            except IntegrityError:
                return self._replay(organisation, key, body)
            response = handler()
            claim.status, claim.response = response.status_code, response.data
            claim.save(update_fields=["status", "response"])
            return response

    def _replay(self, organisation, key, body):
        earlier = IdempotentRequest.objects.get(organisation=organisation, key=key)
        if earlier.body_digest != body or earlier.endpoint != self.scope:
            return unprocessable(
                [error("Idempotency-Key", "Cette clé a déjà servi pour une autre requête : changez de clé.")]
            )
        return Response(earlier.response, status=earlier.status, headers={"Idempotent-Replayed": "true"})


def error(field: str, message: str, index: int | None = None) -> dict:
    found = {"champ": field, "message": message}
    return found if index is None else {"index": index, **found}


def unprocessable(errors: list[dict]) -> Response:
    """422 with every error, each naming its field (and, in a batch, the act's index from 0)."""
    return Response(
        {"detail": "Requête refusée : rien n'a été enregistré.", "erreurs": errors},
        status=status.HTTP_422_UNPROCESSABLE_ENTITY,
    )


def serializer_errors(errors, index: int | None = None, parent: str = "") -> list[dict]:
    """DRF's {field: [messages]} as our list of errors. A nested field is named by its path
    ("dette.loyers"); an error of a nested object or list as a whole by the object's name ("actes")."""
    found = []
    for field, messages in errors.items():
        name = parent if field == "non_field_errors" and parent else f"{parent}.{field}" if parent else field
        if isinstance(messages, dict):
            found += serializer_errors(messages, index, name)
            continue
        found += [error(name, str(message), index) for message in messages]
    return found

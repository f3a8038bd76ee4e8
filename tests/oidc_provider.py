"""A real OpenID Connect provider on 127.0.0.1 for the tests, whose userinfo endpoint answers as
ProConnect's does: a JWT signed with the provider's own key (the one its JWKS serves), Content-Type
``application/jwt``.

It is oidc-provider-mock's Flask application (discovery, authorisation code, PKCE, nonce, ID token,
JWKS, end session) with its userinfo view replaced; ``userinfo`` chooses the answer:

- ``"json"``: the mock's own JSON answer;
- ``"signed"``: the claims signed by the provider's key, ``iss`` the provider, ``aud`` our client id;
- ``"forged"``: the same claims signed by another key under the provider's key id (a bad signature);
- ``"other-audience"``: signed by the provider's key for another client;
- ``"other-subject"``: signed by the provider's key, about another subject than the ID token's.
"""

import contextlib
import threading

import flask
import oidc_provider_mock
from authlib.integrations.flask_oauth2 import current_token
from joserfc import jwt
from joserfc.jwk import RSAKey
from oidc_provider_mock import _app as mock_app
from werkzeug.serving import make_server

CLIENT_ID = "prevex-test"
USERINFO_ANSWERS = ("json", "signed", "forged", "other-audience", "other-subject")


class Provider:
    def __init__(self, userinfo: str = "signed", **options):
        assert userinfo in USERINFO_ANSWERS
        self.answer = userinfo
        self.userinfo_calls: list[str] = []  # the Content-Type of each answer given
        self.app = oidc_provider_mock.app(require_nonce=True, **options)
        self.app.view_functions["oidc-provider-mock.userinfo"] = mock_app.require_oauth()(self.userinfo)

    def userinfo(self):
        if self.answer == "json":
            self.userinfo_calls.append("application/json")
            return mock_app.userinfo.__wrapped__()
        token = current_token
        claims = mock_app._user_claims_for_scope(token.get_user(), token.scope)
        claims["iss"] = flask.request.host_url.rstrip("/")
        claims["aud"] = "un-autre-service" if self.answer == "other-audience" else CLIENT_ID
        if self.answer == "other-subject":
            claims["sub"] = "un-autre-agent@example.org"
        key = RSAKey.import_key(flask.g.oidc_provider_mock_storage.jwk.as_dict(is_private=True))
        signing_key = RSAKey.generate_key(2048) if self.answer == "forged" else key
        body = jwt.encode({"alg": "RS256", "kid": key.kid}, claims, signing_key)
        self.userinfo_calls.append("application/jwt")
        return flask.Response(body, content_type="application/jwt")


@contextlib.contextmanager
def running(userinfo: str = "signed", **options):
    """The provider listening on localhost (a free port) in a thread; yields (provider, server)."""
    provider = Provider(userinfo, **options)
    server = make_server("localhost", 0, provider.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield provider, server
    finally:
        server.shutdown()
        thread.join(2)
        server.server_close()


def configure(settings, server):
    """Point Prévex's ProConnect settings at the provider."""
    from directory import proconnect

    settings.PROCONNECT_CLIENT_ID = CLIENT_ID
    settings.PROCONNECT_CLIENT_SECRET = "secret-de-test"
    settings.PROCONNECT_DISCOVERY_URL = (
        f"http://localhost:{server.server_port}/.well-known/openid-configuration"
    )
    settings.PROCONNECT_SCOPES = "openid email"
    proconnect._client.cache_clear()

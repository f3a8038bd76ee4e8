from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from . import acting, proconnect, second_factor

LEGAL_PAGES = ("/accessibilite/", "/mentions-legales/", "/donnees-personnelles/")
# The API authenticates its own callers by token (directory.api); its schema and documentation are
# public. The members' calendar feeds answer to their private token, not to a session
# (commissions.calendar).
PUBLIC_PREFIXES = (
    "/connexion/",
    "/mot-de-passe/",
    "/static/",
    *LEGAL_PAGES,
    "/api/",
    "/commissions/calendrier/",
)


class LoginRequiredMiddleware:
    """Every page requires sign-in, except sign-in, password reset, the legal pages (accessibility,
    legal notice, personal data), static files and the partner API (which authenticates its callers
    by token)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated and not request.path.startswith(PUBLIC_PREFIXES):
            return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")
        return self.get_response(request)


class ActingOrganisationMiddleware:
    """Sets request.acting (membership, organisation, role) and user.acting for querysets."""

    ALLOWED_WITHOUT_CHOICE = (
        "/organisme/",
        "/connexion/",
        "/deconnexion/",
        "/static/",
        "/mot-de-passe/",
        *LEGAL_PAGES,
        "/api/",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.acting = SimpleLazyObject(lambda: acting.resolve(request))
        if request.user.is_authenticated:
            request.user.acting = request.acting
            if self._must_choose(request):
                return redirect("directory:choose_organisation")
        return self.get_response(request)

    def _must_choose(self, request):
        """No organisation chosen yet; a superuser may still reach the admin to repair memberships."""
        if request.acting.membership is not None or request.path.startswith(self.ALLOWED_WITHOUT_CHOICE):
            return False
        return not (request.path.startswith("/admin/") and request.user.is_superuser)


class SecondFactorMiddleware:
    """A password session of the secretariat or an administrator asks for its second factor (TOTP,
    enrolled at the first sign-in) before any page."""

    ALLOWED = (
        "/connexion/",
        "/deconnexion/",
        "/static/",
        "/mot-de-passe/",
        "/accessibilite/",
        "/organisme/",
        "/api/",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(self.ALLOWED) and second_factor.required(request):
            return redirect(f"{reverse('directory:second_factor')}?next={request.path}")
        return self.get_response(request)


class ProConnectSignOutMiddleware:
    """The sign-out form of an agent who came through ProConnect redirects to the provider's end of
    session: CSP form-action (enforced over the form's redirects) must allow that origin on the
    pages carrying the form. Adds it to those responses only (what django-csp's @csp_update sets)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if proconnect.SESSION_ID_TOKEN in request.session and proconnect.enabled():
            origin = proconnect.end_session_origin()
            if origin:
                response._csp_update = {"form-action": [origin]}
        return response

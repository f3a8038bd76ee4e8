from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from . import acting

PUBLIC_PREFIXES = ("/connexion/", "/mot-de-passe/", "/static/", "/sante/")


class LoginRequiredMiddleware:
    """Every page requires sign-in, except sign-in, password reset and static files."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated and not request.path.startswith(PUBLIC_PREFIXES):
            return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")
        return self.get_response(request)


class ActingOrganisationMiddleware:
    """Sets request.acting (membership, organisation, role) and user.acting for querysets."""

    ALLOWED_WITHOUT_CHOICE = ("/organisme/", "/connexion/", "/deconnexion/", "/static/", "/mot-de-passe/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.acting = SimpleLazyObject(lambda: acting.resolve(request))
        if request.user.is_authenticated:
            request.user.acting = request.acting
            if request.acting.membership is None and not request.path.startswith(self.ALLOWED_WITHOUT_CHOICE):
                if not request.path.startswith("/admin/") or not request.user.is_superuser:
                    return redirect("directory:choose_organisation")
        return self.get_response(request)

import base64
import logging

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from . import acting as acting_module
from . import api, proconnect, second_factor, services
from .forms import (
    ApiTokenForm,
    ChooseOrganisationForm,
    NewPasswordForm,
    ResetPasswordForm,
    SecondFactorForm,
    SignInForm,
)
from .models import ApiCall, ApiToken, Organisation, Role
from .navigation import sections_for

logger = logging.getLogger(__name__)


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "directory/sign_in.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "title": "Connexion",
            "proconnect": proconnect.enabled(),
        }


class SignOutView(auth_views.LogoutView):
    """Signs out of Prévex, then of ProConnect when the agent came through it."""

    def post(self, request, *args, **kwargs):
        id_token = request.session.get(proconnect.SESSION_ID_TOKEN)
        response = super().post(request, *args, **kwargs)
        if id_token and proconnect.enabled():
            back_to = request.build_absolute_uri(reverse("directory:login"))
            return proconnect.logout_url(request, id_token, back_to=back_to)
        return response


def proconnect_start(request):
    if not proconnect.enabled():
        raise Http404("ProConnect n'est pas configuré.")
    callback = request.build_absolute_uri(reverse("directory:proconnect_callback"))
    return proconnect.client().authorize_redirect(request, callback)


def proconnect_callback(request):
    """Back from ProConnect: every check passed, an existing user with this e-mail is signed in."""
    if not proconnect.enabled():
        raise Http404("ProConnect n'est pas configuré.")
    try:
        email, id_token = proconnect.verified_email(request)
    except proconnect.REFUSALS as refusal:
        logger.warning("event=proconnect_refused reason=%s", type(refusal).__name__)
        context = {
            "title": "Connexion refusée",
            "reason": refusal.reason if isinstance(refusal, proconnect.Refused) else "",
        }
        return render(request, "directory/proconnect_refused.html", context, status=403)
    user = proconnect.matching_user(email)
    if user is None:
        logger.info("event=proconnect_unknown_agent")
        context = {"title": "Compte inconnu de Prévex", "email": email}
        return render(request, "directory/proconnect_unknown.html", context, status=403)
    login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
    request.session[proconnect.SESSION_ID_TOKEN] = id_token
    request.session[second_factor.SIGNED_IN_WITH] = "proconnect"
    services.record_successful_login(user=user)
    return redirect("home")


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ResetPasswordForm
    template_name = "directory/password_reset.html"
    email_template_name = "directory/password_reset_email.txt"
    subject_template_name = "directory/password_reset_subject.txt"
    success_url = reverse_lazy("directory:password_reset_done")
    extra_context = {"title": "Mot de passe oublié"}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "directory/password_reset_done.html"
    extra_context = {"title": "Courriel envoyé"}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm
    template_name = "directory/password_reset_confirm.html"
    success_url = reverse_lazy("directory:password_reset_complete")
    extra_context = {"title": "Nouveau mot de passe"}

    def form_valid(self, form):
        response = super().form_valid(form)
        from .services import record_successful_login

        record_successful_login(user=form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "directory/password_reset_complete.html"
    extra_context = {"title": "Mot de passe modifié"}


@require_http_methods(["GET", "POST"])
def choose_organisation(request):
    """A user who belongs to several organisations chooses the one they act for."""
    memberships = list(request.user.active_memberships())
    form = ChooseOrganisationForm(request.POST or None, memberships=memberships)
    if request.method == "POST" and form.is_valid():
        acting_module.choose(request, form.cleaned_data["membership"])
        messages.success(
            request, f"Vous agissez désormais pour {form.cleaned_data['membership'].organisation}."
        )
        next_url = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            return redirect(next_url)
        return redirect("home")
    current = request.session.get(acting_module.SESSION_KEY)
    if current and not form.is_bound:
        form.initial["membership"] = str(current)
    return render(
        request,
        "directory/choose_organisation.html",
        {"form": form, "memberships": memberships, "title": "Choisir votre organisme"},
    )


def home(request):
    """Each role's home page: who they act for and the sections they may use."""
    acting = request.acting
    return render(
        request,
        "directory/home.html",
        {"title": "Accueil", "sections": sections_for(acting.role)[1:], "home_blocks": home_blocks(request)},
    )


def home_blocks(request):
    """What each app puts on the home page of a role (filled in as the apps land)."""
    from .home import blocks_for

    return blocks_for(request)


def accessibility(request):
    """The accessibility statement (RGAA), public like the sign-in page."""
    return render(request, "directory/accessibility.html", {"title": "Accessibilité"})


def _require_administrator(request):
    if not request.acting.has_role(Role.ADMIN):
        raise PermissionDenied("Réservé aux administrateurs de Prévex.")


@require_http_methods(["GET", "POST"])
def api_tokens(request):
    """The partners' API tokens: the administrator creates one (its secret shown once) or revokes it."""
    _require_administrator(request)
    serving = Organisation.objects.serving(*request.acting.departements)  # issue 16
    form = ApiTokenForm(request.POST or None, organisations=serving)
    secret = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        token, secret = services.create_api_token(
            organisation=data["organisation"],
            name=data["name"],
            scopes=data["scopes"],
            expires_at=form.expires_at,
            user=request.user,
        )
        messages.success(request, f"Jeton « {token.name} » créé pour {token.organisation}.")
        form = ApiTokenForm(organisations=serving)
    tokens = (
        ApiToken.objects.filter(organisation__in=serving)
        .select_related("organisation")
        .annotate(call_count=Count("calls"))
    )
    calls = ApiCall.objects.filter(organisation__in=serving).select_related("organisation")[:50]
    return render(
        request,
        "directory/api_tokens.html",
        {
            "title": "Jetons d'accès des partenaires",
            "form": form,
            "secret": secret,
            "tokens": tokens,
            "calls": calls,
            "scope_labels": {code: scope.label for code, scope in api.SCOPES.items()},
            "now": timezone.now(),
        },
    )


@require_POST
def api_token_revoke(request, pk):
    _require_administrator(request)
    token = get_object_or_404(
        ApiToken.objects.filter(organisation__in=Organisation.objects.serving(*request.acting.departements)),
        pk=pk,
    )
    services.revoke_api_token(token=token, user=request.user)
    messages.success(request, f"Jeton « {token.name} » révoqué : il est refusé dès maintenant.")
    return redirect("directory:api_tokens")


def _next_url(request):
    wanted = request.POST.get("next") or request.GET.get("next", "")
    return wanted if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}) else "/"


@require_http_methods(["GET", "POST"])
def second_factor_view(request):
    """The second factor: enrolment at the first sign-in (key, QR code, first code, recovery codes),
    then a code at each password sign-in."""
    if not request.user.is_authenticated:
        return redirect("directory:login")
    if not second_factor.required(request):
        return redirect(_next_url(request))
    form = SecondFactorForm(request.POST or None)
    device = second_factor.confirmed_device(request.user)
    if device is None:
        return _enrol(request, form)
    if request.method == "POST" and form.is_valid():
        if second_factor.verify(request, form.cleaned_data["code"]):
            return redirect(_next_url(request))
        form.add_error("code", "Code incorrect ou expiré : saisissez le code affiché maintenant.")
    return render(
        request, "directory/second_factor.html", {"title": "Vérification en deux étapes", "form": form}
    )


def _enrol(request, form):
    device = second_factor.pending_device(request.user)
    if request.method == "POST" and form.is_valid():
        codes = second_factor.confirm(request, device, form.cleaned_data["code"])
        if codes is not None:
            context = {"title": "Vos codes de secours", "codes": codes, "next": _next_url(request)}
            return render(request, "directory/second_factor_codes.html", context)
        form.add_error(
            "code", "Code incorrect : vérifiez l'heure de votre téléphone et saisissez le code affiché."
        )
    context = {
        "title": "Activer la vérification en deux étapes",
        "form": form,
        "key": base64.b32encode(device.bin_key).decode(),
        "qr_svg": segno.make(device.config_url).svg_inline(scale=4, title="QR code de la clé"),
    }
    return render(request, "directory/second_factor_enrol.html", context)


def legal_notice(request):
    """The mentions légales (loi 2004-575 art. 6), public."""
    return render(request, "directory/legal_notice.html", {"title": "Mentions légales"})


def personal_data(request):
    """How the households' personal data are processed (RGPD art. 13 and 14), public."""
    return render(request, "directory/personal_data.html", {"title": "Données personnelles"})


HISTORY_LIMIT = 200


def change_history(request):
    """The administrators' "Historique des modifications": the configuration, memberships and API
    tokens (directory/history.py), of one kind (`?objet=`) or of one object (`&id=`); the case
    records' history is read on each case."""
    from . import history

    _require_administrator(request)
    kinds = {key: t for key, t in history.TRACKED.items() if t.audience == history.CONFIGURATION}
    chosen = kinds.get(request.GET.get("objet", ""))
    object_id = request.GET.get("id", "")
    if object_id and not object_id.isdigit():
        object_id = ""
    querysets = []
    for tracked in [chosen] if chosen else kinds.values():
        rows = tracked.model.history.all()
        if chosen and object_id:
            rows = rows.filter(id=int(object_id))
        querysets.append(rows.filter(history_id__in=rows.order_by("-history_date")[:HISTORY_LIMIT]))
    return render(
        request,
        "directory/change_history.html",
        {
            "title": "Historique des modifications",
            "kinds": sorted(kinds.values(), key=lambda t: t.label),
            "chosen": chosen,
            "object_id": object_id,
            "entries": history.entries(querysets, limit=HISTORY_LIMIT),
            "limit": HISTORY_LIMIT,
        },
    )

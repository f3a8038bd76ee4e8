from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from . import acting as acting_module
from .forms import ChooseOrganisationForm, NewPasswordForm, ResetPasswordForm, SignInForm
from .navigation import sections_for


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "directory/sign_in.html"
    redirect_authenticated_user = True
    extra_context = {"title": "Connexion"}


class SignOutView(auth_views.LogoutView):
    pass


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


def legal_notice(request):
    """The mentions légales (loi 2004-575 art. 6), public."""
    return render(request, "directory/legal_notice.html", {"title": "Mentions légales"})


def personal_data(request):
    """How the households' personal data are processed (RGPD art. 13 and 14), public."""
    return render(request, "directory/personal_data.html", {"title": "Données personnelles"})

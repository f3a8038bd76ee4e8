import datetime

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.utils import formats, timezone
from dsfr.forms import DsfrBoundField
from dsfr.utils import dsfr_input_class_attr

from . import api, choice_scope, services
from .models import Organisation, User


class DsfrFormMixin:
    """The French State's form look (django-dsfr) for every Prévex form, plain or model form.

    Optional fields are marked (the DSFR's current recommendation), without django-dsfr's
    transitional warning. A refused form opens with its error summary (templates/_form_errors.html),
    which a template that lays the fields out itself includes at the top of its <form>.
    """

    template_name = "directory/form.html"
    bound_field_class = DsfrBoundField
    # Long drop-downs (communes, organisations) offered as an autocomplete by static/prevex/autocomplete.js.
    autocomplete_fields = ()

    def __init__(self, *args, departements=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.departements = choice_scope.request_departements() if departements is None else departements
        self.scope_choices()
        for field in self.fields.values():
            _as_native_date(field)
        for name in self.autocomplete_fields:
            self.fields[name].widget.attrs["data-autocomplete"] = ""
        for visible in self.visible_fields():
            dsfr_input_class_attr(visible)

    def scope_choices(self):
        """Every list of organisations, communes, territories, commissions, landlords, templates or
        users offers, and accepts, only the objects of the user's départements (issue 16,
        directory/choice_scope.py). A form that sets a field's queryset in its own __init__ calls
        this again after."""
        choice_scope.scope_fields(self, self.departements)

    @property
    def error_count(self):
        return sum(len(errors) for errors in self.errors.values())

    def get_context(self):
        context = super().get_context()
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context


DATE_HINT = "Format attendu : JJ/MM/AAAA"


def _as_native_date(field):
    """Every date field is the browser's date picker (ISO value, shown as JJ/MM/AAAA in a French
    browser) with the DSFR's format hint, so that a date can be typed or picked with the keyboard."""
    if not isinstance(field, forms.DateField) or isinstance(field, forms.DateTimeField):
        return
    if not isinstance(field.widget, forms.DateInput) or field.widget.input_type != "date":
        field.widget = forms.DateInput(attrs=field.widget.attrs)
    field.widget.input_type = "date"
    field.widget.format = "%Y-%m-%d"
    field.help_text = f"{field.help_text} {DATE_HINT}." if field.help_text else DATE_HINT


class DsfrForm(DsfrFormMixin, forms.Form):
    pass


class DsfrModelForm(DsfrFormMixin, forms.ModelForm):
    pass


class SignInForm(DsfrFormMixin, AuthenticationForm):
    """E-mail and password; five failures in a row lock the account for a while."""

    username = forms.EmailField(
        label="Adresse électronique",
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    password = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": "Adresse électronique ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé.",
    }

    def clean(self):
        email = (self.cleaned_data.get("username") or "").strip().lower()
        password = self.cleaned_data.get("password")
        if not email or not password:
            return self.cleaned_data
        self._refuse_if_locked(email)
        self.user_cache = authenticate(self.request, username=email, password=password)
        if self.user_cache is None:
            user = services.record_failed_login(email=email)
            self._refuse_if_locked(email, just_locked=user is not None and user.is_locked())
            raise self.get_invalid_login_error()
        self.confirm_login_allowed(self.user_cache)
        services.record_successful_login(user=self.user_cache)
        return self.cleaned_data

    def _refuse_if_locked(self, email, just_locked=False):
        user = User.objects.filter(email__iexact=email).only("locked_until").first()
        if user is not None and user.is_locked():
            until = formats.time_format(timezone.localtime(user.locked_until), "H:i")
            lead = "Trop de tentatives échouées. " if just_locked else ""
            raise forms.ValidationError(
                f"{lead}Votre compte est verrouillé jusqu'à {until} après 5 tentatives de connexion "
                "échouées. Réessayez plus tard ou réinitialisez votre mot de passe.",
                code="locked",
            )


class ChooseOrganisationForm(DsfrForm):
    membership = forms.ChoiceField(label="Organisme pour lequel vous agissez", widget=forms.RadioSelect)

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self.memberships = {str(m.pk): m for m in memberships}
        self.fields["membership"].choices = [
            (str(m.pk), f"{m.organisation.name} — {m.get_role_display()}") for m in memberships
        ]

    def clean_membership(self):
        return self.memberships[self.cleaned_data["membership"]]


class ApiTokenForm(DsfrForm):
    """An administrator gives a partner's system a token: which organisation, which rights, until when."""

    organisation = forms.ModelChoiceField(
        label="Organisme", queryset=Organisation.objects.none(), empty_label="Choisir un organisme"
    )
    name = forms.CharField(
        label="Nom du jeton", max_length=100, help_text="Le système qui l'utilise, ex. : logiciel de l'étude."
    )
    scopes = forms.MultipleChoiceField(
        label="Droits", widget=forms.CheckboxSelectMultiple, help_text="Chaque droit ouvre un point d'accès."
    )
    expires_on = forms.DateField(label="Expire le", help_text="Un an au plus.")

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = {kind for scope in api.SCOPES.values() for kind in scope.kinds}
        organisations = Organisation.objects.all() if organisations is None else organisations
        self.fields["organisation"].queryset = organisations.filter(is_active=True, kind__in=kinds)
        self.scope_choices()
        self.fields["scopes"].choices = [
            (scope.code, f"{scope.label} ({', '.join(Organisation.Kind(k).label for k in scope.kinds)})")
            for scope in api.SCOPES.values()
        ]
        self.initial.setdefault("expires_on", timezone.localdate() + datetime.timedelta(days=365))

    def clean_expires_on(self):
        day = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if not today < day <= today + datetime.timedelta(days=366):
            raise forms.ValidationError("Choisissez une date dans l'année qui vient.")
        return day

    def clean(self):
        organisation, scopes = self.cleaned_data.get("organisation"), self.cleaned_data.get("scopes")
        if organisation and scopes:
            allowed = {scope.code for scope in api.scopes_for(organisation.kind)}
            if not set(scopes) <= allowed:
                self.add_error(
                    "scopes",
                    f"Droits non ouverts à un organisme de type « {organisation.get_kind_display()} ».",
                )
        return self.cleaned_data

    @property
    def expires_at(self):
        """The end of the chosen day, Paris time: the token works all that day."""
        return timezone.make_aware(
            datetime.datetime.combine(self.cleaned_data["expires_on"], datetime.time.max)
        )


class SecondFactorForm(DsfrForm):
    code = forms.CharField(
        label="Code de vérification",
        max_length=16,
        help_text="Les 6 chiffres affichés par votre application, ou l'un de vos codes de secours.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class ResetPasswordForm(DsfrFormMixin, PasswordResetForm):
    pass


class NewPasswordForm(DsfrFormMixin, SetPasswordForm):
    pass

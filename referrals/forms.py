"""The referrals' forms: the secretariat's request, the social workers' actions, the DSF."""

from django import forms
from django.conf import settings
from django.utils import timezone

from directory.forms import DsfrForm, DsfrModelForm
from directory.models import Organisation

from .models import ContactAttempt, Diagnosis, Referral, SupportMeasure, VisitReport

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


def _organisations():
    return Organisation.objects.filter(is_active=True).order_by("name")


SUGGESTED = "Suggestion de la Charte"


def group_by_kind(field, suggested=None):
    """The organisations of a choice field in groups by kind, the Charte's suggestion first (one
    query, when the form is built). Validation still reads the field's queryset."""
    groups = {}
    for organisation in field.queryset:
        groups.setdefault(organisation.get_kind_display(), []).append((organisation.pk, organisation.name))
    first = [(SUGGESTED, [(suggested.pk, suggested.name)])] if suggested else []
    field.choices = [("", field.empty_label or "Choisir"), *first, *sorted(groups.items())]


class RequestReferralForm(DsfrForm):
    """The secretariat's request, pre-filled with the routing's suggestion and the due date."""

    kind = forms.ChoiceField(label="Type de demande", choices=Referral.Kind.choices)
    addressed_to = OrganisationChoiceField(label="Organisme destinataire", queryset=_organisations())
    due_date = forms.DateField(label="Échéance", widget=DATE_WIDGET)
    funding_source = forms.ChoiceField(
        label="Financement (diagnostic CCAPEX)",
        required=False,
        choices=[("", "—"), *Referral.FundingSource.choices],
        help_text=(
            "Annexe 4 : seuls l'État, le Conseil départemental ou le bailleur concerné "
            "décident d'un diagnostic."
        ),
    )
    reason = forms.CharField(
        label="Motif et éléments utiles",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Seules les informations strictement nécessaires (secret professionnel).",
    )
    task = forms.IntegerField(required=False, widget=forms.HiddenInput)
    autocomplete_fields = ("addressed_to",)

    def __init__(self, *args, departement_code=None, **kwargs):
        super().__init__(*args, **kwargs)
        if departement_code:  # the organisations working in the case's département (issue 16)
            self.fields["addressed_to"].queryset = _organisations().filter(
                pk__in=Organisation.objects.serving(departement_code).values("pk")
            )
        self.scope_choices()
        suggested = self.initial.get("addressed_to")
        group_by_kind(self.fields["addressed_to"], suggested if isinstance(suggested, Organisation) else None)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Referral.Kind.CCAPEX_DIAGNOSIS and not cleaned.get("funding_source"):
            self.add_error("funding_source", "Précisez qui finance le diagnostic CCAPEX.")
        return cleaned


class RefuseForm(DsfrForm):
    reason = forms.CharField(label="Motif du refus", max_length=250)


class CancelForm(DsfrForm):
    reason = forms.CharField(label="Motif de l'annulation", max_length=250)


class UnreachableForm(DsfrForm):
    note = forms.CharField(
        label="Précisions (courrier de carence envoyé le…)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ContactAttemptForm(DsfrModelForm):
    class Meta:
        model = ContactAttempt
        fields = ["date", "means", "result", "note"]
        widgets = {"date": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        _choose_label(self)

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError("La date ne peut pas être dans le futur.")
        return date


def _choose_label(form):
    """ "Choisir" instead of Django's dashes as the empty choice of every select."""
    for field in form.fields.values():
        choices = getattr(field, "choices", None)
        if choices and not isinstance(field, forms.ModelChoiceField) and list(choices)[0][0] == "":
            field.choices = [("", "Choisir"), *list(choices)[1:]]


def _sections(form, sections):
    """[(heading, [bound fields])] for a form shown in fieldsets."""
    return [(heading, [form[name] for name in names]) for heading, names in sections]


class DiagnosisForm(DsfrModelForm):
    """The headings of CERFA 16227*01; every field optional in a draft."""

    SECTIONS = (
        ("1. Le ménage", ("household_situation",)),
        ("2. Accompagnement social et juridique", ("social_legal_support",)),
        ("3. Situation locative", ("rental_situation",)),
        ("4. Endettement et dispositifs de traitement de la dette", ("debt_amount", "debt_situation")),
        ("5. Reprise du paiement du loyer", ("payment_resumed",)),
        ("6. Capacité de remboursement", ("repayment_capacity", "repayment_capacity_note")),
        (
            "7. Besoin d'accompagnement",
            ("support_needed", "support_intensity", "expected_duration_months"),
        ),
        ("8. Préconisations et relogement", ("recommendations", "rehousing_needed")),
        ("9. Observations", ("observations",)),
    )

    class Meta:
        model = Diagnosis
        fields = [
            "household_situation",
            "social_legal_support",
            "rental_situation",
            "debt_amount",
            "debt_situation",
            "payment_resumed",
            "repayment_capacity",
            "repayment_capacity_note",
            "support_needed",
            "support_intensity",
            "expected_duration_months",
            "recommendations",
            "rehousing_needed",
            "observations",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in (
                "household_situation",
                "social_legal_support",
                "rental_situation",
                "debt_situation",
                "repayment_capacity_note",
                "recommendations",
                "observations",
            )
        }

    REQUIRED_TO_SUBMIT = Diagnosis.REQUIRED_TO_SUBMIT

    def __init__(self, *args, submitting=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.submitting = submitting
        _choose_label(self)
        for name in self.REQUIRED_TO_SUBMIT:
            self.fields[name].help_text = "Requis pour transmettre le diagnostic."

    def sections(self):
        return _sections(self, self.SECTIONS)

    def clean(self):
        cleaned = super().clean()
        if self.submitting:
            for name in self.REQUIRED_TO_SUBMIT:
                if not cleaned.get(name):
                    self.add_error(name, "Champ requis pour transmettre le diagnostic.")
        return cleaned


class VisitReportForm(DsfrModelForm):
    """The social report of annexe 3: the situation, the landlord, the outlook, what follows."""

    SECTIONS = (
        ("1. Évaluation de la situation sociale et financière du ménage", ("situation",)),
        ("2. Reprise de contact avec le bailleur", ("landlord_contact",)),
        ("3. Maintien ou sortie du logement", ("outlook", "support_measure_needed")),
        ("4. Préconisations", ("recommendations",)),
    )

    def sections(self):
        return _sections(self, self.SECTIONS)

    class Meta:
        model = VisitReport
        fields = ["situation", "landlord_contact", "outlook", "support_measure_needed", "recommendations"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in ("situation", "landlord_contact", "recommendations")
        }


class AttachmentForm(DsfrForm):
    file = forms.FileField(label="Pièce jointe")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        megabytes = settings.REFERRAL_ATTACHMENT_MAX_BYTES / (1024 * 1024)
        self.fields["file"].help_text = f"PDF, PNG ou JPEG, {megabytes:g} Mo au plus."


class SupportMeasureForm(DsfrModelForm):
    operator = OrganisationChoiceField(label="Opérateur", queryset=_organisations(), required=False)
    household_agreed = forms.NullBooleanField(label="Acceptée par le ménage", required=False)

    class Meta:
        model = SupportMeasure
        fields = ["kind", "operator", "proposed_on", "household_agreed", "start_date", "end_date", "note"]
        widgets = {"proposed_on": DATE_WIDGET, "start_date": DATE_WIDGET, "end_date": DATE_WIDGET}


AGREEMENT_CHOICES = [("", "En attente de la réponse du ménage"), ("oui", "Acceptée"), ("non", "Refusée")]


class SupportMeasureUpdateForm(DsfrForm):
    """After the proposal: the household's answer and the measure's dates."""

    household_agreed = forms.TypedChoiceField(
        label="Réponse du ménage",
        choices=AGREEMENT_CHOICES,
        required=False,
        coerce=lambda value: value == "oui",
        empty_value=None,
    )
    start_date = forms.DateField(label="Début de la mesure", required=False, widget=DATE_WIDGET)
    end_date = forms.DateField(
        label="Fin de la mesure",
        required=False,
        widget=DATE_WIDGET,
        help_text="Une ASLL sans date de fin dure 12 mois à partir de son début.",
    )
    note = forms.CharField(label="Précision", max_length=250, required=False)

    @classmethod
    def for_measure(cls, measure, data=None):
        agreed = {True: "oui", False: "non", None: ""}[measure.household_agreed]
        initial = {
            "household_agreed": agreed,
            "start_date": measure.start_date,
            "end_date": measure.end_date,
            "note": measure.note,
        }
        return cls(data, initial=initial)


class InboxFilterForm(DsfrForm):
    DUE_CHOICES = [("", "Toutes"), ("retard", "En retard"), ("semaine", "Dans les 7 jours")]
    status = forms.ChoiceField(
        label="Statut", required=False, choices=[("", "Tous"), *Referral.Status.choices]
    )
    kind = forms.ChoiceField(label="Type", required=False, choices=[("", "Tous"), *Referral.Kind.choices])
    due = forms.ChoiceField(label="Échéance", required=False, choices=DUE_CHOICES)

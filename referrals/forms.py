"""The referrals' forms: the secretariat's request, the social workers' actions, the DSF."""

from django import forms
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

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError("La date ne peut pas être dans le futur.")
        return date


class DiagnosisForm(DsfrModelForm):
    """The headings of CERFA 16227*01; every field optional in a draft."""

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

    REQUIRED_TO_SUBMIT = ("household_situation", "rental_situation", "support_needed", "recommendations")

    def __init__(self, *args, submitting=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.submitting = submitting

    def clean(self):
        cleaned = super().clean()
        if self.submitting:
            for name in self.REQUIRED_TO_SUBMIT:
                if not cleaned.get(name):
                    self.add_error(name, "Champ requis pour transmettre le diagnostic.")
        return cleaned


class VisitReportForm(DsfrModelForm):
    class Meta:
        model = VisitReport
        fields = ["situation", "landlord_contact", "outlook", "support_measure_needed", "recommendations"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in ("situation", "landlord_contact", "recommendations")
        }


class AttachmentForm(DsfrForm):
    file = forms.FileField(label="Pièce jointe", help_text="PDF, PNG ou JPEG, 10 Mo au plus.")


class SupportMeasureForm(DsfrModelForm):
    operator = OrganisationChoiceField(label="Opérateur", queryset=_organisations(), required=False)
    household_agreed = forms.NullBooleanField(label="Acceptée par le ménage", required=False)

    class Meta:
        model = SupportMeasure
        fields = ["kind", "operator", "proposed_on", "household_agreed", "start_date", "end_date", "note"]
        widgets = {"proposed_on": DATE_WIDGET, "start_date": DATE_WIDGET, "end_date": DATE_WIDGET}


class InboxFilterForm(DsfrForm):
    DUE_CHOICES = [("", "Toutes"), ("retard", "En retard"), ("semaine", "Dans les 7 jours")]
    status = forms.ChoiceField(
        label="Statut", required=False, choices=[("", "Tous"), *Referral.Status.choices]
    )
    kind = forms.ChoiceField(label="Type", required=False, choices=[("", "Tous"), *Referral.Kind.choices])
    due = forms.ChoiceField(label="Échéance", required=False, choices=DUE_CHOICES)

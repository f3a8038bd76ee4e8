from django import forms

from directory.forms import DsfrForm, DsfrModelForm
from directory.models import Organisation
from referrals.models import Referral

from .models import AgendaItem, Commission, Recommendation, ReviewRequest, Session

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReviewRequestForm(DsfrForm):
    commission = forms.ModelChoiceField(
        label="Commission à saisir",
        queryset=Commission.objects.active(),
        empty_label="Choisir une commission",
    )
    reason = forms.CharField(
        label="Motif de la saisine",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Ce que la commission doit examiner, sans plus (Code pénal 226-13).",
    )


class PlanSessionsForm(DsfrForm):
    until = forms.DateField(label="Prévoir les séances jusqu'au", widget=DATE_WIDGET)


class SessionForm(DsfrModelForm):
    class Meta:
        model = Session
        fields = ["date", "starts_at", "place"]
        widgets = {"date": DATE_WIDGET, "starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}


class AddItemForm(DsfrForm):
    review = forms.ModelChoiceField(
        label="Dossier en attente d'examen", queryset=ReviewRequest.objects.none()
    )
    presenter = forms.ModelChoiceField(
        label="Présenté par",
        queryset=Organisation.objects.filter(is_active=True),
        required=False,
        empty_label="Le secrétariat",
    )
    household_invited = forms.BooleanField(label="Convoquer le ménage", required=False, initial=True)

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["review"].queryset = ReviewRequest.objects.filter(
            commission=session.commission, status=ReviewRequest.Status.PENDING
        ).select_related("procedure__household")
        self.fields["review"].label_from_instance = lambda review: (
            f"{review.procedure.household.label} — {review.procedure.reference}"
        )
        if not session.commission.households_attend:
            del self.fields["household_invited"]


class DecisionForm(DsfrModelForm):
    class Meta:
        model = AgendaItem
        fields = ["attendance", "opinion"]
        widgets = {"opinion": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendance"].required = True
        self.fields["opinion"].required = True


class RecommendationForm(DsfrForm):
    kind = forms.ChoiceField(label="Préconisation", choices=[("", "Choisir")] + Recommendation.Kind.choices)
    responsible = forms.ModelChoiceField(
        label="Organisme chargé", queryset=Organisation.objects.filter(is_active=True), empty_label="Choisir"
    )
    due_date = forms.DateField(label="Échéance", widget=DATE_WIDGET)
    detail = forms.CharField(label="Précisions", max_length=500, required=False)
    funding_source = forms.ChoiceField(
        label="Financement (diagnostic CCAPEX)",
        choices=[("", "—")] + Referral.FundingSource.choices,
        required=False,
    )


class CloseRecommendationForm(DsfrForm):
    status = forms.ChoiceField(
        label="Suivi",
        choices=[(s.value, s.label) for s in Recommendation.Status if s != Recommendation.Status.OPEN],
    )
    note = forms.CharField(label="Motif ou observations", max_length=500, required=False)

from django import forms

from directory.forms import DsfrForm, DsfrModelForm
from directory.models import Commune, Organisation
from referrals.models import Referral

from .models import (
    AgendaItem,
    Commission,
    Recommendation,
    RehousingOffer,
    RehousingPoolEntry,
    ReviewRequest,
    Session,
)

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


class PartnerReviewForm(DsfrForm):
    """A partner describes the household it refers to the CCAPEX (issue 5 §2)."""

    household_name = forms.CharField(label="Nom du ménage", max_length=200)
    household_address = forms.CharField(label="Adresse du logement", max_length=300)
    commune = forms.ModelChoiceField(
        label="Commune", queryset=Commune.objects.none(), empty_label="Choisir une commune"
    )
    claim_number = forms.CharField(label="Numéro d'allocataire (CAF ou MSA)", max_length=30, required=False)
    landlord_name = forms.CharField(label="Bailleur", max_length=200)
    procedure_reference = forms.CharField(
        label="Référence de la procédure",
        max_length=60,
        required=False,
        help_text="Numéro EXPLOC ou de l'huissier, si vous le connaissez.",
    )
    reason = forms.CharField(
        label="Motif de la saisine",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Ce que la commission doit examiner, sans plus (Code pénal 226-13).",
        error_messages={"required": "Indiquez le motif de la saisine."},
    )
    commission = forms.ModelChoiceField(
        label="Commission souhaitée",
        queryset=Commission.objects.none(),
        required=False,
        empty_label="Laisser le secrétariat choisir",
    )

    def __init__(self, *args, departement_code, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Commune.objects.filter(departement_code=departement_code)
        self.fields["commission"].queryset = Commission.objects.examining()
        self.scope_choices()


class AttachReviewForm(DsfrForm):
    reference = forms.CharField(
        label="Référence de la procédure", max_length=60, help_text="Numéro EXPLOC ou de l'huissier."
    )
    commission = forms.ModelChoiceField(
        label="Commission à saisir", queryset=Commission.objects.none(), empty_label="Choisir une commission"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commission"].queryset = Commission.objects.examining()
        self.scope_choices()


class RefuseReviewForm(DsfrForm):
    refusal_reason = forms.CharField(
        label="Motif du refus",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Le partenaire le lira.",
        error_messages={"required": "Indiquez le motif du refus."},
    )


class WithdrawReviewForm(DsfrForm):
    reason = forms.CharField(
        label="Motif du retrait",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Gardé avec la saisine ; le partenaire qui l'a envoyée le lira.",
        error_messages={"required": "Indiquez le motif du retrait."},
    )

    def __init__(self, *args, partner_sent=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not partner_sent:  # the bound field holds the hint it was built with (DsfrFormMixin)
            self["reason"].help_text = "Gardé avec la saisine."


class PlanSessionsForm(DsfrForm):
    until = forms.DateField(label="Prévoir les séances jusqu'au", widget=DATE_WIDGET)


class SessionForm(DsfrModelForm):
    class Meta:
        model = Session
        fields = ["date", "starts_at", "place"]
        widgets = {"date": DATE_WIDGET, "starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}


class AddItemForm(DsfrForm):
    review = forms.ModelChoiceField(
        label="Dossier en attente d'examen",
        queryset=ReviewRequest.objects.none(),
        empty_label="Choisir un dossier",
    )
    presenter = forms.ModelChoiceField(
        label="Présenté par",
        queryset=Organisation.objects.filter(is_active=True),
        required=False,
        empty_label="Le secrétariat",
    )
    household_invited = forms.BooleanField(label="Convoquer le ménage", required=False, initial=True)
    override_reason = forms.CharField(
        label="Motif de l'inscription hors critères",
        max_length=500,
        required=False,
        help_text="Seulement si le dossier sort des étapes, parcs ou territoire de la formation.",
    )

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["review"].queryset = ReviewRequest.objects.filter(
            commission=session.commission, status=ReviewRequest.Status.PENDING, procedure__isnull=False
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
    quota = forms.ChoiceField(
        label="Contingent (vivier de relogement)",
        choices=[("", "—")] + RehousingPoolEntry.Quota.choices,
        required=False,
        help_text="Pour une inscription au vivier de relogement (Charte annexe 2).",
    )


class CloseRecommendationForm(DsfrForm):
    status = forms.ChoiceField(
        label="Suivi",
        choices=[(s.value, s.label) for s in Recommendation.Status if s != Recommendation.Status.OPEN],
    )
    note = forms.CharField(label="Motif ou observations", max_length=500, required=False)


class PresenterForm(DsfrForm):
    presenter = forms.ModelChoiceField(
        label="Présenté par",
        queryset=Organisation.objects.filter(is_active=True),
        required=False,
        empty_label="Le secrétariat",
    )


class EnterPoolForm(DsfrForm):
    quota = forms.ChoiceField(label="Contingent", choices=RehousingPoolEntry.Quota.choices)


class PoolEntryForm(DsfrModelForm):
    """The secretariat checks the social report, names the lead landlord and records the outcome."""

    class Meta:
        model = RehousingPoolEntry
        fields = [
            "quota",
            "report_source",
            *RehousingPoolEntry.REPORT_FIELDS,
            "lead_landlord",
            "lead_named_on",
            "status",
            "outcome_on",
            "withdrawal_reason",
            "outcome_note",
        ]
        widgets = {"lead_named_on": DATE_WIDGET, "outcome_on": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_landlord"].queryset = Organisation.objects.filter(
            is_active=True, kind=Organisation.Kind.SOCIAL_LANDLORD
        )
        self.fields["lead_landlord"].empty_label = "Pas encore désigné"
        self.fields["report_source"].choices = [("", "Non reçu")] + RehousingPoolEntry.ReportSource.choices
        self.fields["withdrawal_reason"].choices = [("", "—")] + RehousingPoolEntry.WithdrawalReason.choices
        self.scope_choices()


class OfferForm(DsfrModelForm):
    class Meta:
        model = RehousingOffer
        fields = ["landlord", "offered_on", "description"]
        widgets = {"offered_on": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["landlord"].queryset = Organisation.objects.filter(
            is_active=True, kind=Organisation.Kind.SOCIAL_LANDLORD
        )
        self.fields["landlord"].empty_label = "Choisir un bailleur"
        self.scope_choices()


class OfferAnswerForm(DsfrForm):
    answer = forms.ChoiceField(
        label="Réponse",
        choices=[(a.value, a.label) for a in RehousingOffer.Answer if a != RehousingOffer.Answer.PENDING],
    )
    reason = forms.CharField(label="Motif du refus ou du retrait", max_length=500, required=False)
    adapted = forms.NullBooleanField(
        label="Logement adapté selon la DDETS",
        required=False,
        widget=forms.Select(choices=[("", "Non évalué"), ("true", "Oui"), ("false", "Non")]),
    )


class AnswerRecommendationForm(DsfrForm):
    """The addressee's answer to a recommendation (the rules: follow_up.answer_recommendation)."""

    answer = forms.ChoiceField(
        label="Réponse",
        choices=Recommendation.Answer.choices,
        widget=forms.RadioSelect,
    )
    done_on = forms.DateField(label="Réalisée le", required=False, help_text="Si elle est réalisée.")
    note = forms.CharField(
        label="Ce qui a été fait, où en est la réalisation, ou pourquoi elle est impossible",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Sans plus que ce que le secrétariat doit savoir (Code pénal 226-13).",
    )

"""The forms of the case page: record the next act, close or set aside a task, open a case."""

from django import forms
from django.db import transaction

from directory.forms import DsfrForm
from directory.models import Commune, Organisation
from households.models import Household, HousingSector, Landlord, Lease, Person

from . import services
from .models import EventKind, JudgmentOutcome, Outcome, PoliceDecision

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# The fields an act or fact needs besides its date: the page shows them only for these kinds
# (plain JS, progressive enhancement) and the form requires them.
CONDITIONAL_FIELDS = {
    "hearing_date": (EventKind.SUMMONS,),
    "judgment_outcome": (EventKind.JUDGMENT,),
    "police_decision": (EventKind.POLICE_ASSISTANCE,),
    "closure_reason": (EventKind.CLOSURE,),
    "time_to_leave_until": (EventKind.TIME_TO_LEAVE,),
}


def _blank(name):
    """Numbers left empty stay NULL; texts become ''."""
    return None if name in ("adults", "children") else ""


def _with_blank(choices, label="Choisir"):
    return [("", label), *choices]


class RecordEventForm(DsfrForm):
    """The next act served by the bailiff, or a fact that changes the course of the case."""

    kind = forms.ChoiceField(label="Acte ou fait", choices=_with_blank(EventKind.choices))
    date = forms.DateField(label="Date de l'acte", widget=DATE_WIDGET)
    hearing_date = forms.DateField(label="Date d'audience", required=False, widget=DATE_WIDGET)
    judgment_outcome = forms.ChoiceField(
        label="Issue du jugement", required=False, choices=_with_blank(JudgmentOutcome.choices)
    )
    police_decision = forms.ChoiceField(
        label="Décision du préfet", required=False, widget=forms.RadioSelect, choices=PoliceDecision.choices
    )
    closure_reason = forms.ChoiceField(
        label="Motif de clôture", required=False, choices=_with_blank(Outcome.choices)
    )
    time_to_leave_until = forms.DateField(
        label="Délai accordé jusqu'au",
        required=False,
        widget=DATE_WIDGET,
        help_text="De 1 mois à 1 an (CPCE L.412-4)",
    )
    debt = forms.DecimalField(
        label="Dette à la date de l'acte (€)", required=False, min_value=0, max_digits=10, decimal_places=2
    )
    note = forms.CharField(label="Observations", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        for name, kinds in CONDITIONAL_FIELDS.items():
            if kind in kinds and not cleaned.get(name):
                self.add_error(
                    name, f"Indiquez le champ « {self.fields[name].label.lower()} » pour cet acte."
                )
            elif kind not in kinds:
                cleaned[name] = self.fields[name].to_python("")
        return cleaned

    @property
    def conditional_kinds(self):
        """For the page's script: the kinds each conditional field belongs to."""
        return {name: " ".join(kinds) for name, kinds in CONDITIONAL_FIELDS.items()}


REASON_HELP = "Obligatoire : il reste dans l'historique avec l'acte tel qu'il était."


class CorrectEventForm(RecordEventForm):
    """Correct a mistaken act (services.correct_event): the same fields, and the reason why."""

    reason = forms.CharField(label="Motif de la rectification", max_length=250, help_text=REASON_HELP)

    @classmethod
    def for_event(cls, event, data=None):
        initial = {name: getattr(event, name) for name in services.CORRECTABLE_FIELDS}
        return cls(data, initial=initial)


class CancelEventForm(DsfrForm):
    reason = forms.CharField(label="Motif de l'annulation", max_length=250, help_text=REASON_HELP)


class SetAsideTaskForm(DsfrForm):
    reason = forms.CharField(label="Motif", max_length=250)


class LandlordChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class CaseCreateForm(DsfrForm):
    """A new case: the household and its holder, the lease, the landlord and the reference.

    A social landlord is chosen among the Organisations of kind bailleur social; a private owner
    is typed in.
    """

    reference = forms.CharField(label="Référence (EXPLOC ou numéro du commissaire de justice)", max_length=60)
    label = forms.CharField(label="Ménage", max_length=200, help_text="ex. : M. et Mme Dupont")
    last_name = forms.CharField(label="Nom du titulaire du bail", max_length=150)
    first_name = forms.CharField(label="Prénom du titulaire du bail", max_length=150, required=False)
    birth_year = forms.IntegerField(
        label="Année de naissance du titulaire", required=False, min_value=1900, max_value=2100
    )
    benefit_payer = forms.ChoiceField(
        label="Organisme payeur", required=False, choices=_with_blank(Household.BenefitPayer.choices, "Aucun")
    )
    benefit_claim_number = forms.CharField(label="Numéro allocataire", max_length=20, required=False)
    adults = forms.IntegerField(label="Adultes", required=False, min_value=0, max_value=30)
    children = forms.IntegerField(label="Enfants", required=False, min_value=0, max_value=30)
    email = forms.EmailField(label="Courriel", required=False)
    phone = forms.CharField(label="Téléphone", max_length=30, required=False)
    address = forms.CharField(label="Adresse du logement", max_length=250)
    postal_code = forms.RegexField(
        label="Code postal",
        regex=r"^\d{5}$",
        error_messages={"invalid": "Saisissez un code postal à 5 chiffres."},
    )
    commune = forms.ModelChoiceField(label="Commune", queryset=Commune.objects.none(), empty_label="Choisir")
    sector = forms.ChoiceField(label="Parc", choices=HousingSector.choices, widget=forms.RadioSelect)
    signed_on = forms.DateField(label="Date de signature du bail", required=False, widget=DATE_WIDGET)
    rent = forms.DecimalField(
        label="Loyer mensuel (€)", required=False, min_value=0, max_digits=9, decimal_places=2
    )
    social_landlord = forms.ModelChoiceField(
        label="Bailleur social", required=False, queryset=Organisation.objects.none(), empty_label="Choisir"
    )
    owner_kind = forms.ChoiceField(
        label="Type de propriétaire privé",
        required=False,
        choices=[
            (Landlord.Kind.PERSON, Landlord.Kind.PERSON.label),
            (Landlord.Kind.COMPANY, Landlord.Kind.COMPANY.label),
        ],
    )
    owner_name = forms.CharField(label="Nom du propriétaire privé", max_length=200, required=False)
    family_sci = forms.BooleanField(
        label="SCI familiale (entre parents et alliés jusqu'au 4e degré)",
        required=False,
        help_text="Une autre SCI ou société, personne morale, n'assigne que 2 mois après la saisine "
        "de la CCAPEX (loi 89-462 art. 24 II)",
    )
    owner_address = forms.CharField(label="Adresse du propriétaire", max_length=250, required=False)
    owner_postal_code = forms.CharField(label="Code postal du propriétaire", max_length=5, required=False)
    owner_city = forms.CharField(label="Ville du propriétaire", max_length=100, required=False)
    confirm_duplicate = forms.BooleanField(label="Créer quand même", required=False)

    HOUSEHOLD_FIELDS = (
        "label",
        "benefit_payer",
        "benefit_claim_number",
        "adults",
        "children",
        "email",
        "phone",
    )
    HOLDER_FIELDS = ("last_name", "first_name", "birth_year")
    autocomplete_fields = ("commune", "social_landlord")
    LEASE_FIELDS = ("address", "postal_code", "commune", "sector", "signed_on", "rent")

    def __init__(self, *args, departement_code="21", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Commune.objects.filter(departement_code=departement_code).order_by(
            "name"
        )
        self.fields["social_landlord"].queryset = Organisation.objects.filter(
            kind=Organisation.Kind.SOCIAL_LANDLORD
        ).order_by("name")
        self.scope_choices()

    def clean_reference(self):
        return self.cleaned_data["reference"].strip()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("sector") == HousingSector.PUBLIC and not cleaned.get("social_landlord"):
            self.add_error("social_landlord", "Choisissez le bailleur social.")
        if cleaned.get("sector") == HousingSector.PRIVATE and not cleaned.get("owner_name"):
            self.add_error("owner_name", "Indiquez le nom du propriétaire privé.")
        return cleaned

    def save(self, *, user):
        """The household, its holder, the landlord and the lease, then the case (services.create_case);
        all or nothing."""
        data = self.cleaned_data
        with transaction.atomic():
            household = Household.objects.create(
                **{name: data[name] or _blank(name) for name in self.HOUSEHOLD_FIELDS}
            )
            Person.objects.create(household=household, role=Person.Role.HOLDER, **self._holder())
            landlord = self._landlord()
            lease = Lease.objects.create(
                household=household, landlord=landlord, **{name: data[name] for name in self.LEASE_FIELDS}
            )
            return services.create_case(
                reference=data["reference"], household=household, lease=lease, landlord=landlord, user=user
            )

    def _holder(self):
        data = self.cleaned_data
        return {
            "last_name": data["last_name"],
            "first_name": data["first_name"],
            "birth_year": data["birth_year"],
        }

    def _landlord(self):
        data = self.cleaned_data
        if data["sector"] == HousingSector.PUBLIC:
            organisation = data["social_landlord"]
            landlord, _ = Landlord.objects.get_or_create(
                organisation=organisation, defaults={"kind": Landlord.Kind.SOCIAL, "name": organisation.name}
            )
            return landlord
        kind = data["owner_kind"] or Landlord.Kind.PERSON
        return Landlord.objects.create(
            kind=kind,
            family_sci=kind == Landlord.Kind.COMPANY and data["family_sci"],
            name=data["owner_name"],
            address=data["owner_address"],
            postal_code=data["owner_postal_code"],
            city=data["owner_city"],
        )

    def duplicate_criteria(self):
        data = self.cleaned_data
        return {
            "last_name": data["last_name"],
            "first_name": data.get("first_name") or "",
            "birth_year": data.get("birth_year"),
            "benefit_claim_number": data.get("benefit_claim_number") or "",
            "address": data.get("address") or "",
            "postal_code": data.get("postal_code") or "",
        }

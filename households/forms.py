"""Editing a household and its lease: the version travels with the form so that a second
concurrent save is refused instead of silently overwriting the first."""

from django import forms
from django.db.models import Q

from directory.forms import DsfrModelForm
from directory.models import Commune

from .models import Household, Lease


class VersionedForm(DsfrModelForm):
    """The version the user started from; the service refuses the save when it has moved."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = self.instance.version

    def changed_values(self):
        """The typed values of the model fields, for the service to apply and log."""
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class HouseholdForm(VersionedForm):
    class Meta:
        model = Household
        fields = [
            "label",
            "benefit_payer",
            "benefit_claim_number",
            "adults",
            "children",
            "email",
            "phone",
            "monthly_resources",
            "resources_note",
        ]


class LeaseForm(VersionedForm):
    autocomplete_fields = ("commune",)

    class Meta:
        model = Lease
        fields = [
            "address",
            "postal_code",
            "commune",
            "sector",
            "signed_on",
            "rent",
            "charges",
            "housing_benefit",
            "benefit_paid_to_landlord",
        ]
        widgets = {"signed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, departement_code="21", **kwargs):
        super().__init__(*args, **kwargs)
        in_departement = Q(departement_code=departement_code) | Q(pk=self.instance.commune_id)
        self.fields["commune"].queryset = Commune.objects.filter(in_departement).order_by("name")
        self.scope_choices()

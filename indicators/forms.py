"""The dashboard's filters and the form a referent organisation enters its yearly figure with."""

from django import forms
from django.utils import timezone

from directory.forms import DsfrForm
from directory.models import Territory
from households.models import HousingSector

from . import counting

FIRST_YEAR = 2015  # the oldest year the filters offer


def _years():
    this_year = timezone.localdate().year
    return [(year, str(year)) for year in range(this_year, FIRST_YEAR - 1, -1)]


class DashboardFilterForm(DsfrForm):
    year = forms.TypedChoiceField(label="Année", coerce=int, choices=_years)
    territory = forms.ModelChoiceField(
        label="Territoire",
        queryset=Territory.objects.all(),
        to_field_name="code",
        required=False,
        empty_label="Tout le département",
    )
    sector = forms.ChoiceField(
        label="Parc", choices=[("", "Les deux parcs"), *HousingSector.choices], required=False
    )

    def __init__(self, *args, departement="", **kwargs):
        super().__init__(*args, **kwargs)
        self.departement = departement
        if departement:
            self.fields["territory"].queryset = Territory.objects.filter(departement_code=departement)
        self.scope_choices()

    def scope(self):
        return counting.Scope(
            territory=self.cleaned_data.get("territory"),
            sector=self.cleaned_data.get("sector") or "",
            departement=self.departement,
        )


class SupplyFigureForm(DsfrForm):
    indicator = forms.ChoiceField(label="Indicateur")
    year = forms.TypedChoiceField(label="Année", coerce=int, choices=_years)
    territory = forms.ModelChoiceField(
        label="Territoire",
        queryset=Territory.objects.all(),
        to_field_name="code",
        required=False,
        empty_label="Tout le département",
        help_text="Laissez « Tout le département » pour le chiffre départemental.",
    )
    value = forms.IntegerField(label="Valeur", min_value=0, max_value=10_000_000)

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = {indicator.code: indicator for indicator in indicators}
        self.fields["indicator"].choices = [(i.code, i.label) for i in indicators]
        if not self.is_bound:
            self.initial.setdefault("year", timezone.localdate().year - 1)

    def clean_indicator(self):
        return self.indicators[self.cleaned_data["indicator"]]

"""The check of one act read from its PDF: the import contract's fields (formats.md), typed values
passed to the import as they are, so that its rules and messages apply unchanged."""

from django import forms

from directory.forms import DsfrForm

from ..models import JudgmentOutcome, PoliceDecision, Stage

READABLE_KINDS = [("", "Choisissez l'acte")] + list(Stage.choices)
OUTCOMES = [("", "Sans objet")] + list(JudgmentOutcome.choices) + list(PoliceDecision.choices)
SECTORS = [("", "Inconnu"), ("public", "Parc public (bailleur social)"), ("prive", "Parc privé")]
# Help shown under the fields the rules ask for only sometimes.
NEW_CASE = "Obligatoire pour une nouvelle procédure."


class ActCheckForm(DsfrForm):
    reference = forms.CharField(
        label="Référence de la procédure",
        max_length=60,
        required=False,
        help_text="EXPLOC ou commissaire de justice.",
    )
    acte = forms.ChoiceField(label="Acte", choices=READABLE_KINDS, required=False)
    date_acte = forms.DateField(label="Date de l'acte", required=False)
    nom = forms.CharField(
        label="Nom du titulaire du bail", max_length=150, required=False, help_text=NEW_CASE
    )
    prenom = forms.CharField(label="Prénom", max_length=150, required=False)
    adresse = forms.CharField(label="Adresse du logement", max_length=250, required=False, help_text=NEW_CASE)
    code_postal = forms.CharField(label="Code postal", max_length=5, required=False, help_text=NEW_CASE)
    commune_insee = forms.CharField(
        label="Code INSEE de la commune", max_length=5, required=False, help_text="5 caractères. " + NEW_CASE
    )
    bailleur = forms.CharField(label="Bailleur", max_length=250, required=False, help_text=NEW_CASE)
    parc = forms.ChoiceField(label="Parc", choices=SECTORS, required=False, help_text=NEW_CASE)
    loyer = forms.CharField(label="Loyer mensuel (€)", max_length=20, required=False)
    dette = forms.CharField(label="Dette à la date de l'acte (€)", max_length=20, required=False)
    date_audience = forms.DateField(
        label="Date d'audience", required=False, help_text="Pour une assignation."
    )
    issue = forms.ChoiceField(
        label="Issue",
        choices=OUTCOMES,
        required=False,
        help_text="Pour un jugement ou une décision de concours.",
    )

    def contract_values(self) -> dict:
        """The values as the import contract writes them (dates ISO, the rest as typed)."""
        values = {}
        for name, value in self.cleaned_data.items():
            values[name] = value.isoformat() if hasattr(value, "isoformat") else (value or "").strip()
        return values


class SetAsideForm(DsfrForm):
    reason = forms.CharField(label="Motif (facultatif)", max_length=250, required=False)

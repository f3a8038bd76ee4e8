from django import forms

from directory.forms import DsfrForm


class ResendForm(DsfrForm):
    reason = forms.CharField(
        label="Motif du renvoi",
        max_length=250,
        help_text="Ex. : adresse du destinataire corrigée, fichier perdu.",
    )


class TemplateForm(DsfrForm):
    subject = forms.CharField(label="Objet", max_length=250)
    body = forms.CharField(
        label="Texte du courrier",
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text="Paragraphes séparés par une ligne vide ; champs entre accolades, ex. {{ menage.nom }}.",
    )
    preview_reference = forms.CharField(
        label="Aperçu sur le dossier", max_length=60, required=False, help_text="Référence d'une procédure"
    )

    def clean(self):
        from . import placeholders

        cleaned = super().clean()
        for field in ("subject", "body"):
            if cleaned.get(field):
                try:
                    placeholders.validate(cleaned[field])
                except forms.ValidationError as exc:
                    self.add_error(field, exc)
        return cleaned


class BatchForm(DsfrForm):
    week = forms.CharField(label="Semaine des actes", max_length=8, help_text="Format AAAA-Wnn, ex. 2026-W48")

    def clean_week(self):
        from .services.weekly_lists import parse_iso_week

        try:
            return parse_iso_week(self.cleaned_data["week"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


class GenerateLetterForm(DsfrForm):
    kind = forms.ChoiceField(label="Courrier")

    def __init__(self, *args, **kwargs):
        from .models import LetterKind

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = LetterKind.choices


class LetterStatusForm(DsfrForm):
    status = forms.ChoiceField(label="Statut")

    def __init__(self, *args, **kwargs):
        from .models import Letter

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = Letter.Status.choices


class AnswerForm(DsfrForm):
    from .models import QuestionnaireAnswer as _Answer

    respondent = forms.ChoiceField(label="Répondant", choices=_Answer.Respondent.choices)
    received_on = forms.DateField(label="Reçu le", widget=forms.DateInput(attrs={"type": "date"}))
    situation = forms.CharField(
        label="Situation (famille, ressources, emploi)", widget=forms.Textarea(attrs={"rows": 3})
    )
    wish_to_stay = forms.ChoiceField(label="Souhait", choices=_Answer.WishToStay.choices)
    steps_taken = forms.CharField(
        label="Démarches engagées", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    consent_to_share = forms.BooleanField(
        label="Accord pour transmettre aux services sociaux", required=False
    )

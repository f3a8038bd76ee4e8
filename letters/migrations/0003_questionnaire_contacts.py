"""The questionnaires carry the addresses of the commune's social services, of the ADIL and of the
secretariat for the answer (Charte II.B étapes 1 to 5; new placeholders {{ services_sociaux }},
{{ adil }}, {{ secretariat }}, taken from the directory).

As in 0002_session_placeholders: a template still at the former default wording gets the new
default as a NEW version; one an administrator changed is left as it is (its edit page lists the
placeholders of the default it does not use, and the letter is refused while an address is missing).
"""

from django.db import migrations

# The wording of letters/defaults.py before this migration, and after it (frozen here).
FORMER = {
    "questionnaire_menage": (
        "Votre situation locative — questionnaire",
        "Madame, Monsieur,\n\nLa commission de coordination des actions de prévention des expulsions locatives (CCAPEX) de la Côte-d'Or a été informée qu'un acte de procédure ({{ acte.nom }}) vous a été délivré le {{ acte.date }} pour le logement situé {{ bail.adresse }}, {{ bail.code_postal }} {{ bail.commune }} (procédure {{ procedure.reference }}).\n\nAfin d'examiner votre situation et de vous proposer des solutions, nous vous remercions de compléter le questionnaire joint (situation familiale et professionnelle, ressources, souhait de vous maintenir dans le logement, démarches engagées) et de nous le retourner sous quinze jours.\n\nNous vous invitons également à prendre contact sans attendre avec le service social de votre commune ou du Conseil départemental.\n\nNous vous prions d'agréer, Madame, Monsieur, l'expression de nos salutations distinguées.",
    ),
    "questionnaire_proprietaire": (
        "Procédure {{ procedure.reference }} — questionnaire au propriétaire",
        "Madame, Monsieur,\n\nUn acte de procédure ({{ acte.nom }}) a été délivré le {{ acte.date }} à {{ menage.libelle }}, locataire du logement situé {{ bail.adresse }}, {{ bail.code_postal }} {{ bail.commune }}.\n\nAfin que la CCAPEX puisse rechercher avec vous une solution (plan d'apurement, mobilisation des aides), nous vous remercions de compléter le questionnaire joint (montant de la dette, échanges avec le locataire, souhait de maintenir le bail) et de nous le retourner.\n\nNous vous prions d'agréer, Madame, Monsieur, l'expression de nos salutations distinguées.",
    ),
}

NEW = {
    "questionnaire_menage": (
        "Votre situation locative — questionnaire",
        "Madame, Monsieur,\n\nLa commission de coordination des actions de prévention des expulsions locatives (CCAPEX) de la Côte-d'Or a été informée qu'un acte de procédure ({{ acte.nom }}) vous a été délivré le {{ acte.date }} pour le logement situé {{ bail.adresse }}, {{ bail.code_postal }} {{ bail.commune }} (procédure {{ procedure.reference }}).\n\nAfin d'examiner votre situation et de vous proposer des solutions, nous vous remercions de compléter le questionnaire joint (situation familiale et professionnelle, ressources, souhait de vous maintenir dans le logement, démarches engagées) et de nous le retourner sous quinze jours. Pour nous répondre ou pour toute question : {{ secretariat }}.\n\nNous vous invitons également à prendre contact sans attendre avec le service social de votre commune ou du Conseil départemental : {{ services_sociaux }}.\n\nL'Agence départementale d'information sur le logement (ADIL) vous informe gratuitement sur vos droits et vos obligations de locataire : {{ adil }}.\n\nNous vous prions d'agréer, Madame, Monsieur, l'expression de nos salutations distinguées.",
    ),
    "questionnaire_proprietaire": (
        "Procédure {{ procedure.reference }} — questionnaire au propriétaire",
        "Madame, Monsieur,\n\nUn acte de procédure ({{ acte.nom }}) a été délivré le {{ acte.date }} à {{ menage.libelle }}, locataire du logement situé {{ bail.adresse }}, {{ bail.code_postal }} {{ bail.commune }}.\n\nAfin que la CCAPEX puisse rechercher avec vous une solution (plan d'apurement, mobilisation des aides), nous vous remercions de compléter le questionnaire joint (montant de la dette, échanges avec le locataire, souhait de maintenir le bail) et de nous le retourner : {{ secretariat }}.\n\nL'Agence départementale d'information sur le logement (ADIL) vous informe gratuitement sur vos droits et vos obligations de bailleur : {{ adil }}.\n\nNous vous prions d'agréer, Madame, Monsieur, l'expression de nos salutations distinguées.",
    ),
}


def install_new_defaults(apps, schema_editor):
    LetterTemplate = apps.get_model("letters", "LetterTemplate")
    LetterTemplateVersion = apps.get_model("letters", "LetterTemplateVersion")
    for template in LetterTemplate.objects.filter(kind__in=list(NEW)):
        latest = LetterTemplateVersion.objects.filter(template=template).order_by("-number").first()
        if latest is None or (latest.subject, latest.body) != FORMER[template.kind]:
            continue
        subject, body = NEW[template.kind]
        LetterTemplateVersion.objects.create(
            template=template, number=latest.number + 1, subject=subject, body=body, created_by=None
        )


class Migration(migrations.Migration):
    dependencies = [("letters", "0002_session_placeholders")]

    operations = [migrations.RunPython(install_new_defaults, migrations.RunPython.noop)]

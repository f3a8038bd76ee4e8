"""The convocation and the letters of opinion name the commission's session and give its opinion
and recommendations (new placeholders {{ commission.nom }}, {{ seance.date }}, {{ seance.lieu }},
{{ avis }}, {{ preconisations }}).

A template still at the former default wording gets the new default as a NEW version (the former
one is kept, and the letters already written keep theirs). A template an administrator has changed
is left as it is: its edit page says which placeholders of the default it does not use.
"""

from django.db import migrations

# The wording of letters/defaults.py before this migration, and after it (frozen here).
FORMER = {
    "convocation_mediation": (
        "Convocation à une commission de médiation",
        "Madame, Monsieur,\n\nDans le cadre de la procédure {{ procedure.reference }} concernant le logement situé {{ bail.adresse }}, {{ bail.commune }}, vous êtes convoqué(e) à une commission de médiation. La date, l'heure et le lieu vous seront confirmés par téléphone.\n\nVotre présence est importante : elle permet de rechercher avec votre bailleur une solution pour vous maintenir dans le logement ou préparer votre relogement.",
    ),
    "avis_recommandations": (
        "Avis et recommandations de la CCAPEX",
        "Madame, Monsieur,\n\nLa CCAPEX a examiné la situation de {{ menage.libelle }} (procédure {{ procedure.reference }}). Vous trouverez ci-dessous son avis et ses recommandations.\n\nNous vous prions d'agréer, Madame, Monsieur, l'expression de nos salutations distinguées.",
    ),
    "avis_copie_services_sociaux": (
        "Copie : avis et recommandations de la CCAPEX",
        "Madame, Monsieur,\n\nPour information, vous trouverez ci-joint copie de l'avis et des recommandations de la CCAPEX concernant {{ menage.libelle }}, {{ bail.adresse }}, {{ bail.commune }} (procédure {{ procedure.reference }}).",
    ),
}

NEW = {
    "convocation_mediation": (
        "Convocation : {{ commission.nom }}, séance du {{ seance.date }}",
        "Madame, Monsieur,\n\nDans le cadre de la procédure {{ procedure.reference }} concernant le logement situé {{ bail.adresse }}, {{ bail.commune }}, vous êtes convoqué(e) à la séance de la {{ commission.nom }} du {{ seance.date }} ({{ seance.lieu }}). L'heure de votre passage vous sera confirmée par téléphone.\n\nVotre présence est importante : elle permet de rechercher avec votre bailleur une solution pour vous maintenir dans le logement ou préparer votre relogement.",
    ),
    "avis_recommandations": (
        "Avis et recommandations de la CCAPEX — séance du {{ seance.date }}",
        "Madame, Monsieur,\n\nLa {{ commission.nom }} a examiné lors de sa séance du {{ seance.date }} la situation de {{ menage.libelle }}, logement situé {{ bail.adresse }}, {{ bail.code_postal }} {{ bail.commune }} (procédure {{ procedure.reference }}).\n\nAvis de la commission : {{ avis }}\n\nSes préconisations, avec l'organisme chargé de chacune et son échéance :\n{{ preconisations }}\n\nNous vous invitons à prendre contact sans attendre avec ces organismes.\n\nNous vous prions d'agréer, Madame, Monsieur, l'expression de nos salutations distinguées.",
    ),
    "avis_copie_services_sociaux": (
        "Copie : avis et recommandations de la CCAPEX — {{ menage.libelle }}",
        "Madame, Monsieur,\n\nPour information, voici l'avis et les préconisations de la {{ commission.nom }}, séance du {{ seance.date }}, concernant {{ menage.libelle }}, {{ bail.adresse }}, {{ bail.commune }} (procédure {{ procedure.reference }}).\n\nAvis de la commission : {{ avis }}\n\nPréconisations, avec l'organisme chargé de chacune et son échéance :\n{{ preconisations }}\n\nNous vous remercions de mettre en œuvre celles qui relèvent de votre service et d'en informer le secrétariat de la CCAPEX.",
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
    dependencies = [("letters", "0001_initial")]

    operations = [migrations.RunPython(install_new_defaults, migrations.RunPython.noop)]

"""The first version of each letter template (Charte II.B étapes 1 to 6, annexes 2 and 5).

Administrators change the wording in the application; each change is a new version.
"""

from .models import LetterKind

_QUESTIONNAIRE = (
    "Madame, Monsieur,\n\n"
    "La commission de coordination des actions de prévention des expulsions locatives (CCAPEX) de la "
    "Côte-d'Or a été informée qu'un acte de procédure ({{ acte.nom }}) vous a été délivré le "
    "{{ acte.date }} pour le "
    "logement situé {{ bail.adresse }}, {{ bail.code_postal }} {{ bail.commune }} (procédure "
    "{{ procedure.reference }}).\n\n"
    "Afin d'examiner votre situation et de vous proposer des solutions, nous vous remercions de "
    "compléter le questionnaire joint (situation familiale et professionnelle, ressources, souhait de "
    "vous maintenir dans le logement, démarches engagées) et de nous le retourner sous quinze jours. "
    "Pour nous répondre ou pour toute question : {{ secretariat }}.\n\n"
    "Nous vous invitons également à prendre contact sans attendre avec le service social de votre "
    "commune ou du Conseil départemental : {{ services_sociaux }}.\n\n"
    "L'Agence départementale d'information sur le logement (ADIL) vous informe gratuitement sur vos "
    "droits et vos obligations de locataire : {{ adil }}.\n\n"
    "Nous vous prions d'agréer, Madame, Monsieur, l'expression de nos salutations distinguées."
)

# The convocation and the letters of opinion name the commission's session; the opinion and the
# recommendations come from the agenda item (letters/README.md). Changed in migration
# 0002_session_placeholders: an existing database gets them as a new version.
MEDIATION_NOTICE = (
    "Convocation : {{ commission.nom }}, séance du {{ seance.date }}",
    "Madame, Monsieur,\n\n"
    "Dans le cadre de la procédure {{ procedure.reference }} concernant le logement situé "
    "{{ bail.adresse }}, {{ bail.commune }}, vous êtes convoqué(e) à la séance de la "
    "{{ commission.nom }} du {{ seance.date }} ({{ seance.lieu }}). L'heure de votre passage vous "
    "sera confirmée par téléphone.\n\n"
    "Votre présence est importante : elle permet de rechercher avec votre bailleur une solution "
    "pour vous maintenir dans le logement ou préparer votre relogement.",
)
OPINION = (
    "Avis et recommandations de la CCAPEX — séance du {{ seance.date }}",
    "Madame, Monsieur,\n\n"
    "La {{ commission.nom }} a examiné lors de sa séance du {{ seance.date }} la situation de "
    "{{ menage.libelle }}, logement situé {{ bail.adresse }}, {{ bail.code_postal }} {{ bail.commune }} "
    "(procédure {{ procedure.reference }}).\n\n"
    "Avis de la commission : {{ avis }}\n\n"
    "Ses préconisations, avec l'organisme chargé de chacune et son échéance :\n"
    "{{ preconisations }}\n\n"
    "Nous vous invitons à prendre contact sans attendre avec ces organismes.\n\n"
    "Nous vous prions d'agréer, Madame, Monsieur, l'expression de nos salutations distinguées.",
)
OPINION_COPY = (
    "Copie : avis et recommandations de la CCAPEX — {{ menage.libelle }}",
    "Madame, Monsieur,\n\n"
    "Pour information, voici l'avis et les préconisations de la {{ commission.nom }}, séance du "
    "{{ seance.date }}, concernant {{ menage.libelle }}, {{ bail.adresse }}, {{ bail.commune }} "
    "(procédure {{ procedure.reference }}).\n\n"
    "Avis de la commission : {{ avis }}\n\n"
    "Préconisations, avec l'organisme chargé de chacune et son échéance :\n"
    "{{ preconisations }}\n\n"
    "Nous vous remercions de mettre en œuvre celles qui relèvent de votre service et d'en informer "
    "le secrétariat de la CCAPEX.",
)

DEFAULTS = {
    LetterKind.QUESTIONNAIRE_HOUSEHOLD: ("Votre situation locative — questionnaire", _QUESTIONNAIRE),
    LetterKind.QUESTIONNAIRE_OWNER: (
        "Procédure {{ procedure.reference }} — questionnaire au propriétaire",
        "Madame, Monsieur,\n\n"
        "Un acte de procédure ({{ acte.nom }}) a été délivré le {{ acte.date }} à {{ menage.libelle }}, "
        "locataire du "
        "logement situé {{ bail.adresse }}, {{ bail.code_postal }} {{ bail.commune }}.\n\n"
        "Afin que la CCAPEX puisse rechercher avec vous une solution (plan d'apurement, mobilisation "
        "des aides), nous vous remercions de compléter le questionnaire joint (montant de la dette, "
        "échanges avec le locataire, souhait de maintenir le bail) et de nous le retourner : "
        "{{ secretariat }}.\n\n"
        "L'Agence départementale d'information sur le logement (ADIL) vous informe gratuitement sur "
        "vos droits et vos obligations de bailleur : {{ adil }}.\n\n"
        "Nous vous prions d'agréer, Madame, Monsieur, l'expression de nos salutations distinguées.",
    ),
    LetterKind.MEDIATION_NOTICE: MEDIATION_NOTICE,
    LetterKind.OPINION: OPINION,
    LetterKind.OPINION_COPY: OPINION_COPY,
    LetterKind.CFP_HOUSEHOLD: (
        "Octroi du concours de la force publique",
        "Madame, Monsieur,\n\n"
        "Le préfet a accordé le concours de la force publique pour l'exécution de la décision "
        "d'expulsion concernant le logement situé {{ bail.adresse }}, {{ bail.code_postal }} "
        "{{ bail.commune }} (procédure {{ procedure.reference }}).\n\n"
        "Les opérations d'expulsion pourront avoir lieu à compter du {{ date_expulsion_possible }}.\n\n"
        "Si vous présentez des critères de vulnérabilité, vous pouvez bénéficier de la veille sociale "
        "(présence d'un travailleur social) et d'un hébergement d'urgence. Prenez contact dès maintenant "
        "avec le SIAO en composant le 115 (appel gratuit, 24 heures sur 24).\n\n"
        "Pour éviter l'expulsion, vous pouvez quitter le logement et restituer les clés au bailleur ou "
        "au commissaire de justice.",
    ),
    **{
        kind: (
            "Octroi du concours de la force publique — procédure {{ procedure.reference }}",
            "Madame, Monsieur,\n\n"
            "Je vous informe que le concours de la force publique a été accordé pour l'exécution de la "
            "décision d'expulsion concernant {{ menage.libelle }}, occupant le logement situé "
            "{{ bail.adresse }}, {{ bail.code_postal }} {{ bail.commune }} "
            "(bailleur : {{ bailleur.nom }}).\n\n"
            "Les opérations d'expulsion pourront avoir lieu à compter du {{ date_expulsion_possible }}.",
        )
        for kind in (
            LetterKind.CFP_LANDLORD,
            LetterKind.CFP_COMMUNE,
            LetterKind.CFP_DEPARTEMENT,
            LetterKind.CFP_BAILIFF,
            LetterKind.CFP_POLICE,
        )
    },
    LetterKind.DSF_REQUEST: (
        "Demande de diagnostic social et financier — {{ menage.libelle }}",
        "Madame, Monsieur,\n\n"
        "Une procédure d'expulsion est engagée à l'encontre de {{ menage.libelle }}, {{ bail.adresse }}, "
        "{{ bail.code_postal }} {{ bail.commune }} (procédure {{ procedure.reference }}, dernier acte : "
        "{{ acte.nom }} du {{ acte.date }}).\n\n"
        "Je vous remercie de bien vouloir réaliser un diagnostic social et financier et de le transmettre "
        "au secrétariat de la CCAPEX.",
    ),
}

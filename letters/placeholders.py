"""The fixed set of placeholders a letter template may use, and their check at save.

A template's text is plain text with `{{ name }}` placeholders, nothing else: no template tag, no
filter, no attribute the list below does not name. The text is never run as a Django template, so
an administrator's wording can neither reach the database nor break a letter at print time.
"""

import re

from django.core.exceptions import ValidationError

PLACEHOLDERS = {
    "menage.nom": "nom du titulaire du bail",
    "menage.prenom": "prénom du titulaire du bail",
    "menage.libelle": "désignation du ménage (ex. : M. et Mme Martin)",
    "bail.adresse": "adresse du logement",
    "bail.code_postal": "code postal du logement",
    "bail.commune": "commune du logement",
    "bailleur.nom": "nom du bailleur",
    "procedure.reference": "référence de la procédure (EXPLOC ou commissaire de justice)",
    "procedure.dette": "dette locative connue (€)",
    "acte.nom": "nature du dernier acte (ex. : commandement de payer)",
    "acte.date": "date du dernier acte, en toutes lettres",
    "date_du_jour": "date du courrier, en toutes lettres",
    "date_expulsion_possible": "date à compter de laquelle l'expulsion peut avoir lieu",
    "destinataire.nom": "nom du destinataire du courrier",
    # The commission's session (the agenda item the letter is about: see letters/README.md).
    "commission.nom": "nom de la commission (ex. : Commission de médiation pré-expulsion de Dijon)",
    "seance.date": "date de la séance de la commission, en toutes lettres",
    "seance.lieu": "lieu de la séance de la commission",
    "avis": "avis rendu par la commission sur la situation",
    "preconisations": "liste des préconisations : nature, organisme chargé et échéance de chacune",
    # From the directory (letters/services/contacts.py): a letter is refused when one is missing.
    "services_sociaux": "coordonnées des services sociaux de la commune du logement (CCAS, agence du CD)",
    "adil": "coordonnées de l'ADIL (adresse, téléphone, courriel, horaires)",
    "secretariat": "coordonnées du secrétariat de la CCAPEX, pour la réponse",
}

PLACEHOLDER = re.compile(r"{{\s*([^{}]*?)\s*}}")
TAG = re.compile(r"{%|%}|{#|#}")


def used(text: str) -> list[str]:
    return PLACEHOLDER.findall(text)


def validate(text: str) -> None:
    """Refuse an unknown placeholder or any template syntax, with a French message listing the
    allowed placeholders."""
    unknown = sorted({name for name in used(text) if name not in PLACEHOLDERS})
    problems = []
    if unknown:
        problems.append(
            ("Champ inconnu : " if len(unknown) == 1 else "Champs inconnus : ")
            + ", ".join(_shown(name) for name in unknown)
            + "."
        )
    if TAG.search(text):
        problems.append("Les balises {% … %} et {# … #} ne sont pas permises.")
    if problems:
        allowed = ", ".join(_shown(name) for name in PLACEHOLDERS)
        raise ValidationError(" ".join(problems) + f" Champs autorisés : {allowed}.", code="placeholder")


def _shown(name: str) -> str:
    return "{{ " + name + " }}"


def fill(text: str, values: dict) -> str:
    """Replace each placeholder by its value (the text was validated at save)."""
    return PLACEHOLDER.sub(lambda match: str(values.get(match.group(1), "")), text)

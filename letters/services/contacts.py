"""The addresses a letter gives the household so that it can act: the social services that serve
its commune, the ADIL and the CCAPEX secretariat for the answer, taken from the directory (each
organisation's postal address, phone, e-mail and opening hours, kept by the administrators).

Charte II.B étapes 1 to 5: the questionnaire goes "avec les coordonnées des services sociaux (CD,
CCAS) et de l'ADIL". A letter whose template uses one of these placeholders, or a questionnaire
(which must carry them), is refused when an address is missing, with the organisation named.
"""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.html import escape

from directory.models import Organisation, Role

from ..models import LetterKind

CONTACT_PLACEHOLDERS = ("services_sociaux", "adil", "secretariat")
# The Charte's questionnaires carry these whatever the wording (II.B étapes 1 to 5).
REQUIRED_BY_KIND = {
    LetterKind.QUESTIONNAIRE_HOUSEHOLD: ("services_sociaux", "adil", "secretariat"),
    LetterKind.QUESTIONNAIRE_OWNER: ("adil", "secretariat"),
}
WHAT = {
    "services_sociaux": "le service social de la commune",
    "adil": "l'ADIL",
    "secretariat": "le secrétariat de la CCAPEX",
}


class LetterRefused(ValidationError):
    """A letter that cannot be sent as it stands, with the reason in French."""


def social_services(commune) -> list[Organisation]:
    """The CCAS of the commune and the Conseil départemental's agency whose territory holds it."""
    return list(
        Organisation.objects.filter(is_active=True)
        .filter(
            Q(kind=Organisation.Kind.CCAS, commune=commune)
            | Q(kind=Organisation.Kind.SOLIDARITY_AGENCY, territory__communes=commune)
        )
        .distinct()
        .order_by("kind", "name")
    )


def _of(departement_code):
    """The organisations of the case's département (issue 16); all when not given."""
    organisations = Organisation.objects.filter(is_active=True)
    return organisations.serving(departement_code) if departement_code else organisations


def adil(departement_code=None) -> list[Organisation]:
    return list(_of(departement_code).filter(kind=Organisation.Kind.ADIL).order_by("pk")[:1])


def secretariat(departement_code=None) -> list[Organisation]:
    """The organisation that holds the CCAPEX secretariat (the DDETS) of the case's département."""
    holders = _of(departement_code).filter(
        pk__in=Organisation.objects.filter(memberships__role=Role.SECRETARIAT).values("pk")
    )
    return list(holders.order_by("pk")[:1])


FINDERS = {
    "services_sociaux": lambda procedure: social_services(procedure.lease.commune),
    "adil": lambda procedure: adil(procedure.departement_code),
    "secretariat": lambda procedure: secretariat(procedure.departement_code),
}


def has_address(organisation) -> bool:
    return bool(organisation.address and organisation.postal_code and organisation.city)


def contact_line(organisation) -> str:
    """One organisation's details as the letter prints them."""
    parts = [f"{organisation.name}, {organisation.address}, {organisation.postal_code} {organisation.city}"]
    if organisation.phone:
        parts.append(f"tél. {organisation.phone}")
    if organisation.email:
        parts.append(organisation.email)
    if organisation.opening_hours:
        parts.append(f"accueil : {organisation.opening_hours}")
    return " — ".join(parts)


def contact_values(procedure, names) -> dict:
    """The escaped values of the contact placeholders `names` for the case; LetterRefused when one
    has no organisation with a postal address (the reason names what to fill in the directory)."""
    values, problems = {}, []
    for name in names:
        found = FINDERS[name](procedure)
        usable = [organisation for organisation in found if has_address(organisation)]
        if not usable:
            problems.append(_missing(name, procedure, found))
            continue
        values[name] = escape(" ; ".join(contact_line(organisation) for organisation in usable))
    if problems:
        raise LetterRefused(
            "Courrier refusé : "
            + " ; ".join(problems)
            + ". Un administrateur complète l'annuaire des organismes."
        )
    return values


def _missing(name, procedure, found):
    if found:
        names = ", ".join(organisation.name for organisation in found)
        return f"adresse postale manquante pour {names} ({WHAT[name]})"
    if name == "services_sociaux":
        return f"aucun service social connu pour la commune de {procedure.lease.commune.name}"
    return f"aucun organisme connu pour {WHAT[name]}"


def needed(kind, used) -> list[str]:
    """The contact placeholders a letter needs: those its template uses, and those its kind requires."""
    wanted = set(REQUIRED_BY_KIND.get(kind, ())) | (set(used) & set(CONTACT_PLACEHOLDERS))
    return [name for name in CONTACT_PLACEHOLDERS if name in wanted]

"""Reading an act: its kind recognised from its legal wording, the import contract's fields
(formats.md) proposed, each with the span of text it was read from.

Every rule is a line of a table below. A field is proposed only when every wording that names it
agrees on one value: two different values, and the field is left empty (unsure), never guessed.
"""

import re
from dataclasses import dataclass, field

from . import text as t

# ---------------------------------------------------------------------------------------------
# The kind of act, from its title (the first words of the act, folded)
# ---------------------------------------------------------------------------------------------

HEAD = 600  # characters in which the title is looked for

KINDS = (
    ("commandement_de_quitter_les_lieux", r"commandement (?:d'avoir a |de )(?:quitter|liberer) les lieux"),
    ("commandement_de_payer", r"commandement (?:d'avoir a |de )payer"),
    ("requisition_force_publique", r"requisition (?:de|du concours de) la force publique"),
    ("requisition_force_publique", r"demande (?:de|du) concours de la force publique"),
    ("assignation", r"\bassignation\b(?! du| delivree| en date)"),
    ("assignation", r"citation a comparaitre"),
    ("jugement", r"(?<! du )(?<! d'un )(?<!grosse du )\bjugement\b(?! rendu| en date)"),
    ("jugement", r"\bordonnance de refere\b"),
)


def recognise_kind(folded: str) -> tuple[str, tuple[int, int] | None]:
    """The kind whose title comes first in the head of the act, with its span; "" when none."""
    head = folded[:HEAD]
    found = [
        (match.start(), kind, match.span())
        for kind, pattern in KINDS
        for match in [re.search(pattern, head)]
        if match
    ]
    if not found:
        return "", None
    _, kind, span = min(found)
    return kind, span


# ---------------------------------------------------------------------------------------------
# Proposals
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    value: str  # in the import contract's form: 2026-03-12, 1234.56, a code
    start: int
    end: int


@dataclass
class Reading:
    text: str
    pages: int
    scan: bool
    kind: str = ""
    fields: dict = field(default_factory=dict)  # name -> Proposal
    unsure: list = field(default_factory=list)  # names read with conflicting values

    def value(self, name):
        proposal = self.fields.get(name)
        return proposal.value if proposal else ""


@dataclass(frozen=True)
class Lookups:
    """What the reader matches against: postal code → [(INSEE code, folded name)], and the folded
    names and codes of the known social landlords."""

    communes: dict
    social_landlords: frozenset = frozenset()


def _decide(reading, name, candidates):
    values = {value for value, _, _ in candidates}
    if len(values) == 1:
        value, start, end = candidates[0]
        reading.fields[name] = Proposal(value, start, end)
    elif len(values) > 1:
        reading.unsure.append(name)


# ---------------------------------------------------------------------------------------------
# The parties: household (names, address, commune) and landlord
# ---------------------------------------------------------------------------------------------

UPPER = "A-ZÉÈÊËÀÂÄÎÏÔÖÛÜÙÇŒ"
LOWER = "a-zéèêëàâäîïôöûüùçœ"
CIVILITY = r"(?:Monsieur|Madame|Mademoiselle|M\.|Mme|Mlle)"
GIVEN_WORD = rf"[{UPPER}][{LOWER}']+"
# Given names, one or more; a capitalised word followed by a colon is the next label, not a name.
GIVEN = rf"{GIVEN_WORD}(?:(?:-| (?!{GIVEN_WORD}\s*:)){GIVEN_WORD})*"
SURNAME = rf"(?:(?:d'|de |du |le |la )?[{UPPER}][{UPPER}'-]+)(?: (?:[{UPPER}][{UPPER}'-]+))*"
NAME_FORMS = (
    re.compile(rf"{CIVILITY} (?P<given>{GIVEN}) (?P<surname>{SURNAME})\b(?![{LOWER}])"),
    re.compile(rf"{CIVILITY} (?P<surname>{SURNAME}) (?P<given>{GIVEN})\b"),
)
LABELLED_NAME = re.compile(
    rf"(?i:nom)\s*:\s*(?P<surname>{SURNAME})\s*[,;]?\s*(?i:pr[ée]noms?(?:\(s\))?)\s*:\s*(?P<given>{GIVEN})"
)
HOUSEHOLD_LABELS = (
    r"(?:signifie|signifiee|delivre|delivree|notifie|notifiee|fait commandement|donne assignation) a\s*:?",
    r"\bdestinataires?\s*:",
    r"\blocataires?\s*:",
    r"\bdefendeur(?:s|esse|\(s\))?\s*:",
    r"\boccupants?\s*:",
    r"\bcontre\s*:",
    r"\bet\s*:",
)
NAME_WITHIN = 60  # the name starts within this many characters after its label
BLOCK = 320
ADDRESS_LABEL = re.compile(
    r"(?:demeurant|domicilie(?:e|s|es|\(e\)|\(s\))?|residant|sis|situe|adresse"
    r"|occupant(?:s)? le logement situe)"
    r"\s*(?:(?:a l'adresse|au|a)\b|:)?\s*:?\s*"
)
LANDLORD_LABELS = (
    r"a la requete de\s*:?",
    r"\brequerant(?:e|s)?\s*:",
    r"\bdemandeur(?:s|esse|\(s\))?\s*:",
    r"\bbailleur\s*:",
    r"\bproprietaire\s*:",
)
LANDLORD_END = re.compile(
    r",| dont le siege| demeurant| domicilie| representee?| prise? en| agissant| siret| rcs| \(| immatricul"
    r"| inscrite?| ayant| sise?\b| - "
)
LEGAL_PERSON = re.compile(
    r"\b(?:sci|sarl|sas|sasu|sa|eurl|snc|societe|office|oph|habitat|immobiliere|association|ville|commune)\b"
)
PRIVATE_COMPANY = re.compile(r"\b(?:sci|sarl|sas|sasu|eurl|snc)\b")


def _household(reading, folded, lookups):
    names, addresses = [], []
    for label in HOUSEHOLD_LABELS:
        for match in re.finditer(label, folded):
            block_start = match.end()
            block = reading.text[block_start : block_start + BLOCK]
            person = _name_in(block)
            if person is None or person.start() > NAME_WITHIN:
                continue
            names.append((person, block_start))
            address = _address_in(reading.text, folded, block_start + person.end(), lookups)
            if address:
                addresses.append(address)
    return names, addresses


def _name_in(block):
    found = [match for form in (*NAME_FORMS, LABELLED_NAME) for match in [form.search(block)] if match]
    return min(found, key=lambda match: match.start()) if found else None


def _title(name):
    return re.sub(rf"[{UPPER}{LOWER}]+", lambda word: word.group(0).capitalize(), name)


def _names(reading, names):
    surnames, givens = [], []
    for person, offset in names:
        start, end = person.span("surname")
        surnames.append((_title(person.group("surname")), offset + start, offset + end))
        start, end = person.span("given")
        givens.append((person.group("given"), offset + start, offset + end))
    _decide(reading, "nom", surnames)
    _decide(reading, "prenom", givens)


def _address_in(text, folded, position, lookups):
    label = ADDRESS_LABEL.search(folded, position, position + 120)
    if label is None:
        return None
    postal = re.compile(r"\b(\d{5})\b").search(folded, label.end(), label.end() + 120)
    if postal is None:
        return None
    street = text[label.end() : postal.start()].strip(" ,-")
    commune = _commune_at(folded, postal, lookups)
    if not street or commune is None:
        return None
    insee, end = commune
    return street, postal.group(1), insee, label.end(), end


def _commune_at(folded, postal, lookups):
    after = folded[postal.end() : postal.end() + 60].lstrip(" ,")
    offset = postal.end() + (len(folded[postal.end() : postal.end() + 60]) - len(after))
    matches = [
        (insee, len(name))
        for insee, name in lookups.communes.get(postal.group(1), [])
        if re.match(re.escape(name).replace(r"\ ", "[ -]").replace(r"\-", "[ -]") + r"\b", after)
    ]
    if not matches:
        return None
    insee, length = max(matches, key=lambda item: item[1])
    return insee, offset + length


def _addresses(reading, addresses):
    _decide(reading, "adresse", [(street, start, end) for street, _, _, start, end in addresses])
    _decide(reading, "code_postal", [(code, start, end) for _, code, _, start, end in addresses])
    _decide(reading, "commune_insee", [(insee, start, end) for _, _, insee, start, end in addresses])


def _landlord(reading, folded, lookups):
    candidates = []
    for label in LANDLORD_LABELS:
        for match in re.finditer(label, folded):
            start = match.end() + (len(folded[match.end() :]) - len(folded[match.end() :].lstrip(" :")))
            end_match = LANDLORD_END.search(folded, start, start + 120)
            end = end_match.start() if end_match else None
            if end is None or end - start < 3:
                continue
            candidates.append((reading.text[start:end].strip(), start, end))
    _decide(reading, "bailleur", candidates)
    landlord = reading.fields.get("bailleur")
    if landlord is None:
        return
    name = t.fold(landlord.value)
    following = folded[landlord.end : landlord.end + 40]
    natural = re.match(r"(?:monsieur|madame|m\.|mme)\b", name) is not None
    legal = not natural and (LEGAL_PERSON.search(name) is not None or "dont le siege" in following)
    if natural or legal:
        reading.fields["bailleur_personne_morale"] = Proposal(
            "oui" if legal else "non", landlord.start, landlord.end
        )
    sector = _sector(name, natural, lookups)
    if sector:
        reading.fields["parc"] = Proposal(sector, landlord.start, landlord.end)


def _sector(name, natural, lookups):
    """Public when the landlord is a known social landlord; private for a person or a private
    company (SCI, SARL…); otherwise unsure."""
    if " ".join(re.sub(r"[^a-z0-9]+", " ", name).split()) in lookups.social_landlords:
        return "public"
    if natural or PRIVATE_COMPANY.search(name):
        return "prive"
    return ""


# ---------------------------------------------------------------------------------------------
# Reference, dates, amounts, the court, the judgment
# ---------------------------------------------------------------------------------------------

REFERENCE = re.compile(
    r"(?:notre |votre )?(?:references?|ref\.?|dossier n°|n° de dossier|numero de dossier|n° exploc|exploc)"
    r"\s*(?:n°)?\s*:?\s*(?=[a-z0-9-]*\d)(?P<value>[a-z0-9][a-z0-9/_.-]{3,30}[a-z0-9])"
)
BAILIFF_ACT_DATES = (
    t.PREAMBLE_DATE,
    rf"(?:fait|dresse)e? a [a-z' -]{{2,40}},? le {t.DATE}",
    rf"date de l'acte\s*:\s*{t.DATE}",
    rf"date de la (?:demande|requisition)\s*:\s*{t.DATE}",
)
JUDGMENT_DATES = (
    rf"(?:jugement|decision|ordonnance) (?:rendue? )?(?:le |du ){t.DATE}",
    rf"(?:prononcee?|rendue?) (?:publiquement )?(?:par mise a disposition au greffe )?le {t.DATE}",
)
HEARING_DATES = (
    rf"audience (?:publique )?(?:\s*:\s*)?(?:du |qui se tiendra le |fixee au |le ){t.DATE}",
    rf"comparaitre (?:a l'audience )?(?:le |du ){t.DATE}",
)
AMOUNT = t.AMOUNT
DEBT = (
    rf"(?:arriere locatif|dette locative|montant de la dette|total de la dette|total du)\s*"
    rf"(?:de|s'elevant a|:|d'un montant de|arrete a)?\s*(?:la somme de )?{AMOUNT}",
    rf"(?:la )?somme (?:principale )?de {AMOUNT},? (?:au titre|correspondant|representant)[^.]{{0,30}}"
    rf"(?:loyers|arriere|impaye)",
)
RENT = (
    rf"loyer (?:mensuel|courant)(?: hors charges)?\s*(?:de|:|s'elevant a|d'un montant de)?\s*{AMOUNT}",
    rf"loyer de {AMOUNT} par mois",
    rf"loyer mensuel (?:est )?(?:fixe a|de) {AMOUNT}",
)
COURTS = (
    (r"tribunal judiciaire de dijon", "Tribunal judiciaire de Dijon"),
    (r"tribunal de proximite de beaune", "Tribunal de proximité de Beaune"),
    (r"tribunal de proximite de montbard", "Tribunal de proximité de Montbard"),
)
BAILIFF = re.compile(
    rf"(?:Ma[iî]tre|Me) (?P<name>(?:{GIVEN} )?{SURNAME})(?=,? (?i:commissaire|huissier))"
    rf"|(?P<office>(?:SELARL|SCP|SAS) [{UPPER}][\w' -]{{2,40}}?),? (?i:commissaires? de justice)"
)
OUTCOMES = (
    ("radiation", r"(?:ordonne|prononce) la radiation|radiation de l'affaire"),
    ("rejet", r"deboute [^.]{0,80}de (?:l'ensemble de )?(?:ses|leurs) demandes|rejette la demande"),
    (
        "delais",
        r"(?:accorde|octroie)[^.]{0,80}delais? de paiement|suspend les effets de la clause resolutoire",
    ),
    ("resiliation", r"(?:constate|prononce) la resiliation|constate l'acquisition de la clause resolutoire"),
)
DELAY = re.compile(rf"delais? de paiement[^.]{{0,40}}?(?P<n>\d+|{t.NUMBER_IN_WORDS}) (?:mois|mensualites)")


def _dates(folded, patterns):
    candidates = []
    for pattern in patterns:
        for match in re.finditer(pattern, folded):
            date = t.date_from_match(match)
            if date is not None:
                candidates.append((date.isoformat(), match.start(), match.end()))
    return candidates


def _amounts(folded, patterns):
    return [
        (str(t.amount_from_match(match)), match.start("amount"), match.end())
        for pattern in patterns
        for match in re.finditer(pattern, folded)
    ]


def _reference(reading, folded):
    _decide(
        reading,
        "reference",
        [
            (reading.text[m.start("value") : m.end("value")], m.start("value"), m.end("value"))
            for m in REFERENCE.finditer(folded)
        ],
    )


def _court(reading, folded):
    _decide(
        reading,
        "tribunal",
        [(label, m.start(), m.end()) for pattern, label in COURTS for m in re.finditer(pattern, folded)],
    )


def _bailiff(reading):
    candidates = []
    for match in BAILIFF.finditer(reading.text):
        group = "name" if match.group("name") else "office"
        candidates.append((match.group(group), match.start(group), match.end(group)))
    _decide(reading, "commissaire", candidates)


def _judgment(reading, folded):
    found = {name: m for name, pattern in OUTCOMES for m in [re.search(pattern, folded)] if m}
    if "resiliation" in found and "delais" in found and not {"radiation", "rejet"} & set(found):
        outcome, match = "resiliation_delais", found["delais"]
    elif len(found) == 1 and "delais" not in found:
        outcome, match = next(iter(found.items()))
    else:
        if found:
            reading.unsure.append("issue")
        return
    reading.fields["issue"] = Proposal(outcome, match.start(), match.end())
    delays = []
    for m in DELAY.finditer(folded):
        months = int(m.group("n")) if m.group("n").isdigit() else t.words_to_number(m.group("n"))
        if months:
            delays.append((f"{months} mois", m.start(), m.end()))
    _decide(reading, "delai", delays)


# ---------------------------------------------------------------------------------------------
# The reading
# ---------------------------------------------------------------------------------------------


def read_text(text: str, *, lookups: Lookups, pages=1, scan=False) -> Reading:
    """Every field the act's text states unambiguously, with the span it was read from."""
    reading = Reading(text=text, pages=pages, scan=scan)
    if scan:
        return reading
    folded = t.fold(text)
    reading.kind, span = recognise_kind(folded)
    if reading.kind:
        reading.fields["acte"] = Proposal(reading.kind, *span)
    _reference(reading, folded)
    _decide(
        reading,
        "date_acte",
        _dates(folded, JUDGMENT_DATES if reading.kind == "jugement" else BAILIFF_ACT_DATES),
    )
    names, addresses = _household(reading, folded, lookups)
    _names(reading, names)
    _addresses(reading, addresses)
    _landlord(reading, folded, lookups)
    _bailiff(reading)
    _decide(reading, "dette", _amounts(folded, DEBT))
    _decide(reading, "loyer", _amounts(folded, RENT))
    if reading.kind == "assignation":
        _decide(reading, "date_audience", _dates(folded, HEARING_DATES))
        _court(reading, folded)
    if reading.kind == "jugement":
        _judgment(reading, folded)
    return reading


def read_pdf(content: bytes, *, lookups: Lookups) -> Reading:
    """Extract the PDF's text (pypdf) and read it; a PDF without a text layer is a scan."""
    text, pages, scan = t.extract(content)
    return read_text(text, lookups=lookups, pages=pages, scan=scan)

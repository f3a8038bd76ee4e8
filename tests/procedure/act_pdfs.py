"""A generated set of acts as different commissaires de justice and courts write them, as PDFs
(WeasyPrint) with the values a person would read in them; and scans (image-only PDFs, Pillow).

Several wordings and layouts per kind, accents, names cut by a line break, amounts written
"1 234,56 €" or "850 euros", dates in words ("l'an deux mille vingt-six, le douze mars") and in
figures. `generate(count, seed)` is what the tests and `make bench` read.
"""

import datetime
import io
import random
from dataclasses import dataclass
from decimal import Decimal

from procedure.reading import reader
from procedure.services import normalise

HOUSEHOLDS = (
    # civility, given name (as typeset, "<br>" where the line breaks), surname, street, postal code,
    # commune as written, INSEE code
    ("Madame", "Hélène", "BÉRARD", "3 rue des Forges", "21000", "Dijon", "21231"),
    ("Monsieur", "Jean-<br>Pierre", "LE GALL", "14 avenue du Drapeau", "21000", "DIJON", "21231"),
    ("Madame", "Marie-Christine", "N'DIAYE", "Appartement 12, 8 rue Jean Moulin", "21300", "Chenôve", "21166"),  # noqa: E501
    ("Madame", "Anaïs", "FRANÇOIS", "2 bis place Monge", "21200", "Beaune", "21054"),
    ("Monsieur", "Noël", "MÜLLER", "27 rue de la Liberté", "21850", "Saint-Apollinaire", "21540"),
    ("Monsieur", "Loïc", "GAUTHIER-ROUSSEAU", "5 allée des Érables", "21120", "Is-sur-Tille", "21317"),
    ("Madame", "Françoise", "ÉVRARD", "11 boulevard Pompon", "21240", "TALANT", "21617"),
    ("Madame", "Zoé", "DE LA FONTAINE", "Résidence Les Grésilles, bâtiment C, 4 rue Octave Mirbeau", "21000", "Dijon", "21231"),  # noqa: E501
)  # fmt: skip
LANDLORDS = (
    # as written, sector, what follows the name
    ("SCI Les Tilleuls", "prive", "dont le siège est 10 place Darcy 21000 Dijon"),
    ("Monsieur Jacques ROY", "prive", "demeurant 4 rue Chabot-Charny 21000 Dijon"),
    ("Orvitis", "public", "office public de l'habitat, dont le siège est 17 boulevard Voltaire 21000 Dijon"),
    ("Grand Dijon Habitat", "public", "représenté par son directeur général"),
    ("SARL Immo Bourgogne", "prive", "immatriculée au RCS de Dijon"),
)
SOCIAL_LANDLORDS = ("Orvitis", "Grand Dijon Habitat")
BAILIFFS = ("Maître Claire DUMONT", "Maître Hugo PETIT-JEAN", "SELARL ACTA 21")
COURTS = ("tribunal judiciaire de Dijon", "tribunal de proximité de Beaune")
MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
    "novembre", "décembre",
)  # fmt: skip
UNITS = [
    "zéro",
    "un",
    "deux",
    "trois",
    "quatre",
    "cinq",
    "six",
    "sept",
    "huit",
    "neuf",
    "dix",
    "onze",
    "douze",
    "treize",
    "quatorze",
    "quinze",
    "seize",
]
KINDS = (
    "commandement_de_payer",
    "assignation",
    "jugement",
    "commandement_de_quitter_les_lieux",
    "requisition_force_publique",
)
# The fields every act of the kind states and the reader must get right.
MANDATORY = {
    "commandement_de_payer": ("acte", "reference", "date_acte", "nom", "prenom", "adresse", "code_postal",
                              "commune_insee", "bailleur"),
    "assignation": ("acte", "reference", "date_acte", "nom", "prenom", "adresse", "code_postal",
                    "commune_insee", "bailleur", "date_audience"),
    "jugement": ("acte", "date_acte", "nom", "prenom", "adresse", "code_postal", "commune_insee",
                 "bailleur", "issue"),
    "commandement_de_quitter_les_lieux": ("acte", "reference", "date_acte", "nom", "prenom", "adresse",
                                          "code_postal", "commune_insee", "bailleur"),
    "requisition_force_publique": ("acte", "reference", "date_acte", "nom", "prenom", "adresse",
                                   "code_postal", "commune_insee", "bailleur"),
}  # fmt: skip


def number_in_words(number):
    """French words for 1..99 and 2000..2099, as acts write them ("vingt-et-un", "deux mille six")."""
    if number >= 2000:
        rest = number - 2000
        return "deux mille" + (f" {number_in_words(rest)}" if rest else "")
    if number <= 16:
        return UNITS[number]
    tens, unit = divmod(number, 10)
    if number < 20:
        return f"dix-{UNITS[unit]}"
    name = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}[tens]
    if unit == 0:
        return name
    return f"{name}-et-un" if unit == 1 else f"{name}-{UNITS[unit]}"


def in_words(date):
    day = "premier" if date.day == 1 else number_in_words(date.day)
    return f"l'an {number_in_words(date.year)}, le {day} {MONTHS[date.month - 1]}"


def with_month(date):
    return f"{'1er' if date.day == 1 else date.day} {MONTHS[date.month - 1]} {date.year}"


def in_figures(date):
    return f"{date:%d/%m/%Y}"


def euros(amount, style):
    whole, cents = f"{amount:.2f}".split(".")
    grouped = f"{int(whole):,}".replace(",", "\u202f" if style == 2 else " ")
    return f"{grouped},{cents} €" if style != 1 else f"{grouped},{cents} euros"


@dataclass
class Act:
    name: str
    pdf: bytes
    expected: dict  # field -> value as the import contract writes it


@dataclass
class Facts:
    kind: str
    layout: int
    household: tuple
    landlord: tuple
    bailiff: str
    court: str
    reference: str
    date: datetime.date
    hearing: datetime.date
    debt: Decimal
    rent: Decimal
    outcome: str
    delay: int
    amount_style: int

    @property
    def civility(self):
        return self.household[0]

    @property
    def given(self):
        return self.household[1]

    @property
    def surname(self):
        return self.household[2]

    @property
    def address(self):
        return f"{self.household[3]}, {self.household[4]} {self.household[5]}"

    def money(self, amount):
        return euros(amount, self.amount_style)


def _facts(rng, kind, layout, index, today):
    date = today - datetime.timedelta(days=rng.randint(3, 400))
    return Facts(
        kind=kind,
        layout=layout,
        household=rng.choice(HOUSEHOLDS),
        landlord=rng.choice(LANDLORDS),
        bailiff=rng.choice(BAILIFFS),
        court=rng.choice(COURTS),
        reference=f"{rng.choice(['CJ', 'EXP-21', 'DUM'])}-{date.year % 100}-{index:05d}",
        date=date,
        hearing=date + datetime.timedelta(days=rng.randint(45, 90)),
        debt=Decimal(rng.randint(30000, 950000)) / 100,
        rent=Decimal(rng.randint(380, 900)),
        outcome=rng.choice(["resiliation", "resiliation_delais", "rejet", "radiation"]),
        delay=rng.choice([12, 24, 36]),
        amount_style=rng.randint(0, 2),
    )


def _expected(facts):
    given = facts.given.replace("<br>", "")
    expected = {
        "acte": facts.kind,
        "reference": facts.reference if facts.kind != "jugement" else None,
        "date_acte": facts.date.isoformat(),
        "nom": facts.surname,
        "prenom": given,
        "adresse": facts.household[3],
        "code_postal": facts.household[4],
        "commune_insee": facts.household[6],
        "bailleur": facts.landlord[0],
        "parc": facts.landlord[1],
        "dette": f"{facts.debt:.2f}"
        if facts.kind in ("commandement_de_payer", "assignation", "jugement")
        else None,
        "loyer": f"{facts.rent:.2f}" if facts.kind == "commandement_de_payer" else None,
        "date_audience": facts.hearing.isoformat() if facts.kind == "assignation" else None,
        "issue": facts.outcome if facts.kind == "jugement" else None,
    }
    return expected


# ---------------------------------------------------------------------------------------------
# The wordings, three per kind
# ---------------------------------------------------------------------------------------------


def _person(f, surname_first=False):
    if surname_first:
        return f"{f.civility} {f.surname} {f.given}"
    return f"{f.civility} {f.given} {f.surname}"


def _letterhead(f):
    return (
        f"<p class='head'>{f.bailiff}<br>Commissaire de justice<br>12 rue de la Préfecture<br>21000 Dijon</p>"
    )


def _landlord(f):
    return f"{f.landlord[0]}, {f.landlord[2]}"


def _payment_order(f):
    if f.layout == 0:
        return f"""{_letterhead(f)}<p>Référence : {f.reference}</p>
<h1>COMMANDEMENT DE PAYER VISANT LA CLAUSE RÉSOLUTOIRE</h1>
<p>(article 24 de la loi n° 89-462 du 6 juillet 1989)</p>
<p>{in_words(f.date).capitalize()},</p>
<p>À LA REQUÊTE DE : {_landlord(f)},</p>
<p>J'ai, {f.bailiff}, commissaire de justice à Dijon, soussigné, fait commandement à :
<b>{_person(f)}</b>, demeurant {f.address},</p>
<p>de payer dans un délai de six semaines la somme de {f.money(f.debt)} au titre des loyers et charges
impayés arrêtés au {in_figures(f.date)}, le loyer mensuel s'élevant à {f.money(f.rent)}.</p>
<p>Coût de l'acte : 78,42 €</p>"""
    if f.layout == 1:
        return f"""{_letterhead(f)}<h1>Commandement de payer</h1>
<table><tr><th>Dossier n° :</th><td>{f.reference}</td></tr>
<tr><th>Date de l'acte :</th><td>{in_figures(f.date)}</td></tr>
<tr><th>Requérant :</th><td>{_landlord(f)}</td></tr>
<tr><th>Destinataire :</th><td>{_person(f, surname_first=True)}</td></tr>
<tr><th>Adresse :</th><td>{f.address}</td></tr>
<tr><th>Arriéré locatif :</th><td>{f.money(f.debt)}</td></tr>
<tr><th>Loyer mensuel :</th><td>{f.money(f.rent)}</td></tr></table>
<p>Faute de paiement dans les six semaines, le bail sera résilié de plein droit. Frais : 81,20 €.</p>"""
    return f"""<p class='head'>{f.bailiff}, commissaire de justice</p><p>Réf. : {f.reference}</p>
<h1>Commandement de payer les loyers</h1>
<p>Signifié à : {_person(f)}<br>domicilié(e) {f.household[3]},<br>{f.household[4]} {f.household[5]}</p>
<p>À la requête de {_landlord(f)}, bailleur du logement, d'avoir à régler la dette locative de
{f.money(f.debt)} dans un délai de six semaines, moyennant un loyer de {f.money(f.rent)} par mois.</p>
<p>Fait à Dijon, le {with_month(f.date)}</p>"""


def _summons(f):
    court = f.court
    if f.layout == 0:
        return f"""{_letterhead(f)}<p>Référence : {f.reference}</p>
<h1>ASSIGNATION EN RÉSILIATION DE BAIL ET EXPULSION</h1>
<p>devant le juge des contentieux de la protection du {court}</p>
<p>{in_words(f.date).capitalize()},</p><p>À LA REQUÊTE DE : {_landlord(f)},</p>
<p>J'ai, {f.bailiff}, commissaire de justice, donné assignation à : {_person(f)}, demeurant {f.address},</p>
<p>par suite du commandement de payer signifié le {in_figures(f.date - datetime.timedelta(days=70))}
resté sans effet, à comparaître à l'audience du {with_month(f.hearing)} à 9 heures 30, pour
s'entendre condamner au paiement de la somme de {f.money(f.debt)} au titre de l'arriéré locatif.</p>"""
    if f.layout == 1:
        return f"""{_letterhead(f)}<h1>Assignation</h1><p>devant le {court}</p>
<table><tr><th>Dossier n° :</th><td>{f.reference}</td></tr>
<tr><th>Date de l'acte :</th><td>{in_figures(f.date)}</td></tr>
<tr><th>Demandeur :</th><td>{_landlord(f)}</td></tr>
<tr><th>Défendeur :</th><td>{_person(f, surname_first=True)}, demeurant {f.address}</td></tr>
<tr><th>Audience :</th><td>le {in_figures(f.hearing)} à 14 h 00</td></tr>
<tr><th>Dette locative :</th><td>{f.money(f.debt)}</td></tr></table>"""
    return f"""<p class='head'>{f.bailiff}, commissaire de justice</p><p>Notre réf. : {f.reference}</p>
<h1>Assignation devant le juge des contentieux de la protection</h1>
<p>{in_words(f.date).capitalize().replace(",", " et")}, à la requête de {_landlord(f)},</p>
<p>j'ai donné assignation à : {_person(f)},<br>demeurant {f.household[3]},<br>{f.household[4]}
{f.household[5]},</p><p>d'avoir à comparaître à l'audience qui se tiendra le
{in_figures(f.hearing)} devant le {court}, pour le paiement du montant de la dette : {f.money(f.debt)}.</p>"""


OUTCOME_WORDS = {
    "resiliation": (
        "Constate l'acquisition de la clause résolutoire et la résiliation du bail ; ordonne l'expulsion."
    ),
    "resiliation_delais": (
        "Constate l'acquisition de la clause résolutoire ; accorde à la partie défenderesse des délais de "
        "paiement de {delay} mois ; suspend les effets de la clause résolutoire pendant ces délais."
    ),
    "rejet": "Déboute la partie demanderesse de l'ensemble de ses demandes.",
    "radiation": "Ordonne la radiation de l'affaire du rôle des affaires en cours.",
}


def _judgment(f):
    outcome = OUTCOME_WORDS[f.outcome].format(delay=f.delay)
    court = f.court[0].upper() + f.court[1:]
    heard = in_figures(f.date - datetime.timedelta(days=28))
    condemn = (
        f"Condamne la partie défenderesse à payer la somme de {f.money(f.debt)} "
        "au titre de l'arriéré locatif, "
        "et la somme de 300,00 € au titre de l'article 700 du code de procédure civile."
    )
    if f.layout == 0:
        return f"""<p class='head'>{court.upper()}<br>Pôle de proximité</p>
<h1>JUGEMENT DU {with_month(f.date).upper()}</h1><p>N° RG {f.date.year % 100}/{f.reference[-5:]}</p>
<p>ENTRE :</p><p>DEMANDEUR : {_landlord(f)}, représenté par Maître Lucie BLANC, avocate</p>
<p>ET :</p><p>DÉFENDEUR : {_person(f)}, demeurant {f.address}</p>
<p>Débats à l'audience publique du {heard}.</p><p>PAR CES MOTIFS, le juge des contentieux de la
protection, statuant publiquement, par jugement contradictoire,</p><p>{condemn}</p><p>{outcome}</p>"""
    if f.layout == 1:
        return f"""<p class='head'>{court}</p><h1>Jugement</h1>
<p>Prononcé par mise à disposition au greffe le {with_month(f.date)}</p>
<table><tr><th>Demandeur :</th><td>{_landlord(f)}</td></tr>
<tr><th>Défendeur :</th><td>{_person(f, surname_first=True)}<br>demeurant {f.address}</td></tr></table>
<p>Audience publique du {heard}.</p><h2>Dispositif</h2><p>{condemn}</p><p>{outcome}</p>"""
    return f"""<p class='head'>{court}</p><h1>Jugement</h1>
<p>Jugement rendu le {in_figures(f.date)} dans l'affaire opposant</p><p>Bailleur : {_landlord(f)}</p>
<p>à</p><p>Locataire : {_person(f)},<br>demeurant {f.address}</p><p>PAR CES MOTIFS :</p><p>{condemn}</p>
<p>{outcome}</p>"""


def _order_to_vacate(f):
    judged = in_figures(f.date - datetime.timedelta(days=60))
    if f.layout == 0:
        return f"""{_letterhead(f)}<p>Référence : {f.reference}</p>
<h1>COMMANDEMENT D'AVOIR À QUITTER LES LIEUX</h1>
<p>(articles L.411-1 et R.411-1 du code des procédures civiles d'exécution)</p>
<p>{in_words(f.date).capitalize()},</p><p>À LA REQUÊTE DE : {_landlord(f)},</p>
<p>En vertu de la grosse du jugement rendu le {judged} par le juge des contentieux de la protection
du {f.court},</p><p>J'ai, {f.bailiff}, commissaire de justice, fait commandement à : {_person(f)},
demeurant {f.address},</p><p>d'avoir à libérer les lieux dans un délai de deux mois.</p>"""
    if f.layout == 1:
        return f"""{_letterhead(f)}<h1>Commandement de quitter les lieux</h1>
<table><tr><th>N° EXPLOC :</th><td>{f.reference}</td></tr>
<tr><th>Date de l'acte :</th><td>{in_figures(f.date)}</td></tr>
<tr><th>Requérant :</th><td>{_landlord(f)}</td></tr>
<tr><th>Occupant :</th><td>{_person(f, surname_first=True)}</td></tr>
<tr><th>Adresse :</th><td>{f.address}</td></tr>
<tr><th>Titre exécutoire :</th><td>jugement du {judged}</td></tr></table>"""
    return f"""<p class='head'>{f.bailiff}, commissaire de justice</p><p>Réf. : {f.reference}</p>
<h1>Commandement de quitter les lieux</h1><p>Signifié à : {_person(f)}<br>domiciliée
{f.household[3]}, {f.household[4]}<br>{f.household[5]}</p>
<p>À la requête de {_landlord(f)}, d'avoir à quitter les lieux dans les deux mois.</p>
<p>Fait à Dijon, le {with_month(f.date)}</p>"""


def _police_request(f):
    cql = in_figures(f.date - datetime.timedelta(days=75))
    if f.layout in (0, 2):
        return f"""{_letterhead(f)}<p>À Monsieur le Préfet de la Côte-d'Or</p>
<p>Objet : Réquisition de la force publique</p><p>Notre référence : {f.reference}</p>
<p>Monsieur le Préfet, à la requête de {_landlord(f)}, je requiers le concours de la force publique
pour l'expulsion de l'occupant désigné ci-dessous, le commandement de quitter les lieux signifié le
{cql} étant resté sans effet.</p><p>Occupant : {_person(f)}, demeurant {f.address}</p>
<p>Fait à Dijon, le {with_month(f.date) if f.layout == 0 else in_figures(f.date)}</p>"""
    return f"""{_letterhead(f)}<h1>DEMANDE DE CONCOURS DE LA FORCE PUBLIQUE</h1>
<table><tr><th>Dossier n° :</th><td>{f.reference}</td></tr>
<tr><th>Date de la demande :</th><td>{in_figures(f.date)}</td></tr>
<tr><th>Requérant :</th><td>{_landlord(f)}</td></tr>
<tr><th>Occupant :</th><td>{_person(f, surname_first=True)}</td></tr>
<tr><th>Adresse :</th><td>{f.address}</td></tr></table>"""


WORDINGS = {
    "commandement_de_payer": _payment_order,
    "assignation": _summons,
    "jugement": _judgment,
    "commandement_de_quitter_les_lieux": _order_to_vacate,
    "requisition_force_publique": _police_request,
}
STYLE = """@page { size: A4; margin: 2cm } body { font-family: serif; font-size: 11pt }
.head { font-size: 9pt } th { text-align: left; padding-right: 1em } h1 { font-size: 14pt }"""


def render(html):
    from weasyprint import HTML

    page = (
        f"<html lang='fr'><head><meta charset='utf-8'><style>{STYLE}</style></head><body>{html}</body></html>"
    )
    return HTML(string=page).write_pdf()


def act(kind, *, layout=0, seed=0, today=None):
    """One generated act of this kind and layout, reproducibly from the seed."""
    facts = _facts(
        random.Random(f"{kind}-{layout}-{seed}"), kind, layout, seed, today or datetime.date.today()
    )
    generated = Act(f"{kind}-{layout}-{seed}.pdf", render(WORDINGS[kind](facts)), _expected(facts))
    generated.facts = facts
    return generated


def facts_of(generated):
    """What the act was written from, to write another act of the same case."""
    return generated.facts


def generate(count, *, seed=0, today=None):
    """`count` acts, every kind and layout in turn."""
    return [act(KINDS[i % 5], layout=(i // 5) % 3, seed=seed + i, today=today) for i in range(count)]


def scan(text="COMMANDEMENT DE PAYER\nMadame Hélène BÉRARD"):
    """An image-only PDF, as a scanner makes: the words are pixels, there is no text layer."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    for number, line in enumerate(text.splitlines()):
        draw.text((120, 150 + 40 * number), line, fill=0)
    output = io.BytesIO()
    image.save(output, format="PDF", resolution=150)
    return output.getvalue()


# ---------------------------------------------------------------------------------------------
# Measuring the reader
# ---------------------------------------------------------------------------------------------


def same(read, expected):
    return normalise(read) == normalise(expected)


def verdict(read, expected):
    """right, empty (not read: allowed) or wrong (a value proposed that the act does not state)."""
    if expected is None:
        return "wrong" if read else None
    if not read:
        return "empty"
    return "right" if same(read, expected) else "wrong"


def measure(acts, lookups):
    """Read each act and compare with what it states: per field [right, empty, wrong]; the acts
    with every mandatory field right; and every wrong value, described."""
    counts, complete, wrong_values = {}, 0, []
    for act in acts:
        reading = reader.read_pdf(act.pdf, lookups=lookups)
        verdicts = {name: verdict(reading.value(name), expected) for name, expected in act.expected.items()}
        for name, result in verdicts.items():
            row = counts.setdefault(name, [0, 0, 0])
            if result:
                row[("right", "empty", "wrong").index(result)] += 1
            if result == "wrong":
                wrong_values.append(
                    f"{act.name}: {name} lu « {reading.value(name)} », attendu « {act.expected[name]} »"
                )
        complete += all(verdicts[name] == "right" for name in MANDATORY[act.expected["acte"]])
    return counts, complete, wrong_values


def table(counts, complete, total):
    """The per-field figures, in French, as the tests and the bench print them."""
    lines = [f"\nLecture de {total} actes générés : champ, justes, vides, faux"]
    for name, (right, empty, wrong) in counts.items():
        stated = right + empty + wrong
        share = f"{100 * right / stated:5.1f} %" if stated else "    —  "
        lines.append(f"  {name:<15} {share}  {right:>4} justes, {empty:>4} vides, {wrong:>4} faux")
    lines.append(f"Actes dont tous les champs obligatoires sont justes : {complete}/{total}")
    return "\n".join(lines)

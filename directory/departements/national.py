"""National defaults: the organisations every département has, for a département without its own module.

`setup_departement NN` loads these for each of the 101 départements (96 in metropolitan France, 5
overseas) that has no module of its own in DEPARTEMENTS; a département with a module (the Côte-d'Or
and its Charte) replaces them entirely. The names are the usual ones; where a département differs
(the Collectivité de Corse, the Collectivité européenne d'Alsace, the Ville de Paris, the
collectivités territoriales uniques of Martinique and Guyane, Mayotte's caisse de sécurité sociale,
the DRIHL in Paris and the petite couronne, the DEETS overseas) the tables below say so. An
administrator corrects a name, an e-mail or adds the other organisations in the admin; a rerun keeps
their e-mails and addresses and restores only the names below.

Every département also gets one territory covering all its communes ("NN-departement"), where the
national default routing rules apply (referrals/routing.py), so that they never reach another
département's communes.
"""

from dataclasses import dataclass

from directory.models import Organisation, Territory

K = Organisation.Kind
_SOCIAL = {"has_social_workers": True}

OVERSEAS = {"971", "972", "973", "974", "976"}

# The 101 départements and how French says "of" them ("de la Côte-d'Or", "du Rhône", "de l'Ain").
_OF = {
    "de l'": "01 02 03 07 09 10 11 12 27 34 36 38 60 61 89 91",
    "des ": "04 05 06 08 13 22 40 64 65 66 78 79 88 92",
    "du ": "14 15 18 25 29 30 32 39 45 46 56 59 62 63 67 68 69 81 83 90 94 95",
    "de la ": "16 17 19 21 23 24 26 2A 2B 31 33 42 43 44 48 50 51 52 53 55 57 58 70 72 73 74 76 80 "
    "85 86 87 93 971 972 973",
    "d'": "28 35 37",
    "de ": "41 47 49 54 71 75 77 82 84 974 976",
}
OF = {code: article for article, codes in _OF.items() for code in codes.split()}
DEPARTEMENT_CODES = frozenset(OF)


def of(code: str, name: str) -> str:
    """ "de la Côte-d'Or", "du Rhône", "de l'Ain", "de La Réunion"."""
    return f"{OF[code]}{name}"


# The collectivity exercising the département's powers where it is not a Conseil départemental of
# its own: code, name, the départements it serves (an organisation serving several is created once).
COLLECTIVITIES = [
    ("collectivite-de-corse", "Collectivité de Corse", ("2A", "2B")),
    ("collectivite-europeenne-alsace", "Collectivité européenne d'Alsace", ("67", "68")),
    ("ville-de-paris", "Ville de Paris", ("75",)),
    ("ctm-martinique", "Collectivité territoriale de Martinique", ("972",)),
    ("ctg-guyane", "Collectivité territoriale de Guyane", ("973",)),
]
# The State service holding the CCAPEX's secretariat: the DDETS, the DEETS overseas, the DRIHL's
# unité départementale in Paris and the petite couronne.
DRIHL = {"75", "92", "93", "94"}
# The MSA's caisses are regional: code, name, the départements they serve. The Bourgogne's keeps the
# code the Côte-d'Or's data gave it first. Overseas, the CGSS (Mayotte: the CSSM) pays the benefits.
MSA_CAISSES = [
    ("msa-ain-rhone", "MSA Ain-Rhône", "01 69"),
    ("msa-picardie", "MSA de Picardie", "02 60 80"),
    ("msa-auvergne", "MSA Auvergne", "03 15 43 63"),
    ("msa-alpes-vaucluse", "MSA Alpes-Vaucluse", "04 05 84"),
    ("msa-provence-azur", "MSA Provence Azur", "06 13 83"),
    ("msa-ardeche-drome-loire", "MSA Ardèche Drôme Loire", "07 26 42"),
    ("msa-marne-ardennes-meuse", "MSA Marne Ardennes Meuse", "08 51 55"),
    ("msa-midi-pyrenees-sud", "MSA Midi-Pyrénées Sud", "09 31 32 65"),
    ("msa-sud-champagne", "MSA Sud Champagne", "10 52"),
    ("msa-grand-sud", "MSA Grand Sud", "11 66"),
    ("msa-midi-pyrenees-nord", "MSA Midi-Pyrénées Nord", "12 46 81 82"),
    ("msa-cotes-normandes", "MSA Côtes Normandes", "14 50"),
    ("msa-charentes", "MSA des Charentes", "16 17"),
    ("msa-beauce-coeur-de-loire", "MSA Beauce Cœur de Loire", "18 28 45"),
    ("msa-limousin", "MSA du Limousin", "19 23 87"),
    ("msa-21", "MSA de Bourgogne", "21 58 71 89"),
    ("msa-armorique", "MSA d'Armorique", "22 29"),
    ("msa-dordogne-lot-et-garonne", "MSA Dordogne, Lot et Garonne", "24 47"),
    ("msa-franche-comte", "MSA de Franche-Comté", "25 39 70 90"),
    ("msa-haute-normandie", "MSA Haute-Normandie", "27 76"),
    ("msa-corse", "MSA de la Corse", "2A 2B"),
    ("msa-languedoc", "MSA du Languedoc", "30 34 48"),
    ("msa-gironde", "MSA de la Gironde", "33"),
    ("msa-portes-de-bretagne", "MSA Portes de Bretagne", "35 56"),
    ("msa-berry-touraine", "MSA Berry-Touraine", "36 37 41"),
    ("msa-alpes-du-nord", "MSA Alpes du Nord", "38 73 74"),
    ("msa-sud-aquitaine", "MSA Sud Aquitaine", "40 64"),
    ("msa-loire-atlantique-vendee", "MSA Loire-Atlantique - Vendée", "44 85"),
    ("msa-maine-et-loire", "MSA de Maine-et-Loire", "49"),
    ("msa-mayenne-orne-sarthe", "MSA Mayenne-Orne-Sarthe", "53 61 72"),
    ("msa-lorraine", "MSA Lorraine", "54 57 88"),
    ("msa-nord-pas-de-calais", "MSA Nord-Pas de Calais", "59 62"),
    ("msa-alsace", "MSA d'Alsace", "67 68"),
    ("msa-ile-de-france", "MSA d'Île-de-France", "75 77 78 91 92 93 94 95"),
    ("msa-poitou", "MSA Poitou", "79 86"),
]
MSA_BY_DEPARTEMENT = {code: (slug, name) for slug, name, codes in MSA_CAISSES for code in codes.split()}
# A métropole running the FSL co-chairs the CCAPEX (décret 2026-83): the Métropole de Lyon.
METROPOLES = {"69": ("metropole-de-lyon", "Métropole de Lyon")}


@dataclass(frozen=True)
class Codes:
    """The codes of a département's organisations, as the other apps' setup steps find them."""

    state: str
    departement: str
    caf: str
    msa: str
    adil: str
    siao: str
    bailiffs: str
    police: str
    gendarmerie: str
    metropole: str = ""
    territory: str = ""


def codes(code: str) -> Codes:
    slug = code.lower()
    collectivity = next((c for c, _, served in COLLECTIVITIES if code in served), f"cd{slug}")
    msa = MSA_BY_DEPARTEMENT[code][0] if code in MSA_BY_DEPARTEMENT else ""
    return Codes(
        state=f"ddets-{slug}",
        departement=collectivity,
        caf=f"caf-{slug}",
        msa=msa,
        adil=f"adil-{slug}",
        siao=f"siao-{slug}",
        bailiffs=f"commissaires-justice-{slug}",
        police=f"police-{slug}",
        gendarmerie=f"gendarmerie-{slug}",
        metropole=METROPOLES.get(code, ("", ""))[0],
        territory=f"{slug}-departement",
    )


def _state_name(code: str, name: str) -> str:
    if code in DRIHL:
        return f"DRIHL — unité départementale {of(code, name)}"
    if code in OVERSEAS:
        return f"DEETS {of(code, name)}"
    return f"DDETS {of(code, name)}"


def _collectivity_name(code: str, name: str) -> str:
    return next((label for _, label, served in COLLECTIVITIES if code in served), None) or (
        f"Conseil départemental {of(code, name)}"
    )


def _caf_name(code: str, name: str) -> str:
    return "Caisse de sécurité sociale de Mayotte" if code == "976" else f"CAF {of(code, name)}"


@dataclass(frozen=True)
class Reference:
    """What `setup_departement` loads, in the shape of a département module (cote_dor.py)."""

    DEPARTEMENT_CODE: str
    TERRITORIES: list
    ORGANISATIONS: list
    POLICE_ZONE_INSEE_CODES: set | None = None
    PLACEHOLDER_EMAIL_DOMAIN: str = "demo.prevex.fr"


def reference(code: str, name: str) -> Reference:
    """The national defaults for a département: its territory and its organisations."""
    c = codes(code)
    of_it = of(code, name)
    organisations = [
        (c.state, _state_name(code, name), K.STATE, {}),
        (c.departement, _collectivity_name(code, name), K.DEPARTEMENT, _SOCIAL),
        (c.caf, _caf_name(code, name), K.CAF, _SOCIAL),
        (c.adil, f"ADIL {of_it}", K.ADIL, {}),
        (c.siao, f"SIAO {of_it}", K.SIAO, {}),
        (c.bailiffs, f"Chambre des commissaires de justice {of_it}", K.BAILIFFS, {}),
        (c.police, f"Police nationale {of_it}", K.POLICE, {}),
        (c.gendarmerie, f"Groupement de gendarmerie départementale {of_it}", K.GENDARMERIE, {}),
    ]
    if c.msa:
        organisations.insert(3, (c.msa, MSA_BY_DEPARTEMENT[code][1], K.MSA, {}))
    if c.metropole:
        organisations.insert(2, (c.metropole, METROPOLES[code][1], K.METROPOLE, _SOCIAL))
    territory = {"code": c.territory, "name": name, "kind": Territory.Kind.DEPARTEMENT, "all": True}
    return Reference(DEPARTEMENT_CODE=code, TERRITORIES=[territory], ORGANISATIONS=organisations)

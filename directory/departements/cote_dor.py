"""The Côte-d'Or (21): its territories and the organisations named in its Charte.

Source: Charte de prévention des expulsions locatives de la Côte-d'Or (2020), referred to by section.
Plain tables read by `setup_departement 21`; an administrator may change the rows afterwards in the
admin, and a rerun of the command keeps their changes to e-mails, addresses and added communes.

Communes are loaded from `directory/data/communes.csv.gz`; a territory names its communes by a rule on
that file: `arrondissement` (arrondissement code), `epci` (SIREN of EPCI, in a tuple) or `insee`
(INSEE codes).
"""

from directory.models import Organisation, Territory

DEPARTEMENT_CODE = "21"

DIJON_METROPOLE_SIREN = "242100410"
CC_AUXONNE_PONTAILLER_SIREN = "200070902"  # "CC Auxonne Pontailler Val de Saône" in the CSV
CC_RIVES_DE_SAONE_SIREN = "242101509"  # "CC Rives de Saône" in the CSV
CA_BEAUNE_SIREN = "200006682"  # "CA Beaune, Côte et Sud - Communauté Beaune-Chagny-Nolay"

# The three arrondissements (211 Beaune, 212 Dijon, 213 Montbard) are made from the CSV for every
# département: codes "21-arr-211", "21-arr-212", "21-arr-213". The other territories:
TERRITORIES = [
    # Charte II.A.2.c (médiation pré-expulsion de Dijon), II.B: DSF by Dijon Métropole.
    {
        "code": "21-dijon-metropole",
        "name": "Dijon Métropole",
        "kind": Territory.Kind.EPCI,
        "epci": (DIJON_METROPOLE_SIREN,),
    },
    # Charte II.A.2.c (médiation pré-expulsion du Val de Saône), fiche action 4 (CCAPEX
    # territorialisée du Val de Saône), annexe 3 (Arc-en-ciel's visites anticipation).
    # The Charte does not list its communes: the communes of the two communautés de communes
    # along the Saône, as issue 2 decides.
    {
        "code": "21-val-de-saone",
        "name": "Val de Saône",
        "kind": Territory.Kind.SECTOR,
        "epci": (CC_AUXONNE_PONTAILLER_SIREN, CC_RIVES_DE_SAONE_SIREN),
    },
    # Agences Solidarités Côte-d'Or of the Conseil départemental. The Charte names those of Beaune
    # (II.A.2.b: CCAPEX territorialisée "de l'arrondissement de Beaune", co-chaired by the agency)
    # and Montbard (II.A.2.b), and says the territorial commissions follow the agencies' perimeters
    # (fiche action 4, note). It gives no list of communes, so the rule here is ONE AGENCY PER
    # ARRONDISSEMENT; an administrator refines the perimeters in the admin (communes added there are
    # kept by later runs).
    {
        "code": "21-agence-dijon",
        "name": "Agence Solidarités Côte-d'Or de Dijon",
        "kind": Territory.Kind.SOLIDARITY_AGENCY,
        "arrondissement": "212",
    },
    {
        "code": "21-agence-beaune",
        "name": "Agence Solidarités Côte-d'Or de Beaune",
        "kind": Territory.Kind.SOLIDARITY_AGENCY,
        "arrondissement": "211",
    },
    {
        "code": "21-agence-montbard",
        "name": "Agence Solidarités Côte-d'Or de Montbard",
        "kind": Territory.Kind.SOLIDARITY_AGENCY,
        "arrondissement": "213",
    },
]

# Communes in the zone of the Police nationale (Charte II.B étape 5: "police ou gendarmerie"
# assesses the public-order risks). The Charte does not give the split: this is the urban core of
# Dijon and Beaune, to be checked against the prefectoral order on the police/gendarmerie zones;
# every other commune of the 21 is set to the gendarmerie. Only blank values are filled, so an
# administrator's correction is kept.
POLICE_ZONE_INSEE_CODES = {
    "21231",  # Dijon
    "21166",  # Chenôve
    "21171",  # Chevigny-Saint-Sauveur
    "21278",  # Fontaine-lès-Dijon
    "21355",  # Longvic
    "21390",  # Marsannay-la-Côte
    "21515",  # Quetigny
    "21540",  # Saint-Apollinaire
    "21617",  # Talant
    "21054",  # Beaune
}

# Kinds, shortened for the table below.
K = Organisation.Kind
_SOCIAL = {"has_social_workers": True}

# code, name, kind, extra fields. Extra keys: parent (code), territory (code), commune (INSEE code of
# a CCAS), siren (only when certain), has_social_workers.
ORGANISATIONS = [
    # The State service that holds the secretariat: DDCS in the Charte (II.A.1), DDETS since 2021.
    ("ddets-21", "DDETS de la Côte-d'Or", K.STATE, {}),
    # Charte I and II.A.1: co-chairs the CCAPEX; its social workers make the DSF (II.B étape 3a).
    ("cd21", "Conseil départemental de la Côte-d'Or", K.DEPARTEMENT, _SOCIAL),
    # Its Agences Solidarités (II.A.2.b, fiche action 4): see TERRITORIES for their perimeters.
    (
        "cd21-agence-dijon",
        "Agence Solidarités Côte-d'Or de Dijon",
        K.SOLIDARITY_AGENCY,
        {"parent": "cd21", "territory": "21-agence-dijon", **_SOCIAL},
    ),
    (
        "cd21-agence-beaune",
        "Agence Solidarités Côte-d'Or de Beaune",
        K.SOLIDARITY_AGENCY,
        {"parent": "cd21", "territory": "21-agence-beaune", **_SOCIAL},
    ),
    (
        "cd21-agence-montbard",
        "Agence Solidarités Côte-d'Or de Montbard",
        K.SOLIDARITY_AGENCY,
        {"parent": "cd21", "territory": "21-agence-montbard", **_SOCIAL},
    ),
    # II.A.1 (member), II.B étapes 3a-5 (DSF), signatory.
    (
        "dijon-metropole",
        "Dijon Métropole",
        K.METROPOLE,
        {"territory": "21-dijon-metropole", "siren": DIJON_METROPOLE_SIREN, **_SOCIAL},
    ),
    # II.A.2.b (member of the CCAPEX territorialisée de Beaune), signatory.
    (
        "ca-beaune-cote-sud",
        "Communauté d'agglomération Beaune, Côte et Sud",
        K.OTHER,
        {"siren": CA_BEAUNE_SIREN},
    ),
    # CCAS "ayant des travailleurs sociaux" (fiche action 3.b, 4). The Charte names the communes of
    # Chenôve (Inser'Social, fiche action 5), Beaune (HABITER, fiche action 5) and those with a
    # commission d'impayés locatifs (II.B étape 1, 2-2: Talant, Longvic, Quetigny,
    # Venarey-les-Laumes), with Dijon's.
    ("ccas-dijon", "CCAS de Dijon", K.CCAS, {"commune": "21231", **_SOCIAL}),
    ("ccas-beaune", "CCAS de Beaune", K.CCAS, {"commune": "21054", **_SOCIAL}),
    ("ccas-chenove", "CCAS de Chenôve", K.CCAS, {"commune": "21166", **_SOCIAL}),
    ("ccas-talant", "CCAS de Talant", K.CCAS, {"commune": "21617", **_SOCIAL}),
    ("ccas-longvic", "CCAS de Longvic", K.CCAS, {"commune": "21355", **_SOCIAL}),
    ("ccas-quetigny", "CCAS de Quetigny", K.CCAS, {"commune": "21515", **_SOCIAL}),
    ("ccas-venarey-les-laumes", "CCAS de Venarey-les-Laumes", K.CCAS, {"commune": "21663", **_SOCIAL}),
    # II.A.1 (members), II.B étape 1 (unpaid rent reported to CAF or MSA), signatories.
    ("caf-21", "CAF de la Côte-d'Or", K.CAF, _SOCIAL),
    ("msa-21", "MSA de Bourgogne", K.MSA, {}),
    ("adil-21", "ADIL de la Côte-d'Or", K.ADIL, {}),
    ("banque-de-france-21", "Banque de France (Côte-d'Or)", K.BANQUE_DE_FRANCE, {}),
    # Social landlords and Action Logement, signatories (II.A.1 "les bailleurs sociaux, Action Logement").
    ("orvitis", "ORVITIS", K.SOCIAL_LANDLORD, {}),
    ("grand-dijon-habitat", "Grand Dijon Habitat", K.SOCIAL_LANDLORD, {}),
    ("cdc-habitat", "CDC Habitat", K.SOCIAL_LANDLORD, {}),
    ("icf-habitat", "ICF Habitat", K.SOCIAL_LANDLORD, {}),
    ("mon-logis", "Mon Logis", K.SOCIAL_LANDLORD, {}),
    ("action-logement", "Action Logement", K.SOCIAL_LANDLORD, {}),
    # Associations making diagnostics, support measures, visites anticipation (II.A.1, II.A.2,
    # annexe 3: SDAT ASCO for the arrondissement of Beaune, Arc-en-ciel for the Val de Saône,
    # ADEFO elsewhere).
    ("adefo", "ADEFO", K.ASSOCIATION, _SOCIAL),
    ("sdat-asco", "SDAT (ASCO)", K.ASSOCIATION, {"territory": "21-arr-211", **_SOCIAL}),
    ("acodege", "ACODEGE", K.ASSOCIATION, _SOCIAL),
    ("le-renouveau", "Le Renouveau", K.ASSOCIATION, _SOCIAL),
    ("habiter", "HABITER", K.ASSOCIATION, _SOCIAL),
    ("arc-en-ciel", "Arc-en-ciel", K.ASSOCIATION, {"territory": "21-val-de-saone", **_SOCIAL}),
    # Agences immobilières sociales (II.A.2.a, II.B étape 4, fiche action 2).
    ("soliha-ais", "SOLIHA AIS", K.ASSOCIATION, {}),
    ("habitat-humanisme-21", "Habitat et Humanisme 21", K.ASSOCIATION, {}),
    # Veille sociale and emergency housing (II.B étape 6, annexe 5).
    ("siao-21", "SIAO de la Côte-d'Or", K.SIAO, {}),
    # "Chambre départementale des huissiers de justice" in the Charte (II.A.1); commissaires de
    # justice since 2022.
    ("commissaires-justice-21", "Chambre des commissaires de justice de la Côte-d'Or", K.BAILIFFS, {}),
    # Public-order assessment at the réquisition (II.B étape 5). The DDSP became the DIPN in 2024.
    ("police-21", "Police nationale — DIPN de la Côte-d'Or", K.POLICE, {}),
    ("gendarmerie-21", "Groupement de gendarmerie départementale de la Côte-d'Or", K.GENDARMERIE, {}),
]

# Placeholder functional e-mail set when an organisation is created (never overwritten).
PLACEHOLDER_EMAIL_DOMAIN = "demo.prevex.fr"

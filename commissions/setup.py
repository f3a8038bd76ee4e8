"""The Charte's formations of the CCAPEX (Charte II.A), created by `setup_commissions 21`.

Rows are found by their code and created when missing; an existing commission is never changed, so
what an administrator changed in the admin (members, rhythm, territory, retirement) is kept.
Organisations and territories come from `setup_departement` (directory/departements/cote_dor.py).
"""

from dataclasses import dataclass

from django.db import transaction

from directory.departements import national
from directory.models import Organisation, Territory
from households.models import HousingSector
from procedure.models import Stage

from .models import Commission, CommissionMember

K, L, R = Commission.Kind, Commission.Level, Commission.Rhythm
SOCIAL_LANDLORDS = ["orvitis", "grand-dijon-habitat", "cdc-habitat", "icf-habitat", "mon-logis"]
OPERATORS = ["adefo", "le-renouveau", "sdat-asco", "acodege", "habiter"]
STAGES_AT_RISK = [Stage.UNPAID_RENT.value, Stage.PAYMENT_ORDER.value]
STAGES_PRE_EVICTION = [Stage.ORDER_TO_VACATE.value, Stage.POLICE_REQUEST.value]


@dataclass(frozen=True)
class Formation:
    code: str
    name: str
    kind: str
    level: str
    rhythm: str
    co_chairs: tuple
    members: tuple
    territory: str | None = None
    households_attend: bool = False
    capacity: int | None = None
    stages: tuple = ()
    sectors: tuple = ()
    place: str = ""


COTE_DOR = [
    # Charte II.A.1: coordination, annual report, indicators; yearly, without households.
    Formation(
        "21-ccapex-pleniere",
        "CCAPEX plénière",
        K.PLENARY,
        L.CENTRAL,
        R.YEARLY,
        ("ddets-21", "cd21"),
        (
            "caf-21",
            "msa-21",
            "adil-21",
            "dijon-metropole",
            "banque-de-france-21",
            "commissaires-justice-21",
            "action-logement",
            "soliha-ais",
            "habitat-humanisme-21",
            "siao-21",
            *SOCIAL_LANDLORDS,
            *OPERATORS,
        ),
        place="Préfecture de la Côte-d'Or, Dijon",
    ),
    # Charte II.A.2.a: complex or repeated cases, without households.
    Formation(
        "21-ccapex-centralisee",
        "CCAPEX centralisée (Dijon)",
        K.CENTRAL,
        L.CENTRAL,
        R.MONTHLY,
        ("ddets-21", "cd21"),
        (
            "caf-21",
            "adil-21",
            "dijon-metropole",
            "siao-21",
            "action-logement",
            "commissaires-justice-21",
            "adefo",
            "le-renouveau",
            "sdat-asco",
            "acodege",
        ),
        place="DDETS de la Côte-d'Or, Dijon",
    ),
    # Charte II.A.2.b: arrondissement de Beaune, every 2 months, with households.
    Formation(
        "21-ccapex-beaune",
        "CCAPEX territorialisée de Beaune",
        K.TERRITORIAL,
        L.LOCAL,
        R.EVERY_2_MONTHS,
        ("cd21-agence-beaune", "ddets-21"),
        ("caf-21", "ca-beaune-cote-sud", "siao-21", "sdat-asco", "habiter", "banque-de-france-21"),
        territory="21-arr-211",
        households_attend=True,
        place="Agence Solidarités Côte-d'Or, Beaune",
    ),
    # Charte II.A.2.b: perimeter of the Agence Solidarités de Montbard, every 3 months, with households.
    Formation(
        "21-ccapex-montbard",
        "CCAPEX territorialisée de Montbard",
        K.TERRITORIAL,
        L.LOCAL,
        R.EVERY_3_MONTHS,
        ("cd21-agence-montbard", "ddets-21"),
        ("caf-21", "siao-21", "adefo"),
        territory="21-agence-montbard",
        households_attend=True,
        place="Agence Solidarités Côte-d'Or, Montbard",
    ),
    # Charte II.A.2.c: 10 public-sector households a session, 6 to 8 a year, at the DDCS (DDETS).
    Formation(
        "21-mediation-dijon",
        "Commission de médiation pré-expulsion de Dijon",
        K.MEDIATION,
        L.SUB_COMMISSION,
        R.SIX_TO_EIGHT,
        ("ddets-21",),
        ("cd21", "dijon-metropole", "caf-21", "siao-21", "adefo"),
        territory="21-dijon-metropole",
        households_attend=True,
        capacity=10,
        stages=STAGES_PRE_EVICTION,
        sectors=(HousingSector.PUBLIC.value,),
        place="Locaux de la DDETS, Dijon",
    ),
    # Charte II.A.2.c: every 3 months, at the Conseil départemental.
    Formation(
        "21-mediation-val-de-saone",
        "Commission de médiation pré-expulsion du Val de Saône",
        K.MEDIATION,
        L.SUB_COMMISSION,
        R.EVERY_3_MONTHS,
        ("ddets-21",),
        ("cd21", "caf-21", "siao-21", "adefo", "arc-en-ciel"),
        territory="21-val-de-saone",
        households_attend=True,
        capacity=10,
        stages=STAGES_PRE_EVICTION,
        sectors=(HousingSector.PUBLIC.value,),
        place="Locaux du Conseil départemental",
    ),
    # Charte II.B étape 1 and domain.md: early review of tenants at risk, monthly, without households.
    Formation(
        "21-technique-parc-public",
        "Commission technique — parc public",
        K.TECHNICAL,
        L.SUB_COMMISSION,
        R.MONTHLY,
        ("caf-21", "ddets-21"),
        tuple(SOCIAL_LANDLORDS),
        stages=STAGES_AT_RISK,
        sectors=(HousingSector.PUBLIC.value,),
        place="CAF de la Côte-d'Or, Dijon",
    ),
    Formation(
        "21-technique-parc-prive",
        "Commission technique — parc privé",
        K.TECHNICAL,
        L.SUB_COMMISSION,
        R.MONTHLY,
        ("caf-21", "ddets-21"),
        ("adil-21", "soliha-ais"),
        stages=STAGES_AT_RISK,
        sectors=(HousingSector.PRIVATE.value,),
        place="CAF de la Côte-d'Or, Dijon",
    ),
]

FORMATIONS = {"21": COTE_DOR}


def national_formations(departement_code: str) -> list[Formation]:
    """A département without a Charte module: the one central CCAPEX of décret 2026-83, co-chaired by
    the préfet (the State service), the Conseil départemental and, where it runs the FSL, the
    métropole, for the département's territory; its internal rules create the local CCAPEX, which an
    administrator adds."""
    codes = national.codes(departement_code)
    chairs = tuple(code for code in (codes.state, codes.departement, codes.metropole) if code)
    members = tuple(code for code in (codes.caf, codes.msa, codes.adil, codes.siao, codes.bailiffs) if code)
    # The département's territory bears its name (directory/departements/national.py).
    territory = Territory.objects.filter(code=codes.territory).first()
    label = f"CCAPEX {national.of(departement_code, territory.name)}" if territory else "CCAPEX"
    return [
        Formation(
            f"{departement_code.lower()}-ccapex-centrale",
            label,
            K.CENTRAL,
            L.CENTRAL,
            R.MONTHLY,
            chairs,
            members,
            territory=codes.territory,
        )
    ]


@transaction.atomic
def install_formations(departement_code: str) -> tuple[int, int]:
    """Create the département's missing formations; returns (created, total). Safe to rerun."""
    formations = FORMATIONS.get(departement_code) or national_formations(departement_code)
    created = sum(_install(formation, departement_code) for formation in formations)
    return created, len(formations)


def _install(formation: Formation, departement_code: str) -> bool:
    if Commission.objects.filter(code=formation.code).exists():
        return False
    commission = Commission.objects.create(
        code=formation.code,
        name=formation.name,
        kind=formation.kind,
        level=formation.level,
        rhythm=formation.rhythm,
        territory=Territory.objects.filter(code=formation.territory).first() if formation.territory else None,
        households_attend=formation.households_attend,
        capacity=formation.capacity,
        stages=list(formation.stages),
        sectors=list(formation.sectors),
        place=formation.place,
        departement_code=departement_code,
    )
    chairs = _organisations(formation.co_chairs)
    commission.co_chairs.set(chairs)
    for organisation in chairs:
        CommissionMember.objects.create(
            commission=commission, organisation=organisation, role=CommissionMember.Role.CO_CHAIR
        )
    for organisation in _organisations(formation.members):
        if organisation not in chairs:
            CommissionMember.objects.create(commission=commission, organisation=organisation)
    return True


def _organisations(codes) -> list:
    """The organisations of these codes that exist (setup_departement creates them)."""
    by_code = Organisation.objects.in_bulk(list(codes), field_name="code")
    return [by_code[code] for code in codes if code in by_code]


def setup_step(departement_code: str) -> str:
    """`setup_departement`'s step: the Charte's formations of the CCAPEX (Charte II.A)."""
    created, total = install_formations(departement_code)
    return f"Formations de la CCAPEX : {total} ({created} créées)"

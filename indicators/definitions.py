"""The Charte's 24 follow-up indicators (Charte IV, codes of formats.md), as one table.

Each indicator names its referent organisation(s) (Charte IV, "Référents") and, when Prévex
records the facts it counts, the source it is counted from. A counted indicator whose source
app is not installed yet (referrals, commissions) falls back to a figure the referent supplies
each year: `sources.available(source)` decides, once per process.
"""

from dataclasses import dataclass

from django.db.models import Q

from directory.models import Organisation
from procedure.models import EventKind, PoliceDecision

Kind = Organisation.Kind

COUNTED = "counted"
SUPPLIED = "supplied"

# Sources a counted indicator may read (see indicators/sources.py).
EVENTS = "events"
DALO_NOT_REHOUSED = "dalo_not_rehoused"
REFERRALS = "referrals"
REFERRALS_DONE = "referrals_done"
REVIEW_REQUESTS = "review_requests"
SUPPORT_MEASURES = "support_measures"


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    referent: str
    referent_kinds: tuple
    source: str | None = None  # None: always supplied by the referent
    condition: dict | None = None  # keyword filter on the source's rows
    households: bool = False  # count distinct procedures (ménages) rather than rows

    def q(self):
        return Q(**(self.condition or {}))


def _event(kind, **extra):
    return {"kind": kind, **extra}


DDCS = ("DDCS", (Kind.STATE,))
CD_METROPOLE = (
    "Conseil départemental, Dijon Métropole",
    (Kind.DEPARTEMENT, Kind.SOLIDARITY_AGENCY, Kind.METROPOLE),
)

INDICATORS = [
    Indicator("saisines_ccapex", "Nombre de saisines de la CCAPEX", *DDCS, source=REVIEW_REQUESTS),
    Indicator(
        "commandements_payer",
        "Nombre de commandements de payer notifiés",
        *DDCS,
        source=EVENTS,
        condition=_event(EventKind.PAYMENT_ORDER),
    ),
    Indicator(
        "plans_apurement",
        "Nombre de plans d'apurement",
        "CAF, MSA",
        (Kind.CAF, Kind.MSA),
        source=EVENTS,
        condition=_event(EventKind.REPAYMENT_PLAN),
    ),
    Indicator(
        "plans_apurement_non_respectes",
        "Nombre de plans d'apurement non respectés",
        "CAF, MSA",
        (Kind.CAF, Kind.MSA),
        source=EVENTS,
        condition=_event(EventKind.REPAYMENT_PLAN_BROKEN),
    ),
    Indicator(
        "assignations",
        "Nombre d'assignations en résiliation de bail",
        *DDCS,
        source=EVENTS,
        condition=_event(EventKind.SUMMONS),
    ),
    Indicator(
        "dsf_demandes",
        "Nombre de diagnostics sociaux et financiers demandés",
        *DDCS,
        source=REFERRALS,
        condition={"kind": "dsf"},
    ),
    Indicator(
        "dsf_realises",
        "Nombre de diagnostics sociaux et financiers réalisés",
        "Conseil départemental, CCAS ayant des travailleurs sociaux, Dijon Métropole",
        (Kind.DEPARTEMENT, Kind.SOLIDARITY_AGENCY, Kind.CCAS, Kind.METROPOLE),
        source=REFERRALS_DONE,
        condition={"kind": "dsf"},
    ),
    Indicator(
        "diagnostics_ccapex_demandes",
        "Nombre de diagnostics CCAPEX demandés",
        *DDCS,
        source=REFERRALS,
        condition={"kind": "diagnostic_ccapex"},
    ),
    Indicator(
        "aides_fsl_impayes",
        "Nombre d'aides FSL impayés de loyers accordées",
        *CD_METROPOLE,
        source=EVENTS,
        condition=_event(EventKind.FSL_AID),
    ),
    Indicator(
        "pcs_signes",
        "Nombre de protocoles de cohésion sociale signés",
        "Bailleurs sociaux",
        (Kind.SOCIAL_LANDLORD,),
        source=EVENTS,
        condition=_event(EventKind.SOCIAL_COHESION_PROTOCOL),
    ),
    Indicator(
        "nouveaux_baux_apres_resiliation",
        "Nombre de nouveaux baux signés après la résiliation du bail",
        "Bailleurs sociaux",
        (Kind.SOCIAL_LANDLORD,),
        source=EVENTS,
        condition=_event(EventKind.NEW_LEASE),
    ),
    Indicator(
        "commandements_quitter",
        "Nombre de commandements de quitter les lieux",
        *DDCS,
        source=EVENTS,
        condition=_event(EventKind.ORDER_TO_VACATE),
    ),
    Indicator(
        "departs_sans_force_publique",
        "Nombre de départs du ménage sans intervention de la force publique",
        "Huissiers, bailleurs",
        (Kind.BAILIFFS, Kind.SOCIAL_LANDLORD),
        source=EVENTS,
        condition=_event(EventKind.DEPARTURE),
    ),
    Indicator(
        "cfp_requis",
        "Nombre de concours de la force publique requis",
        *DDCS,
        source=EVENTS,
        condition=_event(EventKind.POLICE_REQUEST),
    ),
    Indicator(
        "cfp_accordes",
        "Nombre de concours de la force publique accordés",
        *DDCS,
        source=EVENTS,
        condition=_event(EventKind.POLICE_ASSISTANCE, police_decision=PoliceDecision.GRANTED),
    ),
    Indicator(
        "cfp_executes",
        "Nombre de concours de la force publique exécutés",
        *DDCS,
        source=EVENTS,
        condition=_event(EventKind.EVICTION),
    ),
    Indicator(
        "expulsions_effectives",
        "Nombre d'expulsions effectives",
        "Huissiers",
        (Kind.BAILIFFS,),
        source=EVENTS,
        condition=_event(EventKind.EVICTION),
    ),
    Indicator(
        "dalo_menaces_expulsion",
        "Nombre de ménages ayant saisi la Commission DALO au motif d'être menacés d'expulsion",
        *DDCS,
        source=EVENTS,
        condition=_event(EventKind.DALO_APPEAL),
        households=True,
    ),
    Indicator(
        "dalo_prioritaires",
        "Nombre de ménages reconnus prioritaires au DALO",
        *DDCS,
        source=EVENTS,
        condition=_event(EventKind.DALO_PRIORITY),
        households=True,
    ),
    Indicator(
        "dalo_prioritaires_non_reloges_3_mois",
        "Nombre de ménages reconnus prioritaires au DALO non relogés dans un délai de trois mois",
        *DDCS,
        source=DALO_NOT_REHOUSED,
        households=True,
    ),
    Indicator(
        "menages_reloges",
        "Nombre de ménages menacés d'expulsion relogés",
        *DDCS,
        source=EVENTS,
        condition=_event(EventKind.REHOUSING),
        households=True,
    ),
    Indicator(
        "orientations_siao",
        "Nombre de ménages orientés vers le SIAO",
        *DDCS,
        source=REFERRALS,
        condition={"kind": "veille_sociale"},
        households=True,
    ),
    Indicator(
        "asll_maintien",
        "Nombre de mesures ASLL Maintien mises en place",
        *CD_METROPOLE,
        source=SUPPORT_MEASURES,
        condition={"kind": "asll"},
    ),
    Indicator(
        "masp_impayes",
        "Nombre de MASP mises en place dans le cadre d'impayés de loyers",
        *CD_METROPOLE,
        source=SUPPORT_MEASURES,
        condition={"kind__in": ["masp_simple", "masp_renforcee", "masp_contrainte"]},
    ),
]

BY_CODE = {indicator.code: indicator for indicator in INDICATORS}
CODES = [indicator.code for indicator in INDICATORS]

# The funnel of the dashboard: from the commandement de payer to the eviction (Charte II.B).
FUNNEL = [
    "commandements_payer",
    "assignations",
    "commandements_quitter",
    "cfp_requis",
    "cfp_accordes",
    "expulsions_effectives",
]
MONTHLY = ["commandements_payer", "assignations", "commandements_quitter", "expulsions_effectives"]
EVICTIONS = "expulsions_effectives"

"""The rules of the procedure, as tables with their legal references (law.md, Charte II.B).

The services read these tables; nothing here touches the database. Rules that change with time are
dated: each is a `DatedRule(in_force_from, value, reference)` and `rule_in_force(table, on)` picks
the one in force at a date (law.md: "rules that change with time must be data with an effective date").
"""

import datetime
import functools
from calendar import monthrange
from typing import Any, NamedTuple

import holidays
from django.db import models

from households.models import HousingSector

from .models import EventKind, PoliceDecision, Stage


class Action(models.TextChoices):
    """The secretariat's actions the Charte prescribes (Charte II.B, étapes 1 to 6)."""

    ACKNOWLEDGE = "accuser_reception", "Accuser réception et mettre à jour le dossier"
    QUESTIONNAIRE_HOUSEHOLD = "questionnaire_menage", "Envoyer le courrier avec questionnaire au ménage"
    QUESTIONNAIRE_OWNER = (
        "questionnaire_proprietaire",
        "Envoyer le courrier avec questionnaire au propriétaire",
    )
    SELECT_FOR_COMMISSION = "identifier_ccapex", "Identifier la situation à présenter en CCAPEX"
    INFORM_SOCIAL_SERVICES = "informer_services_sociaux", "Informer les services sociaux"
    REQUEST_DSF = "demander_dsf", "Demander un diagnostic social et financier (DSF)"
    UPDATE_DSF = "actualiser_dsf", "Demander l'actualisation du DSF"
    INFORM_JUDGMENT = "informer_jugement", "Informer les services sociaux du jugement"
    CONVENE_MEDIATION = "convoquer_mediation", "Convoquer le ménage en commission de médiation pré-expulsion"
    REQUEST_TECHNICAL_REVIEW = "examen_commission_technique", "Demander l'examen en commission technique"
    REQUEST_ANTICIPATION_VISIT = (
        "demander_visite_anticipation",
        "Missionner un opérateur pour une visite anticipation",
    )
    CHECK_FORMALITIES = (
        "verifier_formalites",
        "Vérifier les formalités (titre exécutoire, tentative d'expulsion)",
    )
    REQUEST_ASSESSMENT = "demander_enquete", "Demander l'enquête de la police ou de la gendarmerie"
    INFORM_CFP_HOUSEHOLD = (
        "informer_cfp_menage",
        "Informer le ménage de l'octroi du concours de la force publique",
    )
    INFORM_CFP_LANDLORD = "informer_cfp_bailleur", "Informer le bailleur de l'octroi du concours"
    INFORM_CFP_COMMUNE = "informer_cfp_commune", "Informer la commune de l'octroi du concours"
    INFORM_CFP_DEPARTEMENT = (
        "informer_cfp_departement",
        "Informer le Conseil départemental de l'octroi du concours",
    )
    INFORM_CFP_BAILIFF = (
        "informer_cfp_commissaire",
        "Informer le commissaire de justice de l'octroi du concours",
    )
    INFORM_CFP_POLICE = "informer_cfp_police", "Informer la police ou la gendarmerie de l'octroi du concours"


# ---------------------------------------------------------------------------------------------
# The order of the stages
# ---------------------------------------------------------------------------------------------

STAGE_ORDER = (
    Stage.UNPAID_RENT,
    Stage.PAYMENT_ORDER,
    Stage.SUMMONS,
    Stage.HEARING,
    Stage.JUDGMENT,
    Stage.ORDER_TO_VACATE,
    Stage.POLICE_REQUEST,
    Stage.POLICE_ASSISTANCE,
    Stage.EVICTION,
    Stage.DEPARTURE,
)

# The household may leave at any stage: a departure ends the case but does not sit in the order.
STAGE_RANKS = {stage.value: rank for rank, stage in enumerate(STAGE_ORDER)}
ORDERED_STAGE_RANKS = {kind: rank for kind, rank in STAGE_RANKS.items() if kind != Stage.DEPARTURE}

# Facts that end a case (domain.md: how a case ends).
CLOSING_KINDS = (EventKind.CLOSURE, EventKind.EVICTION, EventKind.DEPARTURE)


def stage_rank(kind) -> int | None:
    """The rank of an act in STAGE_ORDER, None for the facts that are not acts of a stage."""
    return STAGE_RANKS.get(str(kind))


def stage_events(events):
    return [event for event in events if stage_rank(event.kind) is not None]


def current_stage(events) -> Stage | None:
    """The stage of the procedure: its furthest act in the legal order (acts never go back)."""
    acts = stage_events(events)
    if not acts:
        return None
    latest = max(acts, key=lambda event: (stage_rank(event.kind), event.date))
    return Stage(latest.kind)


def is_closed(events) -> bool:
    """A case is closed by an eviction, a departure or an explicit closure (domain.md)."""
    return any(event.kind in CLOSING_KINDS for event in events)


# ---------------------------------------------------------------------------------------------
# Calendar arithmetic
# ---------------------------------------------------------------------------------------------


def add_months(date: datetime.date, months: int) -> datetime.date:
    """A delay in months ends on the same day of the month, or the month's last day (CPC art. 641)."""
    month_index = date.month - 1 + months
    year, month = date.year + month_index // 12, month_index % 12 + 1
    return date.replace(year=year, month=month, day=min(date.day, monthrange(year, month)[1]))


@functools.lru_cache(maxsize=64)
def _french_holidays(year: int) -> frozenset:
    return frozenset(holidays.France(years=year))


def is_working_day(date: datetime.date) -> bool:
    """Monday to Friday, French public holidays excluded."""
    return date.weekday() < 5 and date not in _french_holidays(date.year)


def add_working_days(date: datetime.date, n: int) -> datetime.date:
    """The n-th working day after `date` (French public holidays excluded)."""
    step = datetime.timedelta(days=1 if n >= 0 else -1)
    remaining = abs(n)
    while remaining:
        date += step
        if is_working_day(date):
            remaining -= 1
    return date


def working_days_before(date: datetime.date, n: int) -> datetime.date:
    """The n-th working day before `date` (the day itself not counted)."""
    return add_working_days(date, -n)


# ---------------------------------------------------------------------------------------------
# Dated delays (law.md)
# ---------------------------------------------------------------------------------------------


class Delay(NamedTuple):
    days: int = 0
    months: int = 0

    def after(self, date: datetime.date) -> datetime.date:
        return add_months(date, self.months) + datetime.timedelta(days=self.days)

    def before(self, date: datetime.date) -> datetime.date:
        return add_months(date, -self.months) - datetime.timedelta(days=self.days)

    def __str__(self):
        return f"{self.months} mois" if self.months else f"{self.days} jours"


class DatedRule(NamedTuple):
    in_force_from: datetime.date
    value: Any
    reference: str


def rule_in_force(table, on: datetime.date) -> DatedRule:
    """The rule of `table` in force on `on` (the table is sorted by date)."""
    applicable = [rule for rule in table if rule.in_force_from <= on]
    return applicable[-1] if applicable else table[0]


LOI_2023 = datetime.date(2023, 7, 29)  # loi n° 2023-668 du 27 juillet 2023, in force 29 July 2023

# After an unsuccessful commandement de payer, the termination clause takes effect (by lease date).
TERMINATION_CLAUSE_DELAY = (
    DatedRule(
        datetime.date.min, Delay(months=2), "loi 89-462 art. 24 I ; Cass. avis 13 juin 2024 n° 24-70.002"
    ),
    DatedRule(LOI_2023, Delay(days=42), "loi 89-462 art. 24 I (loi 2023-668)"),
)

# The assignation is notified to the préfet at least this long before the hearing, counted back
# from the day before the hearing, with no extension for weekends or holidays (by assignation date).
SUMMONS_NOTICE = (
    DatedRule(datetime.date.min, Delay(months=2), "loi 89-462 art. 24 III (avant la loi 2023-668)"),
    DatedRule(LOI_2023, Delay(days=42), "loi 89-462 art. 24 III ; Cass. avis 6 nov. 2025 n° 25-70.018"),
)

# The DSF reaches the judge and the CCAPEX at least this many working days before the hearing.
DSF_BEFORE_HEARING = (DatedRule(datetime.date(2021, 1, 6), 5, "décret 2021-8"),)

# No eviction before this delay after the commandement de quitter les lieux.
EVICTION_AFTER_CQL = (DatedRule(datetime.date.min, Delay(months=2), "CPCE L.412-1"),)

# The réquisition cannot lawfully be granted before the end of the delay after the CQL.
REQUISITION_AFTER_CQL = (DatedRule(datetime.date.min, Delay(months=2), "CE 18 déc. 2013 n° 363126"),)

# The préfet decides on the concours de la force publique within this delay; silence = refusal.
POLICE_DECISION_DELAY = (DatedRule(datetime.date.min, Delay(months=2), "CPCE L.153-1, R.153-1"),)

# The default winter truce, (month, day) of its start and end, when no WinterTruce row covers a winter.
DEFAULT_TRUCE = (
    DatedRule(datetime.date.min, ((11, 1), (3, 15)), "CPCE L.412-6 (avant la loi 2014-366)"),
    DatedRule(datetime.date(2014, 3, 27), ((11, 1), (3, 31)), "CPCE L.412-6"),
)


def termination_clause_date(payment_order_date, lease_signed_on=None) -> tuple[datetime.date, str]:
    """When the termination clause takes effect after an unsuccessful CP (loi 89-462 art. 24 I).

    The delay depends on the lease's date (Cass. avis 13 Jun 2024): unknown lease date = 2 months."""
    rule = rule_in_force(TERMINATION_CLAUSE_DELAY, lease_signed_on or datetime.date.min)
    return rule.value.after(payment_order_date), rule.reference


def summons_notice_deadline(hearing_date, summons_date) -> tuple[datetime.date, str]:
    """The last day the assignation may reach the préfet: the delay runs from the day before the
    hearing and expires at zero hour of its 42nd day, never extended (Cass. avis 6 Nov 2025)."""
    rule = rule_in_force(SUMMONS_NOTICE, summons_date)
    day_before = hearing_date - datetime.timedelta(days=1)
    return rule.value.before(day_before), rule.reference


def dsf_deadline(hearing_date) -> tuple[datetime.date, str]:
    """The DSF is due 5 working days before the hearing (décret 2021-8)."""
    rule = rule_in_force(DSF_BEFORE_HEARING, hearing_date)
    return working_days_before(hearing_date, rule.value), rule.reference


def requisition_possible_from(cql_date) -> tuple[datetime.date, str]:
    rule = rule_in_force(REQUISITION_AFTER_CQL, cql_date)
    return rule.value.after(cql_date), rule.reference


def police_decision_deadline(requisition_date, cql_date=None) -> tuple[datetime.date, str]:
    """The préfet's decision is due 2 months after the réquisition (CPCE R.153-1); a premature
    réquisition is deemed made when the 2 months after the CQL expire (CE 18 Dec 2013)."""
    deemed = requisition_date
    if cql_date is not None:
        deemed = max(requisition_date, requisition_possible_from(cql_date)[0])
    rule = rule_in_force(POLICE_DECISION_DELAY, deemed)
    return rule.value.after(deemed), rule.reference


# ---------------------------------------------------------------------------------------------
# The winter truce (CPCE L.412-6)
# ---------------------------------------------------------------------------------------------


class TrucePeriod(NamedTuple):
    starts_on: datetime.date
    ends_on: datetime.date
    reference: str = "CPCE L.412-6"


def default_truce(winter_start_year: int) -> TrucePeriod:
    start = datetime.date(winter_start_year, 11, 1)
    (start_month, start_day), (end_month, end_day) = rule_in_force(DEFAULT_TRUCE, start).value
    rule = rule_in_force(DEFAULT_TRUCE, start)
    return TrucePeriod(
        datetime.date(winter_start_year, start_month, start_day),
        datetime.date(winter_start_year + 1, end_month, end_day),
        rule.reference,
    )


def winter_truce_periods(year_or_range, overrides=()) -> list[TrucePeriod]:
    """The truce periods of the winters starting in these years (an int or an iterable of years).

    `overrides` are WinterTruce rows (or anything with starts_on, ends_on, reference): a row
    replaces the default period of the winter it overlaps (e.g. 2020 extended to 10 July)."""
    years = [year_or_range] if isinstance(year_or_range, int) else list(year_or_range)
    overrides = [
        TrucePeriod(o.starts_on, o.ends_on, getattr(o, "reference", "") or "CPCE L.412-6") for o in overrides
    ]
    periods = []
    for year in years:
        default = default_truce(year)
        replacing = [
            o for o in overrides if o.starts_on <= default.ends_on and o.ends_on >= default.starts_on
        ]
        periods.extend(replacing or [default])
    return sorted(set(periods))


def truce_on(date: datetime.date, truces) -> TrucePeriod | None:
    return next((period for period in truces if period.starts_on <= date <= period.ends_on), None)


def first_eviction_date(cql_date: datetime.date, truces) -> datetime.date:
    """The first day an eviction may be carried out: 2 months after the CQL (CPCE L.412-1), then
    after the end of any winter truce (CPCE L.412-6)."""
    date = rule_in_force(EVICTION_AFTER_CQL, cql_date).value.after(cql_date)
    while (period := truce_on(date, truces)) is not None:
        date = period.ends_on + datetime.timedelta(days=1)
    return date


# ---------------------------------------------------------------------------------------------
# The secretariat's actions per stage and sector (Charte II.B, étapes 1 to 6)
# ---------------------------------------------------------------------------------------------


class ActionRule(NamedTuple):
    """An action to do after an act: due `due_in_days` after the act's date, or, when
    `working_days_before_hearing` is set, that many working days before the hearing."""

    action: Action
    due_in_days: int
    reference: str
    working_days_before_hearing: int | None = None


PUBLIC, PRIVATE = HousingSector.PUBLIC.value, HousingSector.PRIVATE.value
BOTH = (PUBLIC, PRIVATE)

CHARTE_1 = "Charte II.B étape 1"
CHARTE_2 = "Charte II.B étape 2"
CHARTE_3 = "Charte II.B étape 3"
CHARTE_4 = "Charte II.B étape 4"
CHARTE_5 = "Charte II.B étape 5"
CHARTE_6 = "Charte II.B étape 6"

# (stage, sectors, ActionRule): the table is read row by row, in order.
ACTIONS = (
    # Étape 1, prévention: the technical commissions review the households at risk.
    (Stage.UNPAID_RENT, BOTH, ActionRule(Action.REQUEST_TECHNICAL_REVIEW, 30, CHARTE_1)),
    # Étape 2, commandement de payer.
    (Stage.PAYMENT_ORDER, BOTH, ActionRule(Action.ACKNOWLEDGE, 7, CHARTE_2)),
    (Stage.PAYMENT_ORDER, (PRIVATE,), ActionRule(Action.QUESTIONNAIRE_HOUSEHOLD, 15, CHARTE_2)),
    (Stage.PAYMENT_ORDER, (PRIVATE,), ActionRule(Action.QUESTIONNAIRE_OWNER, 15, CHARTE_2)),
    (Stage.PAYMENT_ORDER, BOTH, ActionRule(Action.SELECT_FOR_COMMISSION, 30, CHARTE_2)),
    # Étape 3a, assignation: the DSF must reach the judge 5 working days before the hearing.
    (Stage.SUMMONS, BOTH, ActionRule(Action.ACKNOWLEDGE, 7, CHARTE_3)),
    (Stage.SUMMONS, BOTH, ActionRule(Action.QUESTIONNAIRE_HOUSEHOLD, 15, CHARTE_3)),
    (Stage.SUMMONS, (PRIVATE,), ActionRule(Action.QUESTIONNAIRE_OWNER, 15, CHARTE_3)),
    (Stage.SUMMONS, BOTH, ActionRule(Action.INFORM_SOCIAL_SERVICES, 7, CHARTE_3)),
    (Stage.SUMMONS, BOTH, ActionRule(Action.REQUEST_DSF, 7, f"{CHARTE_3} ; décret 2021-8", 5)),
    # Étape 3c, jugement.
    (Stage.JUDGMENT, BOTH, ActionRule(Action.INFORM_JUDGMENT, 15, CHARTE_3)),
    # Étape 4, commandement de quitter les lieux.
    (Stage.ORDER_TO_VACATE, BOTH, ActionRule(Action.ACKNOWLEDGE, 7, CHARTE_4)),
    (Stage.ORDER_TO_VACATE, BOTH, ActionRule(Action.QUESTIONNAIRE_HOUSEHOLD, 15, CHARTE_4)),
    (Stage.ORDER_TO_VACATE, (PRIVATE,), ActionRule(Action.QUESTIONNAIRE_OWNER, 15, CHARTE_4)),
    (Stage.ORDER_TO_VACATE, (PUBLIC,), ActionRule(Action.CONVENE_MEDIATION, 30, CHARTE_4)),
    (
        Stage.ORDER_TO_VACATE,
        (PRIVATE,),
        ActionRule(Action.REQUEST_ANTICIPATION_VISIT, 30, f"{CHARTE_4} ; annexe 3"),
    ),
    (Stage.ORDER_TO_VACATE, BOTH, ActionRule(Action.UPDATE_DSF, 15, CHARTE_4)),
    # Étape 5, réquisition de la force publique.
    (Stage.POLICE_REQUEST, BOTH, ActionRule(Action.QUESTIONNAIRE_HOUSEHOLD, 15, CHARTE_5)),
    (Stage.POLICE_REQUEST, (PUBLIC,), ActionRule(Action.SELECT_FOR_COMMISSION, 30, CHARTE_5)),
    (Stage.POLICE_REQUEST, (PUBLIC,), ActionRule(Action.CONVENE_MEDIATION, 30, CHARTE_5)),
    (
        Stage.POLICE_REQUEST,
        (PUBLIC,),
        ActionRule(Action.REQUEST_ANTICIPATION_VISIT, 30, f"{CHARTE_5} ; annexe 3"),
    ),
    (Stage.POLICE_REQUEST, BOTH, ActionRule(Action.UPDATE_DSF, 15, CHARTE_5)),
    (Stage.POLICE_REQUEST, BOTH, ActionRule(Action.CHECK_FORMALITIES, 15, CHARTE_5)),
    (Stage.POLICE_REQUEST, BOTH, ActionRule(Action.REQUEST_ASSESSMENT, 15, CHARTE_5)),
)

# Étape 6: when the concours de la force publique is granted, inform six parties.
CFP_GRANTED_ACTIONS = tuple(
    ActionRule(action, 7, f"{CHARTE_6} ; annexe 5" if action == Action.INFORM_CFP_HOUSEHOLD else CHARTE_6)
    for action in (
        Action.INFORM_CFP_HOUSEHOLD,
        Action.INFORM_CFP_LANDLORD,
        Action.INFORM_CFP_COMMUNE,
        Action.INFORM_CFP_DEPARTEMENT,
        Action.INFORM_CFP_BAILIFF,
        Action.INFORM_CFP_POLICE,
    )
)


def actions_for(stage, sector, *, police_decision="") -> list[ActionRule]:
    """The secretariat's actions after an act of `stage` in `sector` (Charte II.B)."""
    if stage == Stage.POLICE_ASSISTANCE:
        return list(CFP_GRANTED_ACTIONS) if police_decision == PoliceDecision.GRANTED else []
    return [rule for row_stage, sectors, rule in ACTIONS if row_stage == stage and str(sector) in sectors]


def action_due_date(rule: ActionRule, act_date: datetime.date, hearing_date=None) -> datetime.date:
    if rule.working_days_before_hearing is not None and hearing_date is not None:
        return working_days_before(hearing_date, rule.working_days_before_hearing)
    return act_date + datetime.timedelta(days=rule.due_in_days)

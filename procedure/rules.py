"""The rules of the procedure, as tables with their legal references (law.md, Charte II.B).

The services read these tables; nothing here touches the database. Rules that change with time are
dated: each is a `DatedRule(in_force_from, value, reference)` and `rule_in_force(table, on)` picks
the one in force at a date (law.md: "rules that change with time must be data with an effective date").
"""

import datetime
import functools
from calendar import monthrange
from decimal import ROUND_HALF_UP, Decimal
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
    CHECK_BENEFIT_PAYER_REPORT = (
        "verifier_signalement_caf",
        "Vérifier que le bailleur a signalé l'impayé à la CAF ou à la MSA",
    )


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
# Counting the delays (law.md, "Counting the delays"; CPC art. 640 to 642)
# ---------------------------------------------------------------------------------------------

ONE_DAY = datetime.timedelta(days=1)


def add_months(date: datetime.date, months: int) -> datetime.date:
    """A delay in months ends on the same day of the month, or the month's last day (CPC art. 641)."""
    month_index = date.month - 1 + months
    year, month = date.year + month_index // 12, month_index % 12 + 1
    return date.replace(year=year, month=month, day=min(date.day, monthrange(year, month)[1]))


@functools.lru_cache(maxsize=64)
def _french_holidays(year: int) -> frozenset:
    return frozenset(holidays.France(years=year))


def is_public_holiday(date: datetime.date) -> bool:
    """The French public holidays (Code du travail L.3133-1), Easter and Whit Monday included."""
    return date in _french_holidays(date.year)


def is_working_day(date: datetime.date) -> bool:
    """Monday to Friday, French public holidays excluded."""
    return date.weekday() < 5 and not is_public_holiday(date)


def next_working_day(date: datetime.date) -> datetime.date:
    """A delay ending on a Saturday, a Sunday or a public holiday runs to the next working day
    (CPC art. 642 al. 2): only for the delays within which someone must act."""
    while not is_working_day(date):
        date += ONE_DAY
    return date


def is_enforcement_day(date: datetime.date) -> bool:
    """No enforcement on a Sunday or a public holiday, save by a judge's special leave (CPCE L.141-1)."""
    return date.weekday() != 6 and not is_public_holiday(date)


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
    """A delay of days, weeks or months; the day of the act that starts it is not counted and it
    ends on its last day at midnight (CPC art. 641, 642 al. 1)."""

    days: int = 0
    months: int = 0

    def after(self, date: datetime.date) -> datetime.date:
        """The last day of the delay started by an act of `date`."""
        return add_months(date, self.months) + datetime.timedelta(days=self.days)

    def before(self, date: datetime.date) -> datetime.date:
        return add_months(date, -self.months) - datetime.timedelta(days=self.days)

    def __str__(self):
        if self.months:
            return f"{self.months} mois"
        if self.days % 7 == 0:
            return f"{self.days // 7} semaines"
        return f"{self.days} jours"


class DatedRule(NamedTuple):
    in_force_from: datetime.date
    value: Any
    reference: str


def rule_in_force(table, on: datetime.date) -> DatedRule:
    """The rule of `table` in force on `on` (the table is sorted by date)."""
    applicable = [rule for rule in table if rule.in_force_from <= on]
    return applicable[-1] if applicable else table[0]


class Counting(models.TextChoices):
    """How a delay's last day is read (law.md, "Counting the delays")."""

    ACT_WITHIN = (
        "agir",
        "Délai pour agir : prorogé au premier jour ouvrable s'il finit un samedi, un dimanche ou "
        "un jour férié (CPC art. 642 al. 2)",
    )
    MUST_RUN_OUT = (
        "expiration",
        "Délai qui doit expirer : l'acte n'est possible que le lendemain de son dernier jour, "
        "sans prorogation",
    )
    COUNTED_BACK = "rebours", "Délai compté à rebours depuis la veille d'une date : ni prorogé ni avancé"
    WORKING_DAYS = "ouvrables", "Délai en jours ouvrés : samedis, dimanches et jours fériés ne comptent pas"
    SILENCE = (
        "silence",
        "Délai de décision : le refus implicite naît le lendemain de son dernier jour, quel qu'il soit",
    )


class LegalRule(NamedTuple):
    """A rule of law.md as the page "Règles appliquées" shows it: `code` names it in the deadlines
    and anomalies, `table` holds its dated values, `reading` says how Prévex reads the law where it
    leaves room."""

    code: str
    title: str
    table: tuple
    counting: str
    reading: str = ""


LOI_2023 = datetime.date(2023, 7, 29)  # loi n° 2023-668 du 27 juillet 2023, in force 29 July 2023
LOI_ALUR = datetime.date(2014, 3, 27)  # loi n° 2014-366 du 24 mars 2014, in force 27 March 2014
DECRET_2021_8 = datetime.date(2021, 1, 8)  # décret n° 2021-8 du 5 janvier 2021, in force 8 January 2021

# After an unsuccessful commandement de payer, the termination clause takes effect (by lease date).
TERMINATION_CLAUSE_DELAY = (
    DatedRule(
        datetime.date.min, Delay(months=2), "loi 89-462 art. 24 I ; Cass. avis 13 juin 2024 n° 24-70.002"
    ),
    DatedRule(LOI_2023, Delay(days=42), "loi 89-462 art. 24 I (loi 2023-668)"),
)

# A legal-person landlord may summon only once this delay after its referral has expired.
SUMMONS_AFTER_REFERRAL = (DatedRule(datetime.date(2015, 1, 1), Delay(months=2), "loi 89-462 art. 24 II"),)

# The assignation is notified to the préfet at least this long before the hearing, counted back
# from the day before the hearing, with no extension for weekends or holidays (by assignation date).
SUMMONS_NOTICE = (
    DatedRule(datetime.date.min, Delay(months=2), "loi 89-462 art. 24 III (avant la loi 2023-668)"),
    DatedRule(LOI_2023, Delay(days=42), "loi 89-462 art. 24 III ; Cass. avis 6 nov. 2025 n° 25-70.018"),
)

# The DSF reaches the judge and the CCAPEX at least this many working days before the hearing.
DSF_BEFORE_HEARING = (DatedRule(DECRET_2021_8, 5, "décret 2021-8"),)

# The social services offer the household an interview within this many working days of the
# préfet's referral.
DSF_INTERVIEW = (DatedRule(DECRET_2021_8, 15, "décret 2021-8"),)

# The landlord reports the unpaid rent to the CAF / MSA within this delay.
BENEFIT_PAYER_REPORT = (DatedRule(datetime.date.min, Delay(months=2), "CCH R.824-1, R.824-4"),)

# No eviction before this delay after the commandement de quitter les lieux.
EVICTION_AFTER_CQL = (DatedRule(datetime.date.min, Delay(months=2), "CPCE L.412-1"),)

# The réquisition cannot lawfully be granted before the end of the delay after the CQL.
REQUISITION_AFTER_CQL = (DatedRule(datetime.date.min, Delay(months=2), "CE 18 déc. 2013 n° 363126"),)

# The préfet decides on the concours de la force publique within this delay; silence = refusal.
POLICE_DECISION_DELAY = (DatedRule(datetime.date.min, Delay(months=2), "CPCE L.153-1, R.153-1"),)

# The delay to leave a judge may grant: (shortest, longest) (CPCE L.412-4).
TIME_TO_LEAVE_RANGE = (
    DatedRule(
        datetime.date.min,
        (Delay(months=3), Delay(months=36)),
        "CPCE L.412-3, L.412-4 (avant la loi 2023-668)",
    ),
    DatedRule(LOI_2023, (Delay(months=1), Delay(months=12)), "CPCE L.412-3, L.412-4"),
)

# The default winter truce, (month, day) of its start and end, when no WinterTruce row covers a winter.
DEFAULT_TRUCE = (
    DatedRule(datetime.date.min, ((11, 1), (3, 15)), "CPCE L.412-6 (avant la loi 2014-366)"),
    DatedRule(LOI_ALUR, ((11, 1), (3, 31)), "CPCE L.412-6"),
)

# The State's liability for the refusals that arose during the 2020-2021 winter starts on this day.
STATE_LIABILITY_DEFERRAL = (
    DatedRule(
        datetime.date(2020, 11, 1),
        (datetime.date(2021, 5, 31), datetime.date(2021, 4, 1)),
        "ordonnance n° 2021-141 du 10 février 2021",
    ),
)

LEGAL_RULES = (
    LegalRule(
        "clause_resolutoire",
        "Effet de la clause résolutoire après un commandement de payer infructueux",
        TERMINATION_CLAUSE_DELAY,
        Counting.ACT_WITHIN,
        "Le délai dépend de la date de signature du bail (6 semaines pour un bail signé depuis le "
        "29/07/2023, 2 mois avant ; 2 mois si la date est inconnue). Le locataire peut payer jusqu'au "
        "dernier jour, prorogé au premier jour ouvrable ; la clause est acquise le lendemain.",
    ),
    LegalRule(
        "signalement_caf",
        "Signalement de l'impayé par le bailleur à la CAF ou à la MSA",
        BENEFIT_PAYER_REPORT,
        Counting.ACT_WITHIN,
        "Compté à partir de l'impayé constaté, pour un ménage qui perçoit une aide au logement.",
    ),
    LegalRule(
        "assignation_personne_morale",
        "Assignation par un bailleur personne morale (hors SCI familiale) après la saisine de la CCAPEX",
        SUMMONS_AFTER_REFERRAL,
        Counting.MUST_RUN_OUT,
        "Le signalement à la CAF ou à la MSA vaut saisine ; la première saisine enregistrée fait "
        "courir le délai. Une assignation délivrée avant le lendemain des 2 mois est signalée comme "
        "irrecevable ; sans saisine enregistrée, Prévex ne conclut pas (elle a pu être faite hors Prévex).",
    ),
    LegalRule(
        "notification_prefet",
        "Notification de l'assignation au préfet avant l'audience",
        SUMMONS_NOTICE,
        Counting.COUNTED_BACK,
        "Les 42 jours sont comptés à rebours à partir de la veille de l'audience, sans prorogation : "
        "pour une audience le lundi 16/03/2026, l'assignation doit avoir été notifiée au préfet au plus "
        "tard le dimanche 01/02/2026.",
    ),
    LegalRule(
        "entretien_dsf",
        "Proposition d'un entretien au ménage par les services sociaux après la saisine du préfet",
        DSF_INTERVIEW,
        Counting.WORKING_DAYS,
        "Compté à partir de la demande de DSF adressée aux services sociaux.",
    ),
    LegalRule(
        "dsf",
        "Transmission du DSF au juge et à la CCAPEX avant l'audience",
        DSF_BEFORE_HEARING,
        Counting.WORKING_DAYS,
    ),
    LegalRule(
        "delai_juge",
        "Délai pour quitter les lieux accordé par le juge (JCP ou JEX)",
        TIME_TO_LEAVE_RANGE,
        Counting.MUST_RUN_OUT,
        "L'expulsion n'est possible que le lendemain du dernier jour du délai accordé.",
    ),
    LegalRule(
        "expulsion",
        "Expulsion après le commandement de quitter les lieux",
        EVICTION_AFTER_CQL,
        Counting.MUST_RUN_OUT,
        "La première date possible est la plus tardive de : le lendemain des 2 mois, le lendemain de "
        "la trêve hivernale qui la contient, le lendemain d'un délai accordé par le juge ; jamais un "
        "dimanche ni un jour férié (CPCE L.141-1).",
    ),
    LegalRule(
        "requisition",
        "Réquisition de la force publique après le commandement de quitter les lieux",
        REQUISITION_AFTER_CQL,
        Counting.MUST_RUN_OUT,
        "Une réquisition prématurée est réputée faite le lendemain des 2 mois.",
    ),
    LegalRule(
        "decision_prefet",
        "Décision du préfet sur le concours de la force publique",
        POLICE_DECISION_DELAY,
        Counting.SILENCE,
        "Compté à partir de la réquisition, ou du jour où elle est réputée faite.",
    ),
    LegalRule(
        "treve",
        "Trêve hivernale : aucune expulsion",
        DEFAULT_TRUCE,
        Counting.MUST_RUN_OUT,
        "Du 1er novembre au 31 mars (15 mars avant la loi 2014-366) ; les prolongations sont "
        "enregistrées par un administrateur et listées ci-dessous. La procédure continue pendant la trêve.",
    ),
    LegalRule(
        "responsabilite_etat",
        "Responsabilité de l'État après un refus du concours de la force publique",
        STATE_LIABILITY_DEFERRAL,
        Counting.SILENCE,
        "Du refus (explicite, ou implicite le lendemain des 2 mois) jusqu'au départ du ménage ou à "
        "l'octroi du concours, hors trêve hivernale légale (1er novembre – 31 mars) et délais accordés "
        "par le juge ; les prolongations de la trêve par ordonnance ne suspendent pas la "
        "responsabilité. L'estimation compte le loyer et les charges du bail au prorata des jours "
        "(12 mois / 365 jours).",
    ),
)


def legal_rule(code) -> LegalRule:
    return next(rule for rule in LEGAL_RULES if rule.code == code)


def termination_clause_date(payment_order_date, lease_signed_on=None) -> tuple[datetime.date, str]:
    """The day the termination clause takes effect after an unsuccessful CP (loi 89-462 art. 24 I):
    the day after the last day to pay, itself extended to a working day (CPC art. 642 al. 2).

    The delay depends on the lease's date (Cass. avis 13 Jun 2024): unknown lease date = 2 months."""
    rule = rule_in_force(TERMINATION_CLAUSE_DELAY, lease_signed_on or datetime.date.min)
    return next_working_day(rule.value.after(payment_order_date)) + ONE_DAY, rule.reference


def benefit_payer_report_deadline(unpaid_date) -> tuple[datetime.date, str]:
    """The landlord's last day to report the unpaid rent to the CAF / MSA (CCH R.824), extended
    to a working day (CPC art. 642 al. 2)."""
    rule = rule_in_force(BENEFIT_PAYER_REPORT, unpaid_date)
    return next_working_day(rule.value.after(unpaid_date)), rule.reference


def summons_possible_from(referral_date) -> tuple[datetime.date, str]:
    """A legal-person landlord may summon from the day after the 2 months following its referral
    to the CCAPEX or report to the CAF / MSA (loi 89-462 art. 24 II), never extended."""
    rule = rule_in_force(SUMMONS_AFTER_REFERRAL, referral_date)
    return rule.value.after(referral_date) + ONE_DAY, rule.reference


def summons_notice_deadline(hearing_date, summons_date) -> tuple[datetime.date, str]:
    """The last day the assignation may reach the préfet: the delay runs from the day before the
    hearing and expires at zero hour of its 42nd day, never extended (Cass. avis 6 Nov 2025)."""
    rule = rule_in_force(SUMMONS_NOTICE, summons_date)
    day_before = hearing_date - ONE_DAY
    return rule.value.before(day_before), rule.reference


def dsf_deadline(hearing_date) -> tuple[datetime.date, str]:
    """The DSF is due 5 working days before the hearing (décret 2021-8)."""
    rule = rule_in_force(DSF_BEFORE_HEARING, hearing_date)
    return working_days_before(hearing_date, rule.value), rule.reference


def dsf_interview_deadline(referral_date) -> tuple[datetime.date, str]:
    """The social services offer the household an interview within 15 working days of the
    préfet's referral (décret 2021-8)."""
    rule = rule_in_force(DSF_INTERVIEW, referral_date)
    return add_working_days(referral_date, rule.value), rule.reference


def requisition_possible_from(cql_date) -> tuple[datetime.date, str]:
    """The day after the 2 months following the CQL (CPCE L.412-1; CE 18 Dec 2013), never extended."""
    rule = rule_in_force(REQUISITION_AFTER_CQL, cql_date)
    return rule.value.after(cql_date) + ONE_DAY, rule.reference


def police_decision_deadline(requisition_date, cql_date=None) -> tuple[datetime.date, str]:
    """The préfet's last day to decide, 2 months after the réquisition (CPCE R.153-1), never
    extended; a premature réquisition is deemed made when the 2 months after the CQL expire
    (CE 18 Dec 2013). The implicit refusal arises the next day."""
    deemed = requisition_date
    if cql_date is not None:
        deemed = max(requisition_date, requisition_possible_from(cql_date)[0])
    rule = rule_in_force(POLICE_DECISION_DELAY, deemed)
    return rule.value.after(deemed), rule.reference


def time_to_leave_refusal(decision_date, until) -> str:
    """The French reason a delay to leave is out of the judge's range (CPCE L.412-4), or ''."""
    rule = rule_in_force(TIME_TO_LEAVE_RANGE, decision_date)
    shortest, longest = rule.value
    earliest, latest = shortest.after(decision_date), longest.after(decision_date)
    if until is None or earliest <= until <= latest:
        return ""
    return (
        f"Un délai pour quitter les lieux accordé le {decision_date:%d/%m/%Y} va de {shortest} à "
        f"{longest} ({rule.reference}) : la fin doit tomber entre le {earliest:%d/%m/%Y} "
        f"et le {latest:%d/%m/%Y}."
    )


# ---------------------------------------------------------------------------------------------
# The winter truce (CPCE L.412-6)
# ---------------------------------------------------------------------------------------------


class TrucePeriod(NamedTuple):
    starts_on: datetime.date
    ends_on: datetime.date
    reference: str = "CPCE L.412-6"


def default_truce(winter_start_year: int) -> TrucePeriod:
    start = datetime.date(winter_start_year, 11, 1)
    rule = rule_in_force(DEFAULT_TRUCE, start)
    (start_month, start_day), (end_month, end_day) = rule.value
    return TrucePeriod(
        datetime.date(winter_start_year, start_month, start_day),
        datetime.date(winter_start_year + 1, end_month, end_day),
        rule.reference,
    )


# The truces extended by ordonnance (law.md), the Covid-19 health emergency.
TRUCE_EXTENSIONS = (
    TrucePeriod(
        datetime.date(2019, 11, 1),
        datetime.date(2020, 7, 10),
        "CPCE L.412-6 ; ordonnance n° 2020-331 du 25 mars 2020 modifiée (prolongation au 10 juillet 2020)",
    ),
    TrucePeriod(
        datetime.date(2020, 11, 1),
        datetime.date(2021, 5, 31),
        "CPCE L.412-6 ; ordonnance n° 2021-141 du 10 février 2021 (prolongation au 31 mai 2021)",
    ),
)


def winter_truce_periods(year_or_range, overrides=(), *, extended=True) -> list[TrucePeriod]:
    """The truce periods of the winters starting in these years (an int or an iterable of years).

    The extensions by ordonnance (TRUCE_EXTENSIONS, unless `extended` is False: the legal truce
    alone) and `overrides`, WinterTruce rows an administrator records (anything with starts_on,
    ends_on, reference), replace the default period of the winter they overlap; a row wins."""
    years = [year_or_range] if isinstance(year_or_range, int) else list(year_or_range)
    rows = [
        TrucePeriod(o.starts_on, o.ends_on, getattr(o, "reference", "") or "CPCE L.412-6") for o in overrides
    ]
    by_winter = {period.starts_on: period for period in (TRUCE_EXTENSIONS if extended else ())}
    by_winter.update({period.starts_on: period for period in rows})
    overrides = list(by_winter.values())
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


# ---------------------------------------------------------------------------------------------
# The first eviction date: the later of every constraint (law.md, "Counting the delays")
# ---------------------------------------------------------------------------------------------


class Constraint(NamedTuple):
    """A date and what decided it: `reason` in French, `reference` the text, `rule` a LEGAL_RULES code."""

    date: datetime.date
    reason: str
    reference: str
    rule: str

    def __str__(self):
        return f"à partir du {self.date:%d/%m/%Y} : {self.reason} ({self.reference})"


def first_eviction(cql_date: datetime.date, truces, time_to_leave_until=None) -> Constraint:
    """The first day an eviction may be carried out: the later of the day after the 2 months
    following the CQL (CPCE L.412-1), the day after a delay granted by a judge (L.412-3), the day
    after a winter truce containing it (L.412-6); never a Sunday or a public holiday (L.141-1)."""
    rule = rule_in_force(EVICTION_AFTER_CQL, cql_date)
    found = Constraint(
        rule.value.after(cql_date) + ONE_DAY,
        "fin des 2 mois suivant le commandement de quitter les lieux",
        rule.reference,
        "expulsion",
    )
    if time_to_leave_until is not None and time_to_leave_until >= found.date:
        found = Constraint(
            time_to_leave_until + ONE_DAY,
            "fin du délai pour quitter les lieux accordé par le juge",
            "CPCE L.412-3, L.412-4",
            "delai_juge",
        )
    return _out_of_truce_and_holidays(found, truces)


def _out_of_truce_and_holidays(found: Constraint, truces) -> Constraint:
    while True:
        if (period := truce_on(found.date, truces)) is not None:
            found = Constraint(
                period.ends_on + ONE_DAY, "fin de la trêve hivernale", period.reference, "treve"
            )
        elif not is_enforcement_day(found.date):
            day = "un dimanche" if found.date.weekday() == 6 else "un jour férié"
            found = found._replace(
                date=found.date + ONE_DAY,
                reason=f"{found.reason}, le {found.date:%d/%m/%Y} étant {day}",
                reference=f"{found.reference} ; CPCE L.141-1",
            )
        else:
            return found


def first_eviction_date(cql_date: datetime.date, truces, time_to_leave_until=None) -> datetime.date:
    return first_eviction(cql_date, truces, time_to_leave_until).date


# ---------------------------------------------------------------------------------------------
# The State's liability after a refused concours (CPCE L.153-1, R.153-1)
# ---------------------------------------------------------------------------------------------


class StateLiability(NamedTuple):
    starts_on: datetime.date
    until: datetime.date
    suspended_days: int
    liable_days: int
    compensation_estimate: Any  # Decimal or None when the lease has no rent
    reference: str


def state_liability_start(refused_on: datetime.date) -> tuple[datetime.date, str]:
    """The State is liable from the refusal (CPCE L.153-1); for a refusal that arose during the
    2020-2021 winter, from 1 April 2021 (ordonnance 2021-141)."""
    for rule in STATE_LIABILITY_DEFERRAL:
        last_day, starts_on = rule.value
        if rule.in_force_from <= refused_on <= last_day:
            return max(refused_on, starts_on), f"CPCE L.153-1 ; {rule.reference}"
    return refused_on, "CPCE L.153-1, R.153-1"


def state_liability(refused_on, until, *, suspensions, monthly_cost) -> StateLiability:
    """The liability from the refusal to `until` (departure, concours granted or today), less the
    days of the suspending periods (truces, judge's delays: (start, end) pairs), and its estimate
    from the rent and charges, pro rata temporis (12 months / 365 days)."""
    starts_on, reference = state_liability_start(refused_on)
    suspended = set()
    for start, end in suspensions:
        day = max(start, starts_on)
        while day <= min(end, until):
            suspended.add(day)
            day += ONE_DAY
    total = max((until - starts_on).days + 1, 0)
    liable = total - len(suspended)
    estimate = None
    if monthly_cost is not None:
        estimate = (Decimal(monthly_cost) * 12 * liable / 365).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return StateLiability(starts_on, until, len(suspended), liable, estimate, reference)


# ---------------------------------------------------------------------------------------------
# The secretariat's actions per stage and sector (Charte II.B, étapes 1 to 6)
# ---------------------------------------------------------------------------------------------


class ActionRule(NamedTuple):
    """An action to do after an act: due `due_in_days` after the act's date, or, when
    `working_days_before_hearing` is set, that many working days before the hearing, or, when
    `due_on` is set, on the date that function of the act's date gives (a legal deadline)."""

    action: Action
    due_in_days: int
    reference: str
    working_days_before_hearing: int | None = None
    due_on: Any = None


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
    # Étape 1, prévention: the technical commissions review the households at risk; the landlord
    # reports the unpaid rent to the benefit payer within 2 months (CCH R.824).
    (Stage.UNPAID_RENT, BOTH, ActionRule(Action.REQUEST_TECHNICAL_REVIEW, 30, CHARTE_1)),
    (
        Stage.UNPAID_RENT,
        BOTH,
        ActionRule(
            Action.CHECK_BENEFIT_PAYER_REPORT,
            0,
            "CCH R.824-1, R.824-4",
            due_on=lambda date: benefit_payer_report_deadline(date)[0],
        ),
    ),
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
    if rule.due_on is not None:
        return rule.due_on(act_date)
    if rule.working_days_before_hearing is not None and hearing_date is not None:
        return working_days_before(hearing_date, rule.working_days_before_hearing)
    return act_date + datetime.timedelta(days=rule.due_in_days)

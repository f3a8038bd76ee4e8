"""The reads of the law on a case: its coming deadlines, its anomalies, the first eviction date and
the State's liability, computed from the effective events with the rules of rules.py (law.md).

Nothing here writes; services.py records acts and turns the anomalies into work-queue tasks.
"""

import datetime
from typing import NamedTuple

from django.utils import timezone

from . import rules
from .models import EventKind, PoliceDecision, Stage, WinterTruce


def fr_date(date) -> str:
    return f"{date:%d/%m/%Y}"


# ---------------------------------------------------------------------------------------------
# Deadlines and anomalies
# ---------------------------------------------------------------------------------------------


class Deadline(NamedTuple):
    """A coming legal date; `rule` is the rules.LEGAL_RULES code that decided it (the anchor on
    "Règles appliquées"), `kind` what it is the date of."""

    date: datetime.date
    label: str
    reference: str
    kind: str
    overdue: bool
    rule: str = ""

    def __str__(self):
        return f"{self.label} ({self.reference})"


class Anomaly(NamedTuple):
    """What is wrong in the acts, in the same French words on the case page, in the work queue
    and in the import's report; `rule` is its rules.LEGAL_RULES code."""

    rule: str
    message: str
    reference: str

    def __str__(self):
        return self.message


def truces_around(date, truce_rows=None) -> list:
    """The winter-truce periods near a date: the defaults, replaced by the recorded WinterTruce rows
    (read here unless given, e.g. read once by the import for all its procedures)."""
    years = range(date.year - 1, date.year + 3)
    return rules.winter_truce_periods(years, WinterTruce.objects.all() if truce_rows is None else truce_rows)


def _latest(events, kind):
    matching = [event for event in events if event.kind == kind]
    return max(matching, key=lambda event: event.date) if matching else None


def _time_to_leave_until(events):
    dates = [event.time_to_leave_until for event in events if event.time_to_leave_until]
    return max(dates) if dates else None


def first_eviction(events, truce_rows=None) -> rules.Constraint | None:
    """The first eviction date of these acts and what decided it, None without a CQL."""
    cql = _latest(events, EventKind.ORDER_TO_VACATE)
    if cql is None:
        return None
    return rules.first_eviction(cql.date, truces_around(cql.date, truce_rows), _time_to_leave_until(events))


def next_deadlines(procedure, *, today=None, events=None) -> list[Deadline]:
    """The procedure's coming legal deadlines, soonest first, with the rule and its reference."""
    today = today or timezone.localdate()
    events = list(procedure.events.all()) if events is None else events
    if rules.is_closed(events):
        return []
    stage = rules.current_stage(events)
    found = []
    found += _benefit_report_deadline(procedure, events, stage)
    found += _termination_deadline(procedure, events, stage)
    found += _hearing_deadlines(events, stage, today)
    found += _eviction_deadlines(events, stage, today)
    found += _police_decision_deadline(events, stage)
    return sorted(
        (
            Deadline(date, label, reference, kind, date < today, rule[0] if rule else kind)
            for date, label, reference, kind, *rule in found
        ),
        key=lambda deadline: deadline.date,
    )


def _benefit_report_deadline(procedure, events, stage):
    """CCH R.824: for a household with housing benefit, the landlord reports within 2 months."""
    unpaid = _latest(events, EventKind.UNPAID_RENT)
    reported = any(
        e.kind in (EventKind.BENEFIT_PAYER_REPORT, EventKind.LANDLORD_REVIEW_REQUEST) for e in events
    )
    if stage != Stage.UNPAID_RENT or reported or not has_housing_benefit(procedure):
        return []
    date, reference = rules.benefit_payer_report_deadline(unpaid.date)
    label = f"Signalement de l'impayé à la CAF / MSA par le bailleur au plus tard le {fr_date(date)}"
    return [(date, label, reference, "signalement_caf")]


def has_housing_benefit(procedure) -> bool:
    """The household receives housing benefit (CCH R.824 applies)."""
    return bool(procedure.household.benefit_payer) or bool(procedure.lease.housing_benefit)


def _termination_deadline(procedure, events, stage):
    if stage != Stage.PAYMENT_ORDER:
        return []
    payment_order = _latest(events, EventKind.PAYMENT_ORDER)
    date, reference = rules.termination_clause_date(payment_order.date, procedure.lease.signed_on)
    found = [
        (
            date,
            f"Clause résolutoire acquise le {fr_date(date)} faute de paiement",
            reference,
            "clause_resolutoire",
        )
    ]
    return found + _summons_possible_deadline(procedure, events)


def _summons_possible_deadline(procedure, events):
    """Loi 89-462 art. 24 II: a legal-person landlord summons only after its referral expires."""
    referral = _first_referral(events)
    if not procedure.landlord.is_legal_person or referral is None:
        return []
    date, reference = rules.summons_possible_from(referral.date)
    label = f"Assignation possible à partir du {fr_date(date)}, 2 mois après la saisine de la CCAPEX"
    return [(date, label, reference, "assignation_personne_morale")]


def _first_referral(events):
    referrals = [
        e for e in events if e.kind in (EventKind.LANDLORD_REVIEW_REQUEST, EventKind.BENEFIT_PAYER_REPORT)
    ]
    return min(referrals, key=lambda event: event.date) if referrals else None


def _hearing_deadlines(events, stage, today):
    summons = _latest(events, EventKind.SUMMONS)
    if summons is None or stage not in (Stage.SUMMONS, Stage.HEARING) or summons.hearing_date < today:
        return []
    hearing = summons.hearing_date
    dsf, reference = rules.dsf_deadline(hearing)
    return [
        (
            dsf,
            f"Audience le {fr_date(hearing)} : DSF attendu au plus tard le {fr_date(dsf)}",
            reference,
            "dsf",
        ),
        (hearing, f"Audience le {fr_date(hearing)}", "loi 89-462 art. 24", "audience"),
    ]


def _eviction_deadlines(events, stage, today):
    if stage not in (Stage.ORDER_TO_VACATE, Stage.POLICE_REQUEST, Stage.POLICE_ASSISTANCE):
        return []
    decision = _latest(events, EventKind.POLICE_ASSISTANCE)
    first = first_eviction(events)
    if first is None or (decision is not None and decision.police_decision == PoliceDecision.REFUSED):
        return []
    found = []
    if stage == Stage.ORDER_TO_VACATE:
        possible, reference = rules.requisition_possible_from(_latest(events, EventKind.ORDER_TO_VACATE).date)
        if possible >= today:
            label = f"Réquisition de la force publique possible à partir du {fr_date(possible)}"
            found.append((possible, label, reference, "requisition"))
    if first.date >= today:
        label = f"Expulsion possible à partir du {fr_date(first.date)} : {first.reason}"
        found.append((first.date, label, first.reference, "expulsion", first.rule))
    return found


def _police_decision_deadline(events, stage):
    if stage != Stage.POLICE_REQUEST:
        return []
    requisition = _latest(events, EventKind.POLICE_REQUEST)
    cql = _latest(events, EventKind.ORDER_TO_VACATE)
    date, reference = rules.police_decision_deadline(requisition.date, cql.date if cql else None)
    label = (
        f"Décision du préfet attendue au plus tard le {fr_date(date)} ; "
        f"sans réponse, refus implicite le {fr_date(date + rules.ONE_DAY)}"
    )
    return [(date, label, reference, "decision_prefet")]


def anomalies(procedure, *, events=None, truce_rows=None) -> list[Anomaly]:
    """What is wrong in the procedure's acts, each with its rule (law.md): an assignation too soon
    after a legal-person landlord's referral (art. 24 II) or notified too late before the hearing
    (art. 24 III), a premature réquisition (CE 18 Dec 2013), an eviction before its first possible
    date, during a winter truce or on a Sunday or public holiday (CPCE L.412-1, L.412-6, L.141-1)."""
    events = list(procedure.events.all()) if events is None else events
    found = []
    found += _summons_anomalies(procedure, events)
    found += _requisition_anomalies(events)
    found += _eviction_anomalies(events, truce_rows)
    return found


def _summons_anomalies(procedure, events):
    found = []
    for summons in (event for event in events if event.kind == EventKind.SUMMONS):
        found += _summons_after_referral(procedure, events, summons)
        if summons.hearing_date is None:
            continue
        deadline, reference = rules.summons_notice_deadline(summons.hearing_date, summons.date)
        if summons.date > deadline:
            delay = rules.rule_in_force(rules.SUMMONS_NOTICE, summons.date).value
            message = (
                f"Assignation du {fr_date(summons.date)} notifiée moins de {delay} avant l'audience du "
                f"{fr_date(summons.hearing_date)} (au plus tard le {fr_date(deadline)}) ({reference})."
            )
            found.append(Anomaly("notification_prefet", message, reference))
    return found


def _summons_after_referral(procedure, events, summons):
    if not procedure.landlord.is_legal_person or summons.date < rules.SUMMONS_AFTER_REFERRAL[0].in_force_from:
        return []
    referral = _first_referral(events)
    if referral is None:
        return []  # the referral may have been made outside Prévex: nothing to conclude
    possible, reference = rules.summons_possible_from(referral.date)
    if summons.date >= possible:
        return []
    message = (
        f"Assignation du {fr_date(summons.date)} moins de 2 mois après la saisine de la CCAPEX du "
        f"{fr_date(referral.date)} (possible à partir du {fr_date(possible)}) : elle est irrecevable "
        f"({reference})."
    )
    return [Anomaly("assignation_personne_morale", message, reference)]


def _requisition_anomalies(events):
    cql = _latest(events, EventKind.ORDER_TO_VACATE)
    if cql is None:
        return []
    possible, reference = rules.requisition_possible_from(cql.date)
    return [
        Anomaly(
            "requisition",
            f"Réquisition du {fr_date(requisition.date)} avant la fin des 2 mois suivant le "
            f"commandement de quitter les lieux du {fr_date(cql.date)} : "
            f"elle est réputée faite le {fr_date(possible)} ({reference}).",
            reference,
        )
        for requisition in events
        if requisition.kind == EventKind.POLICE_REQUEST and requisition.date < possible
    ]


def _eviction_anomalies(events, truce_rows=None):
    eviction = _latest(events, EventKind.EVICTION)
    if eviction is None:
        return []
    found = []
    cql = _latest(events, EventKind.ORDER_TO_VACATE)
    first = first_eviction(events, truce_rows)
    truce = rules.truce_on(eviction.date, truces_around(eviction.date, truce_rows))
    if truce is not None:
        message = (
            f"Expulsion du {fr_date(eviction.date)} pendant la trêve hivernale du {fr_date(truce.starts_on)} "
            f"au {fr_date(truce.ends_on)} ({truce.reference})."
        )
        found.append(Anomaly("treve", message, truce.reference))
    elif first is not None and eviction.date < first.date:
        message = (
            f"Expulsion du {fr_date(eviction.date)} avant le {fr_date(first.date)}, première date possible "
            f"après le commandement de quitter les lieux du {fr_date(cql.date)} : {first.reason} "
            f"({first.reference})."
        )
        found.append(Anomaly(first.rule, message, first.reference))
    if not rules.is_enforcement_day(eviction.date):
        message = (
            f"Expulsion du {fr_date(eviction.date)} un dimanche ou un jour férié, sans autorisation "
            "spéciale du juge enregistrée (CPCE L.141-1)."
        )
        found.append(Anomaly("expulsion", message, "CPCE L.141-1"))
    return found


# ---------------------------------------------------------------------------------------------
# The State's liability after a refused concours (CPCE L.153-1)
# ---------------------------------------------------------------------------------------------


def refusal_date(events, today) -> datetime.date | None:
    """The day the concours was refused: an explicit refusal's date, or the day after the préfet's
    2 months when he has not answered (implicit refusal, CPCE R.153-1)."""
    decision = _latest(events, EventKind.POLICE_ASSISTANCE)
    if decision is not None:
        return decision.date if decision.police_decision == PoliceDecision.REFUSED else None
    requisition = _latest(events, EventKind.POLICE_REQUEST)
    if requisition is None:
        return None
    cql = _latest(events, EventKind.ORDER_TO_VACATE)
    last_day, _ = rules.police_decision_deadline(requisition.date, cql.date if cql else None)
    implicit = last_day + rules.ONE_DAY
    return implicit if implicit <= today else None


def state_liability(procedure, *, events=None, today=None) -> rules.StateLiability | None:
    """The State's liability since the refused concours (CPCE L.153-1), until the household left
    or today, suspended by the legal winter truces and the judge's delays, with its estimate."""
    today = today or timezone.localdate()
    events = list(procedure.events.all()) if events is None else events
    refused_on = refusal_date(events, today)
    if refused_on is None:
        return None
    ends = [e.date for e in events if e.kind in rules.CLOSING_KINDS and e.date >= refused_on]
    until = min(ends) if ends else today
    # The legal truce suspends the liability; its extensions by ordonnance do not (the State
    # compensated them: ordonnance 2021-141), so the defaults, not the extensions.
    winters = rules.winter_truce_periods(range(refused_on.year - 1, until.year + 1), extended=False)
    suspensions = [(period.starts_on, period.ends_on) for period in winters]
    suspensions += [(e.date, e.time_to_leave_until) for e in events if e.time_to_leave_until]
    lease = procedure.lease
    monthly = None if lease.rent is None else lease.rent + (lease.charges or 0)
    return rules.state_liability(refused_on, until, suspensions=suspensions, monthly_cost=monthly)

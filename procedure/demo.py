"""Demo cases for `seed_demo`: about 60 fictitious procedures over the stages, sectors and
territories, with tasks due today and overdue. Idempotent (by reference), deterministic (seeded)."""

import datetime
import random

from django.utils import timezone

from directory.models import Commune, Organisation
from households.models import HousingSector, Landlord

from . import services
from .models import EventKind, JudgmentOutcome, PoliceDecision, Procedure, Stage, Task
from .rules import STAGE_ORDER

COUNT = 60
REFERENCE = "DEMO-2026-{:04d}"

# Real communes of Dijon Métropole, Beaune, Montbard and the Val de Saône (INSEE codes).
COMMUNES = [
    ("21231", "rue de la Liberté"), ("21231", "avenue du Drapeau"), ("21231", "boulevard de Champollion"),
    ("21166", "rue Paul Langevin"), ("21617", "rue Notre-Dame"), ("21515", "avenue du Château"),
    ("21355", "rue Jean Jaurès"), ("21278", "rue des Carrières"), ("21171", "rue de Bourgogne"),
    ("21540", "allée des Tilleuls"), ("21390", "rue du Puits"), ("21485", "quai du Canal"),
    ("21054", "rue d'Alsace"), ("21054", "faubourg Bretonnière"), ("21464", "rue Sonoys"),
    ("21607", "rue de la République"), ("21554", "quai National"), ("21425", "rue Édouard Guenon"),
    ("21603", "rue de la Liberté"), ("21154", "rue Maréchal de Lattre"), ("21038", "rue Vauban"),
    ("21496", "rue de Saône"), ("21292", "avenue de Dijon"), ("21317", "rue de la Gare"),
]  # fmt: skip
SOCIAL_LANDLORDS = ["orvitis", "grand-dijon-habitat", "cdc-habitat", "icf-habitat", "mon-logis"]
LAST_NAMES = [
    "Lambert", "Moreau", "Garnier", "Faure", "Rousseau", "Blanc", "Guerin", "Muller", "Henry", "Roussel",
    "Nicolas", "Perrot", "Morin", "Mathieu", "Clement", "Gauthier", "Dumont", "Lopez", "Fontaine",
    "Chevalier",
    "Robin", "Masson", "Sanchez", "Gerard", "Nguyen", "Boyer", "Denis", "Lemaire", "Duval", "Joly",
]  # fmt: skip
FIRST_NAMES = [
    "Léa",
    "Hugo",
    "Chloé",
    "Louis",
    "Manon",
    "Nathan",
    "Inès",
    "Karim",
    "Sarah",
    "Yanis",
    "Élodie",
]
OWNERS = ["M. Bernard Jacquot", "Mme Odile Vernier", "SCI Les Tilleuls", "SCI du Parc", "M. Alain Pichon"]
STAGES = [
    Stage.UNPAID_RENT, Stage.PAYMENT_ORDER, Stage.PAYMENT_ORDER, Stage.SUMMONS, Stage.SUMMONS, Stage.HEARING,
    Stage.JUDGMENT, Stage.ORDER_TO_VACATE, Stage.ORDER_TO_VACATE, Stage.POLICE_REQUEST,
    Stage.POLICE_ASSISTANCE, Stage.DEPARTURE,
]  # fmt: skip
GAP_AFTER = {
    Stage.UNPAID_RENT: 45, Stage.PAYMENT_ORDER: 70, Stage.SUMMONS: 65, Stage.HEARING: 28, Stage.JUDGMENT: 40,
    Stage.ORDER_TO_VACATE: 70, Stage.POLICE_REQUEST: 45, Stage.POLICE_ASSISTANCE: 40,
}  # fmt: skip


def seed_cases(stdout=None) -> None:
    communes = {commune.insee_code: commune for commune in Commune.objects.filter(insee_code__in=_codes())}
    if not communes:
        _say(stdout, "Dossiers de démonstration : aucune commune (lancez d'abord setup_departement 21).")
        return
    social = list(Organisation.objects.filter(code__in=SOCIAL_LANDLORDS).order_by("code"))
    rng = random.Random(2026)
    today = timezone.localdate()
    created = 0
    for number in range(1, COUNT + 2):
        case = _draw(rng, number, communes, social, today)
        if number > COUNT:
            case.update(_awaiting_cql(today))
        if Procedure.objects.filter(reference=case["reference"]).exists():
            continue
        _create(case)
        created += 1
    _say(stdout, f"Dossiers de démonstration : {created} créés, {COUNT + 1 - created} déjà présents.")


def _awaiting_cql(today):
    """One more case, judged four months ago and awaiting its CQL: the one on which to record a
    CQL at the end of the summer and read the first eviction date (the truce decides it)."""
    last_act = today - datetime.timedelta(days=120)
    return {"stage": Stage.JUDGMENT, "last_act": last_act, "public": False, "landlord": OWNERS[0]}


def _codes():
    return {code for code, _ in COMMUNES}


def _say(stdout, message):
    if stdout is not None:
        stdout.write(message)


def _draw(rng, number, communes, social, today):
    code, street = COMMUNES[(number - 1) % len(COMMUNES)]
    commune = communes.get(code) or next(iter(communes.values()))
    public = bool(social) and rng.random() < 0.55
    last_name, first_name = rng.choice(LAST_NAMES), rng.choice(FIRST_NAMES)
    # Acts 0 to 40 days ago: their tasks (due 7 to 30 days after) fall due today or are overdue.
    last_act = today - datetime.timedelta(days=7 if number % 6 == 0 else rng.randint(1, 40))
    return {
        "reference": REFERENCE.format(number),
        "commune": commune,
        "street": f"{rng.randint(1, 80)} {street}",
        "public": public,
        "landlord": rng.choice(social) if public else rng.choice(OWNERS),
        "last_name": last_name,
        "first_name": first_name,
        "birth_year": rng.randint(1955, 2000),
        "children": rng.randint(0, 4),
        "claim": f"{rng.randint(1000000, 9999999)}",
        "rent": rng.randint(320, 780),
        "debt": rng.randint(8, 60) * 100,
        "signed_on": datetime.date(rng.randint(2012, 2025), rng.randint(1, 12), 1),
        "stage": STAGES[(number * 5) % len(STAGES)],  # 5 is prime to 12: stages spread over communes
        "last_act": last_act,
        "granted": rng.random() < 0.7,
        # Complex situations, for the CCAPEX centralisée (Charte II.A.2.a).
        "broken_plan": number % 7 == 3,
        "over_indebted": number % 11 == 5,
    }


def _create(case):
    landlord = (
        services.landlord_from(organisation=case["landlord"])
        if case["public"]
        else Landlord.objects.filter(name=case["landlord"]).first()
        or services.landlord_from(
            kind=Landlord.Kind.COMPANY if case["landlord"].startswith("SCI") else Landlord.Kind.PERSON,
            name=case["landlord"],
            address="2 place de la République",
            postal_code="21000",
            city="Dijon",
        )
    )
    commune = case["commune"]
    procedure = services.create_case(
        reference=case["reference"],
        household={
            "label": f"{case['first_name']} {case['last_name']}",
            "benefit_payer": "caf",
            "benefit_claim_number": case["claim"],
            "adults": 1 + (case["children"] % 2),
            "children": case["children"],
            "holder": {
                "last_name": case["last_name"],
                "first_name": case["first_name"],
                "birth_year": case["birth_year"],
            },
        },
        lease={
            "address": case["street"],
            "postal_code": commune.postal_code_list[0] if commune.postal_codes else "21000",
            "commune": commune,
            "sector": HousingSector.PUBLIC if case["public"] else HousingSector.PRIVATE,
            "signed_on": case["signed_on"],
            "rent": case["rent"],
            "charges": 60,
        },
        landlord=landlord,
    )
    _record_acts(procedure, case)
    _do_earlier_work(procedure)


def _do_earlier_work(procedure):
    """The secretariat has done the work of the earlier acts: only the last act's tasks are open,
    so the demo's work queue shows what falls due now, not a year of backlog."""
    last = procedure.events.order_by("-date").first()
    for task in procedure.tasks.filter(status=Task.Status.OPEN).exclude(event=last):
        services.complete_task(task=task, user=None)


def _record_acts(procedure, case):
    stage = case["stage"]
    if stage == Stage.UNPAID_RENT:
        stages = [Stage.UNPAID_RENT]
    else:
        stages = list(STAGE_ORDER[1 : STAGE_ORDER.index(min(stage, Stage.POLICE_ASSISTANCE, key=_rank)) + 1])
        if stage == Stage.DEPARTURE:
            stages.append(Stage.DEPARTURE)
    dates = [case["last_act"]]
    for kind in reversed(stages[:-1]):
        dates.insert(0, dates[0] - datetime.timedelta(days=GAP_AFTER[kind]))
    for kind, date in zip(stages, dates, strict=True):
        extra = {}
        if kind == Stage.SUMMONS:
            following = dates[stages.index(kind) + 1] if kind != stages[-1] else None
            extra["hearing_date"] = following or date + datetime.timedelta(days=GAP_AFTER[Stage.SUMMONS])
        if kind == Stage.JUDGMENT:
            extra["judgment_outcome"] = JudgmentOutcome.TERMINATION
        if kind == Stage.POLICE_ASSISTANCE:
            extra["police_decision"] = PoliceDecision.GRANTED if case["granted"] else PoliceDecision.REFUSED
        debt = case["debt"] if kind == stages[-1] else None
        services.record_event(procedure=procedure, kind=kind, date=date, debt=debt, **extra)
    _record_facts(procedure, case, dates)


def _record_facts(procedure, case, dates):
    """A repayment plan made then broken, or an over-indebtedness filing: what makes a case complex."""
    if case["broken_plan"] and len(dates) > 1 and case["stage"] != Stage.DEPARTURE:
        services.record_event(procedure=procedure, kind=EventKind.REPAYMENT_PLAN, date=dates[0])
        broken = dates[0] + datetime.timedelta(days=GAP_AFTER[Stage.PAYMENT_ORDER] // 2)
        services.record_event(procedure=procedure, kind=EventKind.REPAYMENT_PLAN_BROKEN, date=broken)
    if case["over_indebted"] and case["stage"] != Stage.DEPARTURE:
        services.record_event(procedure=procedure, kind=EventKind.OVER_INDEBTEDNESS, date=dates[-1])


def _rank(stage):
    return STAGE_ORDER.index(stage)

"""Synthetic but realistic data for the benchmark (`manage.py bench_data`): real communes, stage
proportions from law.md ("Scale"), social landlords, private persons and companies, the Charte's
tasks for each case's latest act; written with PostgreSQL COPY, then each batch's stored summary
by services.refresh_summaries. The same size and seed give the same data."""

import csv
import datetime
import random
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from directory.departements.loading import open_communes
from directory.models import Commune, Membership, Organisation, Role, User
from households.models import HousingSector, Landlord
from procedure import rules
from procedure.models import JudgmentOutcome, PoliceDecision, Procedure, Stage
from procedure.services import normalise, refresh_summaries

BENCH_EMAIL = "secretariat@bench.prevex.fr"
SOCIAL_CODES = ["orvitis", "grand-dijon-habitat", "cdc-habitat", "icf-habitat", "mon-logis"]
# The furthest stage reached, from the national figures of law.md (per 500,000 commandements de payer).
FURTHEST = [
    (Stage.PAYMENT_ORDER, 350_000),
    (Stage.SUMMONS, 20_000),
    (Stage.HEARING, 10_000),
    (Stage.JUDGMENT, 55_000),
    (Stage.ORDER_TO_VACATE, 12_000),
    (Stage.POLICE_REQUEST, 18_000),
    (Stage.POLICE_ASSISTANCE, 18_000),
    (Stage.EVICTION, 17_000),
]
GAP = {
    Stage.PAYMENT_ORDER: 75,
    Stage.SUMMONS: 60,
    Stage.HEARING: 30,
    Stage.JUDGMENT: 45,
    Stage.ORDER_TO_VACATE: 70,
    Stage.POLICE_REQUEST: 50,
    Stage.POLICE_ASSISTANCE: 40,
}
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Thomas",
    "Petit",
    "Robert",
    "Richard",
    "Durand",
    "Dubois",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Lefebvre",
    "Leroy",
    "Roux",
    "David",
    "Bertrand",
    "Morel",
    "Fournier",
    "Girard",
    "Bonnet",
    "Dupont",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Muller",
    "Lefèvre",
    "Faure",
    "André",
    "Mercier",
    "Blanc",
    "Guérin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "François",
    "Legrand",
    "Gauthier",
    "Garcia",
    "Perrin",
    "Robin",
    "Clément",
    "Morin",
    "Nicolas",
    "Henry",
    "Roussel",
    "Mathieu",
    "Gautier",
    "Masson",
]  # noqa: E501
FIRST_NAMES = [
    "Marie",
    "Jean",
    "Pierre",
    "Michel",
    "André",
    "Philippe",
    "Nathalie",
    "Isabelle",
    "Sylvie",
    "Catherine",
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
]  # noqa: E501
STREETS = [
    "rue de la République",
    "avenue Jean Jaurès",
    "rue Victor Hugo",
    "place de la Mairie",
    "rue de la Gare",
]


def load_communes():
    if Commune.objects.count() > 30000:
        return
    with open_communes() as stream:
        rows = list(csv.DictReader(stream))
    Commune.objects.bulk_create(
        [
            Commune(
                insee_code=row["insee_code"],
                name=row["name"],
                departement_code=row["departement_code"],
                arrondissement_code=row["arrondissement_code"],
                arrondissement_name=row["arrondissement_name"],
                epci_siren=row["epci_siren"],
                epci_name=row["epci_name"],
                postal_codes=row["postal_codes"],
                population=int(row["population"] or 0) or None,
            )
            for row in rows
        ],
        batch_size=5000,
        ignore_conflicts=True,
    )
    print(f"{Commune.objects.count()} communes.", flush=True)


def secretariat_user():
    ddets, _ = Organisation.objects.get_or_create(
        code="ddets-21", defaults={"name": "DDETS de la Côte-d'Or", "kind": Organisation.Kind.STATE}
    )
    user, created = User.objects.get_or_create(
        email=BENCH_EMAIL, defaults={"first_name": "Banc", "last_name": "Essai"}
    )
    if created:
        Membership.objects.create(
            user=user, organisation=ddets, role=Role.SECRETARIAT, start_date=datetime.date(2020, 1, 1)
        )
    return user


def landlords():
    social = []
    for code in SOCIAL_CODES:
        organisation, _ = Organisation.objects.get_or_create(
            code=code,
            defaults={"name": code.replace("-", " ").title(), "kind": Organisation.Kind.SOCIAL_LANDLORD},
        )
        landlord, _ = Landlord.objects.get_or_create(
            organisation=organisation, defaults={"kind": Landlord.Kind.SOCIAL, "name": organisation.name}
        )
        social.append(landlord.pk)
    private = list(Landlord.objects.exclude(kind=Landlord.Kind.SOCIAL).values_list("pk", flat=True))
    if len(private) < 500:  # one in five a company (SCI), the others persons
        Landlord.objects.bulk_create(
            [
                Landlord(kind=Landlord.Kind.COMPANY, name=f"SCI du Parc {n}")
                if n % 5 == 0
                else Landlord(kind=Landlord.Kind.PERSON, name=f"Propriétaire {n}")
                for n in range(len(private), 500)
            ]
        )
        private = list(Landlord.objects.exclude(kind=Landlord.Kind.SOCIAL).values_list("pk", flat=True))
    return social, private


def next_id(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
        return cursor.fetchone()[0]


def grow_to(size, *, departement_only, seed=1):
    existing = Procedure.objects.count()
    if existing >= size:
        print(f"{existing} procédures déjà présentes.", flush=True)
        return
    communes = Commune.objects.filter(departement_code="21") if departement_only else Commune.objects.all()
    communes = list(communes.values_list("pk", "name", "postal_codes", "population", "departement_code"))
    weights = [max(population or 0, 50) for *_, population, _ in communes]
    social, private = landlords()
    rng = random.Random(f"{seed}-{existing}")
    batch = 50_000
    for start in range(existing, size, batch):
        _write_batch(rng, start, min(batch, size - start), communes, weights, social, private)
        print(f"  {min(start + batch, size)} procédures…", flush=True)
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            )
            cursor.execute(f"VACUUM ANALYZE {table}")  # the visibility map, for index-only scans


def _write_batch(rng, start, count, communes, weights, social, private):
    ids = {table: next_id(table) for table in TABLES}
    first_procedure = ids["procedure_procedure"]
    now = timezone.now()
    today = timezone.localdate()
    rows = {name: [] for name in ids}
    chosen = rng.choices(communes, weights=weights, k=count)
    furthest = rng.choices([s for s, _ in FURTHEST], weights=[w for _, w in FURTHEST], k=count)
    for offset in range(count):
        number = start + offset
        household_id = ids["households_household"] + offset
        commune_id, commune_name, postal_codes, _, departement_code = chosen[offset]
        postal_code = (postal_codes.split() or ["00000"])[0]
        public = rng.random() < 0.45
        sector = HousingSector.PUBLIC if public else HousingSector.PRIVATE
        landlord_id = rng.choice(social) if public else rng.choice(private)
        last, first = rng.choice(LAST_NAMES), rng.choice(FIRST_NAMES)
        claim = str(1_000_000 + number)
        address = f"{rng.randint(1, 120)} {rng.choice(STREETS)}"
        birth = rng.randint(1945, 2003)
        search = "\n".join([normalise(f"{first} {last}"), claim, normalise(f"{last} {first} {birth}")])
        address_text = normalise(f"{address} {postal_code} {commune_name}")
        rows["households_household"].append(
            (
                household_id,
                f"{first} {last}",
                "caf",
                claim,
                1,
                rng.randint(0, 4),
                "",
                "",
                None,
                "",
                search,
                address_text,
                1,
                now,
                now,
            )
        )
        rows["households_person"].append(
            (
                ids["households_person"] + offset,
                household_id,
                "titulaire",
                last,
                first,
                birth,
                False,
                False,
                False,
                "",
            )
        )
        lease_id = ids["households_lease"] + offset
        rent = Decimal(rng.randint(300, 900))
        rows["households_lease"].append(
            (lease_id, household_id, landlord_id, address, postal_code, commune_id, sector,
             datetime.date(rng.randint(2005, 2025), rng.randint(1, 12), 1), rent, Decimal(60), None, False, 1)
        )  # fmt: skip
        procedure_id = ids["procedure_procedure"] + offset
        rows["procedure_procedure"].append(
            # The summary is left empty here, written by refresh_summaries once the batch is in.
            (
                procedure_id,
                f"BENCH-{number:07d}",
                household_id,
                lease_id,
                landlord_id,
                rent * 4,
                now,
                1,
                "",
                None,
                False,
                None,
                departement_code,  # the lease's commune's (issue 16)
            )
        )
        _acts(rng, rows, ids, procedure_id, sector, furthest[offset], today, now)
    _copy(rows)
    refresh_summaries(Procedure.objects.filter(pk__gte=first_procedure).values("pk"))


TABLES = [
    "households_household",
    "households_person",
    "households_lease",
    "procedure_procedure",
    "procedure_procedureevent",
    "procedure_task",
]
COLUMNS = {
    "households_household": [
        "id", "label", "benefit_payer", "benefit_claim_number", "adults", "children", "email", "phone",
        "monthly_resources", "resources_note", "search_text", "address_text", "version", "created_at",
        "updated_at",
    ],
    "households_person": [
        "id", "household_id", "role", "last_name", "first_name", "birth_year", "is_pregnant", "has_disability",  # noqa: E501
        "has_health_issue", "other_vulnerability",
    ],
    "households_lease": [
        "id", "household_id", "landlord_id", "address", "postal_code", "commune_id", "sector", "signed_on", "rent",  # noqa: E501
        "charges", "housing_benefit", "benefit_paid_to_landlord", "version",
    ],
    "procedure_procedure": [
        "id", "reference", "household_id", "lease_id", "landlord_id", "debt", "opened_at", "version",
        "current_stage", "stage_rank", "closed", "last_act_date", "departement_code",
    ],
    "procedure_procedureevent": [
        "id", "procedure_id", "kind", "date", "hearing_date", "judgment_outcome", "police_decision", "closure_reason",  # noqa: E501
        "debt", "note", "source", "recorded_by_id", "recorded_at",
    ],
    "procedure_task": [
        "id", "procedure_id", "event_id", "kind", "title", "legal_reference", "due_date", "status",
        "set_aside_reason", "assigned_to_id", "closed_at", "closed_by_id", "created_at",
    ],
}  # fmt: skip


def _acts(rng, rows, ids, procedure_id, sector, furthest, today, now):
    chain = list(rules.STAGE_ORDER[1 : rules.STAGE_ORDER.index(furthest) + 1])
    last_date = today - datetime.timedelta(days=rng.randint(0, 1000))
    dates = [last_date]
    for kind in reversed(chain[:-1]):
        dates.insert(0, dates[0] - datetime.timedelta(days=GAP[kind] + rng.randint(0, 20)))
    events = rows["procedure_procedureevent"]
    for index, (kind, date) in enumerate(zip(chain, dates, strict=True)):
        event_id = ids["procedure_procedureevent"] + len(events)
        hearing = None
        if kind == Stage.SUMMONS:
            hearing = (
                dates[index + 1] if index + 1 < len(chain) else date + datetime.timedelta(days=GAP[kind])
            )
        outcome = JudgmentOutcome.TERMINATION if kind == Stage.JUDGMENT else ""
        decision = ""
        if kind == Stage.POLICE_ASSISTANCE:
            decision = PoliceDecision.GRANTED if rng.random() < 0.66 else PoliceDecision.REFUSED
        events.append(
            (
                event_id,
                procedure_id,
                kind,
                date,
                hearing,
                outcome,
                decision,
                "",
                None,
                "",
                "import",
                None,
                now,
            )
        )
        if index == len(chain) - 1:
            _tasks(rows, ids, procedure_id, event_id, kind, sector, date, hearing, decision, today, now)


def _tasks(rows, ids, procedure_id, event_id, kind, sector, date, hearing, decision, today, now):
    tasks = rows["procedure_task"]
    for rule in rules.actions_for(kind, sector, police_decision=decision):
        due = rules.action_due_date(rule, date, hearing)
        done = (today - date).days > 60
        tasks.append(
            (ids["procedure_task"] + len(tasks), procedure_id, event_id, rule.action.value, rule.action.label,
             rule.reference, due, "faite" if done else "a_faire", "", None, now if done else None, None, now)
        )  # fmt: skip


def _copy(rows):
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for table, columns in COLUMNS.items():
            with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows[table]:
                    copy.write_row(row)

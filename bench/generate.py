"""Synthetic but realistic data for the benchmark (`manage.py bench_data`): real communes, stage
proportions from law.md ("Scale"), social landlords, private persons and companies, the Charte's
tasks for each case's latest act, and what follows a case in proportion (below); written with
PostgreSQL COPY (each procedure with its next due date, from its tasks), then each batch's stored
summary by services.refresh_summaries. The same size and seed give the same data.

What follows a case, in proportion (law.md "Scale" and the Charte):
- referrals: a DSF for every case that reached the assignation (the law asks for one before the
  hearing), a CCAPEX diagnosis for one case in ten still at the commandement de payer; addressed to
  one of the département's social services (CCAS), done when the act is more than 60 days old;
- commission items: one CCAPEX per département meeting every month over the last three years and the
  next one; one case in four past the judgment is examined at the first session 10 days after its
  last act (an opinion when the session is past);
- letters: the Charte's questionnaire to the household for every commandement de payer, and to the
  owner in the private sector (the PDFs themselves are not written: the bench never opens them)."""

import csv
import datetime
import random
import time
from collections import Counter
from decimal import Decimal

from django.db import connection, models, transaction
from django.utils import timezone

from directory.departements import national
from directory.departements.loading import open_communes
from directory.models import Commune, Membership, Organisation, Role, User
from households.models import HousingSector, Landlord
from procedure import rules
from procedure.models import JudgmentOutcome, PoliceDecision, Procedure, Stage
from procedure.services import normalise, refresh_summaries

# What follows a case (module docstring).
REFERRAL_DONE_AFTER_DAYS = 60
CCAPEX_DIAGNOSIS_SHARE = 0.10
EXAMINED_SHARE = 0.25
SESSION_MONTHS = 37
SOCIAL_SERVICES_PER_DEPARTEMENT = 3
OPINION = "Avis : maintien dans les lieux sous condition d'un plan d'apurement."

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
    # The bench's secretariat serves the Côte-d'Or, where bench_data puts every procedure: it sees
    # all of them, the worst case of each list (issue 11's targets are for 500,000 seen at once).
    user, created = User.objects.get_or_create(
        email=BENCH_EMAIL, defaults={"first_name": "Banc", "last_name": "Essai"}
    )
    if created:
        Membership.objects.create(
            user=user, organisation=ddets, role=Role.SECRETARIAT, start_date=datetime.date(2020, 1, 1)
        )
    return user


def national_departements(count, measured="21"):
    """The `count` most populous of the 101 départements (communes.csv), the measured one always
    among them (issue 16: 100 départements, the country less its smallest)."""
    population = Counter()
    with open_communes() as stream:
        for row in csv.DictReader(stream):
            if row["departement_code"] in national.DEPARTEMENT_CODES:
                population[row["departement_code"]] += int(row["population"] or 0)
    chosen = [code for code, _ in population.most_common(count)]
    if measured not in chosen:
        chosen[-1] = measured
    return sorted(chosen)


def setup_departements(codes):
    """`setup_departement` for each département: its organisations, secretariat, territories,
    routing rules and CCAPEX formations (national defaults, the Côte-d'Or's Charte)."""
    from directory import departements

    started = time.perf_counter()
    for code in codes:
        departements.setup_departement(code)
    print(f"{len(codes)} départements installés en {time.perf_counter() - started:.0f} s.", flush=True)


def departement_secretariat(code):
    """The secretariat of one département serving only it, as in a national install (issue 16):
    a member of the State service `setup_departement` created (the DDETS, DRIHL or DEETS)."""
    state = Organisation.objects.get(code=national.codes(code).state)
    if state.other_departements:
        state.other_departements = ""
        state.save(update_fields=["other_departements"])
    user, created = User.objects.get_or_create(
        email=f"secretariat-{code.lower()}@bench.prevex.fr",
        defaults={"first_name": "Secrétariat", "last_name": f"Banc {code}"},
    )
    if created:
        Membership.objects.create(
            user=user, organisation=state, role=Role.SECRETARIAT, start_date=datetime.date(2020, 1, 1)
        )
    return user


def national_steering():
    """A member of the national steering (the DIHAL), who opens the national view (issue 16)."""
    dihal, _ = Organisation.objects.get_or_create(
        code="dihal-banc", defaults={"name": "DIHAL (banc d'essai)", "kind": Organisation.Kind.STATE}
    )
    user, created = User.objects.get_or_create(
        email="pilotage-national@bench.prevex.fr",
        defaults={"first_name": "Pilotage", "last_name": "National"},
    )
    if created:
        Membership.objects.create(
            user=user, organisation=dihal, role=Role.NATIONAL_STEERING, start_date=datetime.date(2020, 1, 1)
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


def grow_to(size, *, departement_only=False, departements=None, seed=1):
    """Up to `size` procedures over the communes of `departements` (every commune when None; the
    Côte-d'Or's with `departement_only`), each commune in proportion to its population."""
    existing = Procedure.objects.count()
    if existing >= size:
        print(f"{existing} procédures déjà présentes.", flush=True)
        return
    communes = Commune.objects.all()
    if departement_only:
        communes = communes.filter(departement_code="21")
    if departements:
        communes = communes.filter(departement_code__in=departements)
    fields = ("pk", "name", "postal_codes", "population", "departement_code", "insee_code")
    communes = list(communes.values_list(*fields))
    weights = [max(population or 0, 50) for *_, population, _, _ in communes]
    social, private = landlords()
    follow_up = FollowUp({code for *_, code, _ in communes})
    rng = random.Random(f"{seed}-{existing}")
    batch = 50_000
    for start in range(existing, size, batch):
        with transaction.atomic():  # a batch is whole or absent: a failed run leaves no half case
            _write_batch(rng, start, min(batch, size - start), communes, weights, social, private, follow_up)
        print(f"  {min(start + batch, size)} procédures…", flush=True)
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            )
            # The visibility map, for index-only scans; ANALYZE alone inside a transaction (a test).
            cursor.execute(f"{'ANALYZE' if connection.in_atomic_block else 'VACUUM ANALYZE'} {table}")


def _write_batch(rng, start, count, communes, weights, social, private, follow_up):
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
        commune_id, commune_name, postal_codes, _, departement_code, insee_code = chosen[offset]
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
                f"{first} {last}",  # the household's label, the lease's commune and sector (decision 017)
                commune_name,
                sector,
                insee_code,
                search,  # the household's search texts (decision 017)
                address_text,
            )
        )
        first_task = len(rows["procedure_task"])
        acts = _acts(rng, rows, ids, (procedure_id, departement_code), sector, furthest[offset], today, now)
        # Its next due date, as services.refresh_next_due stores it, from the tasks just written.
        rows["procedure_procedure"][-1] += (_next_due(rows["procedure_task"][first_task:]),)
        follow_up.add(rng, rows, ids, procedure_id, departement_code, sector, acts, today, now)
    _copy(rows)
    refresh_summaries(Procedure.objects.filter(pk__gte=first_procedure).values("pk"))


TABLES = [
    "households_household",
    "households_person",
    "households_lease",
    "procedure_procedure",
    "procedure_procedureevent",
    "procedure_task",
    "referrals_referral",
    "commissions_agendaitem",
    "letters_letter",
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
        "current_stage", "stage_rank", "closed", "last_act_date", "departement_code", "household_label",
        "commune_name", "sector", "commune_insee_code", "search_text", "address_text", "next_due_date",
    ],
    "procedure_procedureevent": [
        "id", "procedure_id", "kind", "date", "hearing_date", "judgment_outcome", "police_decision", "closure_reason",  # noqa: E501
        "debt", "note", "source", "recorded_by_id", "recorded_at", "cancellation_reason", "departement_code",
    ],
    "procedure_task": [
        "id", "procedure_id", "event_id", "kind", "title", "legal_reference", "due_date", "status",
        "set_aside_reason", "assigned_to_id", "closed_at", "closed_by_id", "created_at", "departement_code",
    ],
    "referrals_referral": [
        "id", "procedure_id", "kind", "addressed_to_id", "requested_by_id", "requesting_organisation_id",
        "task_id", "reason", "due_date", "funding_source", "status", "refusal_reason", "requested_at",
        "closed_at", "departement_code",
    ],
    "commissions_agendaitem": [
        "id", "session_id", "procedure_id", "review_request_id", "order", "presenter_id", "household_invited",
        "convocation_at", "attendance", "opinion", "decided_at", "override_reason",
    ],
    "letters_letter": [
        "id", "procedure_id", "template_version_id", "kind", "recipient", "file", "checksum", "status",
        "batch_id", "created_by_id", "created_at", "status_changed_at",
    ],
}  # fmt: skip


def _acts(rng, rows, ids, case, sector, furthest, today, now):
    procedure_id, departement_code = case  # the acts carry their case's département (decision 017)
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
                "",
                departement_code,
            )
        )
        if index == len(chain) - 1:
            _tasks(rows, ids, case, event_id, kind, sector, date, hearing, decision, today, now)
    return list(zip(chain, dates, strict=True))


class FollowUp:
    """Referrals, commission items and letters of the cases, in proportion (module docstring)."""

    def __init__(self, departements):
        from commissions.models import AgendaItem, Commission, Session
        from letters.models import LetterKind
        from letters.services.letters import current_version

        self.services = {}
        for code in sorted(departements):
            self.services[code] = [
                Organisation.objects.get_or_create(
                    code=f"ccas-bench-{code.lower()}-{n}",
                    defaults={
                        "name": f"CCAS banc {code} n° {n}",
                        "kind": Organisation.Kind.CCAS,
                        "departement_code": code,
                    },
                )[0].pk
                for n in range(1, SOCIAL_SERVICES_PER_DEPARTEMENT + 1)
            ]
        today = timezone.localdate()
        back = datetime.timedelta(days=31 * (SESSION_MONTHS - 2))
        first_month = (today.replace(day=1) - back).replace(day=1)
        months = []
        while len(months) < SESSION_MONTHS:
            months.append(first_month.replace(day=15))
            first_month = (first_month + datetime.timedelta(days=32)).replace(day=1)
        self.sessions = {}
        for code in sorted(departements):
            commission, _ = Commission.objects.get_or_create(
                code=f"ccapex-bench-{code.lower()}",
                defaults={
                    "name": f"CCAPEX {code} (banc d'essai)",
                    "kind": "pleniere",
                    "level": "centrale",
                    "rhythm": "mensuel",
                    "departement_code": code,
                },
            )
            Session.objects.bulk_create(
                [
                    Session(
                        commission=commission,
                        date=day,
                        status=Session.Status.CLOSED if day < today else Session.Status.PLANNED,
                    )
                    for day in months
                ],
                ignore_conflicts=True,
            )
            self.sessions[code] = sorted(
                Session.objects.filter(commission=commission).values_list("date", "pk")
            )
        self.order = {
            row["session"]: row["last"]
            for row in AgendaItem.objects.values("session").annotate(last=models.Max("order"))
        }
        self.household_letter = current_version(LetterKind.QUESTIONNAIRE_HOUSEHOLD).pk
        self.owner_letter = current_version(LetterKind.QUESTIONNAIRE_OWNER).pk
        self.today = today

    def add(self, rng, rows, ids, procedure_id, departement, sector, acts, today, now):
        stages = dict(acts)
        last_kind, last_date = acts[-1]
        self._referral(rng, rows, ids, procedure_id, departement, stages, last_date, today, now)
        past_judgment = rules.STAGE_ORDER.index(last_kind) >= rules.STAGE_ORDER.index(Stage.JUDGMENT)
        if past_judgment and rng.random() < EXAMINED_SHARE:
            self._item(rows, ids, procedure_id, departement, last_date, now)
        self._letters(rows, ids, procedure_id, sector, stages[Stage.PAYMENT_ORDER])

    def _referral(self, rng, rows, ids, procedure_id, departement, stages, last_date, today, now):
        if Stage.SUMMONS in stages:
            kind, requested_on, funding = "dsf", stages[Stage.SUMMONS], ""
        elif rng.random() < CCAPEX_DIAGNOSIS_SHARE:
            kind, requested_on, funding = "diagnostic_ccapex", stages[Stage.PAYMENT_ORDER], "etat"
        else:
            return
        done = (today - last_date).days > REFERRAL_DONE_AFTER_DAYS
        requested_at = timezone.make_aware(datetime.datetime.combine(requested_on, datetime.time(9)))
        table = rows["referrals_referral"]
        table.append(
            (ids["referrals_referral"] + len(table), procedure_id, kind,
             rng.choice(self.services[departement]), None, None, None, "",
             requested_on + datetime.timedelta(days=60), funding,
             "faite" if done else "demandee", "", requested_at,
             requested_at + datetime.timedelta(days=45) if done else None, departement)
        )  # fmt: skip

    def _item(self, rows, ids, procedure_id, departement, last_date, now):
        wanted = last_date + datetime.timedelta(days=10)
        session = next((pk for day, pk in self.sessions[departement] if day >= wanted), None)
        if session is None:
            return
        self.order[session] = order = self.order.get(session, 0) + 1
        past = next(day for day, pk in self.sessions[departement] if pk == session) < self.today
        table = rows["commissions_agendaitem"]
        table.append(
            (ids["commissions_agendaitem"] + len(table), session, procedure_id, None, order, None, False,
             None, "absent" if past else "", OPINION if past else "", now if past else None, "")
        )  # fmt: skip

    def _letters(self, rows, ids, procedure_id, sector, payment_order_on):
        table = rows["letters_letter"]
        sent = timezone.make_aware(datetime.datetime.combine(payment_order_on, datetime.time(10)))
        versions = [("questionnaire_menage", self.household_letter, "Le ménage")]
        if sector == HousingSector.PRIVATE:
            versions.append(("questionnaire_proprietaire", self.owner_letter, "Le propriétaire"))
        for kind, version, recipient in versions:
            letter_id = ids["letters_letter"] + len(table)
            table.append(
                (letter_id, procedure_id, version, kind, recipient, f"courriers/banc/{letter_id}.pdf",
                 "0" * 64, "envoye", None, None, sent, sent)
            )  # fmt: skip


def _tasks(rows, ids, case, event_id, kind, sector, date, hearing, decision, today, now):
    procedure_id, departement_code = case  # the tasks carry their case's département (decision 017)
    tasks = rows["procedure_task"]
    for rule in rules.actions_for(kind, sector, police_decision=decision):
        due = rules.action_due_date(rule, date, hearing)
        done = (today - date).days > 60
        tasks.append(
            (ids["procedure_task"] + len(tasks), procedure_id, event_id, rule.action.value, rule.action.label,
             rule.reference, due, "faite" if done else "a_faire", "", None, now if done else None, None, now,
             departement_code)
        )  # fmt: skip


def _next_due(tasks):
    """The soonest due date of these task rows' open ones (None without one): refresh_next_due's."""
    return min((row[6] for row in tasks if row[7] == "a_faire" and row[6] is not None), default=None)


def _copy(rows):
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for table, columns in COLUMNS.items():
            quoted = ", ".join(f'"{column}"' for column in columns)  # "order" is a keyword
            with raw.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows[table]:
                    copy.write_row(row)

"""The query plans of the list pages on PostgreSQL: every filter value, every sort and the search are answered
from an index, never by a sequential scan of the procedures or their events (issue 11). Skipped on
SQLite.

Each page is requested as the secretariat; every query it sends is explained with sequential scans
disabled (`enable_seqscan = off`): PostgreSQL then still scans a table sequentially when, and only
when, no index can answer the query, which is what the test looks for.
"""

import datetime
import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directory.models import Commune
from households.models import HousingSector
from procedure.filters import PERIODS, SORTS, STATUSES
from procedure.models import Procedure, Stage, Task
from procedure.rules import STAGE_ORDER, Action
from procedure.services import FUZZY_READ, SEARCH_CANDIDATES, search_procedures
from tests.factories import CommuneFactory, TerritoryFactory
from tests.households.factories import LandlordFactory
from tests.procedure.factories import ProcedureFactory, procedure_at

pytestmark = pytest.mark.django_db
WATCHED = ("procedure_procedure", "procedure_procedureevent", "households_household")


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("plans de requête vérifiés sur PostgreSQL seulement")


@pytest.fixture
def cases():
    landlord = LandlordFactory(social=True)
    for number, stage in enumerate(STAGE_ORDER):
        sector = HousingSector.PUBLIC if number % 2 else HousingSector.PRIVATE
        procedure_at(stage, on=datetime.date(2026, 3, 2), sector=sector)
    procedure_at(Stage.PAYMENT_ORDER, lease__landlord=landlord)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return landlord


def list_urls(landlord):
    listing = reverse("procedure:list")
    urls = [listing]
    urls += [f"{listing}?stage={value}" for value, _ in Stage.choices]
    urls += [f"{listing}?sector={value}" for value, _ in HousingSector.choices]
    urls += [f"{listing}?stage={Stage.PAYMENT_ORDER.value}&sector=private"]
    urls += [f"{listing}?status={value}" for value, _ in STATUSES]
    urls += [f"{listing}?overdue={value}" for value in ("oui", "non")]
    urls += [f"{listing}?deadline_within=7", f"{listing}?landlord={landlord.pk}", f"{listing}?commune=21231"]
    urls += [f"{listing}?commune=chenove", f"{listing}?landlord_name=orvitis"]
    urls += [f"{listing}?tri={order}{param}" for param in SORTS for order in ("", "-")]
    return urls


def queue_urls():
    queue = reverse("procedure:work_queue")
    urls = [queue]
    urls += [f"{queue}?stage={value}" for value, _ in Stage.choices]
    urls += [f"{queue}?sector={value}" for value, _ in HousingSector.choices]
    urls += [f"{queue}?period={value}" for value, _ in PERIODS]
    return urls


def sequential_scans(sql, watched=WATCHED):
    """The watched tables this query scans sequentially when PostgreSQL may use any index."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return [table for table in watched if f"Seq Scan on {table} " in plan]


def scans_of_page(client, url, watched=WATCHED):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code in (200, 302), url
    found = {}
    for query in captured.captured_queries:
        sql = query["sql"]
        if sql.startswith("SELECT") and any(table in sql for table in watched):
            for table in sequential_scans(sql, watched):
                found.setdefault(table, []).append(sql[:200])
    return found


def test_every_filter_and_sort_of_the_list_reads_an_index(secretariat_client, cases):
    for url in list_urls(cases):
        assert scans_of_page(secretariat_client, url) == {}, url


def test_every_filter_of_the_work_queue_reads_an_index(secretariat_client, cases):
    for url in queue_urls():
        assert scans_of_page(secretariat_client, url) == {}, url


@pytest.mark.parametrize("q", ["martin", "dupont marie", "victor hugo", "EXPLOC-21", "7654321"])
def test_the_search_reads_the_trigram_indexes_only(secretariat_client, cases, q):
    assert scans_of_page(secretariat_client, f"{reverse('procedure:search')}?q={q}") == {}


GIN_INDEXES = (
    "procedure_dep_search_trgm",
    "procedure_dep_search_keys",
    "procedure_dep_address_trgm",
    "procedure_dep_address_keys",
)


@pytest.fixture
def crowded_departement(cases):
    """As in a database holding the country: thousands of cases in the Côte-d'Or and in the
    Saône-et-Loire, one in a hundred a Martin Dupond of a rue Victor Hugo. Neither the Côte-d'Or's
    cases nor the country's Martin are few: only the index that holds the département with the
    text reads few rows (on a dozen cases PostgreSQL rightly reads the département's one by one)."""
    model = Procedure.objects.filter(departement_code="21").first()

    def crowd(code):
        for number in range(4000):
            searched = number % 100 == 0
            yield Procedure(
                reference=f"FOULE-{code}-{number}",
                household_id=model.household_id,
                lease_id=model.lease_id,
                landlord_id=model.landlord_id,
                departement_code=code,
                search_text=f"{'martin dupond marie 1975' if searched else 'claude bernard'} {number}",
                address_text=f"{number} {'rue victor hugo' if searched else 'rue des lilas'} {code}000",
            )

    Procedure.objects.bulk_create([*crowd("21"), *crowd("71")])
    with connection.cursor() as cursor:
        # The GIN indexes' pending lists moved into the index: the suite's rolled-back inserts
        # leave theirs, which PostgreSQL counts in the index's cost (a flaky plan in CI otherwise).
        for index in GIN_INDEXES:
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
        cursor.execute("ANALYZE procedure_procedure")


def search_part_plans(client, q):
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("procedure:search"), {"q": q})
    return [plan_of_sql(query["sql"]) for query in captured.captured_queries if "LIMIT 300" in query["sql"]]


def index_condition(plans, index):
    """The condition the index is read with, in the first plan reading it."""
    assert any(f"Bitmap Index Scan on {index}" in plan for plan in plans), plans
    used = next(plan for plan in plans if index in plan)
    return used.split(f"Bitmap Index Scan on {index}")[1].split("\n")[1]


@pytest.mark.parametrize("q", ["martin", "dupond marie"])
def test_a_departement_s_names_are_read_in_its_own_letters(secretariat_client, crowded_departement, q):
    """Names are read from the GIN index of the names written in the département's own letters
    (procedure migration 0038), not from the index that holds the département beside the text (0033),
    which intersected the Côte-d'Or's list with the whole country's trigrams: 11 ms for « dupont
    marie » at 2,500,000 procedures against 1.2 ms in the Côte-d'Or's own database (issue 16)."""
    plans = search_part_plans(secretariat_client, q)
    assert "prevex_keyed_text" in index_condition(plans, "procedure_dep_search_keys")
    assert not any("procedure_dep_search_trgm" in plan for plan in plans)


def test_a_typo_in_a_departement_s_names_is_read_in_its_own_letters(secretariat_client, crowded_departement):
    """The fuzzy lookup too (`%>`): 42 ms at 2,500,000 procedures from the index of 0033, against
    7.6 ms in the Côte-d'Or's own database (issue 16)."""
    with CaptureQueriesContext(connection) as captured:
        secretariat_client.get(reverse("procedure:search"), {"q": "dupond marei 1975"})
    fuzzy = [query["sql"] for query in captured.captured_queries if "<<->" in query["sql"]]
    assert len(fuzzy) == 1
    plan = plan_of_sql(fuzzy[0])
    assert "Bitmap Index Scan on procedure_dep_search_keys" in plan and "%>" in plan
    assert "procedure_dep_search_trgm" not in plan


NAMES_SEARCHED = [
    "martin",
    "dupond marie",
    "MARTIN Dupond",
    "martn dupond",
    "marie 1975",
    "bernard 17",
    "de 1975",
    "li",
]


def test_the_names_in_a_departement_s_letters_find_what_the_plain_names_find(crowded_departement):
    """The same cases in the same order, read in the letters of each of the user's départements or
    from the plain text: exact words, a typo (fuzzy), numbers, words too short for a trigram (one
    test for them all: the crowd takes seconds to build)."""
    scope = Procedure.objects.filter(departement_code__in=("21", "71"))
    for q in NAMES_SEARCHED:
        with CaptureQueriesContext(connection) as captured:
            keyed = list(search_procedures(scope, q, ("21", "71")))
        plain = list(search_procedures(scope, q))
        assert keyed and keyed == plain, q
        read_in_letters = any("prevex_keyed_text" in query["sql"] for query in captured.captured_queries)
        assert read_in_letters == any(len(word) >= 3 for word in q.split()), q


def test_each_departement_writes_its_names_in_letters_of_its_own(cases):
    """prevex_keyed_text (migration 0038): a to z and 0 to 9 written in 36 letters of each
    département's own, letters to pg_trgm, no two départements sharing one; every other character
    kept; a word similarity the same as between the plain texts."""
    from directory.departements.loading import departement_names

    codes = sorted(departement_names())
    plain, punctuated = "abcdefghijklmnopqrstuvwxyz0123456789", "saint-apollinaire l'ile 21000"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT code, prevex_keyed_text(code, %s) FROM unnest(%s::text[]) code", [plain, codes]
        )
        alphabets = dict(cursor.fetchall())
        cursor.execute(
            "SELECT prevex_keyed_text('21', %s), show_trgm(prevex_keyed_text('2A', 'abc')),"
            " word_similarity(prevex_keyed_text('21', %s), prevex_keyed_text('21', %s)),"
            " word_similarity(%s, %s)",
            [punctuated, *["dupond marei", "dupont marie 1975"] * 2],
        )
        kept, trigrams, keyed_similarity, plain_similarity = cursor.fetchone()
    assert len(codes) > 101 and set(alphabets) == set(codes)  # the overseas collectivités too
    letters = [letter for alphabet in alphabets.values() for letter in alphabet]
    assert len(letters) == len(set(letters)) == len(codes) * 36
    assert not any(letter.isascii() for letter in letters)
    assert len(kept) == len(punctuated) and [char for char in kept if char.isascii()] == ["-", " ", "'", " "]
    assert len(trigrams) == 4  # « abc » in letters: two padded at its start, one inside, one at its end
    assert keyed_similarity == plain_similarity > 0.5


def test_without_the_index_of_the_names_in_letters_the_search_reads_the_plain_names(
    secretariat_client, crowded_departement
):
    """Under the C locale ideographs have no trigram and migration 0038 creates no index: the names
    are then read from the index of 0033, as before. Its DROP is rolled back with the test."""
    from procedure import services

    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX procedure_dep_search_keys")
    services._names_are_keyed.cache_clear()
    try:
        plans = search_part_plans(secretariat_client, "martin")
    finally:
        services._names_are_keyed.cache_clear()
    assert "departement_code" in index_condition(plans, "procedure_dep_search_trgm")
    assert not any("prevex_keyed_text" in plan for plan in plans)


def test_a_departement_s_address_search_reads_the_trigrams_keyed_by_its_departement(
    secretariat_client, crowded_departement
):
    """Addresses are read from trigrams keyed by the département (migration 0034): only the
    Côte-d'Or's `21:vic`, `21:hug`… lists, where the index of 0033 intersected the département's
    list with the whole country's Victor Hugo trigrams (1.33 × at 2,500,000, issue 16)."""
    plans = search_part_plans(secretariat_client, "victor hugo")
    condition = index_condition(plans, "procedure_dep_address_keys")
    assert "21:vic" in condition and "21:hug" in condition and "71:" not in condition


def test_a_user_of_many_departements_reads_the_addresses_from_the_departement_s_trigram_index(
    crowded_departement,
):
    """Past KEYED_DEPARTEMENTS, one keyed lookup per département costs more than the index of
    migration 0033 (41 ms for an organisation serving 101 départements at 500,000 procedures)."""
    codes = ("21", "71", "58", "89")
    with CaptureQueriesContext(connection) as captured:
        list(search_procedures(Procedure.objects.filter(departement_code__in=codes), "victor hugo", codes))
    plans = [plan_of_sql(query["sql"]) for query in captured.captured_queries if "LIMIT 300" in query["sql"]]
    assert "victor" in index_condition(plans, "procedure_dep_address_trgm")
    assert not any("prevex_keyed_trigrams" in plan for plan in plans)


def test_the_test_sees_a_sequential_scan_where_no_index_helps(cases):
    assert sequential_scans("SELECT id FROM procedure_procedure WHERE debt > 100") == ["procedure_procedure"]


def test_a_typo_reads_the_names_fuzzily_from_the_trigram_index_and_bounded(crowded_departement):
    """A name with a typo: the `%>` lookup is answered by the GIN trigram index, planned apart from
    any LIMIT (a MATERIALIZED CTE: with the LIMIT in sight PostgreSQL chose a sequential scan testing
    every row), FUZZY_READ matches read and the nearest SEARCH_CANDIDATES kept; the page then reads
    them by primary key. The matches are read among the procedures of the scope (the Côte-d'Or's,
    as for its secretariat), from the index that holds the département with the names."""
    with CaptureQueriesContext(connection) as captured:
        list(search_procedures(Procedure.objects.filter(departement_code="21"), "dupond marei 1975")[:50])
    fuzzy = [q["sql"] for q in captured.captured_queries if "<<->" in q["sql"]]
    assert len(fuzzy) == 1
    assert 'AS MATERIALIZED (SELECT "procedure_procedure"."id"' in fuzzy[0]
    plan = plan_of_sql(fuzzy[0])
    assert "procedure_dep_search_trgm" in plan and "%>" in plan
    assert plan.lstrip().startswith("Limit")
    assert f"LIMIT {FUZZY_READ}" in fuzzy[0] and fuzzy[0].endswith(f"LIMIT {SEARCH_CANDIDATES}")


def plan_of_sql(sql, *settings):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for setting in settings:
            cursor.execute(setting)
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def all_queue_urls(territory):
    """Every filter of the work queue, each value (issue 11: every filter stays fast)."""
    queue = reverse("procedure:work_queue")
    urls = queue_urls()
    urls += [f"{queue}?action={value}" for value, _ in Action.choices]
    urls += [f"{queue}?action=anomalies", f"{queue}?territory={territory.pk}"]
    urls += [f"{queue}?assignee={value}" for value in ("moi", "personne")]
    urls += [f"{queue}?stage={Stage.SUMMONS.value}&period=mois", f"{queue}?page=3"]
    return urls


@pytest.fixture
def queue_cases(cases):
    for procedure in Procedure.objects.all():
        Task.objects.create(procedure=procedure, kind="examen_x", title="Sans échéance", due_date=None)
    territory = TerritoryFactory()
    territory.communes.add(*Commune.objects.all()[:1])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return territory


def test_every_filter_of_the_work_queue_reads_an_index_tasks_included(secretariat_client, queue_cases):
    for url in all_queue_urls(queue_cases):
        assert scans_of_page(secretariat_client, url, watched=(*WATCHED, "procedure_task")) == {}, url


def test_the_work_queue_walks_the_open_tasks_in_its_order_without_grouping(
    secretariat_client, queue_cases, monkeypatch
):
    """Past QUEUE_CAP tasks, the page of cases is read by walking the index of the open tasks in the
    queue's order (due date, case), keeping the first task of each case: no grouping, no sort of
    every open task."""
    from procedure.views import work_queue

    monkeypatch.setattr(work_queue, "QUEUE_CAP", 2)
    with CaptureQueriesContext(connection) as captured:
        secretariat_client.get(reverse("procedure:work_queue"))
    (walk,) = [q["sql"] for q in captured.captured_queries if "NOT EXISTS(" in q["sql"]]
    # A few rows here: PostgreSQL would rather sort them. Without sorts it must find an index that
    # gives the order, or still sort (as it does at 500,000 rows with the old grouping).
    plan = plan_of_sql(walk, "SET LOCAL enable_sort = off")
    # The département's open tasks by due date, from the index that starts with its code: in a
    # database holding the country, never the other départements' open tasks (issue 16)
    walked = [line for line in plan.splitlines() if "using task_open_dep_due_idx" in line]
    assert walked and "on procedure_task" in walked[0], plan
    # (`(departement_code)::text = …` on the heap, `departement_code = …` index only: migration 0037)
    assert re.search(r"departement_code\)?(::text)? = '21'::text", plan), plan
    assert "Aggregate" not in plan, plan
    sorts = [line for line in plan.splitlines() if "Sort" in line and "Sort Key" not in line]
    assert all("Incremental Sort" in line for line in sorts), plan  # only the case, within a due date
    assert plan.lstrip().startswith("Limit")


def test_an_action_of_the_work_queue_is_walked_on_the_departement_s_open_tasks_of_that_action(
    secretariat_client, queue_cases, monkeypatch
):
    """By action, the walk reads the open tasks of that action in the département, in the queue's
    order (département, action, due date, case), not every open task of the country."""
    from procedure.views import work_queue

    monkeypatch.setattr(work_queue, "QUEUE_CAP", 0)
    actions = {value for value, _ in Action.choices}
    kind = Task.objects.filter(status=Task.Status.OPEN, kind__in=actions).values_list("kind", flat=True)[0]
    with CaptureQueriesContext(connection) as captured:
        secretariat_client.get(f"{reverse('procedure:work_queue')}?action={kind}")
    (walk,) = [q["sql"] for q in captured.captured_queries if "NOT EXISTS(" in q["sql"]]
    plan = plan_of_sql(walk, "SET LOCAL enable_sort = off", "SET LOCAL enable_bitmapscan = off")
    assert "using task_open_dep_kind_due_idx on procedure_task" in plan.split("SubPlan")[0], plan


# A secretariat of one département sorts and filters on the copies the procedure keeps of its
# household's label and its lease's commune and sector, from indexes that start with the
# département's code (decision 017): in a database holding the country, the list reads its own
# département's entries, not the country's households or communes in order (130 × the blocks).
DEPARTEMENT_LISTS = [
    ("tri=menage", "procedure_dep_label_idx"),
    ("tri=-menage", "procedure_dep_label_desc_idx"),
    ("tri=commune", "procedure_dep_commune_idx"),
    ("tri=-commune", "procedure_dep_commune_desc_idx"),
    ("sector=public", "procedure_dep_sector_idx"),
    ("sector=prive", "procedure_dep_sector_idx"),
]


@pytest.mark.parametrize(("query", "index"), DEPARTEMENT_LISTS)
def test_a_departement_s_list_is_sorted_and_filtered_from_its_own_index(
    secretariat_client, cases, query, index
):
    # A few rows here: PostgreSQL would rather sort them; without sorts it must walk an index in
    # the list's order, or still sort. Incremental sorts too: on a few rows it may read the other
    # direction's index backwards and sort each label's ties by id (seen once in CI).
    plan = assert_list_read_from(secretariat_client, query, index)
    assert "households_household.label" not in plan and "directory_commune.name" not in plan


# The sorts of the procedure's own columns, from the indexes that start with the département
# (migration 0032): the country's indexes in the same order would be walked through every other
# département's cases to find this one's (7 to 8 ms of SQL against 3 alone at 2,500,000, issue 16).
DEPARTEMENT_SORTS = [
    ("tri=reference", "procedure_dep_ref_idx"),
    ("tri=-reference", "procedure_dep_ref_desc_idx"),
    ("tri=etape", "procedure_dep_rank_idx"),
    ("tri=-etape", "procedure_dep_rank_desc_idx"),
    ("tri=dernier_acte", "procedure_dep_last_act_idx"),
    ("tri=-dernier_acte", "procedure_dep_last_act_desc_idx"),
]


@pytest.fixture
def cases_among_the_country_s(cases):
    """The Côte-d'Or's cases above among more of another département's, as in a national install."""
    chalon = CommuneFactory(insee_code="71076", name="Chalon-sur-Saône", departement_code="71")
    ProcedureFactory.create_batch(60, lease__commune=chalon)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


@pytest.mark.parametrize(("query", "index"), DEPARTEMENT_SORTS)
def test_a_departement_s_list_sorted_on_the_procedure_s_columns_reads_its_own_index(
    secretariat_client, cases_among_the_country_s, query, index
):
    assert_list_read_from(secretariat_client, query, index)
    assert Procedure.objects.exclude(departement_code="21").count() == 60  # the others are there


@pytest.fixture
def cases_in_two_communes(cases):
    """The cases above in one commune, among more in another (a département's large commune)."""
    first = Procedure.objects.first().lease.commune
    territory = TerritoryFactory()
    territory.communes.add(first)
    ProcedureFactory.create_batch(40, lease__commune=CommuneFactory(insee_code="21999", name="Zèbre"))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return first, territory


def test_a_departement_s_list_by_commune_or_territory_reads_the_commune_codes_index(
    secretariat_client, cases_in_two_communes
):
    """A commune (its code or a part of its name) or a territory (its communes): their codes read
    first, then the procedures from the copy of their commune's code, in the list's order
    (decision 017), never the leases of those communes then each one's case (Dijon at 2,500,000)."""
    commune, territory = cases_in_two_communes
    for query in (
        f"commune={commune.insee_code}",
        f"commune={commune.name[:4]}",
        f"territory={territory.pk}",
    ):
        assert_list_read_from(secretariat_client, query, "procedure_dep_insee_idx")


def assert_list_read_from(client, query, index):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"{reverse('procedure:list')}?{query}")
    assert response.status_code == 200
    (page,) = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith('SELECT "procedure_procedure"."id"')
        and "ORDER BY" in q["sql"]
        and "LIMIT" in q["sql"]
    ]
    no_sorts = ("SET LOCAL enable_sort = off", "SET LOCAL enable_incremental_sort = off")
    plan = plan_of_sql(page, *no_sorts, "SET LOCAL enable_bitmapscan = off")
    assert f"using {index} on procedure_procedure" in plan, (query, plan)
    listing = plan.split("SubPlan")[0]  # the next due date of each row (its own little sort) aside
    assert "Sort" not in listing.replace("Sort Key", ""), (query, plan)
    return plan


def index_of_first_read(scans):
    """The index the plan's first scan reads: named on the scan itself (« Index Scan using X on
    T »), or, for a bitmap heap scan, on the bitmap index scan beneath it (seen in CI's full run)."""
    first = scans[0]
    if first.startswith("->  Bitmap Heap Scan") or first.startswith("Bitmap Heap Scan"):
        return scans[1].split("Bitmap Index Scan on ")[1].split()[0]
    return first.split(" using ")[1].split()[0] if " using " in first else None


def test_a_rare_stage_of_the_work_queue_is_read_from_its_cases(secretariat_client, queue_cases):
    """A selection of few tasks is read whole, once, without an order: for a stage, from the
    procedures at that stage to their open tasks (at 500,000 procedures on the open tasks' index
    (case, due date, id), index only), never by walking every open task in the queue's order to
    keep the few whose case is at that stage (« expulsion » at 500,000 procedures: 89,000 open
    tasks read for none, docs/decisions/016)."""
    url = f"{reverse('procedure:work_queue')}?stage={Stage.EVICTION.value}"
    with CaptureQueriesContext(connection) as captured:
        secretariat_client.get(url)
    reads = [q["sql"] for q in captured.captured_queries if "LIMIT 1001" in q["sql"]]
    (read,) = [sql for sql in reads if sql.startswith('SELECT "procedure_task"."id"')]
    assert "NOT EXISTS" not in read
    plan = plan_of_sql(read)
    scans = [line.strip() for line in plan.splitlines() if "Scan" in line]
    # First the cases at that stage, from an index on the cases (a stage index with the département,
    # or the stage alone and the département filtered, or on these dozen rows the département's
    # cases from any index that holds it, the search's GIN included: seen in CI), then their open
    # tasks; never a walk of the open tasks' (status, due date) index in its order.
    assert "on procedure_procedure" in scans[0], plan
    assert index_of_first_read(scans).startswith("procedure_"), plan
    assert "Index Scan using task_open_dep_due_idx" not in plan, plan
    assert "Seq Scan" not in plan, plan


@pytest.fixture
def cases_mostly_without_tasks(cases):
    """The cases above, among many more with no open task (as at 500,000: 28,732 with one)."""
    ProcedureFactory.create_batch(60)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return cases


@pytest.mark.parametrize(
    "query", ["overdue=oui", "deadline_within=0", "deadline_within=7", "deadline_within=30"]
)
def test_the_overdue_and_deadline_filters_read_a_range_of_the_stored_next_due_date(
    secretariat_client, cases_mostly_without_tasks, query
):
    """The soonest open due date is stored on the procedure (decision 003): « an open task due by
    then » is a range of procedure_dep_next_due_idx (département, next due date) for the capped
    count, not a walk of the procedures merged with their open tasks (10,001 cases found among
    206,000 read, 166 to 240 ms at 500,000 procedures); the page reads no task either (it keeps the
    cases in range as it walks the list's order, or reads the same range)."""
    with CaptureQueriesContext(connection) as captured:
        response = secretariat_client.get(f"{reverse('procedure:list')}?{query}")
    assert response.status_code == 200
    reads = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith("SELECT") and '"procedure_procedure"."next_due_date" <' in q["sql"]
    ]
    assert len(reads) == 2, reads  # the capped count, the page
    for sql in reads:
        assert "procedure_task" not in sql
        assert "Seq Scan" not in plan_of_sql(sql)
    (count,) = [sql for sql in reads if sql.startswith("SELECT COUNT(*)")]
    plan = plan_of_sql(count, "SET LOCAL enable_bitmapscan = off")
    assert "procedure_dep_next_due_idx on procedure_procedure" in plan, plan


def test_the_list_s_next_due_column_is_read_from_the_procedure(secretariat_client, cases):
    with CaptureQueriesContext(connection) as captured:
        secretariat_client.get(reverse("procedure:list"))
    (page,) = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith('SELECT "procedure_procedure"."id"') and "LIMIT" in q["sql"]
    ]
    assert '"procedure_procedure"."next_due_date"' in page and "procedure_task" not in page


@pytest.mark.parametrize("query", ["stage=assignation", "sector=public", "territory"])
def test_a_filter_on_the_case_names_the_case_s_departement_for_its_index(
    secretariat_client, queue_cases, query
):
    """The work queue's filters on the case (stage, sector, territory) say the case's département as
    well as the task's, so that PostgreSQL reads the cases from an index that starts with it
    (procedure_dep_stage_idx…), not the country's cases at that stage (issue 16: « assignation »
    read 100,000 cases of the country at 2,500,000 procedures to keep the Côte-d'Or's)."""
    query = f"territory={queue_cases.pk}" if query == "territory" else query
    with CaptureQueriesContext(connection) as captured:
        secretariat_client.get(f"{reverse('procedure:work_queue')}?{query}")
    reads = [
        q["sql"] for q in captured.captured_queries if q["sql"].startswith('SELECT "procedure_task"."id"')
    ]
    assert reads
    for sql in reads:
        assert '"procedure_procedure"."departement_code" IN (\'21\')' in sql, sql


def test_postgresql_knows_that_a_commune_lies_in_one_departement():
    """Extended statistics on (département, commune) (procedure migration 0030): without them the
    planner multiplied the two shares, estimated 46 procedures for the Côte-d'Or's Dijon at 2,500,000
    instead of 5,973, and sorted them all instead of reading 50 in order (issue 16)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT stxkind FROM pg_statistic_ext WHERE stxname = 'procedure_dep_commune_stats'"
            " AND stxrelid = 'procedure_procedure'::regclass"
        )
        (kinds,) = cursor.fetchone()
    assert set(kinds) == {"f", "m"}  # functional dependencies and most common values


@pytest.mark.parametrize(
    ("query", "index"),
    [
        (f"stage={Stage.SUMMONS.value}", "procedure_dep_stage_due_idx"),
        (f"sector={HousingSector.PRIVATE.value}", "procedure_dep_sector_due_idx"),
    ],
)
def test_a_stage_or_a_sector_of_the_work_queue_reads_its_cases_in_the_order_of_their_next_due_date(
    secretariat_client, queue_cases, monkeypatch, query, index
):
    """Past QUEUE_CAP, a stage or a sector alone reads the page's cases from the index on
    (département, stage or sector, next due date) in its order, no sort, and counts their open tasks
    joined to those cases: not by walking the département's open
    tasks in due order to keep those of the stage (« jugement » at 500,000 procedures: 72 ms for a
    page, 128 ms to count, issue 11)."""
    from procedure.views import work_queue

    monkeypatch.setattr(work_queue, "QUEUE_CAP", 0)
    with CaptureQueriesContext(connection) as captured:
        secretariat_client.get(f"{reverse('procedure:work_queue')}?{query}")
    sqls = [q["sql"] for q in captured.captured_queries]
    (page,) = [
        sql for sql in sqls if sql.startswith('SELECT "procedure_procedure"."id" AS "pk"') and "EXISTS" in sql
    ]
    plan = plan_of_sql(page, "SET LOCAL enable_sort = off", "SET LOCAL enable_incremental_sort = off")
    assert f"using {index} on procedure_procedure" in plan, plan
    assert "Sort" not in plan and plan.lstrip().startswith("Limit"), plan
    (count,) = [sql for sql in sqls if sql.startswith('SELECT "procedure_task"."id" AS "pk"')]
    # The count's plan on a dozen rows is the planner's whim (bench: 4 to 5 ms in one département
    # or the country's); it is joined to the case, under the case's département and the task's.
    assert 'INNER JOIN "procedure_procedure"' in count
    assert '"procedure_task"."departement_code" IN (\'21\')' in count
    assert '"procedure_procedure"."departement_code" IN (\'21\')' in count


def test_the_work_queue_s_anomalies_are_read_from_the_index_of_the_open_anomaly_tasks(
    secretariat_client, queue_cases
):
    """The LIKE on the anomalies' kinds reads no range of the (département, kind) index (the
    database's collation): their own partial index, whose condition is the query's, answers it, not
    the département's open tasks read one by one (89,234 for none at 500,000 procedures, issue 11)."""
    with CaptureQueriesContext(connection) as captured:
        secretariat_client.get(f"{reverse('procedure:work_queue')}?action=anomalies")
    (read,) = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith('SELECT "procedure_task"."id" AS "pk"')
    ]
    assert "using task_open_dep_anomaly_idx on procedure_task" in plan_of_sql(
        read, "SET LOCAL enable_bitmapscan = off"
    )

"""The country-size bench (issue 16), `python -m bench.national` (make bench-national): one
département's secretariat pages in a national database against a database holding that département
alone, and the national indicators.

Two databases beside DATABASE_URL's (default prevex_bench): `<name>_national`, BENCH_DEPARTEMENTS
départements (100: the most populous of the 101) and BENCH_NATIONAL_PROCEDURES procedures
(2,500,000: five years of the country's 500,000 commandements de payer a year, law.md "Scale")
spread over their communes by population; `<name>_single_<NN>`, the département BENCH_DEPARTEMENT
(21) alone with as many procedures as it has in the national one. Each is built by `manage.py
bench_data … --departements D --departement NN` (kept when already there, both rebuilt with
`--fresh`), then ANALYZEd.

Then every page of bench/measure.py, requested as the département's own secretariat (serving only
its département) in one database and the other: every page once on each side to warm the caches,
then their requests interleaved page by page (one more to warm each side, then BENCH_REPEAT rounds,
20 by default, of one request on each side, each side first in turn) so that the machine's load
weighs alike on both: each page's p95 side by side, the ratio and the verdict against RATIO_TARGET,
and beside them what the load does not change: the SQL queries, and the blocks PostgreSQL reads for
the page's SELECTs and their time, each run again under EXPLAIN (ANALYZE, BUFFERS); then a year's
national indicators: the national steering view as its user waits for it, read from the counts
stored at the last refresh (indicators/national_counts.py, decision 019), against
INDICATORS_TARGET_MS; the refresh itself beside it (every counted indicator per département over
every year the view may ask, indicators/national.py: background work, nightly or asked from the
page, without a target); and the dashboard's figures counted live over the whole country
(bench/indicators.py).
"""

import os
import statistics
import sys
import time
from urllib.parse import urlparse

from .__main__ import configure, ensure_database

RATIO_TARGET = 1.2  # issue 16: a département's pages at p95 ≤ 1.2 × in a single-département database
INDICATORS_TARGET_MS = 2000  # issue 16: the national indicators in ≤ 2 s


def settings_from_environment():
    return {
        "procedures": int(os.environ.get("BENCH_NATIONAL_PROCEDURES", "2500000")),
        "departements": int(os.environ.get("BENCH_DEPARTEMENTS", "100")),
        "departement": os.environ.get("BENCH_DEPARTEMENT", "21").strip().upper().zfill(2),
        "repeat": int(os.environ.get("BENCH_REPEAT", "20")),
        "seed": int(os.environ.get("BENCH_SEED", "1")),
    }


def database_urls(url, departement):
    """(national, single) database URLs beside `url`'s database."""
    parsed = urlparse(url)
    return (
        parsed._replace(path=f"{parsed.path}_national").geturl(),
        parsed._replace(path=f"{parsed.path}_single_{departement.lower()}").geturl(),
    )


def switch_to(url):
    """Point Django's default connection at one of the two databases."""
    from django.db import connection

    name = urlparse(url).path.lstrip("/")
    if connection.settings_dict["NAME"] != name:
        connection.close()
        connection.settings_dict["NAME"] = name


def build(url, *, procedures, departements, departement, seed):
    """Migrate, grow the data set, ANALYZE; the département's procedure count."""
    from django.core.management import call_command
    from django.db import connection

    from procedure.models import Procedure

    switch_to(url)
    print(f"Base {connection.settings_dict['NAME']}.", flush=True)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command(
        "bench_data", procedures=procedures, departements=departements, departement=departement, seed=seed
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")  # as autovacuum would soon (bench/__main__.py says why)
    count = Procedure.objects.filter(departement_code=departement).count()
    print(f"Construite en {time.perf_counter() - started:.0f} s : {count} procédures du {departement}.")
    return count


def prepare(url, departement):
    """The secretariat's signed-in client and the pages it opens, in the database at `url`."""
    from bench import generate, measure

    switch_to(url)
    user = generate.departement_secretariat(departement)
    return measure.signed_in_client(user), measure.pages(departement=departement)


def compare(single, national, *, repeat, size):
    """Each page measured in the single-département database and the national one (each side a
    (url, client, pages)), their requests interleaved: rows (name, single row, national row, single
    work, national work)."""
    if len(single[2]) != len(national[2]):
        sys.exit("Les deux bases ne donnent pas les mêmes pages : reconstruisez-les (--fresh).")
    for (name, _), (other, _) in zip(single[2], national[2], strict=True):
        if name != other:  # the same filter on another value (a commune of one procedure)
            print(f"Page appariée : « {name} » (seul) avec « {other} » (national).")
    warm(single, national)
    print_header()
    rows = []
    for index, (name, _) in enumerate(single[2]):
        sides = [(url, client, pages[index][1]) for url, client, pages in (single, national)]
        measured = measure_side_by_side(name, sides, repeat=repeat, size=size)
        work = []
        for url, client, page in sides:
            use(url)
            work.append(sql_work(client, page))
        rows.append((name, *measured, *work))
        print_row(rows[-1])
    return rows


def warm(*sides):
    """Every page requested once on each side before any is timed: a database just built (the
    national one first, then the single one, whose blocks the cache then holds) is not a database
    in use; without it the first pages measured the national database's cold cache (run 9: the
    work queue 1.31 ×, its median 80 / 93 ms)."""
    from bench import measure

    for url, client, pages in sides:
        use(url)
        for _, page in pages:
            measure.timed_request(client, page)


def measure_side_by_side(name, sides, *, repeat, size):
    """Each side's row (name, how, median ms, p95 ms, SQL queries, target ms): one request to warm
    each side's caches, then `repeat` rounds of one request on each side, in turn first (ABBA), so
    that a change of the machine's load in the middle of a page weighs alike on both."""
    from bench import measure

    timings, queries = [[], []], [0, 0]
    for attempt in range(repeat + 1):
        order = (0, 1) if attempt % 2 else (1, 0)
        for side in order:
            url, client, page = sides[side]
            if timings[side] is None:
                continue
            use(url)
            elapsed, queries[side] = measure.timed_request(client, page)
            if elapsed is None:  # cut by statement_timeout
                timings[side] = None
            elif attempt:  # the first request warms the caches
                timings[side].append(elapsed)
    return [
        (name, "URL", None, None, queries[side], measure.target_ms(size))
        if not timings[side]
        else (
            name,
            "URL",
            statistics.median(timings[side]),
            measure.p95(timings[side]),
            queries[side],
            measure.target_ms(size),
        )
        for side in (0, 1)
    ]


def use(url):
    """The database at `url`, connected with the bench's statement timeout before any request is
    timed (a switch closes the connection: opening the next one is not the page's time)."""
    from bench import measure

    switch_to(url)
    measure.set_timeout()


def sql_work(client, url):
    """(shared blocks, SQL ms) of the page's SELECTs, each run again under EXPLAIN (ANALYZE,
    BUFFERS): the work PostgreSQL does, which the load of a shared machine does not change."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench import measure

    measure.fresh_query_log()
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    blocks, milliseconds = 0, 0.0
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            if not query["sql"].lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + query["sql"])
            plan = _json(cursor.fetchone()[0])[0]
            blocks += plan["Plan"].get("Shared Hit Blocks", 0) + plan["Plan"].get("Shared Read Blocks", 0)
            milliseconds += plan["Execution Time"]
    return blocks, milliseconds


def _json(value):
    import json

    return json.loads(value) if isinstance(value, str) else value


def ratio(single_row, national_row):
    if single_row[3] is None or national_row[3] is None:
        return None
    return national_row[3] / single_row[3] if single_row[3] else None


def print_header():
    print(
        "| page | requêtes SQL (seul / national) | blocs lus (seul / national) | temps SQL ms (seul / "
        "national) | médiane ms (seul / national) | p95 seul (ms) | p95 national (ms) | rapport des p95 "
        f"| ≤ {RATIO_TARGET} × |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |", flush=True)


def _ms(value):
    return "coupée" if value is None else f"{value:.0f}"


def print_row(row):
    name, single_row, national_row, single_work, national_work = row
    found = ratio(single_row, national_row)
    verdict = "**manquée**" if found is None or found > RATIO_TARGET else "oui"
    print(
        f"| {name} | {single_row[4]} / {national_row[4]} | {single_work[0]} / {national_work[0]} "
        f"| {single_work[1]:.0f} / {national_work[1]:.0f} | {_ms(single_row[2])} / {_ms(national_row[2])} "
        f"| {_ms(single_row[3])} | {_ms(national_row[3])} | {'—' if found is None else f'{found:.2f}'} "
        f"| {verdict} |",
        flush=True,
    )


def print_summary(rows, indicator_rows, options, count):
    from bench import indicators

    within = sum(1 for _, s, n, *_ in rows if (r := ratio(s, n)) is not None and r <= RATIO_TARGET)
    blocks = sum(1 for *_, s, n in rows if n[0] <= RATIO_TARGET * max(s[0], 1))
    print()
    print(
        f"{options['procedures']} procédures, {options['departements']} départements ; "
        f"le {options['departement']} : {count} procédures."
    )
    print(f"Pages dans {RATIO_TARGET} × (p95) : {within} sur {len(rows)}.")
    print(f"Pages dans {RATIO_TARGET} × (blocs lus par PostgreSQL) : {blocks} sur {len(rows)}.")
    for name, how, median, p95, queries in indicator_rows:
        if how == indicators.BACKGROUND:  # nobody waits for it: timed beside, no target
            print(
                f"Indicateurs nationaux, {name} : {how}, médiane {median:.0f} ms, p95 {p95:.0f} ms, "
                f"{queries} requêtes (personne ne l'attend : sans cible)"
            )
            continue
        verdict = "oui" if p95 <= INDICATORS_TARGET_MS else "**manquée**"
        print(
            f"Indicateurs nationaux, {name} : médiane {median:.0f} ms, p95 {p95:.0f} ms, {queries} "
            f"requêtes (cible ≤ {INDICATORS_TARGET_MS} ms) : {verdict}"
        )
    print(f"Charge de la machine (1, 5, 15 min) : {os.getloadavg()}", flush=True)


def main():
    url = configure()
    options = settings_from_environment()
    national_url, single_url = database_urls(url, options["departement"])
    for name in (national_url, single_url):
        ensure_database(name, fresh="--fresh" in sys.argv[1:])

    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    from bench import indicators

    setup_test_environment()
    call_command("collectstatic", interactive=False, verbosity=0)
    started = time.perf_counter()
    build_options = {key: options[key] for key in ("departements", "departement", "seed")}
    count = build(national_url, procedures=options["procedures"], **build_options)
    build(single_url, procedures=count, **{**build_options, "departements": 1})
    national = (national_url, *prepare(national_url, options["departement"]))
    single = (single_url, *prepare(single_url, options["departement"]))
    rows = compare(single, national, repeat=options["repeat"], size=count)
    switch_to(national_url)
    indicator_rows = indicators.measure_national(repeat=5)
    print_summary(rows, indicator_rows, options, count)
    print(f"Durée totale : {time.perf_counter() - started:.0f} s.")


if __name__ == "__main__":
    main()

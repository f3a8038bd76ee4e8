"""Run with `python -m bench` (make bench). DATABASE_URL names the dedicated benchmark database
(default postgres://postgres@127.0.0.1:5432/prevex_bench): it is created if missing and migrated.

Sizes: BENCH_SIZES="10000,500000" (procedures); BENCH_REPEAT=20 requests per page (the p95 of 5 or
10 requests is their slowest, of 20 the second slowest); BENCH_SEED=1.
The largest size lives in the named database, each smaller one in its own (`prevex_bench_10000`…);
each is built by `manage.py bench_data --procedures N --seed S` (kept when already there, rebuilt
with `--fresh`), then every table is ANALYZEd. For each size: every page (every filter value, every
sort, search, case page) with its target, a year's indicators, the import of 10,000 acts twice
(bench/importing.py), then the load test against gunicorn (bench/load.py). Each figure is printed
as soon as measured, then the whole tables.
"""

import os
import sys
import time
from urllib.parse import urlparse

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/prevex_bench"
INDICATORS_TARGET_MS = 1000  # issue 11: a year's 24 indicators nationwide ≤ 1 s at p95


def ensure_database(url, *, fresh=False):
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    maintenance = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as connection:
        if fresh:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"Base {name} créée.")


def database_url(url, size, sizes):
    """The largest size in the named database, each smaller one in `<name>_<size>`."""
    if size == max(sizes):
        return url
    parsed = urlparse(url)
    return parsed._replace(path=f"{parsed.path}_{size}").geturl()


def use_database(url):
    """Point Django's default connection at another benchmark database."""
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = urlparse(url).path.lstrip("/")
    print(f"Base {connection.settings_dict['NAME']}.", flush=True)


def configure():
    """The benchmark database's URL (DATABASE_URL or the default) and the environment the pages
    are served in; returns the URL."""
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith("postgres"):
        sys.exit("Le banc d'essai demande PostgreSQL (DATABASE_URL=postgres://…).")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # As in production (DEBUG off: cached templates, hashed static files), with the same key for
    # this process and the gunicorn it starts, so that its session is valid there.
    os.environ.update(
        DEBUG="False",
        ALLOWED_HOSTS="testserver,127.0.0.1",
        SECURE_SSL_REDIRECT="False",
        SECURE_HSTS_SECONDS="0",
    )
    os.environ.setdefault("SECRET_KEY", "prevex-bench-only-" + "k" * 50)
    return url


def main():
    url = configure()
    fresh = "--fresh" in sys.argv[1:]
    sizes = sorted(int(size) for size in os.environ.get("BENCH_SIZES", "10000,500000").split(","))
    repeat = int(os.environ.get("BENCH_REPEAT", "20"))
    seed = int(os.environ.get("BENCH_SEED", "1"))
    for size in sizes:
        ensure_database(database_url(url, size, sizes), fresh=fresh)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    from . import generate, importing, indicators, load, measure

    setup_test_environment()
    call_command("collectstatic", interactive=False, verbosity=0)
    started = time.perf_counter()
    results, loads, imports = [], [], []
    for size in sizes:
        size_url = database_url(url, size, sizes)
        use_database(size_url)
        call_command("migrate", verbosity=0)
        call_command("bench_data", procedures=size, seed=seed)
        with connection.cursor() as cursor:
            # Every table vacuumed and analysed, as autovacuum would soon: a migration that rewrote
            # rows (0027 filled a column of every procedure) leaves the visibility map cleared, and
            # the index-only scans then read the heap (the work queue at 500,000: p95 up to 2 ×).
            cursor.execute("VACUUM (ANALYZE)")
        user = generate.secretariat_user()
        measure.print_header()
        rows = measure.run(user, repeat=repeat, size=size)
        for name, how, median, p95, queries in indicators.measure(repeat=min(repeat, 5)):
            row = (name, how, median, p95, queries, INDICATORS_TARGET_MS)
            measure.print_row(size, row)
            rows.append(row)
        results.append((size, rows))
        print(f"Charge de la machine (1, 5, 15 min) : {os.getloadavg()}", flush=True)
        print("| import | durée | cible | atteinte | résultat |\n| --- | ---: | ---: | --- | --- |")
        imports.append((size, importing.measure()))
        load.print_header()
        loads += load.measure(user, size_url, size)
    measure.print_table(results)
    print()
    load.print_header()
    for row in loads:
        load.print_row(row)
    load.print_targets(loads)
    for size, rows in imports:
        print(f"Import, {size} procédures :")
        for row in rows:
            importing.print_row(row)
    print(f"Durée totale : {time.perf_counter() - started:.0f} s.")


if __name__ == "__main__":
    main()

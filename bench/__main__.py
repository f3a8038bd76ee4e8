"""Run with `python -m bench` (make bench). DATABASE_URL names the dedicated benchmark database
(default postgres://postgres@127.0.0.1:5432/prevex_bench): it is created if missing and migrated.

Sizes: BENCH_SIZES="5000,500000" (procedures); BENCH_REPEAT=20 requests per page. The largest size
lives in the named database, each smaller one in its own (`prevex_bench_5000`…), so that a data set
already generated is reused (only migrated) instead of regenerated; `--fresh` drops and rebuilds
them. Each page's figures are printed as soon as measured, then the whole table.
"""

import os
import sys
import time
from urllib.parse import urlparse

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/prevex_bench"


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


def main():
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith("postgres"):
        sys.exit("Le banc d'essai demande PostgreSQL (DATABASE_URL=postgres://…).")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    fresh = "--fresh" in sys.argv[1:]
    sizes = sorted(int(size) for size in os.environ.get("BENCH_SIZES", "5000,500000").split(","))
    repeat = int(os.environ.get("BENCH_REPEAT", "20"))
    for size in sizes:
        ensure_database(database_url(url, size, sizes), fresh=fresh)

    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    from . import generate, indicators, measure

    setup_test_environment()
    started = time.perf_counter()
    results = []
    for size in sizes:
        use_database(database_url(url, size, sizes))
        call_command("migrate", verbosity=0)
        generate.load_communes()
        user = generate.secretariat_user()
        built = time.perf_counter()
        generate.grow_to(size, departement_only=size <= 20000)
        print(f"Jeu de {size} procédures prêt en {time.perf_counter() - built:.0f} s.", flush=True)
        measure.print_header()
        rows = measure.run(user, repeat=repeat, size=size)
        for row in indicators.measure(repeat=min(repeat, 5)):
            measure.print_row(size, row)
            rows.append(row)
        results.append((size, rows))
    measure.print_table(results)
    print(f"Durée totale : {time.perf_counter() - started:.0f} s.")


if __name__ == "__main__":
    main()

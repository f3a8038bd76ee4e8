"""Run with `python -m bench` (make bench). DATABASE_URL names the dedicated benchmark database
(default postgres://postgres@127.0.0.1:5432/prevex_bench): it is created if missing and migrated.

Sizes: BENCH_SIZES="5000,500000" (procedures, cumulative); BENCH_REPEAT=20 requests per page.
"""

import os
import sys
import time
from urllib.parse import urlparse

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/prevex_bench"


def ensure_database(url):
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    maintenance = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"Base {name} créée.")


def main():
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith("postgres"):
        sys.exit("Le banc d'essai demande PostgreSQL (DATABASE_URL=postgres://…).")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    ensure_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    from . import generate, measure

    setup_test_environment()
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    generate.load_communes()
    user = generate.secretariat_user()
    sizes = [int(size) for size in os.environ.get("BENCH_SIZES", "5000,500000").split(",")]
    repeat = int(os.environ.get("BENCH_REPEAT", "20"))
    results = []
    for size in sizes:
        built = time.perf_counter()
        generate.grow_to(size, departement_only=size <= 20000)
        print(f"Jeu de {size} procédures prêt en {time.perf_counter() - built:.0f} s.", flush=True)
        results.append((size, measure.run(user, repeat=repeat)))
    measure.print_table(results)
    print(f"Durée totale : {time.perf_counter() - started:.0f} s.")


if __name__ == "__main__":
    main()

"""Acts read from their PDF: `python -m bench.reading` (make bench-reading).

On the benchmark database (DATABASE_URL, default postgres://…/prevex_bench, created and migrated
if missing; its communes loaded), BENCH_READING acts (300 by default) are generated as the test
suite makes them (tests/procedure/act_pdfs.py: five kinds, three wordings each), then:

1. read by the reader alone (pypdf and the tables of procedure/reading/reader.py): acts per
   second, and per field the share read right, left empty and read wrong;
2. dropped and read through the service (private file, row, Celery task in-process): acts per
   second, in a transaction rolled back at the end, the files in a temporary folder.
"""

import os
import sys
import tempfile
import time

COUNT = int(os.environ.get("BENCH_READING", "300"))


class Rollback(Exception):
    pass


def setup():
    from bench.__main__ import DEFAULT_URL, ensure_database

    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith("postgres"):
        sys.exit("Le banc d'essai demande PostgreSQL (DATABASE_URL=postgres://…).")
    os.environ["DATABASE_URL"] = url
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="prevex-bench-reading-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.pop("REDIS_URL", None)  # the tasks run in-process: the bench measures reading
    ensure_database(url)

    import django

    django.setup()
    from django.core.management import call_command

    from bench import generate

    call_command("migrate", verbosity=0)
    generate.load_communes()


def social_landlords():
    from directory.models import Organisation
    from tests.procedure import act_pdfs

    for number, name in enumerate(act_pdfs.SOCIAL_LANDLORDS):
        Organisation.objects.get_or_create(
            code=f"bench-bailleur-{number}",
            defaults={"name": name, "kind": Organisation.Kind.SOCIAL_LANDLORD},
        )


def bench_reader(acts):
    from procedure.reading import services
    from tests.procedure import act_pdfs

    lookups = services.lookups()
    started = time.perf_counter()
    counts, complete, wrong = act_pdfs.measure(acts, lookups)
    elapsed = time.perf_counter() - started
    print(act_pdfs.table(counts, complete, len(acts)))
    print(f"Valeurs fausses proposées : {len(wrong)}")
    for line in wrong[:20]:
        print(f"  {line}")
    print(f"Lecteur seul : {len(acts) / elapsed:.1f} actes par seconde ({elapsed:.1f} s).", flush=True)


def bench_service(acts):
    from django.db import transaction

    from directory.models import User
    from procedure.reading import services

    user = User.objects.filter(is_active=True).first() or User.objects.create_user(
        email="bench.lecture@example.org"
    )
    started = time.perf_counter()
    try:
        with transaction.atomic():
            batch = services.read_pdfs(files=[(act.name, act.pdf) for act in acts], user=user)
            for document in batch.documents.all():  # what the task does, after commit
                services.read_document(document.pk)
            elapsed = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    print(f"Dépôt et lecture par le service : {len(acts) / elapsed:.1f} actes par seconde ({elapsed:.1f} s).")


def main():
    setup()
    from django.db import transaction

    from tests.procedure import act_pdfs

    started = time.perf_counter()
    acts = act_pdfs.generate(COUNT)
    print(f"{COUNT} actes générés (WeasyPrint) en {time.perf_counter() - started:.0f} s.", flush=True)
    try:
        with transaction.atomic():
            social_landlords()
            bench_reader(acts)
            bench_service(acts)
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()

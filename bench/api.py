"""Partner API benchmark: `python -m bench.api` (make bench-api).

On the benchmark database (DATABASE_URL, default postgres://…/prevex_bench, communes loaded), a
commissaires de justice's token posts BENCH_API_ACTS new acts (2000 by default) in batches of
BENCH_API_BATCH (500) to /api/v1/actes/lot/ through Django's test Client (the whole request:
token, rate limit, validation, the import, its tasks, the call log), then posts them again (all
already known). Then imports as many other new acts through `services.import_acts` directly, in
the same batches (the set-based import the batch endpoint calls), so that the API's own cost
(token, validation, the CSV built for the import, the call log) shows beside it. Prints acts
accepted per second for each. Everything is written in a transaction rolled back at the end: the
database is left as it was.
"""

import datetime
import os
import sys
import time

ACTS = int(os.environ.get("BENCH_API_ACTS", "2000"))
BATCH = int(os.environ.get("BENCH_API_BATCH", "500"))


class Rollback(Exception):
    pass


def setup():
    from bench.__main__ import DEFAULT_URL, ensure_database

    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith("postgres"):
        sys.exit("Le banc d'essai demande PostgreSQL (DATABASE_URL=postgres://…).")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    ensure_database(url)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from bench import generate

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.API_RATE_LIMIT = 1_000_000
    call_command("migrate", verbosity=0)
    generate.load_communes()


def acts(commune, run):
    day = datetime.date.today() - datetime.timedelta(days=30)
    return [
        {
            "reference": f"BENCH-API-{run}-{n:06d}",
            "acte": "commandement_de_payer",
            "date_acte": day.isoformat(),
            "nom": f"Ménage {n}",
            "adresse": f"{n} rue du Banc",
            "code_postal": commune.postal_code_list[0],
            "commune_insee": commune.insee_code,
            "bailleur": "SCI du Banc",
            "parc": "prive",
            "loyer": "650.00",
            "dette": "1950.00",
        }
        for n in range(ACTS)
    ]


def post_all(client, batch_acts):
    started = time.perf_counter()
    for start in range(0, len(batch_acts), BATCH):
        response = client.post(
            "/api/v1/actes/lot/",
            {"actes": batch_acts[start : start + BATCH]},
            content_type="application/json",
        )
        if response.status_code not in (200, 201):
            sys.exit(f"Refusé ({response.status_code}) : {response.content[:500]!r}")
    return time.perf_counter() - started


def import_all(batch_acts):
    import io

    from procedure import services
    from procedure.api import as_csv

    started = time.perf_counter()
    for start in range(0, len(batch_acts), BATCH):
        content = io.BytesIO(as_csv(batch_acts[start : start + BATCH]))
        report = services.import_acts(content, file_format="csv")
        if not report.ok:
            sys.exit(f"Refusé : {report.errors[:3]}")
    return time.perf_counter() - started


def bench():
    from django.db import transaction
    from django.test import Client
    from django.utils import timezone

    from directory import services
    from directory.models import Commune, Organisation

    try:
        with transaction.atomic():
            bailiffs = Organisation.objects.create(
                code="bench-api-cj", name="Étude du banc", kind=Organisation.Kind.BAILIFFS
            )
            _, secret = services.create_api_token(
                organisation=bailiffs,
                name="banc",
                scopes=["actes"],
                expires_at=timezone.now() + datetime.timedelta(days=1),
                user=None,
            )
            client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
            commune = Commune.objects.filter(departement_code="21").order_by("insee_code").first()
            batch_acts = acts(commune, int(time.time()))
            new = post_all(client, batch_acts)
            print(f"API, {ACTS} actes nouveaux par lots de {BATCH} : {ACTS / new:.0f} actes/s ({new:.1f} s)")
            known = post_all(client, batch_acts)
            print(f"API, les mêmes renvoyés (déjà connus) : {ACTS / known:.0f} actes/s ({known:.1f} s)")
            direct = import_all(acts(commune, int(time.time()) + 1))
            print(f"Import seul, autant d'actes nouveaux : {ACTS / direct:.0f} actes/s ({direct:.1f} s)")
            raise Rollback
    except Rollback:
        pass


def main():
    setup()
    bench()


if __name__ == "__main__":
    main()

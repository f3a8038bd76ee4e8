"""Time the import of a file of acts (formats.md) into the benchmark data: BENCH_IMPORT_ACTS acts
(10,000 by default) for new procedures, then the same file again (every act already known). Both
run in one transaction rolled back at the end: the data set is left as it was.

Targets (issue 11): 10,000 acts ≤ 10 s; the same file again ≤ 2 s.
"""

import io
import os
import time

from django.db import transaction

ACTS = int(os.environ.get("BENCH_IMPORT_ACTS", "10000"))
TARGETS_S = (10 * ACTS / 10_000, 2 * ACTS / 10_000)


class Rollback(Exception):
    pass


def import_file(count):
    """`count` acts: a commandement de payer then an assignation for count / 2 new procedures, in
    the communes that already have procedures."""
    from directory.models import Commune

    codes = list(
        Commune.objects.filter(leases__isnull=False).values_list("insee_code", flat=True).distinct()[:200]
    )
    lines = [
        "reference,acte,date_acte,nom,prenom,adresse,code_postal,commune_insee,bailleur,parc,dette,date_audience"
    ]
    for number in range(count // 2):
        sector, landlord = ("public", "Orvitis") if number % 2 else ("prive", f"Propriétaire {number % 500}")
        code = codes[number % len(codes)]
        lines.append(
            f"IMPORT-{number:07d},commandement_de_payer,2026-01-05,Nom{number},Prénom,"
            f"{number} rue de la Gare,00000,{code},{landlord},{sector},{1000 + number % 900},"
        )
        lines.append(f"IMPORT-{number:07d},assignation,2026-03-02,,,,,,,,,2026-05-12")
    return ("\n".join(lines) + "\n").encode()


def measure():
    """[(name, seconds, target seconds, summary)] for the first import and the same file again."""
    from procedure.services import import_acts

    content = import_file(ACTS)
    rows = []
    try:
        with transaction.atomic():
            for name, target in zip(
                (f"import de {ACTS} actes", "le même fichier à nouveau"), TARGETS_S, strict=True
            ):
                started = time.perf_counter()
                report = import_acts(io.BytesIO(content), filename="bench.csv")
                elapsed = time.perf_counter() - started
                summary = (
                    report.summary if report.ok else f"{len(report.errors)} erreurs : {report.errors[0]}"
                )
                rows.append((name, elapsed, target, summary))
                print_row(rows[-1])
            raise Rollback
    except Rollback:
        pass
    return rows


def print_row(row):
    name, elapsed, target, summary = row
    verdict = "oui" if elapsed <= target else "**manquée**"
    print(f"| {name} | {elapsed:.1f} s | ≤ {target:.0f} s | {verdict} | {summary} |", flush=True)

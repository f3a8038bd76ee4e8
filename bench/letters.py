"""Letters and weekly lists benchmark: `python -m bench.letters` (make bench-letters).

On the benchmark database (DATABASE_URL, default postgres://…/prevex_bench; grown to
BENCH_LETTERS_SIZE procedures, 5000 by default, or used as it is when larger, e.g. the nation-size
set of `make bench`), it measures:

1. the time to build a week's SIAO and CAF lists for the busiest week: the rows with the XLSX and
   CSV sent first (target ≤ 5 s), then the PDF that follows them;
2. letters per second for BENCH_LETTERS questionnaires (500 by default) through Prévex's service
   (placeholders, HTML, WeasyPrint, checksum, file, row), against WeasyPrint rendering the same HTML
   alone. The letters are written in a transaction rolled back at the end, their files in a
   temporary folder: the database is left as it was.

BENCH_LISTS=0 skips the lists (the CAF list of a nation-size week is a PDF of thousands of rows).
"""

import os
import shutil
import sys
import tempfile
import time

SIZE = int(os.environ.get("BENCH_LETTERS_SIZE", "5000"))
LETTERS = int(os.environ.get("BENCH_LETTERS", "500"))
LISTS_TARGET_S = 5  # issue 11: a week's lists nationwide ≤ 5 s for the formats sent (the PDF follows)


class Rollback(Exception):
    pass


def setup():
    from bench.__main__ import DEFAULT_URL, ensure_database

    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith("postgres"):
        sys.exit("Le banc d'essai demande PostgreSQL (DATABASE_URL=postgres://…).")
    os.environ["DATABASE_URL"] = url
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="prevex-bench-letters-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    ensure_database(url)

    import django

    django.setup()
    from django.core.management import call_command

    from bench import generate

    call_command("migrate", verbosity=0)
    generate.load_communes()
    generate.grow_to(SIZE, departement_only=SIZE <= 20000)


def busiest_week(kind):
    from django.db.models import Count
    from django.db.models.functions import TruncWeek

    from procedure.models import ProcedureEvent

    row = (
        ProcedureEvent.objects.filter(kind=kind)
        .annotate(week=TruncWeek("date"))
        .values("week")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    return row["week"] if row else None


def bench_lists():
    from letters.models import ListKind
    from letters.services import weekly_lists
    from procedure.models import EventKind

    for kind, act in ((ListKind.SIAO, EventKind.POLICE_ASSISTANCE), (ListKind.CAF, EventKind.PAYMENT_ORDER)):
        week = busiest_week(act)
        if week is None:
            print(f"Liste {kind.value} : aucun acte.")
            continue
        started = time.perf_counter()
        rows, _ = weekly_lists.light_files(kind, week)
        sent = time.perf_counter() - started
        started = time.perf_counter()
        weekly_lists.to_pdf(kind, rows, week_start=week)
        pdf = time.perf_counter() - started
        print(
            f"Liste {kind.value} {weekly_lists.iso_week_label(week)} : {len(rows)} ménages ; "
            f"lignes + XLSX + CSV, envoyés d'abord : {sent:.2f} s (cible ≤ {LISTS_TARGET_S} s : "
            f"{'oui' if sent <= LISTS_TARGET_S else 'manquée'}) ; PDF, envoyé ensuite : {pdf:.2f} s."
        )


def bench_letters():
    from django.db import transaction
    from weasyprint import HTML

    from letters.demo import seed_contacts
    from letters.models import LetterKind
    from letters.services import letters as services
    from procedure.models import EventKind, Procedure

    kind = LetterKind.QUESTIONNAIRE_HOUSEHOLD
    # The questionnaire prints the commune's CCAS (letters/services/contacts.py): cases of such communes.
    procedures = list(
        Procedure.objects.filter(
            events__kind=EventKind.PAYMENT_ORDER, lease__commune__organisations__kind="ccas"
        )
        .select_related("household", "lease__commune", "landlord")
        .distinct()[:LETTERS]
    )
    if not procedures:
        print("Aucune procédure dans une commune dotée d'un CCAS : pas de mesure des courriers.")
        return
    try:
        with transaction.atomic():
            seed_contacts()  # fictitious addresses, rolled back with the rest
            version = services.current_version(kind)
            html = [services.letter_html(procedure, version) for procedure in procedures]
            count = len(procedures)
            print(f"Courriers : {count} questionnaires.", flush=True)
            started = time.perf_counter()
            for page in html:
                HTML(string=page, base_url=str(services.FONTS_DIR) + "/").write_pdf()
            alone = time.perf_counter() - started
            print(f"  WeasyPrint seul (même HTML) : {count / alone:.1f}/s ({alone:.1f} s)", flush=True)
            started = time.perf_counter()
            for procedure in procedures:
                services.generate(procedure=procedure, kind=kind)
            full = time.perf_counter() - started
            print(f"  Prévex (service complet)    : {count / full:.1f}/s ({full:.1f} s)", flush=True)
            print(f"  Surcoût de Prévex : {100 * (full - alone) / alone:.0f} %", flush=True)
            raise Rollback
    except Rollback:
        pass


def main():
    setup()
    if os.environ.get("BENCH_LISTS", "1") != "0":
        bench_lists()
    bench_letters()
    shutil.rmtree(os.environ["MEDIA_ROOT"], ignore_errors=True)


if __name__ == "__main__":
    main()

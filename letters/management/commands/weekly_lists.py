"""Build a week's weekly lists by hand (formats.md "Weekly lists"), without sending anything.

manage.py weekly_lists --week 2026-W48 --out DIR [--dry-run]
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from directory.french import counted
from letters.models import ListKind
from letters.services import weekly_lists


class Command(BaseCommand):
    help = (
        "Construit les listes hebdomadaires SIAO et CAF d'une semaine ISO (XLSX, CSV, PDF) dans un dossier."
    )

    def add_arguments(self, parser):
        parser.add_argument("--week", required=True, help="semaine ISO, ex. 2026-W48")
        parser.add_argument("--out", required=True, help="dossier où écrire les fichiers")
        parser.add_argument(
            "--dry-run", action="store_true", help="compter les ménages sans écrire de fichier"
        )

    def handle(self, *args, week, out, dry_run, **options):
        try:
            week_start = weekly_lists.parse_iso_week(week)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        label = weekly_lists.iso_week_label(week_start)
        directory = Path(out)
        if not dry_run:
            directory.mkdir(parents=True, exist_ok=True)
        for kind in ListKind:
            if dry_run:
                count = len(weekly_lists.rows(kind, week_start))
                self.stdout.write(
                    f"{kind.value} {label}: {counted(count, 'ménage')} (simulation, aucun fichier écrit)"
                )
                continue
            rows, content = weekly_lists.files(kind, week_start)
            for extension, data in content.items():
                (directory / f"{kind.value}-{label}.{extension}").write_bytes(data)
            self.stdout.write(
                f"{kind.value} {label}: {counted(len(rows), 'ménage')} -> {directory}/{kind.value}-{label}.*"
            )

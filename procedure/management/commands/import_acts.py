"""`manage.py import_acts FILE [--dry-run]`: import procedural acts (formats.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from procedure.services import import_acts


class Command(BaseCommand):
    help = "Importe un fichier d'actes (CSV ou XLSX) : tout le fichier ou rien."

    def add_arguments(self, parser):
        parser.add_argument("file", help="fichier CSV (UTF-8, virgule ou point-virgule) ou XLSX")
        parser.add_argument(
            "--dry-run", action="store_true", help="afficher ce qui changerait, sans rien écrire"
        )

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {file}")
        with path.open("rb") as stream:
            report = import_acts(stream, filename=path.name, dry_run=dry_run)
        if not report.ok:
            for error in report.errors:
                self.stderr.write(str(error))
            raise SystemExit(1)
        if dry_run:
            self.stdout.write("Simulation : rien n'a été écrit.")
        for anomaly in report.anomalies:
            self.stdout.write(f"anomalie, {anomaly}")
        self.stdout.write(report.summary)

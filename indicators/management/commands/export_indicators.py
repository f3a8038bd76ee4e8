"""export_indicators --year YYYY [--year YYYY …] [--territory CODE] [--out FILE] [--format csv|xlsx]
(formats.md, "Indicators export")."""

from django.core.management.base import BaseCommand, CommandError

from config.db_routers import reading_from_replica
from directory.models import Territory
from indicators import counting, services


class Command(BaseCommand):
    help = "Exporte les indicateurs de la Charte (une ligne par indicateur et par année)."

    def add_arguments(self, parser):
        parser.add_argument("--year", action="append", type=int, required=True, help="année (répétable)")
        parser.add_argument("--territory", help="code du territoire (vide : tout le département)")
        parser.add_argument("--out", help="fichier de sortie (sortie standard par défaut)")
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")

    def handle(self, *args, **options):
        with reading_from_replica():
            self._export(**options)

    def _export(self, *, year, territory, out, format, **options):
        scope = counting.Scope(territory=self._territory(territory))
        if format == "xlsx":
            if not out:
                raise CommandError("Le format xlsx demande --out FICHIER.")
            with open(out, "wb") as file:
                file.write(services.export_xlsx(year, scope))
            return
        content = services.export_csv(year, scope)
        if out:
            with open(out, "w", encoding="utf-8", newline="") as file:
                file.write(content)
        else:
            self.stdout.write(content, ending="")

    def _territory(self, code):
        if not code:
            return None
        try:
            return Territory.objects.get(code=code)
        except Territory.DoesNotExist as error:
            raise CommandError(f"Territoire inconnu : {code}") from error

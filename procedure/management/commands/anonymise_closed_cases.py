"""anonymise_closed_cases [--dry-run]: anonymise the cases closed longer than the retention period
(procedure/retention.py); the nightly Celery beat task runs the same."""

from django.core.management.base import BaseCommand

from directory.french import counted
from procedure import retention


class Command(BaseCommand):
    help = "Anonymise les dossiers clos depuis plus longtemps que la durée de conservation."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="dire ce qui serait fait, sans rien changer"
        )

    def handle(self, *args, dry_run=False, **options):
        journal = retention.run(dry_run=dry_run)
        if dry_run:
            cases = counted(journal.cases, "serait anonymisé", "seraient anonymisés")
            files = counted(journal.files_deleted, "fichier à supprimer", "fichiers à supprimer")
        else:
            cases = counted(journal.cases, "anonymisé")
            files = counted(journal.files_deleted, "fichier supprimé")
        self.stdout.write(f"Dossiers clos avant le {journal.closed_before:%d/%m/%Y} : {cases}, {files}.")

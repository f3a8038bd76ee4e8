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
        verb = "seraient anonymisés" if dry_run else "anonymisés"
        files = (
            counted(journal.files_deleted, "fichier à supprimer", "fichiers à supprimer")
            if dry_run
            else counted(journal.files_deleted, "fichier supprimé")
        )
        self.stdout.write(
            f"Dossiers clos avant le {journal.closed_before:%d/%m/%Y} : {journal.cases} {verb}, {files}."
        )

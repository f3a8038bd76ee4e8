"""`manage.py check_consistency`: the summary stored on each procedure (stage, rank, closed, last
act date) recomputed from its events by the rules, and the département its acts carry (its own,
decision 017); every difference printed, exit 1 if any."""

from django.core.management.base import BaseCommand

from procedure.services import check_summaries


class Command(BaseCommand):
    help = (
        "Recalcule l'étape, son rang, la clôture et la date du dernier acte depuis les actes et compare ; "
        "vérifie que chaque acte porte le département de sa procédure."
    )

    def add_arguments(self, parser):
        parser.add_argument("--chunk", type=int, default=2000, help="procédures lues par requête")

    def handle(self, *args, chunk, **options):
        checked, differences = check_summaries(chunk_size=chunk)
        for reference, field, stored, expected in differences:
            self.stderr.write(f"{reference} : {field} vaut {stored!r}, attendu {expected!r}")
        if differences:
            self.stderr.write(f"{len(differences)} écarts sur {checked} procédures.")
            raise SystemExit(1)
        self.stdout.write(f"{checked} procédures vérifiées : aucun écart.")

"""`manage.py setup_commissions 21`: the Charte's formations of the CCAPEX, after setup_departement."""

from django.core.management.base import BaseCommand

from commissions.setup import FORMATIONS, install_formations


class Command(BaseCommand):
    help = "Crée les formations de la CCAPEX prévues par la Charte du département (relançable)."

    def add_arguments(self, parser):
        parser.add_argument("departement", help="code du département, par exemple 21")

    def handle(self, *args, departement, **options):
        code = departement.strip().upper().zfill(2)
        if code not in FORMATIONS:
            self.stdout.write(
                f"Département {code} : aucune formation prédéfinie ; à créer dans l'administration."
            )
            return
        created, total = install_formations(code)
        self.stdout.write(self.style.SUCCESS(f"{total} formations ({created} créées)."))

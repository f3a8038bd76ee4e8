"""`manage.py setup_departement 21`: a département's communes, territories and organisations."""

from django.core.management.base import BaseCommand, CommandError

from directory import departements


class Command(BaseCommand):
    help = "Charge ou met à jour les communes, territoires et organismes d'un département (relançable)."

    def add_arguments(self, parser):
        parser.add_argument("departement", help="code du département, par exemple 21")

    def handle(self, *args, departement, **options):
        code = departement.strip().upper().zfill(2)
        try:
            summary = departements.setup_departement(code)
        except departements.UnknownDepartement as error:
            raise CommandError(
                f"« {code} » n'est pas l'un des 101 départements (01 à 95, 2A, 2B, 971 à 974, 976)."
            ) from error
        self._report(code, summary)

    def _report(self, code, summary):
        for label, tally, created, updated in [
            ("communes", summary.communes, "créées", "mises à jour"),
            ("territoires", summary.territories, "créés", "mis à jour"),
            ("organismes", summary.organisations, "créés", "mis à jour"),
        ]:
            self.stdout.write(
                f"{tally.total} {label} ({created} : {tally.created}, {updated} : {tally.updated})"
            )
        self.stdout.write(f"Communes ajoutées à des territoires : {summary.communes_added_to_territories}")
        for line in summary.steps:
            self.stdout.write(line)
        if not departements.has_reference_data(code):
            self.stdout.write(
                f"Département {code} : organismes nationaux par défaut ; les autres organismes (CCAS, "
                "bailleurs, associations) et les autres territoires sont à saisir par un administrateur."
            )
        self.stdout.write(self.style.SUCCESS(f"Département {code} prêt."))

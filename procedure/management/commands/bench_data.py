"""`manage.py bench_data --procedures N [--seed S] [--departements D --departement NN]`: the
benchmark's data set in the configured database (PostgreSQL), grown to N procedures; the same N and
seed give the same data (bench/).

Without --departements: issue 11's single-département install, every procedure in a commune of
the Côte-d'Or and the bench's secretariat serving it (a secretariat sees its own département only,
issue 16, so 500,000 procedures seen at once are one département's). With --departements D:
the D most populous départements, each set up by `setup_departement` (organisations, secretariat,
territories, routing rules, CCAPEX), the procedures spread over their communes in proportion to the
population, and the secretariat of NN (21 by default) serving only its own; --departements 1 is
NN alone, the single-département data set the national one is compared with (bench/national.py)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = "Construit le jeu de données du banc d'essai (PostgreSQL) : N procédures réalistes."

    def add_arguments(self, parser):
        parser.add_argument("--procedures", type=int, required=True, help="nombre de procédures voulu")
        parser.add_argument(
            "--seed", type=int, default=1, help="graine du tirage (même graine, mêmes données)"
        )
        parser.add_argument(
            "--departements", type=int, help="nombre de départements installés (les plus peuplés)"
        )
        parser.add_argument(
            "--departement", default="21", help="département mesuré, toujours installé (21 par défaut)"
        )

    def handle(self, *args, procedures, seed, departements, departement, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Le banc d'essai écrit avec COPY : il demande PostgreSQL (DATABASE_URL).")
        if procedures < 1:
            raise CommandError("Indiquez un nombre de procédures positif.")
        from bench import generate
        from procedure.models import Procedure

        generate.load_communes()
        if departements is None:
            generate.secretariat_user()
            generate.grow_to(procedures, departement_only=True, seed=seed)
        else:
            codes = self._departements(generate, departements, departement.strip().upper().zfill(2))
            if Procedure.objects.count() < procedures:  # already built: set up already
                generate.setup_departements(codes)
            generate.departement_secretariat(codes[0] if len(codes) == 1 else departement)
            generate.grow_to(procedures, departements=codes, seed=seed)
        self.stdout.write(f"{procedures} procédures prêtes.")

    def _departements(self, generate, count, departement):
        from directory.departements import national

        if departement not in national.DEPARTEMENT_CODES:
            raise CommandError(f"« {departement} » n'est pas l'un des 101 départements.")
        if not 1 <= count <= len(national.DEPARTEMENT_CODES):
            raise CommandError("Indiquez entre 1 et 101 départements.")
        return [departement] if count == 1 else generate.national_departements(count, departement)

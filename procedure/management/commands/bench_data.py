"""`manage.py bench_data --procedures N [--seed S]`: the benchmark's data set in the configured
database (PostgreSQL), grown to N procedures; the same N and seed give the same data (bench/)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = "Construit le jeu de données du banc d'essai (PostgreSQL) : N procédures réalistes."

    def add_arguments(self, parser):
        parser.add_argument("--procedures", type=int, required=True, help="nombre de procédures voulu")
        parser.add_argument(
            "--seed", type=int, default=1, help="graine du tirage (même graine, mêmes données)"
        )

    def handle(self, *args, procedures, seed, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Le banc d'essai écrit avec COPY : il demande PostgreSQL (DATABASE_URL).")
        if procedures < 1:
            raise CommandError("Indiquez un nombre de procédures positif.")
        from bench import generate

        generate.load_communes()
        generate.secretariat_user()
        generate.grow_to(procedures, departement_only=procedures <= 20_000, seed=seed)
        self.stdout.write(f"{procedures} procédures prêtes.")

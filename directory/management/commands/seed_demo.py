"""`manage.py seed_demo`: demo accounts, then each app's demo data (directory.demo.DEMO_STEPS)."""

import inspect

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string

from directory import demo


class Command(BaseCommand):
    help = "Crée les comptes et les données de démonstration (relançable ; refusé si DEBUG est désactivé)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Refusé : les données de démonstration ne se créent qu'avec DEBUG activé, "
                "jamais en production."
            )
        missing = demo.missing_organisations()
        if missing:
            raise CommandError(
                "Lancez d'abord « manage.py setup_departement 21 » : organismes manquants : "
                + ", ".join(missing)
            )
        with transaction.atomic():
            for path in demo.DEMO_STEPS:
                self._run_step(path)
        self.stdout.write(
            self.style.SUCCESS(f"Données de démonstration prêtes (mot de passe : {settings.DEMO_PASSWORD}).")
        )

    def _run_step(self, path):
        step = import_string(path)
        if "stdout" in inspect.signature(step).parameters:
            step(stdout=self.stdout)
        else:
            step()

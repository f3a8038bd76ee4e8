"""`manage.py setup_routing`: install the Charte's default routing rules (after `setup_departement 21`).

Idempotent: a rule is created only when none exists for its kind and place; an administrator's
changes (in the admin, "Règles d'orientation") are kept.
"""

from django.core.management.base import BaseCommand

from directory.french import counted
from referrals.routing import install_default_rules


class Command(BaseCommand):
    help = "Installe les règles d'orientation par défaut de la Charte (après setup_departement)."

    def handle(self, *args, **options):
        created, skipped = install_default_rules()
        rules = counted(created, "règle d'orientation créée", "règles d'orientation créées")
        self.stdout.write(f"{rules}.")
        for item in skipped:
            self.stdout.write(
                self.style.WARNING(f"Ignorée (organisme, territoire ou commune absent) : {item}")
            )

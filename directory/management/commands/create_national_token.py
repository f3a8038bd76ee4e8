"""A national partner's token (issue 16): a platform of the commissaires de justice posting acts for
every département, each act going to its commune's département. Made by the national operator, not
by a département's administrator (whose tokens write in its département only)."""

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from directory import services
from directory.models import Organisation


class Command(BaseCommand):
    help = "Crée un jeton national (dépôt d'actes pour tous les départements) et affiche son secret une fois."

    def add_arguments(self, parser):
        parser.add_argument("organisation", help="code de l'organisme (commissaires de justice)")
        parser.add_argument("name", help="nom du jeton, ex. : plateforme nationale des études")
        parser.add_argument("--days", type=int, default=365, help="durée de validité en jours (365)")

    def handle(self, organisation, name, days, **options):
        found = Organisation.objects.filter(code=organisation).first()
        if found is None:
            raise CommandError(f"Organisme inconnu : {organisation}")
        try:
            token, secret = services.create_api_token(
                organisation=found,
                name=name,
                scopes=sorted(services.NATIONAL_SCOPES),
                expires_at=timezone.now() + datetime.timedelta(days=days),
                user=None,
                is_national=True,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"Jeton national « {token.name} » créé pour {found} : {secret}")
        self.stdout.write("Ce secret ne sera plus affiché.")

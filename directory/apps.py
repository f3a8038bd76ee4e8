from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "directory"
    verbose_name = "Annuaire"

    def ready(self):
        from . import history
        from .models import ApiToken, Membership, Organisation

        history.register_tracked(Organisation, "Organismes")
        history.register_tracked(Membership, "Appartenances")
        history.register_tracked(ApiToken, "Jetons d'accès des partenaires")

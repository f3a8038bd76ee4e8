from django.apps import AppConfig
from django.db.backends.signals import connection_created


class DirectoryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "directory"
    verbose_name = "Annuaire"

    def ready(self):
        from . import text_match

        connection_created.connect(text_match.register_sqlite_fold, dispatch_uid="prevex_fold")
        from . import history
        from .models import ApiToken, Membership, Organisation

        history.register_tracked(Organisation, "Organismes")
        history.register_tracked(Membership, "Appartenances")
        history.register_tracked(ApiToken, "Jetons d'accès des partenaires")

from django.apps import AppConfig


class ProcedureConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "procedure"
    verbose_name = "Procédures"

    def ready(self):
        from directory import api as partner_api

        from . import api

        partner_api.register_scope(api.SCOPE)

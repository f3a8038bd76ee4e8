from django.apps import AppConfig


class ProcedureConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "procedure"
    verbose_name = "Procédures"

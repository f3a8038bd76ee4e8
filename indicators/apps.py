from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "indicators"
    verbose_name = "Indicateurs"

    def ready(self):
        from .national_views import register_builders

        register_builders()  # the national exports, built in the background (procedure/background/)

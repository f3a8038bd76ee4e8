from django.apps import AppConfig


class ProcedureConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "procedure"
    verbose_name = "Procédures"

    def ready(self):
        from directory import api as partner_api

        from . import api, extensions
        from .reading import panels

        extensions.register(extensions.CASE_PANELS, ("procedure/reading/case_panel.html", panels.case_panel))
        partner_api.register_scope(api.SCOPE)

        from directory import history

        from .models import RetentionPolicy

        history.register_tracked(RetentionPolicy, "Durée de conservation")

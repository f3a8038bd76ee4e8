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

        from . import exports
        from .background import services as background

        xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        background.register(
            "procedures",
            background.Builder(
                "Export des procédures", exports.build_procedures_export, xlsx, "procedure:list"
            ),
        )
        background.register(
            "responsabilite_etat",
            background.Builder(
                "Responsabilité de l'État", exports.build_state_liability_export, xlsx, "procedure:list"
            ),
        )

from django.apps import AppConfig


class ProcedureConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "procedure"
    verbose_name = "Procédures"

    def ready(self):
        from directory import api as partner_api
        from directory import home
        from directory.acting import SECRETARIAT_ROLES
        from households import access as household_access

        from . import access, api, extensions
        from .reading import panels
        from .views.lists import home_work_queue

        extensions.register(extensions.CASE_PANELS, ("procedure/reading/case_panel.html", panels.case_panel))
        partner_api.register_scope(api.SCOPE)
        home.register_block("procedure/_list_home_work_queue.html", SECRETARIAT_ROLES, home_work_queue)
        household_access.register_scope(access.households_visible_to)

        from django.db.models.signals import post_save

        from directory.models import Commune
        from households.models import Household, Lease

        from .services import list_keys_saved

        for model in (Household, Lease, Commune):  # the list's copies of them (decision 017)
            post_save.connect(list_keys_saved, sender=model, dispatch_uid=f"list-keys-{model.__name__}")

        from directory import history

        from .models import RetentionPolicy

        history.register_tracked(RetentionPolicy, "Durée de conservation")

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

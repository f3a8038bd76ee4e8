from django.apps import AppConfig


class LettersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "letters"
    verbose_name = "Courriers"

    def ready(self):
        from directory import api as partner_api
        from procedure import extensions as procedure_extensions

        from . import api, extensions

        for scope in api.SCOPES.values():
            partner_api.register_scope(scope)
        procedure_extensions.register(
            procedure_extensions.CASE_PANELS, ("letters/_case_letters.html", extensions.case_panel)
        )
        procedure_extensions.register(procedure_extensions.TIMELINE_SOURCES, extensions.timeline)

        from procedure import retention as procedure_retention

        from . import personal_data

        procedure_extensions.register(procedure_retention.ANONYMISERS, personal_data.anonymise_cases)

        from procedure import subject_access

        procedure_extensions.register(subject_access.SECTIONS, personal_data.subject_sections)
        procedure_extensions.register(procedure_retention.STALE_FILES, personal_data.stale_files)
        procedure_extensions.register(procedure_extensions.CASE_SUMMARY, ("Courriers", "courriers"))

        from directory import history

        from .models import LetterTemplate, LetterTemplateVersion, ListRecipient

        history.register_tracked(LetterTemplate, "Modèles de courrier")
        history.register_tracked(LetterTemplateVersion, "Versions des modèles de courrier")
        history.register_tracked(ListRecipient, "Destinataires des listes hebdomadaires")

from django.apps import AppConfig


class LettersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "letters"
    verbose_name = "Courriers"

    def ready(self):
        from procedure import extensions as procedure_extensions

        from . import extensions

        procedure_extensions.register(
            procedure_extensions.CASE_PANELS, ("letters/_case_letters.html", extensions.case_panel)
        )
        procedure_extensions.register(procedure_extensions.TIMELINE_SOURCES, extensions.timeline)
        procedure_extensions.register(procedure_extensions.CASE_SUMMARY, ("Courriers", "courriers"))

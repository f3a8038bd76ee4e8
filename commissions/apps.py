from django.apps import AppConfig


class CommissionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "commissions"
    verbose_name = "Commissions"

    def ready(self):
        from procedure import access, extensions

        from . import panels

        access.register_grant(panels.commission_grant)
        extensions.register(extensions.CASE_PANELS, ("commissions/case_panel.html", panels.case_panel))
        extensions.register(extensions.CASE_SUMMARY, ("Commissions", "commissions-dossier"))
        extensions.register(
            extensions.WORK_QUEUE_SECTIONS, ("commissions/work_queue_section.html", panels.work_queue_section)
        )
        extensions.register(extensions.TIMELINE_SOURCES, panels.timeline_entries)

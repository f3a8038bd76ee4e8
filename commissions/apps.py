from django.apps import AppConfig


class CommissionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "commissions"
    verbose_name = "Commissions"

    def ready(self):
        from directory import api as partner_api
        from procedure import access, extensions

        from . import api, panels

        partner_api.register_scope(api.SCOPE)
        access.register_grant(panels.commission_grant)
        access.register_grant(panels.recommendation_grant)
        extensions.register(extensions.CASE_PANELS, ("commissions/case_panel.html", panels.case_panel))
        extensions.register(extensions.CASE_SUMMARY, ("Commissions", "commissions-dossier"))
        extensions.register(
            extensions.WORK_QUEUE_SECTIONS, ("commissions/work_queue_section.html", panels.work_queue_section)
        )
        extensions.register(extensions.TIMELINE_SOURCES, panels.timeline_entries)

        from . import transfers

        extensions.register(extensions.CASE_TRANSFERRED, transfers.withdraw_on_transfer)

        from . import history

        history.register()
        extensions.register(extensions.CASE_HISTORY_SOURCES, history.case_history)

        from procedure import retention as procedure_retention

        from . import personal_data

        extensions.register(procedure_retention.ANONYMISERS, personal_data.anonymise_cases)
        extensions.register(procedure_retention.UNATTACHED, personal_data.unattached_saisines)

        from procedure import subject_access

        extensions.register(subject_access.SECTIONS, personal_data.subject_sections)
        from directory import notifications
        from directory.models import Channel

        notifications.register_kind(
            "preconisation_recue", "Une commission confie une préconisation à mon organisme"
        )
        notifications.register_kind(
            "reponse_preconisation",
            "Un organisme répond à une préconisation d'une commission",
            Channel.DIGEST,
        )

        from referrals import extensions as referral_extensions

        from . import follow_up

        referral_extensions.register(referral_extensions.DIGEST_SOURCES, follow_up.digest_lines)
        referral_extensions.register(
            referral_extensions.INBOX_SECTIONS, ("commissions/inbox_section.html", panels.inbox_section)
        )

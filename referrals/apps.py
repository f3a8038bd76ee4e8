from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "referrals"
    verbose_name = "Orientations"

    def ready(self):
        from directory import home
        from procedure import access, extensions

        from . import panels
        from .models import WORKING_ROLES

        home.register_block("referrals/_home_inbox.html", WORKING_ROLES, panels.home_inbox)
        access.register_grant(panels.referral_grant)
        extensions.register(extensions.CASE_PANELS, ("referrals/case_panel.html", panels.case_panel))
        extensions.register(extensions.CASE_SUMMARY, ("Orientations", "orientations"))
        extensions.register(
            extensions.WORK_QUEUE_SECTIONS, ("referrals/work_queue_section.html", panels.work_queue_section)
        )
        extensions.register(extensions.TIMELINE_SOURCES, panels.timeline_entries)

        from . import transfers

        extensions.register(extensions.CASE_TRANSFERRED, transfers.close_on_transfer)
        extensions.register(extensions.DEPARTEMENT_COPIES, ("des orientations", _referrals))

        from . import history

        history.register()
        extensions.register(extensions.CASE_HISTORY_SOURCES, history.case_history)

        from procedure import retention as procedure_retention

        from . import personal_data

        extensions.register(procedure_retention.ANONYMISERS, personal_data.anonymise_cases)

        from procedure import subject_access

        extensions.register(subject_access.SECTIONS, personal_data.subject_sections)
        from directory import notifications
        from directory.models import Channel

        notifications.register_kind(
            "demande_recue", "Une demande (DSF, visite, accompagnement…) est adressée à mon organisme"
        )
        notifications.register_kind(
            "diagnostic_recu", "Un diagnostic demandé par le secrétariat est transmis", Channel.DIGEST
        )

        from letters.services import weekly_lists

        from .services import social_referents

        if social_referents not in weekly_lists.REFERENT_SOURCES:
            weekly_lists.REFERENT_SOURCES.append(social_referents)


def _referrals():
    from .models import Referral

    return Referral.objects.all()

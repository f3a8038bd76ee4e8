"""Demo data of the letters app (seed_demo, DEBUG only): the templates' first versions, the
weekly lists of the last three weeks (built and marked as sent, so that no e-mail leaves), the
fictitious contact details the letters print (an organisation's own details are never
overwritten), and a questionnaire on a few cases. Idempotent."""

import datetime

from django.utils import timezone

from directory.models import Organisation

from .models import Delivery, Letter, LetterKind, WeeklyList
from .services import delivery, weekly_lists
from .services import letters as services

DEMO_WEEKS = 3
DEMO_LETTERS = 3


def seed_letters(stdout=None) -> None:
    for kind in LetterKind:
        services.current_version(kind)
    last_week = weekly_lists.week_start_of(timezone.localdate()) - datetime.timedelta(days=7)
    for weeks_back in range(DEMO_WEEKS - 1, -1, -1):
        delivery.build_week(week_start=last_week - datetime.timedelta(weeks=weeks_back))
    for kind, week_start in delivery.pdfs_missing():  # a handful of rows: rendered in-process
        delivery.render_pdf(kind=kind, week_start=week_start)
    for weekly in WeeklyList.objects.filter(status=WeeklyList.Status.PENDING).select_related("recipient"):
        WeeklyList.objects.filter(pk=weekly.pk).update(status=WeeklyList.Status.SENT, sent_at=timezone.now())
        Delivery.objects.create(
            weekly_list=weekly,
            event=Delivery.Event.SENT,
            to=weekly.recipient.email,
            detail="Démonstration : aucun courriel n'est parti.",
        )
    seed_contacts()
    for procedure_id, kind in services.questionnaires_due(last_week)[:DEMO_LETTERS]:
        if not Letter.objects.filter(procedure_id=procedure_id, kind=kind).exists():
            from procedure.models import Procedure

            services.generate(procedure=Procedure.objects.get(pk=procedure_id), kind=kind)
    if stdout:
        stdout.write(f"Listes hebdomadaires de démonstration : {WeeklyList.objects.count()}.")


# The organisations whose details the letters to households print (letters/services/contacts.py).
CONTACT_KINDS = (
    Organisation.Kind.STATE,
    Organisation.Kind.CCAS,
    Organisation.Kind.SOLIDARITY_AGENCY,
    Organisation.Kind.ADIL,
)


def seed_contacts():
    """Fictitious details (marked as such) for the organisations that have none."""
    organisations = Organisation.objects.filter(kind__in=CONTACT_KINDS, address="").select_related("commune")
    for number, organisation in enumerate(organisations.order_by("pk"), start=1):
        commune = organisation.commune
        organisation.address = f"{number} rue de la Démonstration"
        organisation.postal_code = commune.postal_code_list[0] if commune else "21000"
        organisation.city = commune.name if commune else "Dijon"
        organisation.phone = organisation.phone or f"03 80 00 {number // 100:02d} {number % 100:02d}"
        organisation.opening_hours = (
            organisation.opening_hours or "du lundi au vendredi, 9 h – 12 h (démonstration)"
        )
        organisation.save(update_fields=["address", "postal_code", "city", "phone", "opening_hours"])

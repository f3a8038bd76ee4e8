"""Demo data of the letters app (seed_demo, DEBUG only): the templates' first versions, the
weekly lists of the last three weeks (built and marked as sent, so that no e-mail leaves), and a
questionnaire on a few cases. Idempotent."""

import datetime

from django.utils import timezone

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
    for weekly in WeeklyList.objects.filter(status=WeeklyList.Status.PENDING).select_related("recipient"):
        WeeklyList.objects.filter(pk=weekly.pk).update(status=WeeklyList.Status.SENT, sent_at=timezone.now())
        Delivery.objects.create(
            weekly_list=weekly,
            event=Delivery.Event.SENT,
            to=weekly.recipient.email,
            detail="Démonstration : aucun courriel n'est parti.",
        )
    for procedure_id, kind in services.questionnaires_due(last_week)[:DEMO_LETTERS]:
        if not Letter.objects.filter(procedure_id=procedure_id, kind=kind).exists():
            from procedure.models import Procedure

            services.generate(procedure=Procedure.objects.get(pk=procedure_id), kind=kind)
    if stdout:
        stdout.write(f"Listes hebdomadaires de démonstration : {WeeklyList.objects.count()}.")

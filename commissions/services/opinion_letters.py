"""The letters of opinion and recommendations after a session (Charte II.A.2)."""

from django.db import transaction

from config.celery import enqueue
from directory.acting import (
    require_secretariat,
)

from .common import CommissionRefused
from .decisions import require_decisions

# ---------------------------------------------------------------------------------------------
# Letters of opinion and recommendations
# ---------------------------------------------------------------------------------------------


def send_opinion_letters(*, session, user) -> int:
    """After the session, for each case with an opinion, the letter of opinion and recommendations
    to the household and its copy to the social services (Charte II.A.2: "Rédiger les courriers
    d'avis et de recommandations"), through the letters app, which reads the opinion and the
    recommendations from the agenda item; a case already written to for this session is skipped.
    Returns the number of letters generated."""
    from letters.models import Letter, LetterKind
    from letters.services import letters

    require_secretariat(user)
    require_decisions(session)
    kinds = (LetterKind.OPINION, LetterKind.OPINION_COPY)
    items = session.items.filter(decided_at__isnull=False).select_related(
        "session__commission", "procedure__household", "procedure__lease__commune", "procedure__landlord"
    )
    count = 0
    for item in items:
        written = set(
            Letter.objects.filter(
                procedure=item.procedure, kind__in=kinds, created_at__gte=item.decided_at
            ).values_list("kind", flat=True)
        )
        for kind in kinds:
            if kind not in written:
                letters.generate(procedure=item.procedure, kind=kind, user=user, agenda_item=item)
                count += 1
    return count


def queue_opinion_letters(*, session, user) -> None:
    """One action of the secretariat: the letters are generated in the background, after commit."""
    from .. import tasks

    require_secretariat(user)
    require_decisions(session)
    if not session.items.filter(decided_at__isnull=False).exists():
        raise CommissionRefused("Aucun avis enregistré : pas de courrier à rédiger.")
    membership_id = user.acting.membership.pk
    transaction.on_commit(lambda: enqueue(tasks.send_opinion_letters, session.pk, membership_id))

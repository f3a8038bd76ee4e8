"""Publishing an agenda again: the members are told what changed (how many cases were added or
removed: counts and a link, no personal data), or nothing is sent when nothing changed. Each change
is announced once, to each recipient once (commissions/notices.py)."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F

from config.celery import enqueue
from directory.french import counted

from .models import Session


@dataclass(frozen=True)
class AgendaChange:
    first_time: bool
    added: int
    removed: int

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)

    def message(self) -> str:
        if self.first_time:
            return "Ordre du jour publié : les membres sont prévenus, les ménages convoqués."
        if not self.changed:
            return "Ordre du jour inchangé depuis sa publication : aucun courriel n'a été envoyé aux membres."
        return f"Ordre du jour publié à nouveau : les membres sont prévenus ({self.summary()})."

    def summary(self) -> str:
        parts = []
        if self.added:
            parts.append(counted(self.added, "dossier ajouté"))
        if self.removed:
            parts.append(counted(self.removed, "dossier retiré"))
        return ", ".join(parts)


def record_publication(session, *, first_time) -> AgendaChange:
    """Compare the agenda with the one the members were told of, keep the new one, and queue the
    announcement of a change after commit."""
    from . import tasks

    current = sorted(session.items.values_list("procedure_id", flat=True))
    told = set(Session.objects.values_list("published_procedures", flat=True).get(pk=session.pk))
    change = AgendaChange(
        first_time=first_time,
        added=len(set(current) - told),
        removed=len(told - set(current)),
    )
    if first_time or change.changed:
        Session.objects.filter(pk=session.pk).update(
            published_procedures=current, agenda_version=F("agenda_version") + 1
        )
        session.published_procedures = current
    if not first_time and change.changed:
        version = Session.objects.values_list("agenda_version", flat=True).get(pk=session.pk)
        summary = change.summary()
        transaction.on_commit(lambda: enqueue(tasks.notify_agenda_change, session.pk, version, summary))
    return change

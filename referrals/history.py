"""The referrals' part of the history of changes (directory/history.py): what is registered, and
which historical rows of a case a user may read (those of the referrals `visible_to` them, so a
social worker reads the history of their organisation's referrals only)."""

from directory import history
from directory.acting import is_secretariat

from .models import Diagnosis, Referral, ReferralDelay, RoutingRule, SupportMeasure, VisitReport


def register():
    history.register_tracked(Referral, "Orientations", history.CASE)
    history.register_tracked(Diagnosis, "Diagnostics", history.CASE)
    history.register_tracked(VisitReport, "Rapports de visite", history.CASE)
    history.register_tracked(SupportMeasure, "Mesures d'accompagnement", history.CASE)
    history.register_tracked(RoutingRule, "Règles d'orientation")
    history.register_tracked(ReferralDelay, "Délais des orientations")


def case_history(procedure, user):
    if is_secretariat(user):
        # Every row of the case's referrals, deleted ones included.
        referral_ids = Referral.history.filter(procedure=procedure).values("id")
    else:
        referral_ids = Referral.objects.visible_to(user).filter(procedure=procedure).values("pk")
    yield Referral.history.filter(id__in=referral_ids)
    yield Diagnosis.history.filter(referral__in=referral_ids)
    yield VisitReport.history.filter(referral__in=referral_ids)
    # The support measures show on the case's timeline to whoever reads the case file.
    yield SupportMeasure.history.filter(procedure=procedure)

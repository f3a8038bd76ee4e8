"""The commissions' part of the history of changes (directory/history.py): what is registered,
and which historical rows of a case a user may read (as the case's timeline shows saisines,
opinions and recommendations: the secretariat and the referring roles; a recommendation's
addressee reads the history of the recommendations addressed to its organisation)."""

from directory import history
from directory.acting import acting_role, is_secretariat

from . import services
from .models import AgendaItem, Commission, CommissionMember, Recommendation, ReviewRequest


def register():
    history.register_tracked(ReviewRequest, "Saisines", history.CASE)
    history.register_tracked(AgendaItem, "Avis de la commission", history.CASE)
    history.register_tracked(Recommendation, "Préconisations", history.CASE)
    history.register_tracked(Commission, "Commissions")
    history.register_tracked(CommissionMember, "Membres des commissions")


def case_history(procedure, user):
    if is_secretariat(user) or acting_role(user) in services.REFERRING_ROLES:
        review_ids = ReviewRequest.history.filter(procedure=procedure).values("id")
        yield ReviewRequest.history.filter(id__in=review_ids)
        yield AgendaItem.history.filter(procedure=procedure)
        yield Recommendation.history.filter(procedure=procedure)
        return
    addressed = Recommendation.objects.visible_to(user).filter(procedure=procedure).values("pk")
    yield Recommendation.history.filter(id__in=addressed)

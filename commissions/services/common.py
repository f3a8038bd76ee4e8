"""What the commissions' services share: who sees all, who may refer, the sessions' rhythm, the
tasks an agenda fulfils, and the refusal with its French message.
"""

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError

from directory.acting import (
    SECRETARIAT_ROLES,
)
from directory.models import Role
from procedure.rules import Action

from ..models import (
    Commission,
    Recommendation,
)

SEES_ALL = SECRETARIAT_ROLES
# Partners who may refer a case they work on to a commission from their space (issue 5 §2).
REFERRING_ROLES = (Role.SOCIAL_WORKER, Role.PARTNER)

# Sessions planned from the rhythm: the gap between two sessions. "6 à 8 fois par an": every 7 weeks.
RHYTHM_GAPS = {
    Commission.Rhythm.MONTHLY: relativedelta(months=1),
    Commission.Rhythm.EVERY_2_MONTHS: relativedelta(months=2),
    Commission.Rhythm.EVERY_3_MONTHS: relativedelta(months=3),
    Commission.Rhythm.SIX_TO_EIGHT: relativedelta(weeks=7),
    Commission.Rhythm.YEARLY: relativedelta(years=1),
}

# The secretariat's tasks a case on an agenda fulfils (procedure.rules.ACTIONS).
ACTIONS_BY_KIND = {
    Commission.Kind.TECHNICAL: (Action.REQUEST_TECHNICAL_REVIEW, Action.SELECT_FOR_COMMISSION),
}
DEFAULT_ACTIONS = (Action.SELECT_FOR_COMMISSION,)

R = Recommendation.Kind


class CommissionRefused(ValidationError):
    """A move the rules refuse, with a French message for the user."""

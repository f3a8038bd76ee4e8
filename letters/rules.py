"""Which letters fit a case: a table per stage and sector, from the Charte (II.B étapes 2 to 6).

The letter menu of the case page offers these first; the others stay within reach, behind
« Autres courriers » (a letter the Charte does not foresee is still sometimes needed).
"""

from households.models import HousingSector
from procedure.models import PoliceDecision, Stage

from .models import LetterKind

PUBLIC, PRIVATE = HousingSector.PUBLIC.value, HousingSector.PRIVATE.value
BOTH = (PUBLIC, PRIVATE)

CFP_LETTERS = (
    LetterKind.CFP_HOUSEHOLD,
    LetterKind.CFP_LANDLORD,
    LetterKind.CFP_COMMUNE,
    LetterKind.CFP_DEPARTEMENT,
    LetterKind.CFP_BAILIFF,
    LetterKind.CFP_POLICE,
)
# The letters of opinion follow a commission's decision, not an act: the commission's session sends
# them (commissions.services); on the case page they stay under « Autres courriers ».

# (stage, sectors, letters, reference): read row by row, in order.
LETTERS = (
    (
        Stage.PAYMENT_ORDER,
        (PRIVATE,),
        (LetterKind.QUESTIONNAIRE_HOUSEHOLD, LetterKind.QUESTIONNAIRE_OWNER),
        "Charte II.B étape 2",
    ),
    (Stage.SUMMONS, BOTH, (LetterKind.QUESTIONNAIRE_HOUSEHOLD,), "Charte II.B étape 3a"),
    (Stage.SUMMONS, (PRIVATE,), (LetterKind.QUESTIONNAIRE_OWNER,), "Charte II.B étape 3a"),
    (Stage.SUMMONS, BOTH, (LetterKind.DSF_REQUEST,), "Charte II.B étape 3a ; décret 2021-8"),
    # The DSF must reach the judge before the hearing (décret 2021-8).
    (Stage.HEARING, BOTH, (LetterKind.DSF_REQUEST,), "Charte II.B étape 3b ; décret 2021-8"),
    (Stage.ORDER_TO_VACATE, BOTH, (LetterKind.QUESTIONNAIRE_HOUSEHOLD,), "Charte II.B étape 4"),
    (Stage.ORDER_TO_VACATE, (PRIVATE,), (LetterKind.QUESTIONNAIRE_OWNER,), "Charte II.B étape 4"),
    (Stage.ORDER_TO_VACATE, (PUBLIC,), (LetterKind.MEDIATION_NOTICE,), "Charte II.B étape 4"),
    (Stage.ORDER_TO_VACATE, BOTH, (LetterKind.DSF_REQUEST,), "Charte II.B étape 4 (actualiser le DSF)"),
    (Stage.POLICE_REQUEST, BOTH, (LetterKind.QUESTIONNAIRE_HOUSEHOLD,), "Charte II.B étape 5"),
    (Stage.POLICE_REQUEST, (PUBLIC,), (LetterKind.MEDIATION_NOTICE,), "Charte II.B étape 5"),
    (Stage.POLICE_REQUEST, BOTH, (LetterKind.DSF_REQUEST,), "Charte II.B étape 5 (actualiser le DSF)"),
)


def letters_for(stage, sector, *, police_decision="", closed=False) -> list[LetterKind]:
    """The letters the Charte foresees after an act of `stage` in `sector`, in the menu's order;
    after the concours de la force publique, its six letters only if it was granted (étape 6).
    A closed case has none."""
    if closed or not stage:
        return []
    found = []
    if stage == Stage.POLICE_ASSISTANCE and police_decision == PoliceDecision.GRANTED:
        found.extend(CFP_LETTERS)
    for row_stage, sectors, kinds, _reference in LETTERS:
        if row_stage == stage and str(sector) in sectors:
            found.extend(kind for kind in kinds if kind not in found)
    return found


def split_menu(stage, sector, *, police_decision="", closed=False):
    """(the letters that fit, the others), each a list of (value, label) in LetterKind's order for
    the others and the table's order for those that fit."""
    fitting = letters_for(stage, sector, police_decision=police_decision, closed=closed)
    others = [kind for kind in LetterKind if kind not in fitting]
    return [(kind.value, kind.label) for kind in fitting], [(kind.value, kind.label) for kind in others]

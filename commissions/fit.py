"""Whether a case fits the formation it is put before: its stages, sectors and territory are
configuration (Charte fiche action 4), and a case outside them is refused with the reason, unless
the secretariat overrides it with a reason of its own (Charte II.A.2: the secretariat selects the
cases to put before a commission)."""

from households.models import HousingSector
from procedure.models import Procedure, Stage


def misfits(commission, procedure) -> list[str]:
    """Why the case does not fit the formation, in French; empty when it fits. Two queries."""
    row = Procedure.objects.filter(pk=procedure.pk).values_list(
        "current_stage", "lease__sector", "lease__commune_id"
    )[0]
    stage, sector, commune_id = row
    reasons = []
    if commission.stages and stage not in commission.stages:
        allowed = ", ".join(label.lower() for label in commission.stage_labels())
        current = Stage(stage).label.lower() if stage else "aucun acte"
        reasons.append(f"le dossier est au stade {current}, la formation examine : {allowed}")
    if commission.sectors and sector not in commission.sectors:
        allowed = " ou ".join(label.lower() for label in commission.sector_labels())
        reasons.append(
            f"le logement relève du {HousingSector(sector).label.lower()}, la formation examine le {allowed}"
        )
    if commission.territory_id and not commission.territory.communes.filter(pk=commune_id).exists():
        reasons.append(f"la commune du logement n'est pas dans le territoire « {commission.territory.name} »")
    return reasons


def refusal_message(commission, reasons) -> str:
    return (
        f"Ce dossier ne correspond pas à « {commission} » : {' ; '.join(reasons)}. Pour l'inscrire "
        "quand même, indiquez le motif de l'inscription hors critères."
    )

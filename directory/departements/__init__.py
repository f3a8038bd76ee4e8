"""Reference data of the départements Prévex is set up for.

Every département gets its communes (from the CSV bundled in `directory/data/`) and its
arrondissements. A département with a module here (registered in DEPARTEMENTS) also gets its
territories and organisations; for any other, an administrator enters them.
"""

from django.db import transaction
from django.utils.module_loading import import_string

from . import cote_dor
from .loading import (
    Summary,
    arrondissement_territories,
    load_communes,
    load_organisation,
    load_territory,
    read_communes,
    set_police_zones,
)

DEPARTEMENTS = {cote_dor.DEPARTEMENT_CODE: cote_dor}

# What the other apps set up once the département's organisations exist, in order: each a dotted
# path to a function taking the département code, safe to rerun, returning a line to print.
SETUP_STEPS = [
    "referrals.routing.setup_step",
    "commissions.setup.setup_step",
]


class UnknownDepartement(Exception):
    pass


def has_reference_data(departement_code: str) -> bool:
    return departement_code in DEPARTEMENTS


@transaction.atomic
def setup_departement(departement_code: str) -> Summary:
    """Load or refresh a département's communes, territories and organisations; safe to rerun."""
    rows = read_communes(departement_code)
    if not rows:
        raise UnknownDepartement(departement_code)
    summary = Summary()
    load_communes(rows, summary.communes)
    for spec in arrondissement_territories(departement_code, rows):
        load_territory(departement_code, spec, summary)
    data = DEPARTEMENTS.get(departement_code)
    if data is not None:
        _load_reference_data(data, summary)
        summary.steps = [import_string(step)(departement_code) for step in SETUP_STEPS]
    return summary


def _load_reference_data(data, summary: Summary) -> None:
    set_police_zones(data.DEPARTEMENT_CODE, data.POLICE_ZONE_INSEE_CODES)
    for spec in data.TERRITORIES:
        load_territory(data.DEPARTEMENT_CODE, spec, summary)
    for row in data.ORGANISATIONS:
        load_organisation(row, data.PLACEHOLDER_EMAIL_DOMAIN, summary)

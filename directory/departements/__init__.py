"""Reference data of the départements Prévex is set up for.

Every département gets its communes (from the CSV bundled in `directory/data/`) and its
arrondissements. A département with a module here (registered in DEPARTEMENTS) gets the territories
and organisations its Charte configures; any other of the 101 gets the national defaults
(`national.py`), which an administrator completes in the admin.
"""

from django.db import transaction
from django.utils.module_loading import import_string

from . import cote_dor, national
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
    """Whether the département has a module of its own (its Charte), not only the national defaults."""
    return departement_code in DEPARTEMENTS


def reference_data(departement_code: str, departement_name: str):
    return DEPARTEMENTS.get(departement_code) or national.reference(departement_code, departement_name)


@transaction.atomic
def setup_departement(departement_code: str) -> Summary:
    """Load or refresh a département's communes, territories and organisations; safe to rerun."""
    rows = read_communes(departement_code) if departement_code in national.DEPARTEMENT_CODES else []
    if not rows:
        raise UnknownDepartement(departement_code)
    summary = Summary()
    load_communes(rows, summary.communes)
    for spec in arrondissement_territories(departement_code, rows):
        load_territory(departement_code, spec, summary)
    _load_reference_data(reference_data(departement_code, rows[0]["departement_name"]), summary)
    summary.steps = [import_string(step)(departement_code) for step in SETUP_STEPS]
    return summary


def _load_reference_data(data, summary: Summary) -> None:
    if data.POLICE_ZONE_INSEE_CODES is not None:
        set_police_zones(data.DEPARTEMENT_CODE, data.POLICE_ZONE_INSEE_CODES)
    for spec in data.TERRITORIES:
        load_territory(data.DEPARTEMENT_CODE, spec, summary)
    for row in data.ORGANISATIONS:
        load_organisation(row, data.PLACEHOLDER_EMAIL_DOMAIN, summary, data.DEPARTEMENT_CODE)

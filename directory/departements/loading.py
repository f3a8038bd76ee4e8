"""Writes of `setup_departement`: communes, territories and organisations, safe to rerun.

Rows are found by stable codes (INSEE code, territory code, organisation code), created when missing
and updated only where a reference field differs; nothing is ever deleted, communes added to a
territory by an administrator stay, and the fields an administrator fills in (e-mail, address,
phone, served territory…) are set only when an organisation is created.
"""

import csv
import gzip
import io
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from directory.models import Commune, Organisation, Territory

COMMUNES_CSV = Path(__file__).resolve().parent.parent / "data" / "communes.csv.gz"
COMMUNE_FIELDS = [
    "name",
    "postal_codes",
    "departement_code",
    "arrondissement_code",
    "arrondissement_name",
    "epci_siren",
    "epci_name",
    "population",
]


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    total: int = 0


@dataclass
class Summary:
    communes: Tally = field(default_factory=Tally)
    territories: Tally = field(default_factory=Tally)
    organisations: Tally = field(default_factory=Tally)
    communes_added_to_territories: int = 0
    steps: list[str] = field(default_factory=list)


def open_communes() -> io.TextIOWrapper:
    """The gzipped CSV of every commune bundled with Prévex (never the shared copy), as text."""
    return gzip.open(COMMUNES_CSV, mode="rt", encoding="utf-8", newline="")


@cache
def departement_names() -> dict[str, str]:
    """{code: name} of every département of the CSV ("21": "Côte-d'Or")."""
    with open_communes() as file:
        return {row["departement_code"]: row["departement_name"] for row in csv.DictReader(file)}


def read_communes(departement_code: str) -> list[dict]:
    """The département's rows of the CSV bundled with Prévex."""
    with open_communes() as file:
        rows = [row for row in csv.DictReader(file) if row["departement_code"] == departement_code]
    for row in rows:
        row["population"] = int(row["population"]) if row["population"] else None
    return rows


def load_communes(rows: list[dict], tally: Tally) -> None:
    """Bulk create the missing communes and bulk update those whose reference data changed."""
    existing = Commune.objects.in_bulk([row["insee_code"] for row in rows], field_name="insee_code")
    to_create, to_update = [], []
    for row in rows:
        values = {name: row[name] for name in COMMUNE_FIELDS}
        commune = existing.get(row["insee_code"])
        if commune is None:
            to_create.append(Commune(insee_code=row["insee_code"], **values))
        elif _assign_changed(commune, values):
            to_update.append(commune)
    Commune.objects.bulk_create(to_create, batch_size=500)
    Commune.objects.bulk_update(to_update, COMMUNE_FIELDS, batch_size=500)
    tally.created += len(to_create)
    tally.updated += len(to_update)
    tally.total += len(rows)


def set_police_zones(departement_code: str, police_insee_codes: set[str]) -> None:
    """Fill the blank police zones: police for the listed communes, gendarmerie elsewhere."""
    blank = Commune.objects.filter(departement_code=departement_code, police_zone="")
    blank.filter(insee_code__in=police_insee_codes).update(police_zone=Commune.PoliceZone.POLICE)
    blank.exclude(insee_code__in=police_insee_codes).update(police_zone=Commune.PoliceZone.GENDARMERIE)


def arrondissement_territories(departement_code: str, rows: list[dict]) -> list[dict]:
    """One territory per arrondissement of the CSV, coded "<département>-arr-<arrondissement>"."""
    names = {
        row["arrondissement_code"]: row["arrondissement_name"] for row in rows if row["arrondissement_code"]
    }
    return [
        {
            "code": f"{departement_code}-arr-{code}",
            "name": f"Arrondissement de {name}",
            "kind": Territory.Kind.ARRONDISSEMENT,
            "arrondissement": code,
        }
        for code, name in sorted(names.items())
    ]


def load_territory(departement_code: str, spec: dict, summary: Summary) -> Territory:
    values = {"name": spec["name"], "kind": spec["kind"], "departement_code": departement_code}
    territory = _create_or_update(Territory, spec["code"], values, {}, summary.territories)
    wanted = set(_territory_communes(departement_code, spec).values_list("pk", flat=True))
    missing = wanted - set(territory.communes.values_list("pk", flat=True))
    territory.communes.add(*missing)
    summary.communes_added_to_territories += len(missing)
    return territory


def _territory_communes(departement_code: str, spec: dict):
    communes = Commune.objects.filter(departement_code=departement_code)
    if spec.get("all"):
        return communes
    if "arrondissement" in spec:
        return communes.filter(arrondissement_code=spec["arrondissement"])
    if "epci" in spec:
        return communes.filter(epci_siren__in=spec["epci"])
    return communes.filter(insee_code__in=spec["insee"])


def load_organisation(
    row: tuple, email_domain: str, summary: Summary, departement_code: str | None = None
) -> Organisation:
    """One row of a département's ORGANISATIONS table: (code, name, kind, extra). An organisation
    already there for another département also serves this one (issue 16)."""
    code, name, kind, extra = row
    values = {"name": name, "kind": kind, "has_social_workers": extra.get("has_social_workers", False)}
    if "parent" in extra:
        values["parent"] = Organisation.objects.get(code=extra["parent"])
    on_create = {"email": f"{code}@{email_domain}", "siren": extra.get("siren", "")}
    if "territory" in extra:
        on_create["territory"] = Territory.objects.get(code=extra["territory"])
    if "commune" in extra:
        commune = Commune.objects.get(insee_code=extra["commune"])
        on_create.update(commune=commune, postal_code=commune.postal_code_list[0], city=commune.name)
    if departement_code:
        on_create["departement_code"] = departement_code
    organisation = _create_or_update(Organisation, code, values, on_create, summary.organisations)
    if departement_code:
        organisation.also_serve(departement_code)
    return organisation


def _create_or_update(model, code: str, values: dict, on_create: dict, tally: Tally):
    """Like update_or_create, but saves only when a value differs, and counts what it did."""
    tally.total += 1
    instance = model.objects.filter(code=code).first()
    if instance is None:
        tally.created += 1
        return model.objects.create(code=code, **values, **on_create)
    if _assign_changed(instance, values):
        instance.save(update_fields=list(values))
        tally.updated += 1
    return instance


def _assign_changed(instance, values: dict) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed

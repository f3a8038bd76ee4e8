"""Done when (issue 7): after importing a file of acts, the export gives the counts a hand count
of that file gives, for every year and territory, acts of 31 December and 1 January included."""

import csv
import io
from collections import Counter

import pytest
from django.core.management import call_command

from directory.models import Organisation
from tests.factories import CommuneFactory, OrganisationFactory, TerritoryFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "reference,acte,date_acte,nom,prenom,adresse,code_postal,commune_insee,bailleur,bailleur_siren,parc,"
    "date_audience,issue"
)
ROWS = [
    "EXP-A,commandement_de_payer,2024-12-31,Dupré,Élise,12 rue Monge,21000,21231,Orvitis,272100139,public,,",
    "EXP-A,assignation,2025-01-01,,,,,,,,,2025-03-10,",
    "EXP-A,jugement,2025-04-01,,,,,,,,,,resiliation",
    "EXP-A,commandement_de_quitter_les_lieux,2025-05-01,,,,,,,,,,",
    "EXP-A,requisition_force_publique,2025-07-15,,,,,,,,,,",
    "EXP-A,concours_force_publique,2025-09-30,,,,,,,,,,accorde",
    "EXP-A,expulsion,2025-10-20,,,,,,,,,,",
    "EXP-B,commandement_de_payer,2025-01-01,Martin,Paul,3 rue Paradis,21200,21054,M. Jean Bernard,,prive,,",
    "EXP-B,assignation,2025-12-31,,,,,,,,,2026-02-20,",
    "EXP-C,commandement_de_quitter_les_lieux,2024-12-31,Roy,Anne,8 rue Ney,21200,21054,SCI Ney,,prive,,",
    "EXP-C,requisition_force_publique,2025-03-05,,,,,,,,,,",
    "EXP-C,concours_force_publique,2025-06-01,,,,,,,,,,refuse",
    "EXP-C,depart,2025-12-31,,,,,,,,,,",
    "EXP-D,commandement_de_payer,2025-12-31,Petit,Marc,1 place Darcy,21000,21231,M. Paul Durand,,prive,,",
]
# The Charte's indicators an act counts in (formats.md).
ACT_CODES = {
    "commandement_de_payer": ["commandements_payer"],
    "assignation": ["assignations"],
    "commandement_de_quitter_les_lieux": ["commandements_quitter"],
    "requisition_force_publique": ["cfp_requis"],
    "expulsion": ["cfp_executes", "expulsions_effectives"],
    "depart": ["departs_sans_force_publique"],
}
YEARS = ["2024", "2025", "2026"]


def hand_count(communes=None):
    """Tally the file as a person would: each act in the year of its date."""
    tally, commune_of = Counter(), {}
    for row in csv.DictReader(io.StringIO("\n".join([HEADER, *ROWS]))):
        commune_of.setdefault(row["reference"], row["commune_insee"])
        if communes is not None and commune_of[row["reference"]] not in communes:
            continue
        year = row["date_acte"][:4]
        codes = list(ACT_CODES.get(row["acte"], []))
        if row["acte"] == "concours_force_publique" and row["issue"] == "accorde":
            codes.append("cfp_accordes")
        for code in codes:
            tally[code, year] += 1
    return tally


@pytest.fixture
def imported(tmp_path, dijon):
    CommuneFactory(insee_code="21054", name="Beaune", postal_codes="21200")
    OrganisationFactory(
        code="orvitis", name="Orvitis", kind=Organisation.Kind.SOCIAL_LANDLORD, siren="272100139"
    )
    territory = TerritoryFactory(code="beaune-sud")
    territory.communes.add(CommuneFactory(insee_code="21054"))
    path = tmp_path / "actes.csv"
    path.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_acts", str(path), stdout=out)
    assert out.getvalue().strip().splitlines()[-1].startswith("4 procédures créées, 14 actes enregistrés")


def exported(*args):
    out = io.StringIO()
    call_command("export_indicators", *[a for y in YEARS for a in ("--year", y)], *args, stdout=out)
    return {(r["indicator"], r["year"]): r["value"] for r in csv.DictReader(io.StringIO(out.getvalue()))}


@pytest.mark.usefixtures("imported")
def test_departement_export_matches_the_hand_count_of_the_file():
    expected = hand_count()
    values = exported()
    for code in {code for codes in ACT_CODES.values() for code in codes} | {"cfp_accordes"}:
        for year in YEARS:
            assert values[code, year] == str(expected[code, year]), (code, year)


@pytest.mark.usefixtures("imported")
def test_territory_export_matches_the_hand_count_of_its_communes():
    expected = hand_count(communes={"21054"})
    values = exported("--territory", "beaune-sud")
    assert values["commandements_payer", "2025"] == "1"
    for code in {code for codes in ACT_CODES.values() for code in codes} | {"cfp_accordes"}:
        for year in YEARS:
            assert values[code, year] == str(expected[code, year]), (code, year)

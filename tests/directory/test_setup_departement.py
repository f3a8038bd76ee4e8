import io

import pytest
from django.core.management import CommandError, call_command

from directory.models import Commune, Organisation, Territory

pytestmark = pytest.mark.django_db

ORGANISATION_CODES = [
    "ddets-21",
    "cd21",
    "cd21-agence-dijon",
    "cd21-agence-beaune",
    "cd21-agence-montbard",
    "dijon-metropole",
    "ccas-dijon",
    "ccas-beaune",
    "ccas-chenove",
    "caf-21",
    "msa-21",
    "adil-21",
    "banque-de-france-21",
    "orvitis",
    "grand-dijon-habitat",
    "cdc-habitat",
    "icf-habitat",
    "mon-logis",
    "action-logement",
    "adefo",
    "sdat-asco",
    "acodege",
    "le-renouveau",
    "habiter",
    "arc-en-ciel",
    "soliha-ais",
    "habitat-humanisme-21",
    "siao-21",
    "commissaires-justice-21",
    "police-21",
    "gendarmerie-21",
]


def setup(code="21"):
    output = io.StringIO()
    call_command("setup_departement", code, stdout=output)
    return output.getvalue()


def snapshot():
    return (
        list(Commune.objects.order_by("insee_code").values()),
        [
            (t, sorted(t.communes.values_list("insee_code", flat=True)))
            for t in Territory.objects.order_by("code")
        ],
        list(Organisation.objects.order_by("code").values()),
    )


def test_loads_the_698_communes_of_cote_dor_in_their_three_arrondissements():
    setup()
    communes = Commune.objects.filter(departement_code="21")
    assert communes.count() == 698
    assert set(communes.values_list("arrondissement_code", flat=True)) == {"211", "212", "213"}
    for code, name, count in [("211", "Beaune", 222), ("212", "Dijon", 224), ("213", "Montbard", 252)]:
        territory = Territory.objects.get(code=f"21-arr-{code}")
        assert territory.kind == Territory.Kind.ARRONDISSEMENT
        assert territory.name == f"Arrondissement de {name}"
        assert territory.communes.count() == count
    assert Commune.objects.get(insee_code="21054").arrondissement_name == "Beaune"


def test_dijon_metropole_has_its_23_communes():
    setup()
    metropole = Territory.objects.get(code="21-dijon-metropole")
    assert metropole.kind == Territory.Kind.EPCI
    assert metropole.communes.count() == 23
    assert set(metropole.communes.values_list("epci_siren", flat=True)) == {"242100410"}
    assert (
        metropole.communes.filter(name__in=["Dijon", "Chenôve", "Talant", "Longvic", "Quetigny"]).count() == 5
    )


def test_val_de_saone_is_the_two_communautes_de_communes():
    setup()
    val_de_saone = Territory.objects.get(code="21-val-de-saone")
    names = set(val_de_saone.communes.values_list("name", flat=True))
    assert {"Auxonne", "Pontailler-sur-Saône"} <= names
    assert "Dijon" not in names
    epcis = set(val_de_saone.communes.values_list("epci_name", flat=True))
    assert epcis == {"CC Auxonne Pontailler Val de Saône", "CC Rives de Saône"}
    assert val_de_saone.communes.count() == 35 + 38


def test_each_agence_solidarites_covers_its_arrondissement():
    setup()
    for town, arrondissement in [("dijon", "212"), ("beaune", "211"), ("montbard", "213")]:
        agence = Territory.objects.get(code=f"21-agence-{town}")
        assert agence.kind == Territory.Kind.SOLIDARITY_AGENCY
        assert set(agence.communes.values_list("arrondissement_code", flat=True)) == {arrondissement}
        organisation = Organisation.objects.get(code=f"cd21-agence-{town}")
        assert organisation.parent.code == "cd21"
        assert organisation.territory == agence
        assert organisation.has_social_workers


def test_organisations_of_the_charte_exist_with_their_codes_and_kinds():
    setup()
    codes = set(Organisation.objects.values_list("code", flat=True))
    assert set(ORGANISATION_CODES) <= codes
    assert Organisation.objects.get(code="ddets-21").kind == Organisation.Kind.STATE
    assert Organisation.objects.get(code="orvitis").kind == Organisation.Kind.SOCIAL_LANDLORD
    assert Organisation.objects.get(code="police-21").kind == Organisation.Kind.POLICE
    ccas_dijon = Organisation.objects.get(code="ccas-dijon")
    assert ccas_dijon.kind == Organisation.Kind.CCAS
    assert ccas_dijon.commune.insee_code == "21231"
    assert ccas_dijon.email == "ccas-dijon@demo.prevex.fr"
    assert Organisation.objects.get(code="arc-en-ciel").territory.code == "21-val-de-saone"
    assert Organisation.objects.get(code="sdat-asco").territory.code == "21-arr-211"


def test_communes_get_a_police_or_gendarmerie_zone():
    setup()
    assert Commune.objects.get(name="Dijon").police_zone == Commune.PoliceZone.POLICE
    assert Commune.objects.get(insee_code="21425").police_zone == Commune.PoliceZone.GENDARMERIE
    assert not Commune.objects.filter(departement_code="21", police_zone="").exists()


def test_rerun_changes_nothing():
    setup()
    territory_values = list(Territory.objects.order_by("code").values())
    before = snapshot()
    output = setup()
    assert snapshot() == before
    assert list(Territory.objects.order_by("code").values()) == territory_values
    assert "698 communes (créées : 0, mises à jour : 0)" in output
    assert "8 territoires (créés : 0, mis à jour : 0)" in output
    assert "36 organismes (créés : 0, mis à jour : 0)" in output
    assert "Communes ajoutées à des territoires : 0" in output


def test_rerun_restores_reference_data_and_keeps_the_administrators_changes():
    setup()
    Commune.objects.filter(insee_code="21231").update(
        name="Dijonn", police_zone=Commune.PoliceZone.GENDARMERIE
    )
    Organisation.objects.filter(code="caf-21").update(name="CAF", email="accueil@caf21.exemple.fr")
    val_de_saone = Territory.objects.get(code="21-val-de-saone")
    val_de_saone.communes.add(Commune.objects.get(insee_code="21231"))
    output = setup()
    dijon = Commune.objects.get(insee_code="21231")
    assert dijon.name == "Dijon"
    assert dijon.police_zone == Commune.PoliceZone.GENDARMERIE
    caf = Organisation.objects.get(code="caf-21")
    assert (caf.name, caf.email) == ("CAF de la Côte-d'Or", "accueil@caf21.exemple.fr")
    assert val_de_saone.communes.filter(insee_code="21231").exists()
    assert "698 communes (créées : 0, mises à jour : 1)" in output
    assert "36 organismes (créés : 0, mis à jour : 1)" in output


def test_rerun_adds_a_missing_commune_back_to_its_territory():
    setup()
    metropole = Territory.objects.get(code="21-dijon-metropole")
    metropole.communes.remove(Commune.objects.get(name="Talant"))
    setup()
    assert metropole.communes.count() == 23


def test_another_departement_loads_only_its_communes_and_the_national_defaults():
    output = setup("01")
    communes = Commune.objects.filter(departement_code="01")
    assert communes.count() > 300
    assert Commune.objects.exclude(departement_code="01").count() == 0
    arrondissements = set(communes.values_list("arrondissement_code", flat=True))
    assert set(Territory.objects.values_list("code", flat=True)) == {
        "01-departement",
        *(f"01-arr-{code}" for code in arrondissements),
    }
    assert Organisation.objects.get(code="ddets-01").name == "DDETS de l'Ain"
    assert not Organisation.objects.filter(code__in=ORGANISATION_CODES).exists()
    assert "à saisir par un administrateur" in output


def test_unknown_departement_is_refused():
    with pytest.raises(CommandError, match="n'est pas l'un des 101 départements"):
        setup("99")

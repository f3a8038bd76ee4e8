"""`setup_departement NN` for a département without a Charte module: the national defaults.

Tested on Corsica (2A and 2B, one Collectivité de Corse for both), an overseas département (La
Réunion, 974) and the Saône-et-Loire beside the Côte-d'Or (one MSA de Bourgogne for both). Expected
names are written by hand from the French administration's usual names.
"""

import io

import pytest
from django.core.management import CommandError, call_command

from commissions.models import Commission, CommissionMember
from directory.departements import national
from directory.models import Commune, Organisation, Territory
from referrals.models import Referral, RoutingRule
from referrals.routing import suggest_organisation
from tests.procedure.factories import ProcedureFactory

pytestmark = pytest.mark.django_db

K = Referral.Kind
AJACCIO, BASTIA, SAINT_DENIS_974, MACON, DIJON = "2A004", "2B033", "97411", "71270", "21231"


def setup(code):
    output = io.StringIO()
    call_command("setup_departement", code, stdout=output)
    return output.getvalue()


def names(*codes):
    return dict(Organisation.objects.filter(code__in=codes).values_list("code", "name"))


def suggested(kind, insee_code):
    procedure = ProcedureFactory(lease__commune=Commune.objects.get(insee_code=insee_code))
    organisation = suggest_organisation(kind=kind, procedure=procedure)
    return organisation.code if organisation else None


def test_corse_du_sud_and_haute_corse_share_the_collectivite_de_corse_and_the_msa():
    setup("2A")
    setup("2b")
    assert names("ddets-2a", "ddets-2b", "caf-2a", "caf-2b", "collectivite-de-corse", "msa-corse") == {
        "ddets-2a": "DDETS de la Corse-du-Sud",
        "ddets-2b": "DDETS de la Haute-Corse",
        "caf-2a": "CAF de la Corse-du-Sud",
        "caf-2b": "CAF de la Haute-Corse",
        "collectivite-de-corse": "Collectivité de Corse",
        "msa-corse": "MSA de la Corse",
    }
    assert Organisation.objects.filter(kind=Organisation.Kind.DEPARTEMENT).count() == 1
    assert not Organisation.objects.filter(code__in=["cd2a", "cd2b"]).exists()
    assert Organisation.objects.count() == 2 * 9 - 2  # the collectivity and the MSA counted once


def test_each_corsican_departement_has_its_territory_of_all_its_communes():
    setup("2A")
    setup("2B")
    corse_du_sud = Territory.objects.get(code="2a-departement")
    assert (corse_du_sud.name, corse_du_sud.kind) == ("Corse-du-Sud", Territory.Kind.DEPARTEMENT)
    assert corse_du_sud.communes.count() == Commune.objects.filter(departement_code="2A").count() == 124
    assert Territory.objects.get(code="2b-departement").communes.count() == 236
    assert not corse_du_sud.communes.filter(departement_code="2B").exists()


def test_la_reunion_has_a_deets_its_caf_and_no_msa():
    output = setup("974")
    assert names("ddets-974", "cd974", "caf-974", "adil-974", "siao-974") == {
        "ddets-974": "DEETS de La Réunion",
        "cd974": "Conseil départemental de La Réunion",
        "caf-974": "CAF de La Réunion",
        "adil-974": "ADIL de La Réunion",
        "siao-974": "SIAO de La Réunion",
    }
    assert not Organisation.objects.filter(kind=Organisation.Kind.MSA).exists()
    assert Commune.objects.filter(departement_code="974").count() == 24
    assert "8 organismes (créés : 8, mis à jour : 0)" in output


def test_every_organisation_the_issue_lists_is_there_with_its_kind():
    setup("71")
    kinds = dict(Organisation.objects.values_list("code", "kind"))
    kind = Organisation.Kind
    assert kinds == {
        "ddets-71": kind.STATE,
        "cd71": kind.DEPARTEMENT,
        "caf-71": kind.CAF,
        "msa-21": kind.MSA,
        "adil-71": kind.ADIL,
        "siao-71": kind.SIAO,
        "commissaires-justice-71": kind.BAILIFFS,
        "police-71": kind.POLICE,
        "gendarmerie-71": kind.GENDARMERIE,
    }
    assert names("cd71", "commissaires-justice-71") == {
        "cd71": "Conseil départemental de Saône-et-Loire",
        "commissaires-justice-71": "Chambre des commissaires de justice de Saône-et-Loire",
    }


def test_one_central_ccapex_decret_2026_83_co_chaired_by_the_prefet_and_the_departement():
    setup("71")
    ccapex = Commission.objects.get()
    assert (ccapex.code, ccapex.name) == ("71-ccapex-centrale", "CCAPEX de Saône-et-Loire")
    assert (ccapex.kind, ccapex.level) == (Commission.Kind.CENTRAL, Commission.Level.CENTRAL)
    assert ccapex.territory.code == "71-departement"
    assert set(ccapex.co_chairs.values_list("code", flat=True)) == {"ddets-71", "cd71"}
    members = set(
        ccapex.members.filter(role=CommissionMember.Role.MEMBER).values_list("organisation__code", flat=True)
    )
    assert members == {"caf-71", "msa-21", "adil-71", "siao-71", "commissaires-justice-71"}


def test_the_metropole_de_lyon_co_chairs_the_ccapex_of_the_rhone_decret_2026_83():
    setup("69")
    ccapex = Commission.objects.get(code="69-ccapex-centrale")
    assert ccapex.name == "CCAPEX du Rhône"
    assert set(ccapex.co_chairs.values_list("code", flat=True)) == {"ddets-69", "cd69", "metropole-de-lyon"}


def test_the_saone_et_loire_beside_the_cote_dor_changes_nothing_of_the_cote_dor():
    setup("21")
    cote_dor = list(Organisation.objects.order_by("code").values())
    rules = list(RoutingRule.objects.order_by("pk").values())
    commissions = list(Commission.objects.order_by("code").values_list("code", flat=True))
    output = setup("71")
    # Nothing changes but this: the MSA de Bourgogne, shared, now also serves the Saône-et-Loire
    # (issue 16: an organisation may serve several départements).
    for row in cote_dor:
        if row["code"] == "msa-21":
            row["other_departements"] = "71"
    assert list(
        Organisation.objects.filter(code__in=[o["code"] for o in cote_dor]).order_by("code").values()
    ) == (cote_dor)
    assert Organisation.objects.get(code="msa-21").departement_codes == ("21", "71")
    assert list(RoutingRule.objects.filter(pk__in=[r["id"] for r in rules]).order_by("pk").values()) == rules
    assert Organisation.objects.get(code="msa-21").name == "MSA de Bourgogne"
    assert "9 organismes (créés : 8, mis à jour : 0)" in output  # the MSA de Bourgogne existed
    assert sorted(Commission.objects.values_list("code", flat=True)) == sorted(
        [*commissions, "71-ccapex-centrale"]
    )


@pytest.mark.parametrize(
    ("kind", "insee_code", "expected"),
    [
        (K.DSF, AJACCIO, "collectivite-de-corse"),
        (K.DSF_UPDATE, BASTIA, "collectivite-de-corse"),
        (K.SUPPORT_MEASURE, AJACCIO, "collectivite-de-corse"),
        (K.ASSESSMENT, AJACCIO, "gendarmerie-2a"),
        (K.ASSESSMENT, BASTIA, "gendarmerie-2b"),
        (K.SOCIAL_WATCH, AJACCIO, "siao-2a"),
        (K.SOCIAL_WATCH, BASTIA, "siao-2b"),
        (K.DSF, SAINT_DENIS_974, "cd974"),
        (K.SOCIAL_WATCH, SAINT_DENIS_974, "siao-974"),
        (K.ANTICIPATION_VISIT, AJACCIO, None),
    ],
)
def test_national_routing_rules_stay_in_their_departement(kind, insee_code, expected):
    for code in ("2A", "2B", "974"):
        setup(code)
    assert suggested(kind, insee_code) == expected


@pytest.mark.parametrize(
    ("kind", "insee_code", "expected"),
    [
        (K.SOCIAL_WATCH, MACON, "siao-71"),
        (K.SOCIAL_WATCH, DIJON, "siao-21"),
        (K.DSF, MACON, "cd71"),
        (K.DSF, DIJON, "ccas-dijon"),
        (K.ASSESSMENT, MACON, "gendarmerie-71"),
        (K.ASSESSMENT, DIJON, "police-21"),
    ],
)
def test_the_charte_rules_of_the_cote_dor_and_the_national_ones_of_the_saone_et_loire(
    kind, insee_code, expected
):
    setup("21")
    setup("71")
    assert suggested(kind, insee_code) == expected


def test_rerun_changes_nothing_and_keeps_an_administrators_changes():
    setup("2A")
    Organisation.objects.filter(code="caf-2a").update(email="accueil@caf2a.exemple.fr", name="CAF")
    rule = RoutingRule.objects.get(kind=K.SOCIAL_WATCH)
    rule.organisation = Organisation.objects.get(code="collectivite-de-corse")
    rule.save()
    before = (
        list(Commune.objects.order_by("insee_code").values()),
        list(RoutingRule.objects.order_by("pk").values()),
        list(Commission.objects.values()),
    )
    output = setup("2A")
    after = (
        list(Commune.objects.order_by("insee_code").values()),
        list(RoutingRule.objects.order_by("pk").values()),
        list(Commission.objects.values()),
    )
    assert after == before
    caf = Organisation.objects.get(code="caf-2a")
    assert (caf.name, caf.email) == ("CAF de la Corse-du-Sud", "accueil@caf2a.exemple.fr")
    assert "9 organismes (créés : 0, mis à jour : 1)" in output
    assert "Règles d'orientation : 0 créées" in output
    assert "Formations de la CCAPEX : 1 (0 créées)" in output


@pytest.mark.parametrize("code", ["975", "977", "988", "99", "20"])
def test_a_collectivite_that_is_not_a_departement_is_refused(code):
    with pytest.raises(CommandError, match="n'est pas l'un des 101 départements"):
        setup(code)
    assert not Commune.objects.exists()


@pytest.mark.parametrize(
    ("code", "name", "state"),
    [
        ("01", "Ain", "DDETS de l'Ain"),
        ("13", "Bouches-du-Rhône", "DDETS des Bouches-du-Rhône"),
        ("28", "Eure-et-Loir", "DDETS d'Eure-et-Loir"),
        ("41", "Loir-et-Cher", "DDETS de Loir-et-Cher"),
        ("59", "Nord", "DDETS du Nord"),
        ("75", "Paris", "DRIHL — unité départementale de Paris"),
        ("93", "Seine-Saint-Denis", "DRIHL — unité départementale de la Seine-Saint-Denis"),
        ("976", "Mayotte", "DEETS de Mayotte"),
    ],
)
def test_the_state_service_is_named_as_french_says_it(code, name, state):
    assert national.reference(code, name).ORGANISATIONS[0][1] == state


def test_the_101_departements_each_have_a_caf_and_an_msa_in_metropolitan_france():
    assert len(national.DEPARTEMENT_CODES) == 101
    metropolitan = national.DEPARTEMENT_CODES - national.OVERSEAS
    assert len(metropolitan) == 96
    assert set(national.MSA_BY_DEPARTEMENT) == metropolitan

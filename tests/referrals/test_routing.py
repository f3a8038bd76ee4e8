"""Routing on real communes of each territory (issue 4: "Routing is tested on real communes")."""

import pytest
from django.core.management import call_command

from directory.models import Commune, Organisation
from households.models import HousingSector
from referrals.models import Referral, RoutingRule
from referrals.routing import install_default_rules, suggest_organisation
from tests.procedure.factories import ProcedureFactory

pytestmark = pytest.mark.usefixtures("departement")

K = Referral.Kind

DIJON, BEAUNE, AUXONNE, MONTBARD, CHENOVE, PONTAILLER = "21231", "21054", "21038", "21425", "21166", "21496"
FONTAINE_LES_DIJON, NUITS, SAINT_JEAN_DE_LOSNE, IS_SUR_TILLE = "21278", "21464", "21554", "21317"


def case(insee_code, sector=HousingSector.PRIVATE):
    commune = Commune.objects.get(insee_code=insee_code)
    return ProcedureFactory(lease__commune=commune, lease__sector=sector)


def suggested(kind, insee_code, sector=HousingSector.PRIVATE):
    organisation = suggest_organisation(kind=kind, procedure=case(insee_code, sector))
    return organisation.code if organisation else None


@pytest.mark.parametrize(
    ("insee_code", "expected"),
    [
        (BEAUNE, "sdat-asco"),
        (NUITS, "sdat-asco"),
        (AUXONNE, "arc-en-ciel"),
        (PONTAILLER, "arc-en-ciel"),
        (SAINT_JEAN_DE_LOSNE, "sdat-asco"),
        (DIJON, "adefo"),
        (MONTBARD, "adefo"),
        (IS_SUR_TILLE, "adefo"),
    ],
)
def test_anticipation_visit_goes_to_the_operator_of_the_territory(insee_code, expected):
    assert suggested(K.ANTICIPATION_VISIT, insee_code) == expected


@pytest.mark.parametrize(
    ("insee_code", "expected"),
    [
        (DIJON, "ccas-dijon"),
        (CHENOVE, "ccas-chenove"),
        (BEAUNE, "ccas-beaune"),
        (FONTAINE_LES_DIJON, "dijon-metropole"),
        (AUXONNE, "cd21-agence-dijon"),
        (PONTAILLER, "cd21-agence-dijon"),
        (NUITS, "cd21-agence-beaune"),
        (MONTBARD, "cd21-agence-montbard"),
    ],
)
def test_dsf_goes_to_the_ccas_then_the_metropole_then_the_agence(insee_code, expected):
    assert suggested(K.DSF, insee_code) == expected
    assert suggested(K.DSF_UPDATE, insee_code) == expected


@pytest.mark.parametrize(
    ("insee_code", "expected"),
    [
        (DIJON, "police-21"),
        (CHENOVE, "police-21"),
        (BEAUNE, "police-21"),
        (AUXONNE, "gendarmerie-21"),
        (MONTBARD, "gendarmerie-21"),
        (NUITS, "gendarmerie-21"),
    ],
)
def test_assessment_goes_to_the_police_in_its_zone_and_the_gendarmerie_elsewhere(insee_code, expected):
    assert suggested(K.ASSESSMENT, insee_code) == expected


def test_a_commune_rule_an_administrator_adds_wins_over_the_territory():
    habiter = Organisation.objects.get(code="habiter")
    RoutingRule.objects.create(
        kind=K.ANTICIPATION_VISIT, commune=Commune.objects.get(insee_code=BEAUNE), organisation=habiter
    )
    assert suggested(K.ANTICIPATION_VISIT, BEAUNE) == "habiter"
    assert suggested(K.ANTICIPATION_VISIT, NUITS) == "sdat-asco"


def test_a_sector_rule_wins_over_a_rule_for_both_sectors():
    orvitis = Organisation.objects.get(code="orvitis")
    RoutingRule.objects.create(
        kind=K.DSF,
        sector=HousingSector.PUBLIC,
        commune=Commune.objects.get(insee_code=DIJON),
        organisation=orvitis,
    )
    assert suggested(K.DSF, DIJON, HousingSector.PUBLIC) == "orvitis"
    assert suggested(K.DSF, DIJON, HousingSector.PRIVATE) == "ccas-dijon"


def test_an_inactive_rule_is_ignored():
    RoutingRule.objects.filter(kind=K.DSF, commune__insee_code=DIJON).update(is_active=False)
    assert suggested(K.DSF, DIJON) == "dijon-metropole"


def test_no_rule_no_suggestion():
    assert suggested(K.SUPPORT_MEASURE, DIJON) is None


def test_installing_the_defaults_again_changes_nothing_and_keeps_an_administrators_choice():
    rule = RoutingRule.objects.get(kind=K.ANTICIPATION_VISIT, territory__code="21-val-de-saone")
    rule.organisation = Organisation.objects.get(code="adefo")
    rule.save()
    count = RoutingRule.objects.count()
    created, skipped = install_default_rules()
    assert (created, skipped) == (0, [])
    assert RoutingRule.objects.count() == count
    assert suggested(K.ANTICIPATION_VISIT, AUXONNE) == "adefo"


def test_setup_routing_command_reports_what_it_created(capsys):
    RoutingRule.objects.filter(kind=K.SOCIAL_WATCH).delete()
    call_command("setup_routing")
    assert "1 règle d'orientation créée." in capsys.readouterr().out
    assert suggested(K.SOCIAL_WATCH, MONTBARD) == "siao-21"

"""The search box: name, reference, address, claim number; accent-insensitive; visible cases only."""

import datetime

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from procedure import access
from procedure.models import Stage, Task
from procedure.services import refresh_search_text
from tests.households.factories import HouseholdFactory, LeaseFactory, PersonFactory
from tests.procedure.factories import ProcedureFactory, procedure_at

pytestmark = pytest.mark.django_db

URL = reverse("procedure:search")


def case(reference, *, label, last_name, first_name="Claire", address="1 rue de la Liberté", claim=""):
    household = HouseholdFactory(label=label, benefit_claim_number=claim)
    procedure = ProcedureFactory(
        reference=reference,
        household=household,
        lease=LeaseFactory(household=household, address=address),
        holder=False,
    )
    PersonFactory(household=household, last_name=last_name, first_name=first_name)
    refresh_search_text(household)
    return procedure


def found(response):
    return [procedure.reference for procedure in response.context["page_obj"]]


def test_accents_and_case_are_ignored_and_one_result_opens_the_case(secretariat_client):
    helene = case("EXP-1", label="Mme Hélène Bérard", last_name="Bérard", first_name="Hélène")
    case("EXP-2", label="M. Paul Roy", last_name="Roy", first_name="Paul")

    response = secretariat_client.get(URL, {"q": "helene"})

    assert response.status_code == 302
    assert response.url == reverse("procedure:detail", args=[helene.pk])


def test_several_results_are_listed_with_reference_name_address_and_claim_number(secretariat_client):
    case("EXP-1", label="Mme Bérard", last_name="Bérard", address="4 rue Monge", claim="7654321")
    case("EXP-2", label="M. Bérard", last_name="Bérard", address="9 rue Chabot")

    response = secretariat_client.get(URL, {"q": "BERARD"})

    html = response.content.decode()
    assert sorted(found(response)) == ["EXP-1", "EXP-2"]
    assert "4 rue Monge" in html and "7654321" in html
    assert "2 dossiers pour « BERARD »" in html


@pytest.mark.parametrize("q", ["EXP-21-77", "7654321", "rue monge"])
def test_search_by_reference_claim_number_or_address(secretariat_client, q):
    target = case("EXP-21-77", label="Mme Bérard", last_name="Bérard", address="4 rue Monge", claim="7654321")
    case("EXP-21-88", label="M. Roy", last_name="Roy", address="9 rue Chabot", claim="1234567")

    response = secretariat_client.get(URL, {"q": q})

    assert response.url == reverse("procedure:detail", args=[target.pk])


def test_no_result_says_so(secretariat_client):
    response = secretariat_client.get(URL, {"q": "introuvable"})

    assert response.status_code == 200
    assert "Aucun dossier ne correspond à « introuvable »" in response.content.decode()


def test_an_empty_search_shows_the_form_only(secretariat_client):
    response = secretariat_client.get(URL, {"q": "  "})

    assert response.status_code == 200
    assert response.context["page_obj"] is None


def test_social_worker_finds_only_the_cases_granted_to_their_organisation(
    social_worker_client, ccas_dijon, monkeypatch
):
    granted = case("EXP-1", label="Mme Bérard", last_name="Bérard")
    case("EXP-2", label="M. Bérard", last_name="Bérard")
    monkeypatch.setattr(
        access,
        "GRANTS",
        [lambda user: Q(pk=granted.pk) if user.acting.organisation == ccas_dijon else Q(pk__in=[])],
    )

    response = social_worker_client.get(URL, {"q": "berard"})

    assert response.url == reverse("procedure:detail", args=[granted.pk])


def test_social_worker_of_another_organisation_finds_nothing(other_social_worker_client):
    case("EXP-1", label="Mme Bérard", last_name="Bérard")

    response = other_social_worker_client.get(URL, {"q": "berard"})

    assert found(response) == []


def test_commission_member_gets_403(commission_member_client):
    assert commission_member_client.get(URL, {"q": "berard"}).status_code == 403


def test_the_header_search_box_shows_for_roles_that_see_cases_only(
    secretariat_client, commission_member_client
):
    assert 'id="recherche-entete"' in secretariat_client.get(reverse("home")).content.decode()
    assert 'id="recherche-entete"' not in commission_member_client.get(reverse("home")).content.decode()


def test_query_count_does_not_grow_with_the_results(secretariat_client, django_assert_num_queries):
    case("EXP-0", label="Mme Bérard 0", last_name="Bérard")
    case("EXP-X", label="M. Roy", last_name="Roy")
    case("EXP-Y", label="M. Roy bis", last_name="Roy")
    secretariat_client.get(
        URL, {"q": "roy"}
    )  # the first request stores the acting organisation in the session
    with CaptureQueriesContext(connection) as two_rows:
        secretariat_client.get(URL, {"q": "roy"})
    for number in range(1, 20):
        case(f"EXP-{number}", label=f"Mme Roy {number}", last_name="Roy")

    with django_assert_num_queries(len(two_rows)):
        response = secretariat_client.get(URL, {"q": "roy"})

    assert len(found(response)) == 21


def test_addresses_are_searched_on_their_own_never_mixed_with_the_names(secretariat_client):
    case("EXP-HUGO", label="M. Hugo Victor", last_name="Victor", first_name="Hugo")
    on_the_street = case("EXP-RUE", label="Mme Petit", last_name="Petit", address="12 rue Victor Hugo")
    case("EXP-MIXTE", label="M. Hugo Lambert", last_name="Lambert", first_name="Hugo", address="3 rue Victor")

    by_address = secretariat_client.get(URL, {"q": "rue victor hugo"})
    by_name = secretariat_client.get(URL, {"q": "hugo victor"})

    assert by_address.status_code == 302  # one result opens the case
    assert by_address.url == reverse("procedure:detail", args=[on_the_street.pk])
    assert set(found(by_name)) >= {"EXP-HUGO", "EXP-RUE"}
    assert "EXP-MIXTE" not in found(by_name)


@pytest.mark.parametrize("q", ["rue de la paix", "ue de la pai", "de la", "21000", "paix 21"])
def test_an_address_is_found_from_any_part_of_its_words_short_ones_included(secretariat_client, q):
    """The addresses' trigrams are keyed by the département on PostgreSQL (migration 0034): a word
    part of three letters or more is found from them, a shorter one by its containment alone."""
    target = case("EXP-PAIX", label="Mme Petit", last_name="Petit", address="12 rue de la Paix")
    target.lease.postal_code = "21000"
    target.lease.save()  # its copies follow (post_save)
    refresh_search_text(target.household)

    response = secretariat_client.get(URL, {"q": q})

    assert response.status_code == 302 and response.url == reverse("procedure:detail", args=[target.pk])


def test_a_user_of_two_departements_finds_the_addresses_of_both(secretariat_client):
    from procedure.services import search_procedures

    cote_dor = case("EXP-21-HUGO", label="Mme Petit", last_name="Petit", address="12 rue Victor Hugo")
    saone = case("EXP-71-HUGO", label="M. Roy", last_name="Roy", address="3 rue Victor Hugo")
    type(saone).objects.filter(pk=saone.pk).update(departement_code="71")
    everything = type(saone).objects.all()

    assert set(search_procedures(everything, "victor hugo", ("21", "71"))) == {cote_dor, saone}
    assert set(search_procedures(everything, "victor hugo")) == {cote_dor, saone}


def case_at(stage, reference, *, last_name, on):
    procedure = procedure_at(stage, reference=reference, on=on, household__label=f"Mme {last_name}")
    PersonFactory(household=procedure.household, last_name=last_name, first_name="Anne")
    refresh_search_text(procedure.household)
    return procedure


def test_results_show_the_stage_and_the_next_deadline(secretariat_client):
    today = timezone.localdate()
    summons = case_at(Stage.SUMMONS, "EXP-ASSIGN", last_name="Garnier", on=today)
    case_at(Stage.ORDER_TO_VACATE, "EXP-CQL", last_name="Garnier", on=today - datetime.timedelta(days=40))
    soonest = summons.tasks.filter(status=Task.Status.OPEN).order_by("due_date", "pk").first()

    response = secretariat_client.get(URL, {"q": "garnier"})

    html = response.content.decode()
    rows = {procedure.reference: procedure for procedure in response.context["page_obj"]}
    assert "Assignation" in html and "Commandement de quitter les lieux" in html
    assert rows["EXP-ASSIGN"].next_due_date == soonest.due_date
    assert rows["EXP-ASSIGN"].next_due_title == soonest.title
    assert f"{soonest.due_date:%d/%m/%Y}" in html and soonest.title in html
    assert "(en retard)" in html  # the order to vacate's tasks were due weeks ago


def test_stage_and_deadline_cost_no_query_per_row(secretariat_client, django_assert_num_queries):
    today = timezone.localdate()
    for number in range(2):
        case_at(Stage.SUMMONS, f"EXP-{number}", last_name="Moreau", on=today)
    secretariat_client.get(URL, {"q": "moreau"})  # the acting organisation stored in the session
    with CaptureQueriesContext(connection) as two_rows:
        secretariat_client.get(URL, {"q": "moreau"})
    for number in range(2, 20):
        case_at(Stage.ORDER_TO_VACATE, f"EXP-{number}", last_name="Moreau", on=today)

    with django_assert_num_queries(len(two_rows)):
        response = secretariat_client.get(URL, {"q": "moreau"})

    assert len(found(response)) == 20
    assert all(procedure.next_due_date for procedure in response.context["page_obj"])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram similarity on PostgreSQL only")
@pytest.mark.parametrize(("typed", "name"), [("Rouseau", "Rousseau"), ("Lopes", "Lopez")])
def test_a_misspelt_name_finds_its_case_on_postgresql(secretariat_client, typed, name):
    target = case("EXP-FLOU", label=f"Mme {name}", last_name=name)
    case("EXP-AUTRE", label="M. Bernard", last_name="Bernard")

    response = secretariat_client.get(URL, {"q": typed})

    assert response.url == reverse("procedure:detail", args=[target.pk])


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite's search is containment only")
def test_on_sqlite_the_search_is_accent_insensitive_containment_not_fuzzy(secretariat_client):
    target = case("EXP-1", label="Mme Rousseau", last_name="Rousseau")

    assert secretariat_client.get(URL, {"q": "ROUSSÉ"}).url == reverse("procedure:detail", args=[target.pk])
    assert found(secretariat_client.get(URL, {"q": "Rouseau"})) == []


def test_a_search_past_the_candidates_says_it_shows_the_nearest_only(secretariat_client, monkeypatch):
    """Each part of the search reads a bounded number of households (services.SEARCH_CANDIDATES):
    when the results reach it, the page says so and asks for a finer search."""
    from procedure import services

    monkeypatch.setattr(services, "SEARCH_CANDIDATES", 2)
    for number in range(3):
        case(f"BORNE-{number}", label=f"Ménage Lebornier {number}", last_name="Lebornier")

    content = secretariat_client.get(URL, {"q": "lebornier"}).content.decode()

    assert "seuls les 2 plus proches" in content
    assert content.count("BORNE-") == 2


@pytest.mark.parametrize("part", ["nom", "adresse", "référence"])
def test_the_bound_applies_to_the_user_s_own_cases_never_to_the_others(
    social_worker_client, ccas_dijon, monkeypatch, part
):
    """The candidates are read among the cases the user may see: a social worker whose case shares
    its name, street or reference prefix with many others' finds it however many come first."""
    from procedure import services

    monkeypatch.setattr(services, "SEARCH_CANDIDATES", 2)
    for number in range(3):
        case(f"LEBORN-{number}", label=f"Ménage {number}", last_name="Lebornier", address="9 rue Lebrac")
    granted = case("LEBORN-9", label="Mme Lebornier", last_name="Lebornier", address="9 rue Lebrac")
    monkeypatch.setattr(
        access,
        "GRANTS",
        [lambda user: Q(pk=granted.pk) if user.acting.organisation == ccas_dijon else Q(pk__in=[])],
    )
    q = {"nom": "lebornier", "adresse": "rue lebrac", "référence": "LEBORN-"}[part]

    response = social_worker_client.get(URL, {"q": q})

    assert response.status_code == 302 and response.url == reverse("procedure:detail", args=[granted.pk])

"""The list of procedures: who sees it, its filters, sorting, pagination and XLSX export."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from households.models import HousingSector
from procedure import access
from procedure.models import Stage, Task
from procedure.rules import Action
from procedure.services import record_event, refresh_next_due
from tests.factories import CommuneFactory, TerritoryFactory
from tests.households.factories import HouseholdFactory, LandlordFactory, LeaseFactory
from tests.procedure.factories import ProcedureFactory, procedure_at

pytestmark = pytest.mark.django_db

URL = reverse("procedure:list")
EXPORT_URL = reverse("procedure:list_export")


def _today():
    """Read at each use: a module-level date goes stale when a run crosses midnight."""
    return timezone.localdate()


def shown(response):
    return [procedure.reference for procedure in response.context["page_obj"]]


def task_on(procedure, *, days):
    """A task created with the ORM, then the case's next due date refreshed as every writer does."""
    task = Task.objects.create(
        procedure=procedure,
        kind=Action.ACKNOWLEDGE,
        title="Accuser réception",
        due_date=_today() + datetime.timedelta(days=days),
    )
    refresh_next_due([procedure.pk])
    return task


@pytest.fixture
def granted_to_dijon(monkeypatch, ccas_dijon):
    """A grant as the referrals app registers one: the CCAS de Dijon sees the case handed to it."""
    procedure = ProcedureFactory(reference="CONFIE-DIJON")

    def grant(user):
        from django.db.models import Q

        organisation = user.acting.organisation
        return Q(pk=procedure.pk) if organisation == ccas_dijon else Q(pk__in=[])

    monkeypatch.setattr(access, "GRANTS", [grant])
    return procedure


@pytest.mark.parametrize("client_name", ["secretariat_client", "administrator_client"])
def test_secretariat_and_administrator_see_every_procedure(request, client_name):
    ProcedureFactory(reference="A-1")
    ProcedureFactory(reference="A-2")

    response = request.getfixturevalue(client_name).get(URL)

    assert response.status_code == 200
    assert sorted(shown(response)) == ["A-1", "A-2"]


def test_social_worker_sees_only_the_cases_granted_to_their_organisation(
    social_worker_client, granted_to_dijon
):
    ProcedureFactory(reference="NON-CONFIE")

    response = social_worker_client.get(URL)

    assert response.status_code == 200
    assert shown(response) == ["CONFIE-DIJON"]


def test_social_worker_of_another_ccas_sees_none_of_dijon_cases(other_social_worker_client, granted_to_dijon):
    response = other_social_worker_client.get(URL)

    assert response.status_code == 200
    assert shown(response) == []


def test_social_worker_export_holds_only_their_cases(social_worker_client, granted_to_dijon):
    ProcedureFactory(reference="NON-CONFIE")

    rows = export_rows(social_worker_client.get(EXPORT_URL))

    assert [row[0] for row in rows[1:]] == ["CONFIE-DIJON"]


@pytest.mark.parametrize("url", [URL, EXPORT_URL])
def test_commission_member_gets_403(commission_member_client, url):
    assert commission_member_client.get(url).status_code == 403


def test_filter_by_stage_derived_from_the_events(secretariat_client):
    procedure_at(Stage.JUDGMENT, reference="JUGEMENT")
    procedure_at(Stage.SUMMONS, reference="ASSIGNATION")
    ProcedureFactory(reference="SANS-ACTE")

    response = secretariat_client.get(URL, {"stage": Stage.SUMMONS})

    assert shown(response) == ["ASSIGNATION"]


@pytest.mark.parametrize(
    "stage", [Stage.PAYMENT_ORDER, Stage.JUDGMENT, Stage.ORDER_TO_VACATE, Stage.EVICTION]
)
def test_stage_filter_agrees_with_the_stage_derived_for_display(secretariat_client, stage):
    for other in (Stage.PAYMENT_ORDER, Stage.JUDGMENT, Stage.ORDER_TO_VACATE, Stage.EVICTION):
        procedure_at(other, reference=f"A-{other}")
    ProcedureFactory(reference="SANS-ACTE")

    response = secretariat_client.get(URL, {"stage": stage})

    assert shown(response) == [f"A-{stage}"]
    assert [procedure.stage_label for procedure in response.context["page_obj"]] == [stage.label]


def test_default_order_is_the_most_recently_opened_first_and_the_page_says_so(secretariat_client):
    for reference in ("OUVERTE-1", "OUVERTE-2", "OUVERTE-3"):
        procedure_at(
            Stage.SUMMONS, reference=reference, on=_today() - datetime.timedelta(days=len(reference))
        )
    record_event(
        procedure=ProcedureFactory(reference="OUVERTE-4"),
        kind=Stage.UNPAID_RENT,
        date=_today() - datetime.timedelta(days=400),
    )

    response = secretariat_client.get(URL)

    assert shown(response) == ["OUVERTE-4", "OUVERTE-3", "OUVERTE-2", "OUVERTE-1"]
    assert (
        "Ordre par défaut : les procédures ouvertes le plus récemment d'abord." in response.content.decode()
    )
    assert "Ordre par défaut" not in secretariat_client.get(URL, {"tri": "-dernier_acte"}).content.decode()


def test_filter_by_sector(secretariat_client):
    ProcedureFactory(reference="PUBLIC", lease__public=True)
    ProcedureFactory(reference="PRIVE", lease__private=True)

    response = secretariat_client.get(URL, {"sector": HousingSector.PUBLIC})

    assert shown(response) == ["PUBLIC"]


def test_filter_by_territory_and_by_commune(secretariat_client):
    beaune = CommuneFactory(insee_code="21054", name="Beaune", postal_codes="21200")
    territory = TerritoryFactory()
    territory.communes.add(beaune)
    ProcedureFactory(reference="BEAUNE", lease__commune=beaune)
    ProcedureFactory(reference="DIJON")

    assert shown(secretariat_client.get(URL, {"territory": territory.pk})) == ["BEAUNE"]
    assert shown(secretariat_client.get(URL, {"commune": "beaune"})) == ["BEAUNE"]
    assert shown(secretariat_client.get(URL, {"commune": "21231"})) == ["DIJON"]


@pytest.mark.parametrize("typed", ["chenove", "CHENÔVE", "Chen", "nôve"])
def test_the_commune_filter_ignores_accents_and_case_and_takes_a_part_of_the_name(secretariat_client, typed):
    chenove = CommuneFactory(insee_code="21166", name="Chenôve", postal_codes="21300")
    ProcedureFactory(reference="CHENOVE", lease__commune=chenove)
    ProcedureFactory(reference="DIJON")

    assert shown(secretariat_client.get(URL, {"commune": typed})) == ["CHENOVE"]


def test_the_commune_filter_reads_hyphens_as_spaces(secretariat_client):
    saint = CommuneFactory(insee_code="21540", name="Saint-Apollinaire", postal_codes="21850")
    ProcedureFactory(reference="ST-APO", lease__commune=saint)
    ProcedureFactory(reference="DIJON")

    assert shown(secretariat_client.get(URL, {"commune": "saint apollinaire"})) == ["ST-APO"]
    assert shown(secretariat_client.get(URL, {"commune": "SAINT-APO"})) == ["ST-APO"]


@pytest.mark.parametrize("typed", ["societe generale", "Société Générale", "GÉNÉR"])
def test_the_landlord_name_filter_ignores_accents_and_case(secretariat_client, typed):
    landlord = LandlordFactory(name="SCI Société Générale d'Habitat")
    household = HouseholdFactory()
    ProcedureFactory(
        reference="SCI", household=household, lease=LeaseFactory(household=household, landlord=landlord)
    )
    ProcedureFactory(reference="AUTRE")

    assert shown(secretariat_client.get(URL, {"landlord_name": typed})) == ["SCI"]


def test_filter_by_social_landlord(secretariat_client):
    orvitis = LandlordFactory(social=True, name="ORVITIS")
    household = HouseholdFactory()
    ProcedureFactory(
        reference="ORVITIS-1",
        household=household,
        lease=LeaseFactory(household=household, landlord=orvitis, public=True),
    )
    ProcedureFactory(reference="AUTRE", lease__public=True)

    response = secretariat_client.get(URL, {"landlord": orvitis.pk})

    assert shown(response) == ["ORVITIS-1"]


def test_filter_by_deadline_within_n_days_and_by_overdue_tasks(secretariat_client):
    task_on(ProcedureFactory(reference="DANS-3-JOURS"), days=3)
    task_on(ProcedureFactory(reference="DANS-20-JOURS"), days=20)
    task_on(ProcedureFactory(reference="EN-RETARD"), days=-2)

    assert sorted(shown(secretariat_client.get(URL, {"deadline_within": 7}))) == ["DANS-3-JOURS", "EN-RETARD"]
    assert shown(secretariat_client.get(URL, {"overdue": "oui"})) == ["EN-RETARD"]
    assert sorted(shown(secretariat_client.get(URL, {"overdue": "non"}))) == ["DANS-20-JOURS", "DANS-3-JOURS"]


def test_filter_open_or_closed(secretariat_client):
    closed = procedure_at(Stage.PAYMENT_ORDER, reference="CLOSE", on=_today() - datetime.timedelta(days=10))
    record_event(procedure=closed, kind="cloture", date=_today(), closure_reason="dette_soldee")
    procedure_at(Stage.PAYMENT_ORDER, reference="OUVERTE")

    assert shown(secretariat_client.get(URL, {"status": "close"})) == ["CLOSE"]
    assert shown(secretariat_client.get(URL, {"status": "ouverte"})) == ["OUVERTE"]


def test_sorting_by_reference_both_ways_with_aria_sort(secretariat_client):
    for reference in ["B-2", "C-3", "A-1"]:
        ProcedureFactory(reference=reference)

    ascending = secretariat_client.get(URL, {"tri": "reference"})
    descending = secretariat_client.get(URL, {"tri": "-reference"})

    assert shown(ascending) == ["A-1", "B-2", "C-3"]
    assert shown(descending) == ["C-3", "B-2", "A-1"]
    assert 'aria-sort="ascending"' in ascending.content.decode()
    assert "tri=-reference" in ascending.content.decode()
    assert 'aria-sort="descending"' in descending.content.decode()


def test_sorting_by_stage_follows_the_legal_order(secretariat_client):
    procedure_at(Stage.ORDER_TO_VACATE, reference="CQL")
    procedure_at(Stage.PAYMENT_ORDER, reference="CP")
    procedure_at(Stage.HEARING, reference="AUDIENCE")

    assert shown(secretariat_client.get(URL, {"tri": "etape"})) == ["CP", "AUDIENCE", "CQL"]


def test_sorting_by_household_commune_and_last_act_date(secretariat_client):
    beaune = CommuneFactory(insee_code="21054", name="Beaune", postal_codes="21200")
    first = procedure_at(Stage.PAYMENT_ORDER, reference="X-1", on=_today() - datetime.timedelta(days=30))
    second = procedure_at(Stage.PAYMENT_ORDER, reference="X-2", on=_today(), lease__commune=beaune)
    first.household.label, second.household.label = "Zola", "Arnaud"
    first.household.save()
    second.household.save()

    assert shown(secretariat_client.get(URL, {"tri": "menage"})) == ["X-2", "X-1"]
    assert shown(secretariat_client.get(URL, {"tri": "commune"})) == ["X-2", "X-1"]
    assert shown(secretariat_client.get(URL, {"tri": "dernier_acte"})) == ["X-1", "X-2"]
    assert shown(secretariat_client.get(URL, {"tri": "-dernier_acte"})) == ["X-2", "X-1"]


def test_pagination_shows_50_per_page_and_keeps_the_filters(secretariat_client):
    for number in range(51):
        ProcedureFactory(reference=f"P-{number:03d}", lease__public=True)

    first = secretariat_client.get(URL, {"sector": HousingSector.PUBLIC, "tri": "reference"})
    second = secretariat_client.get(URL, {"sector": HousingSector.PUBLIC, "tri": "reference", "page": 2})

    assert len(shown(first)) == 50
    assert shown(second) == ["P-050"]
    assert "fr-pagination" in first.content.decode()
    assert "sector=public" in first.content.decode()


def consumed(response):
    """The response read to its end. Not `response.close()`: the test client already closed it (a
    streaming one once consumed), and closing again sends request_finished, whose
    close_old_connections closes the PostgreSQL connection inside the test's transaction."""
    if response.streaming:
        b"".join(response.streaming_content)
    return response


def export_rows(response):
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="procedures-')
    content = b"".join(response.streaming_content)  # the test client closes it once consumed
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def test_export_holds_the_filtered_list_with_french_headers(secretariat_client):
    procedure_at(Stage.SUMMONS, reference="PUB-1", sector=HousingSector.PUBLIC, on=_today())
    procedure_at(Stage.SUMMONS, reference="PRIVE-1", sector=HousingSector.PRIVATE)

    rows = export_rows(secretariat_client.get(EXPORT_URL, {"sector": HousingSector.PUBLIC}))

    header, *lines = rows
    assert header[:3] == ["Référence", "Ménage", "Numéro allocataire"]
    assert "Étape" in header and "Dernier acte" in header
    assert [line[0] for line in lines] == ["PUB-1"]
    line = dict(zip(header, lines[0], strict=True))
    assert line["Parc"] == "Parc public"
    assert line["Étape"] == "Assignation"
    assert line["Statut"] == "En cours"
    assert line["Commune"] == "Dijon"


def test_the_export_link_carries_the_filters(secretariat_client):
    ProcedureFactory(lease__public=True)

    html = secretariat_client.get(URL, {"sector": HousingSector.PUBLIC, "overdue": "non"}).content.decode()

    assert f"{EXPORT_URL}?sector=public&amp;overdue=non" in html


@pytest.mark.parametrize("url", [URL, EXPORT_URL])
def test_query_count_does_not_grow_with_the_rows(secretariat_client, django_assert_num_queries, url):
    procedure_at(Stage.SUMMONS)
    consumed(secretariat_client.get(url))  # the first request stores the acting organisation in the session
    params = {"deadline_within": 3650, "tri": "etape"}
    with CaptureQueriesContext(connection) as one_row:
        consumed(secretariat_client.get(url, params))
    for _ in range(19):
        procedure_at(Stage.SUMMONS, sector=HousingSector.PUBLIC)

    with django_assert_num_queries(len(one_row)):
        response = secretariat_client.get(url, params)

    if url == URL:
        assert len(response.context["page_obj"]) == 20
    else:
        assert len(export_rows(response)) == 21


def test_a_long_list_counts_up_to_the_cap_only(secretariat_client, monkeypatch):
    from procedure import pagination

    monkeypatch.setattr(pagination, "CAP", 2)
    for _ in range(3):
        ProcedureFactory()
    with CaptureQueriesContext(connection) as queries:
        html = secretariat_client.get(reverse("procedure:list")).content.decode()

    assert "<strong>plus de 2</strong> procédures : affinez les filtres" in html
    (count,) = [query["sql"] for query in queries.captured_queries if "COUNT(" in query["sql"]]
    assert "LIMIT 3" in count


def test_a_short_list_gives_its_exact_count(secretariat_client, monkeypatch):
    from procedure import pagination

    monkeypatch.setattr(pagination, "CAP", 2)
    ProcedureFactory()
    ProcedureFactory()

    html = secretariat_client.get(reverse("procedure:list")).content.decode()

    assert "<strong>2</strong> procédures</p>" in html


def test_the_filters_keep_their_labels_hints_ids_and_errors_without_a_template_per_field(secretariat_client):
    """The filter form's fields are written in Python (directory/field_groups.py, issue 11): the
    same DSFR groups, labels, hints and aria attributes, no template per field or option."""
    response = secretariat_client.get(URL, {"stage": "inconnue", "deadline_within": "-1", "sector": "prive"})
    html = response.content.decode()

    assert '<div class="fr-select-group fr-select-group--error">' in html
    assert '<label for="id_stage" class="fr-label">' in html
    assert (
        'class="fr-select" aria-invalid="true" aria-describedby="id_stage-desc-error" id="id_stage"' in html
    )
    assert '<div id="id_stage-desc-error">' in html
    assert '<span class="fr-hint-text" id="id_commune_helptext">ex. : Dijon ou 21231</span>' in html
    assert 'class="fr-input" aria-describedby="id_commune_helptext" id="id_commune"' in html
    assert (
        'aria-invalid="true" aria-describedby="id_deadline_within-desc-error" id="id_deadline_within"' in html
    )
    assert '<option value="prive" selected>Parc privé</option>' in html
    templates = {template.name for template in response.templates}
    assert not templates & {
        "dsfr/form_field_snippets/input_snippet.html",
        "django/forms/widgets/select_option.html",
    }


def test_the_filters_drop_downs_read_their_options_without_a_server_side_cursor(secretariat_client):
    """Territories and social landlords in one plain query each: QuerySet.iterator() opened a
    cursor (DECLARE, FETCH, CLOSE) for a few dozen rows (directory/field_groups.py, issue 11)."""
    TerritoryFactory(name="Grand Dijon")
    LandlordFactory(name="Orvitis")
    secretariat_client.get(URL)  # the first request stores the acting organisation in the session
    with CaptureQueriesContext(connection) as queries:
        html = secretariat_client.get(URL).content.decode()

    assert ">Grand Dijon</option>" in html
    assert not [query["sql"] for query in queries.captured_queries if query["sql"].startswith("DECLARE")]


def test_the_rows_are_read_with_the_columns_they_print_from_the_procedure_s_own_copies(secretariat_client):
    """One query for the page's rows, joined to the landlord only: the household, commune and
    sector printed from the procedure's copies (models.LIST_KEYS), not four tables read whole with
    every column (issue 11)."""
    commune = CommuneFactory(name="Chenôve", insee_code="21166")
    household = HouseholdFactory(label="Ménage Lambert")
    lease = LeaseFactory(household=household, commune=commune, sector=HousingSector.PUBLIC)
    ProcedureFactory(household=household, lease=lease, landlord=LandlordFactory(name="Orvitis"))
    secretariat_client.get(URL)  # the first request stores the acting organisation in the session
    with CaptureQueriesContext(connection) as queries:
        html = secretariat_client.get(URL).content.decode()

    (rows,) = [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "procedure_procedure"."id"')
    ]
    assert 'JOIN "households_landlord"' in rows
    assert (
        "households_household" not in rows
        and "households_lease" not in rows
        and "directory_commune" not in rows
    )
    assert '"procedure_procedure"."search_text"' not in rows
    assert "<td>Ménage Lambert</td>" in html
    assert "<td>Chenôve</td>" in html
    assert 'Orvitis<br><span class="fr-text--xs">Parc public</span>' in html

"""Saved views of the list screens (personal or shared, a default per user) and the export's
columns, remembered per user, in a typed XLSX with a frozen header and an autofilter."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from directory.models import Role
from households.models import HousingSector
from procedure.models import ListPreference, SavedView, Screen, Stage
from tests.conftest import client_for
from tests.factories import member
from tests.procedure.factories import ProcedureFactory, procedure_at

pytestmark = pytest.mark.django_db

LIST = reverse("procedure:list")
QUEUE = reverse("procedure:work_queue")
SAVE = reverse("procedure:save_view")


def save(client, *, name, query, screen=Screen.PROCEDURES, **extra):
    data = {"vue-name": name, "vue-query": query, "vue-screen": screen}
    data |= {f"vue-{key}": "on" for key, on in extra.items() if on}
    return client.post(SAVE, data)


@pytest.fixture
def colleague(ddets):
    return member(role=Role.SECRETARIAT, organisation=ddets, email="marc@example.org", first_name="Marc")


def test_saving_a_view_keeps_the_filters_and_sort_and_reopens_them(secretariat_client, secretariat):
    response = save(secretariat_client, name="Parc public", query="sector=public&tri=-etape&page=3")

    view = SavedView.objects.get()
    assert (view.owner, view.query, view.shared) == (secretariat, "sector=public&tri=-etape", False)
    assert response.url == f"{LIST}?sector=public&tri=-etape&vue={view.pk}"
    html = secretariat_client.get(LIST).content.decode()
    assert "Parc public" in html


def test_a_personal_view_is_not_shown_to_a_colleague_but_a_shared_one_is(secretariat_client, colleague):
    save(secretariat_client, name="Mine", query="sector=prive")
    save(secretariat_client, name="Pour tous", query="sector=public", shared=True)

    views = client_for(colleague).get(LIST).context["saved_views"]

    assert [view.name for view in views] == ["Pour tous"]


def test_the_default_view_opens_when_the_screen_is_opened_bare(secretariat_client):
    save(
        secretariat_client,
        name="En retard",
        query="period=en_retard",
        screen=Screen.WORK_QUEUE,
        make_default=True,
    )
    view = SavedView.objects.get()

    bare = secretariat_client.get(QUEUE)
    without = secretariat_client.get(QUEUE, {"vue": "aucune"})

    assert bare.status_code == 302
    assert bare.url == f"{QUEUE}?period=en_retard&vue={view.pk}"
    assert without.status_code == 200


def test_a_default_view_unshared_by_its_author_no_longer_opens_for_a_colleague(secretariat_client, colleague):
    save(secretariat_client, name="Pour tous", query="sector=public", shared=True)
    view = SavedView.objects.get()
    ListPreference.objects.create(user=colleague, screen=Screen.PROCEDURES, default_view=view)
    SavedView.objects.filter(pk=view.pk).update(shared=False)

    assert client_for(colleague).get(LIST).status_code == 200


def test_choosing_no_default_view(secretariat_client, secretariat):
    save(secretariat_client, name="Public", query="sector=public", make_default=True)

    secretariat_client.post(reverse("procedure:set_default_view", args=[Screen.PROCEDURES]), {"view": ""})

    assert ListPreference.objects.get(user=secretariat).default_view is None
    assert secretariat_client.get(LIST).status_code == 200


def test_a_view_without_a_name_is_refused_in_french(secretariat_client):
    response = save(secretariat_client, name=" ", query="sector=public")

    assert SavedView.objects.count() == 0
    assert "donnez-lui un nom" in secretariat_client.get(response.url).content.decode()


def test_only_its_author_deletes_a_shared_view(secretariat_client, colleague):
    save(secretariat_client, name="Pour tous", query="sector=public", shared=True)
    view = SavedView.objects.get()

    refused = client_for(colleague).post(reverse("procedure:delete_view", args=[view.pk]))
    secretariat_client.post(reverse("procedure:delete_view", args=[view.pk]))

    assert refused.status_code == 403
    assert not SavedView.objects.exists()


def test_a_colleague_personal_view_is_a_404(secretariat_client, colleague):
    save(client_for(colleague), name="À moi", query="")
    view = SavedView.objects.get()

    assert secretariat_client.post(reverse("procedure:delete_view", args=[view.pk])).status_code == 404


def test_a_social_worker_cannot_save_views(social_worker_client):
    assert save(social_worker_client, name="Vue", query="").status_code == 403
    assert "saved_views" not in social_worker_client.get(LIST).context


def export(client, **params):
    response = client.get(reverse("procedure:list_export"), params)
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return workbook.active


def test_the_export_has_typed_cells_a_frozen_header_and_an_autofilter(secretariat_client):
    procedure_at(Stage.SUMMONS, reference="PUB-1", sector=HousingSector.PUBLIC, on=datetime.date(2026, 9, 8))

    sheet = export(secretariat_client)

    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, sheet[2], strict=True))
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:N{sheet.max_row}"
    assert row["Dernier acte"].value == datetime.datetime(2026, 9, 8)
    assert row["Dernier acte"].number_format == "DD/MM/YYYY"
    assert row["Dette (€)"].value == float(Decimal("2400"))
    assert row["Dette (€)"].number_format == '#,##0.00 "€"'


def test_the_chosen_export_columns_are_remembered_for_the_next_export(secretariat_client):
    ProcedureFactory(reference="EXP-1")

    response = secretariat_client.post(
        reverse("procedure:export_columns"), {"colonne": ["dette", "reference"], "filtres": "sector=prive"}
    )

    assert response.url == f"{LIST}?sector=prive"
    sheet = export(secretariat_client)
    assert [cell.value for cell in sheet[1]] == ["Référence", "Dette (€)"]
    assert [cell.value for cell in sheet[2]] == ["EXP-1", 2400]


def test_a_label_that_looks_like_a_formula_is_exported_as_text(secretariat_client):
    ProcedureFactory(household__label='=HYPERLINK("http://x")')

    sheet = export(secretariat_client)

    assert sheet["B2"].data_type == "s"


def _preference_reads(client, url):
    client.get(url)  # the first request stores the acting organisation in the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return sum('FROM "procedure_listpreference"' in query["sql"] for query in queries.captured_queries)


@pytest.mark.parametrize("url", [LIST, f"{LIST}?stage={Stage.SUMMONS}", QUEUE, f"{QUEUE}?sector=prive"])
def test_the_list_preference_is_read_once_a_request(secretariat_client, secretariat, url):
    """The default view's redirect, the saved views block and the export's columns read the same
    preference: one query (three on the bare list before, issue 11)."""
    for screen in (Screen.PROCEDURES, Screen.WORK_QUEUE):
        ListPreference.objects.create(user=secretariat, screen=screen, export_columns=["reference"])

    assert _preference_reads(secretariat_client, url) == 1

"""Exports past BACKGROUND_EXPORT_ROWS built in the background (issue 11, item 6): the task builds
the file with the user's scope, the page shows the progress then the link, only the requester
(acting as when they asked) reaches it, the download is logged, the file is deleted after a day."""

import datetime
import io

import pytest
from django.core.files.storage import default_storage
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from directory.acting import Acting
from directory.models import Membership
from procedure import access
from procedure.background import services as background
from procedure.models import AccessLog, BackgroundExport, PoliceDecision, Stage
from procedure.tasks import build_export, purge_exports
from tests.conftest import client_for
from tests.factories import member
from tests.procedure.factories import ProcedureFactory, procedure_at

pytestmark = pytest.mark.django_db

EXPORT_URL = reverse("procedure:list_export")


@pytest.fixture(autouse=True)
def _small_threshold(settings):
    settings.BACKGROUND_EXPORT_ROWS = 2


def workbook_rows(data: bytes):
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


def stored(export) -> bytes:
    with export.file.open("rb") as handle:
        return handle.read()


def ask(client, django_capture_on_commit_callbacks, url=EXPORT_URL, **query):
    """Ask for the export; the build task runs once the request committed (eagerly here)."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(url, query)
    return response


def test_an_export_under_the_threshold_is_still_sent_at_once(secretariat_client):
    ProcedureFactory(reference="SEULE")

    response = secretariat_client.get(EXPORT_URL)

    assert response.status_code == 200
    assert workbook_rows(b"".join(response.streaming_content))[1][0] == "SEULE"
    assert not BackgroundExport.objects.exists()


def test_a_large_export_is_built_in_the_background_and_its_page_gives_the_file(
    secretariat_client, secretariat, django_capture_on_commit_callbacks
):
    for n in range(3):
        ProcedureFactory(reference=f"P-{n}")

    response = ask(secretariat_client, django_capture_on_commit_callbacks)

    export = BackgroundExport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("procedure:background_export", args=[export.pk])
    assert (export.user, export.membership.organisation.code, export.kind) == (
        secretariat,
        "ddets-21",
        "procedures",
    )
    assert export.status == BackgroundExport.Status.READY and export.rows == 3
    assert export.file.name.startswith("exports/")
    page = secretariat_client.get(response.url)
    assert "Votre document est prêt" in page.content.decode()
    assert reverse("procedure:background_export_download", args=[export.pk]) in page.content.decode()

    download = secretariat_client.get(reverse("procedure:background_export_download", args=[export.pk]))

    assert download.status_code == 200
    rows = workbook_rows(b"".join(download.streaming_content))
    assert sorted(row[0] for row in rows[1:]) == ["P-0", "P-1", "P-2"]
    log = AccessLog.objects.get(context="export des procédures")
    assert log.user == secretariat and log.procedure is None
    assert log.detail["rows"] == 3 and log.detail["background_export"] == export.pk


def test_the_background_export_keeps_the_page_s_filters_and_the_chosen_columns(
    secretariat_client, django_capture_on_commit_callbacks
):
    for n in range(3):
        procedure_at(Stage.SUMMONS, reference=f"ASSIGNATION-{n}")
    procedure_at(Stage.JUDGMENT, reference="JUGEMENT")
    secretariat_client.post(reverse("procedure:export_columns"), {"colonne": ["reference", "etape"]})

    ask(secretariat_client, django_capture_on_commit_callbacks, stage=Stage.SUMMONS)

    export = BackgroundExport.objects.get()
    rows = workbook_rows(stored(export))
    assert rows[0] == ["Référence", "Étape"]
    assert sorted(row[0] for row in rows[1:]) == ["ASSIGNATION-0", "ASSIGNATION-1", "ASSIGNATION-2"]


def test_the_task_builds_with_the_requester_s_scope_only(
    monkeypatch, ccas_dijon, social_worker, django_capture_on_commit_callbacks
):
    handed = [ProcedureFactory(reference=f"CONFIE-{n}") for n in range(3)]
    ProcedureFactory(reference="NON-CONFIE")

    def grant(user):  # as the referrals app registers one: read from the acting organisation
        return Q(pk__in=[p.pk for p in handed]) if user.acting.organisation == ccas_dijon else Q(pk__in=[])

    monkeypatch.setattr(access, "GRANTS", [grant])

    ask(client_for(social_worker), django_capture_on_commit_callbacks)

    export = BackgroundExport.objects.get()
    assert sorted(row[0] for row in workbook_rows(stored(export))[1:]) == [
        "CONFIE-0",
        "CONFIE-1",
        "CONFIE-2",
    ]


def test_the_page_shows_the_progress_while_the_file_is_built(secretariat_client, secretariat):
    export = BackgroundExport.objects.create(
        user=secretariat,
        membership=secretariat.memberships.get(),
        kind="procedures",
        filename="procedures.xlsx",
        status=BackgroundExport.Status.RUNNING,
        done=2000,
        total=8000,
    )

    page = secretariat_client.get(reverse("procedure:background_export", args=[export.pk])).content.decode()
    status = secretariat_client.get(reverse("procedure:background_export_status", args=[export.pk]))

    assert "Préparation en cours : 2000 lignes sur 8000 (25 %)" in page
    assert 'value="25"' in page and "background_export.js" in page
    assert "Préparation en cours" in status.content.decode() and "<html" not in status.content.decode()
    download = secretariat_client.get(reverse("procedure:background_export_download", args=[export.pk]))
    assert download.status_code == 404  # not ready yet


def test_another_user_gets_404_on_the_page_the_state_and_the_file(
    secretariat_client, administrator_client, social_worker_client, django_capture_on_commit_callbacks
):
    for n in range(3):
        ProcedureFactory(reference=f"P-{n}")
    ask(secretariat_client, django_capture_on_commit_callbacks)
    export = BackgroundExport.objects.get()
    other_secretary = client_for(member(role="secretariat", organisation=export.membership.organisation))

    for client in (administrator_client, social_worker_client, other_secretary):
        for name in ("background_export", "background_export_status", "background_export_download"):
            assert client.get(reverse(f"procedure:{name}", args=[export.pk])).status_code == 404
    assert not AccessLog.objects.filter(detail__background_export=export.pk).exists()


def test_the_requester_acting_for_another_organisation_gets_404(
    secretariat, secretariat_client, ccas_dijon, django_capture_on_commit_callbacks
):
    for n in range(3):
        ProcedureFactory(reference=f"P-{n}")
    ask(secretariat_client, django_capture_on_commit_callbacks)
    export = BackgroundExport.objects.get()
    other = Membership.objects.create(
        user=secretariat, organisation=ccas_dijon, role="social_worker", start_date=datetime.date(2020, 1, 1)
    )
    session = secretariat_client.session
    session["acting_membership_id"] = other.pk
    session.save()

    assert secretariat_client.get(reverse("procedure:background_export", args=[export.pk])).status_code == 404


def test_a_membership_ended_before_the_build_builds_nothing(secretariat, secretariat_client):
    for n in range(3):
        ProcedureFactory(reference=f"P-{n}")
    membership = secretariat.memberships.get()
    export = BackgroundExport.objects.create(
        user=secretariat, membership=membership, kind="procedures", filename="procedures.xlsx"
    )
    Membership.objects.filter(pk=membership.pk).update(
        end_date=timezone.localdate() - datetime.timedelta(days=1)
    )

    assert build_export.delay(export.pk).get() == BackgroundExport.Status.FAILED

    export.refresh_from_db()
    assert not export.file and "rattachement" in export.error


def test_the_task_run_twice_builds_once(secretariat_client, django_capture_on_commit_callbacks):
    for n in range(3):
        ProcedureFactory(reference=f"P-{n}")
    ask(secretariat_client, django_capture_on_commit_callbacks)
    export = BackgroundExport.objects.get()
    name = export.file.name

    assert build_export.delay(export.pk).get() == BackgroundExport.Status.READY

    export.refresh_from_db()
    assert export.file.name == name


def test_asking_again_while_it_is_built_gives_the_same_document(secretariat, rf):
    for n in range(3):
        ProcedureFactory(reference=f"P-{n}")
    request = rf.get(EXPORT_URL)
    request.user = secretariat
    request.acting = Acting(secretariat.memberships.get())

    first = background.start(request, kind="procedures", params={"query": {}}, filename="a.xlsx")
    second = background.start(request, kind="procedures", params={"query": {}}, filename="a.xlsx")

    assert first == second and BackgroundExport.objects.count() == 1


def test_the_state_liability_export_goes_to_the_background_past_the_threshold(
    secretariat_client, django_capture_on_commit_callbacks
):
    for n in range(3):
        procedure_at(
            Stage.POLICE_ASSISTANCE,
            on=timezone.localdate() - datetime.timedelta(days=29),
            police_decision=PoliceDecision.REFUSED,
            reference=f"REFUS-{n}",
        )

    response = ask(
        secretariat_client,
        django_capture_on_commit_callbacks,
        url=reverse("procedure:state_liability_export"),
    )

    export = BackgroundExport.objects.get(kind="responsabilite_etat")
    assert response.status_code == 302 and export.status == BackgroundExport.Status.READY
    assert sorted(row[0] for row in workbook_rows(stored(export))[1:]) == [
        "REFUS-0",
        "REFUS-1",
        "REFUS-2",
    ]


def test_documents_older_than_a_day_are_deleted_with_their_files(
    secretariat_client, settings, django_capture_on_commit_callbacks
):
    for n in range(3):
        ProcedureFactory(reference=f"P-{n}")
    ask(secretariat_client, django_capture_on_commit_callbacks)
    export = BackgroundExport.objects.get()
    name = export.file.name
    assert purge_exports.delay().get() == 0  # a fresh one stays

    BackgroundExport.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))

    assert purge_exports.delay().get() == 1
    assert not BackgroundExport.objects.exists()
    assert not default_storage.exists(name)


def test_the_purge_is_scheduled_every_hour():
    from config.celery import app

    (entry,) = [e for e in app.conf.beat_schedule.values() if e["task"] == "procedure.tasks.purge_exports"]
    assert entry["schedule"].minute == {20} and len(entry["schedule"].hour) == 24

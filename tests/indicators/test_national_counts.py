"""The national view's stored counts (decision 019): computed by `national.counts` at each refresh
(nightly, or asked by the national steering role), read by the page and its exports, which count
no act; « Chiffres arrêtés le … » on each; never two refreshes at once."""

import csv
import datetime
import io
import zoneinfo

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from config.celery import app
from directory.models import Organisation, Role
from indicators import national, national_counts
from indicators.models import NationalCount, NationalSnapshot
from indicators.sources import SOURCES
from indicators.tasks import refresh_national_counts
from procedure.models import BackgroundExport
from tests.conftest import client_for
from tests.departements.test_indicators_across import a_counted_case, close
from tests.factories import CommuneFactory, OrganisationFactory, member

pytestmark = pytest.mark.django_db

URL = "/indicateurs/national/"
REFRESH = "/indicateurs/national/mettre-a-jour/"
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
AT_TWO = datetime.datetime(2026, 12, 2, 2, 0, tzinfo=PARIS)
Status = NationalSnapshot.Status


@pytest.fixture
def national_client():
    dihal = OrganisationFactory(code="dihal", kind=Organisation.Kind.STATE, name="DIHAL")
    return client_for(member(role=Role.NATIONAL_STEERING, organisation=dihal))


@pytest.fixture
def cases(dijon):
    """Cases of Dijon and Mâcon counted by every counted indicator in 2025 (acts, referrals,
    support measures, saisines: every source), some closed (evictions, departures)."""
    macon = CommuneFactory(insee_code="71270", name="Mâcon", departement_code="71")
    ccas = OrganisationFactory(ccas=True)
    for commune, count in ((dijon, 6), (macon, 3)):
        for index in range(count):
            procedure = a_counted_case(commune, ccas)
            if index % 2:
                close(procedure)


def counted_tables():
    return {model._meta.db_table for model in {source.model() for source in SOURCES.values()}}


def arrested(at=AT_TWO):
    """A refresh run as the nightly one, its figures dated `at`."""
    assert refresh_national_counts() == Status.READY
    snapshot = national_counts.latest()
    NationalSnapshot.objects.filter(pk=snapshot.pk).update(started_at=at)
    return NationalSnapshot.objects.get(pk=snapshot.pk)


def test_the_stored_counts_are_those_national_counts_gives(cases):
    snapshot = arrested()
    fresh = national.counts(national_counts.stored_years())
    assert snapshot.years == national_counts.stored_years()
    stored = national_counts.table(snapshot, years=snapshot.years)
    assert dict(stored) == {key: count for key, count in fresh.items() if count}
    assert {key[0] for key in fresh if fresh[key]} >= {"commandements_payer", "dsf_realises", "asll_maintien"}


def test_the_page_reads_no_act_nor_referral_and_as_many_queries_for_more_departements(national_client, cases):
    arrested()
    national_client.get(URL)  # the session's first save
    with CaptureQueriesContext(connection) as few:
        page = national_client.get(URL, {"year": 2025, "indicator": "dsf_realises"})
    rows = {code: cells[-1] for code, _, cells in page.context["view"].rows}
    assert (rows["21"], rows["71"], page.context["view"].country[-1]) == (6, "< 5", 9)
    read = " ".join(query["sql"] for query in few.captured_queries)
    assert not [table for table in counted_tables() if f'"{table}"' in read]
    for index in range(10):
        CommuneFactory(insee_code=f"{index + 30}001", departement_code=f"{index + 30}")
    arrested()
    with CaptureQueriesContext(connection) as many:
        national_client.get(URL, {"year": 2025, "indicator": "dsf_realises"})
    # Session, user, membership, the 2 snapshots, the objective twice, the counts twice, the communes.
    assert len(many) == len(few) == 10


def test_the_page_prints_when_the_figures_were_arrested_and_offers_their_refresh(national_client, cases):
    arrested()
    content = national_client.get(URL, {"year": 2025}).content.decode()
    assert "Chiffres arrêtés le <strong>02/12/2026 à 02:00</strong>" in content
    assert "Mettre à jour les chiffres</button>" in content
    assert f'action="{REFRESH}"' in content


def test_while_a_refresh_runs_the_page_says_so_and_shows_the_previous_figures(national_client, cases):
    arrested()
    NationalSnapshot.objects.create(requested_at=AT_TWO + datetime.timedelta(hours=8, minutes=14))
    content = national_client.get(URL, {"year": 2025}).content.decode()
    assert "Mise à jour des chiffres en cours (demandée le 02/12/2026 à 10:14)" in content
    assert "la page montre ceux arrêtés le 02/12/2026 à 02:00 jusqu'à sa fin" in content
    assert "Mettre à jour les chiffres</button>" not in content  # one at a time
    assert 'data-departement="21"' in content  # the previous figures still shown


def test_with_no_figures_yet_the_page_says_so_and_offers_to_compute_them(national_client, cases):
    content = national_client.get(URL, {"year": 2025}).content.decode()
    assert "Les chiffres nationaux n'ont pas encore été calculés" in content
    assert "Mettre à jour les chiffres</button>" in content
    assert "data-departement" not in content and "Exporter (CSV)" not in content


def test_the_button_queues_the_refresh_then_the_page_shows_the_figures(
    national_client, cases, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = national_client.post(REFRESH, {"query": "year=2025&indicator=dsf_realises&x=%0D"})
    assert response.status_code == 302 and response.url == f"{URL}?year=2025&indicator=dsf_realises"
    assert len(queued) == 1  # the task, after the commit
    page = national_client.get(URL, {"year": 2025})
    assert "Mise à jour des chiffres en cours" in page.content.decode()
    assert "Mise à jour des chiffres demandée" in page.content.decode()
    assert NationalSnapshot.objects.get().requested_by == page.wsgi_request.user
    queued[0]()  # the worker (eager here)
    page = national_client.get(response.url)
    assert {code: cells[-1] for code, _, cells in page.context["view"].rows}["21"] == 6
    assert "Mise à jour des chiffres en cours" not in page.content.decode()


def test_asked_again_while_one_runs_no_second_refresh_is_queued(
    national_client, cases, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        national_client.post(REFRESH)
        response = national_client.post(REFRESH)
    assert len(queued) == 1 and NationalSnapshot.objects.count() == 1
    page = national_client.get(response.url).content.decode()
    assert "Une mise à jour des chiffres est déjà en cours" in page
    assert refresh_national_counts() == "already_in_progress"  # the night's, meanwhile


def test_the_database_refuses_a_second_refresh_in_progress(db):
    NationalSnapshot.objects.create(requested_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        NationalSnapshot.objects.create(requested_at=timezone.now())


def test_the_task_is_idempotent_and_a_live_claim_is_left_alone(cases):
    snapshot, created = national_counts.request_refresh(queue=False)
    assert created
    NationalSnapshot.objects.filter(pk=snapshot.pk).update(started_at=timezone.now())  # a worker at it
    with CaptureQueriesContext(connection) as second:
        assert refresh_national_counts(snapshot.pk) == Status.QUEUED
    assert not NationalCount.objects.exists() and len(second) == 2  # the claim refused, the state read
    NationalSnapshot.objects.filter(pk=snapshot.pk).update(started_at=None)
    assert refresh_national_counts(snapshot.pk) == Status.READY
    stored = list(NationalCount.objects.values_list("indicator", "departement_code", "year", "value"))
    finished = NationalSnapshot.objects.get(pk=snapshot.pk).finished_at
    assert refresh_national_counts(snapshot.pk) == Status.READY  # delivered again: nothing redone
    assert list(NationalCount.objects.values_list("indicator", "departement_code", "year", "value")) == stored
    assert NationalSnapshot.objects.get(pk=snapshot.pk).finished_at == finished
    assert refresh_national_counts(snapshot.pk + 1000) == "absent"


def test_a_refresh_left_behind_is_taken_over_after_the_lease(cases):
    snapshot, _ = national_counts.request_refresh(queue=False)
    dead = timezone.now() - national_counts.LEASE - datetime.timedelta(minutes=1)
    NationalSnapshot.objects.filter(pk=snapshot.pk).update(requested_at=dead, started_at=dead)
    again, created = national_counts.request_refresh(queue=False)
    assert created and again.pk == snapshot.pk and again.started_at is None
    assert national_counts.run(again.pk) == Status.READY


def test_a_failed_refresh_is_recorded_and_the_next_one_runs(cases, monkeypatch):
    def broken(years):
        raise RuntimeError("base indisponible")

    monkeypatch.setattr(national, "counts", broken)
    assert refresh_national_counts() == Status.FAILED
    failed = NationalSnapshot.objects.get()
    assert failed.error == "RuntimeError" and failed.finished_at
    monkeypatch.undo()
    assert refresh_national_counts() == Status.READY
    assert list(NationalSnapshot.objects.values_list("status", flat=True)) == [Status.READY]


def test_only_the_two_newest_snapshots_are_kept(cases):
    for _ in range(3):
        refresh_national_counts()
    kept = NationalSnapshot.objects.order_by("pk")
    assert kept.count() == 2
    assert NationalCount.objects.exclude(snapshot__in=kept).count() == 0


@pytest.mark.django_db(transaction=True)
def test_every_source_is_read_as_of_one_instant(dijon):
    """Outside a test's transaction, the refresh counts in one REPEATABLE READ, READ ONLY
    transaction (PostgreSQL): it runs, and stores what national.counts gives."""
    macon = CommuneFactory(insee_code="71270", name="Mâcon", departement_code="71")
    a_counted_case(macon, OrganisationFactory(ccas=True))
    assert refresh_national_counts() == Status.READY
    snapshot = NationalSnapshot.objects.get()
    fresh = national.counts(snapshot.years)
    stored = national_counts.table(snapshot, years=snapshot.years)
    assert dict(stored) == {key: count for key, count in fresh.items() if count}


def test_the_exports_are_the_stored_counts_and_print_their_date(
    national_client, cases, django_capture_on_commit_callbacks
):
    arrested()
    # Acts recorded after the figures were arrested are not in the exports until the next refresh.
    a_counted_case(CommuneFactory(insee_code="71271", departement_code="71"), OrganisationFactory(ccas=True))

    def download(kind):
        with django_capture_on_commit_callbacks(execute=True):
            asked = national_client.get(reverse("indicators:national_export"), {"year": 2025, "format": kind})
        export = BackgroundExport.objects.get(pk=asked.url.rstrip("/").split("/")[-1])
        response = national_client.get(reverse("procedure:background_export_download", args=[export.pk]))
        return b"".join(response.streaming_content)

    rows = list(csv.DictReader(io.StringIO(download("csv").decode())))
    values = {(r["indicator"], r["departement"], r["year"]): r["value"] for r in rows}
    assert (values["dsf_realises", "21", "2025"], values["dsf_realises", "FR", "2025"]) == ("6", "9")
    assert {r["counted_at"] for r in rows} == {"2026-12-02T02:00+01:00"}
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(download("pdf"))).pages)
    assert "Chiffres arrêtés le 02/12/2026 à 02:00" in text


def test_no_export_before_the_figures_are_arrested(national_client, cases):
    response = national_client.get(reverse("indicators:national_export"), {"year": 2025, "format": "csv"})
    assert response.status_code == 302 and response.url.startswith(URL)
    assert not BackgroundExport.objects.exists()


def test_the_refresh_is_in_the_nightly_schedule_at_two():
    (entry,) = [
        e for e in app.conf.beat_schedule.values() if e["task"] == "indicators.tasks.refresh_national_counts"
    ]
    assert entry["schedule"].hour == {2} and entry["schedule"].minute == {0}


def test_the_nightly_refresh_through_a_worker(celery_worker_process, dijon, settings):
    """As beat sends it: a real worker when REDIS_URL is set (eagerly otherwise), the counts
    stored by another process, outside any test transaction, equal to a fresh count (with the
    worker's settings: the indicators partners supply by default are not counted)."""
    from config import settings as project

    settings.INDICATORS_SUPPLIED = project.INDICATORS_SUPPLIED
    a_counted_case(dijon, OrganisationFactory(ccas=True))
    assert refresh_national_counts.delay().get(timeout=60) == Status.READY
    snapshot = national_counts.latest()
    fresh = national.counts(snapshot.years)
    stored = national_counts.table(snapshot, years=snapshot.years)
    assert dict(stored) == {key: count for key, count in fresh.items() if count} and stored

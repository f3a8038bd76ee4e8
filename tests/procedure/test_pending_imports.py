"""A previewed import keeps the file (names, addresses) only until it is confirmed, cancelled or a
day old: the hourly task deletes the previews left behind (issue 15 §3)."""

import os
import time

import pytest

from procedure.models import Procedure
from procedure.pending_imports import PendingImport
from procedure.tasks import purge_pending_imports
from tests.procedure.test_views_import import URL, confirm, csv_file, upload, week_of_acts

pytestmark = pytest.mark.django_db

DAY = 24 * 3600


@pytest.fixture(autouse=True)
def private_folder(monkeypatch, tmp_path):
    monkeypatch.setattr(PendingImport, "FOLDER", tmp_path / "imports")


def kept_files():
    return sorted(path.name for path in PendingImport.FOLDER.glob("*"))


def age(token, seconds):
    (path,) = PendingImport.FOLDER.glob(f"{token}.*")
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_a_preview_a_day_old_is_deleted_and_a_younger_one_kept(
    secretariat_client, administrator_client, dijon
):
    old = upload(secretariat_client, csv_file(week_of_acts())).context["confirm_form"].initial["token"]
    young = upload(administrator_client, csv_file(week_of_acts())).context["confirm_form"].initial["token"]
    age(old, DAY + 60)
    age(young, DAY - 60)

    assert purge_pending_imports.delay().get() == 1

    assert kept_files() == [f"{young}.csv"]


def test_confirming_a_preview_a_day_old_is_refused_and_writes_nothing(secretariat_client, dijon):
    preview = upload(secretariat_client, csv_file(week_of_acts()))
    age(preview.context["confirm_form"].initial["token"], DAY + 60)

    response = confirm(secretariat_client, preview, confirm="")

    assert response.url == URL
    page = secretariat_client.get(URL).content.decode()
    assert "n&#x27;est plus disponible" in page or "n'est plus disponible" in page
    assert not Procedure.objects.exists()
    assert kept_files() == []


def test_the_folder_is_readable_by_prevex_only(secretariat_client, dijon):
    upload(secretariat_client, csv_file(week_of_acts()))

    assert PendingImport.FOLDER.stat().st_mode & 0o077 == 0

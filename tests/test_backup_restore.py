"""The backup and restore of docs/backup-and-restore.md, run for real: pg_dump of the test
database, pg_restore into an empty database, the same row count in every table; the media folder
archived and extracted with the same files. PostgreSQL only (skipped on SQLite)."""

import hashlib
import shutil
import subprocess
import tarfile
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from letters.models import LetterKind
from letters.services import letters
from procedure.models import Stage
from tests.procedure.factories import procedure_at

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("directory_contacts"),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="pg_dump and pg_restore need PostgreSQL",
    ),
]


def url(name):
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgresql://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def row_counts(dsn) -> dict[str, int]:
    with psycopg.connect(dsn) as conn:
        tables = [
            row[0] for row in conn.execute("select tablename from pg_tables where schemaname = 'public'")
        ]
        return {
            table: conn.execute(f'select count(*) from "{table}"').fetchone()[0] for table in sorted(tables)
        }


def checksums(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def restored_name():
    name = f"{connection.settings_dict['NAME']}_restored"
    admin = url("postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}"')
        conn.execute(f'create database "{name}"')
    yield name
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')


def test_a_dump_restored_into_an_empty_database_has_the_same_rows_and_media(tmp_path, restored_name):
    for _ in range(3):
        letters.generate(procedure=procedure_at(Stage.PAYMENT_ORDER), kind=LetterKind.QUESTIONNAIRE_HOUSEHOLD)
    source = url(connection.settings_dict["NAME"])
    dump, archive = tmp_path / "prevex.dump", tmp_path / "media.tar.gz"
    media, restored_media = Path(settings.MEDIA_ROOT), tmp_path / "restored-media"

    subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--dbname={source}",
                    f"--file={dump}"], check=True)  # fmt: skip
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(media, arcname=".")
    subprocess.run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
                    f"--dbname={url(restored_name)}", str(dump)], check=True)  # fmt: skip
    restored_media.mkdir()
    with tarfile.open(archive) as tar:
        tar.extractall(restored_media, filter="data")

    counts = row_counts(source)
    assert counts["procedure_procedure"] == 3 and counts["letters_letter"] == 3
    assert row_counts(url(restored_name)) == counts
    assert checksums(restored_media) == checksums(media) != {}
    shutil.rmtree(restored_media)

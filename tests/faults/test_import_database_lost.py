"""Faults lose nothing (issue 15, item 8): the database connection lost in the middle of an import.

On PostgreSQL, a statement-level trigger makes the import's INSERT of the acts wait (`pg_sleep`)
once the procedures are written in its transaction; another connection then ends the import's own
server process with `pg_terminate_backend`, as a restart of the server would. The shared server is
never restarted: only the backend of the test's own database is ended.
"""

import html as html_module
import threading
import time

import psycopg
import pytest
from django.db import connection

from households.models import Household
from procedure.models import Procedure, ProcedureEvent, Task
from procedure.pending_imports import PendingImport
from tests.procedure.test_views_import import confirm, csv_file, upload, week_of_acts

pytestmark = pytest.mark.django_db(transaction=True)

# Armed `times` times: a sequence is not rolled back with the killed transaction, so only the first
# INSERTs of acts wait (the preview shown again after the interruption then inserts without waiting).
ARM = """
CREATE SEQUENCE fault_import_once;
CREATE FUNCTION fault_import_wait() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF nextval('fault_import_once') <= {times} THEN PERFORM pg_sleep(20); END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER fault_import_wait AFTER INSERT ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION fault_import_wait();
"""
DISARM = f"""
DROP TRIGGER IF EXISTS fault_import_wait ON {ProcedureEvent._meta.db_table};
DROP FUNCTION IF EXISTS fault_import_wait();
DROP SEQUENCE IF EXISTS fault_import_once;
"""


def _other_connection():
    settings = connection.settings_dict
    return psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        autocommit=True,
    )


class Killer(threading.Thread):
    """From its own connection: wait until a backend of the test database sleeps in the trigger,
    end it, `times` times, and remember their pids."""

    def __init__(self, times=1):
        super().__init__(daemon=True)
        self.times, self.killed = times, []

    def run(self):
        with _other_connection() as other:
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and len(self.killed) < self.times:
                row = other.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event = 'PgSleep' AND pid <> pg_backend_pid()"
                ).fetchone()
                if row and row[0] not in self.killed:
                    other.execute("SELECT pg_terminate_backend(%s)", [row[0]])
                    self.killed.append(row[0])
                time.sleep(0.05)


@pytest.fixture
def armed_import():
    if connection.vendor != "postgresql":
        pytest.skip(
            "pg_terminate_backend ends a PostgreSQL server process; SQLite is a file in the same "
            "process, with no connection to lose"
        )
    with _other_connection() as other:
        other.execute(DISARM)
        yield lambda times=1: other.execute(ARM.format(times=times, table=ProcedureEvent._meta.db_table))
        other.execute(DISARM)


def test_the_database_lost_mid_import_writes_nothing_and_asks_to_retry(
    armed_import, secretariat_client, dijon
):
    preview = upload(secretariat_client, csv_file(week_of_acts()))
    assert "Confirmer l'import" in preview.content.decode()
    households_before = Household.objects.count()
    armed_import()
    killer = Killer()
    killer.start()

    started = time.monotonic()
    response = confirm(secretariat_client, preview, confirm="")
    killer.join(timeout=20)

    assert len(killer.killed) == 1, "the import never reached the INSERT of its acts"
    assert time.monotonic() - started < 15
    # Nothing written: not the procedures written before the acts, nor an act, a task, a household.
    assert not Procedure.objects.exists()
    assert not ProcedureEvent.objects.exists()
    assert not Task.objects.exists()
    assert Household.objects.count() == households_before
    # The secretariat is told in French, the preview is kept with its confirm button.
    html = html_module.unescape(response.content.decode())
    assert response.status_code == 200
    assert "L'import de « actes.csv » a été interrompu : rien n'a été enregistré" in html
    assert "La connexion à la base de données a été perdue pendant l'import" in html
    assert "2 procédures créées, 3 actes enregistrés, 0 actes déjà connus" in html
    assert "Confirmer l'import" in html
    token = response.context["confirm_form"].initial["token"]
    assert token == preview.context["confirm_form"].initial["token"]
    assert PendingImport.FOLDER.joinpath(f"{token}.csv").exists()

    # Retrying the same confirmation imports the file, once.
    retried = confirm(secretariat_client, response, confirm="")

    assert retried.status_code == 302
    assert Procedure.objects.count() == 2
    assert ProcedureEvent.objects.count() == 3


def test_a_database_still_lost_shows_the_message_and_the_retry_button(
    armed_import, secretariat_client, dijon
):
    """The preview cannot be computed again either: the message, a 503, the kept file's retry."""
    preview = upload(secretariat_client, csv_file(week_of_acts()))
    armed_import(times=2)
    killer = Killer(times=2)
    killer.start()

    response = confirm(secretariat_client, preview, confirm="")
    killer.join(timeout=20)

    assert len(killer.killed) == 2
    assert not Procedure.objects.exists()
    html = html_module.unescape(response.content.decode())
    assert response.status_code == 503
    assert "rien n'a été enregistré" in html
    assert "réessayez dans quelques minutes" in html
    assert "Réessayer l'import" in html
    assert confirm(secretariat_client, response, confirm="").status_code == 302
    assert ProcedureEvent.objects.count() == 3


def test_the_database_lost_mid_api_import_is_a_503_and_the_same_key_retries(armed_import, dijon):
    """The partner API runs the same import: a 503 with Retry-After, nothing written, not even the
    Idempotency-Key's claim, so the commissaire de justice's retry with the same key is imported."""
    from directory.models import IdempotentRequest, Organisation
    from tests.partner_api import client_with, partner, token_for
    from tests.procedure.test_api_acts import new_case

    partner(Organisation.Kind.SOCIAL_LANDLORD, siren="272100139")
    client = client_with(token_for(partner(Organisation.Kind.BAILIFFS))[1])
    armed_import()
    killer = Killer()
    killer.start()

    response = client.post("/api/v1/actes/", new_case("CJ-LOST"), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    killer.join(timeout=20)

    assert len(killer.killed) == 1
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "rien n'a été enregistré" in response.json()["detail"]
    assert not Procedure.objects.exists() and not IdempotentRequest.objects.exists()
    retried = client.post("/api/v1/actes/", new_case("CJ-LOST"), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert retried.status_code == 201
    assert ProcedureEvent.objects.count() == 1

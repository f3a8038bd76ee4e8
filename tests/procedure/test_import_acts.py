"""Import of acts (formats.md): whole file or nothing, every error at once, idempotent."""

import datetime
import gc
import io
import re
import sys

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from directory.models import Organisation
from households.models import HousingSector, Landlord
from procedure import services
from procedure.models import Procedure, ProcedureEvent, Stage, Task
from procedure.services import import_acts
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "reference,acte,date_acte,nom,prenom,adresse,code_postal,commune_insee,bailleur,bailleur_siren,parc,"
    "date_bail,loyer,charges,dette,date_audience,issue,adultes,enfants,numero_allocataire"
)
GOOD_ROWS = [
    # Out of order on purpose: the importer sorts a case's acts by date.
    "EXP-1,assignation,2026-03-02,,,,,,,,,,,,,2026-05-12,,,,",
    "EXP-1,commandement_de_payer,05/01/2026,Dupré,Élise,12 rue Monge,21000,21231,Orvitis,,public,2019-04-01,"
    '"1 234,56",80,2100.50,,,2,1,1234567',
    "EXP-2,commandement_de_quitter_les_lieux,2026-10-15,Martin,Paul,3 place Darcy,21000,21231,"
    "M. Jean Bernard,,prive,2024-01-10,650.00,40,,,,1,0,",
]


@pytest.fixture
def orvitis(db):
    return OrganisationFactory(
        code="orvitis", name="ORVITIS", kind=Organisation.Kind.SOCIAL_LANDLORD, siren="272100139"
    )


def csv_file(rows, header=HEADER, delimiter=",", bom=False):
    text = "\n".join([header, *rows]) + "\n"
    if delimiter == ";":
        text = text.replace(",", ";").replace('"1 234;56"', "1 234,56")
    return io.BytesIO(("\ufeff" if bom else "").encode() + text.encode("utf-8"))


def test_good_file_creates_procedures_acts_and_tasks(dijon, orvitis, secretariat):
    report = import_acts(csv_file(GOOD_ROWS), filename="actes.csv", user=secretariat)
    assert report.ok, report.errors
    assert report.summary == "2 procédures créées, 3 actes enregistrés, 0 actes déjà connus"
    first = Procedure.objects.get(reference="EXP-1")
    assert first.landlord.organisation == orvitis
    assert first.lease.sector == HousingSector.PUBLIC
    assert str(first.lease.rent) == "1234.56"
    assert first.household.persons.get().last_name == "Dupré"
    assert first.household.benefit_claim_number == "1234567"
    assert list(first.events.values_list("kind", flat=True)) == [Stage.PAYMENT_ORDER, Stage.SUMMONS]
    assert first.events.get(kind=Stage.SUMMONS).hearing_date == datetime.date(2026, 5, 12)
    assert set(first.events.values_list("source", flat=True)) == {ProcedureEvent.Source.IMPORT}
    second = Procedure.objects.get(reference="EXP-2")
    assert second.landlord.kind == Landlord.Kind.PERSON
    assert Task.objects.filter(procedure=second, kind="demander_visite_anticipation").exists()
    assert Task.objects.filter(procedure=first, kind="demander_dsf").get().due_date == datetime.date(
        2026, 5, 4
    )


def test_importing_the_same_file_twice_changes_nothing(dijon, orvitis):
    import_acts(csv_file(GOOD_ROWS), filename="actes.csv")
    counts = (Procedure.objects.count(), ProcedureEvent.objects.count(), Task.objects.count())
    report = import_acts(csv_file(GOOD_ROWS), filename="actes.csv")
    assert report.summary == "0 procédures créées, 0 actes enregistrés, 3 actes déjà connus"
    assert (Procedure.objects.count(), ProcedureEvent.objects.count(), Task.objects.count()) == counts


def test_landlord_is_matched_by_siren(dijon, orvitis):
    rows = [
        "EXP-9,commandement_de_payer,2026-01-05,Roy,Luc,1 rue A,21000,21231,Office HLM,272100139,public,"
        ",,,,,,,,"
    ]
    assert import_acts(csv_file(rows), filename="a.csv").ok
    assert Procedure.objects.get().landlord.organisation == orvitis


def test_faulty_file_reports_every_error_and_writes_nothing(dijon, orvitis):
    rows = [
        *GOOD_ROWS,
        "EXP-3,saisie,2026-01-05,Roy,Luc,1 rue A,21000,21231,X,,prive,,,,,,,,,",
        "EXP-4,jugement,31/02/2026,Roy,Luc,1 rue A,21000,99999,X,,public,,abc,,,,,,,",
        "EXP-5,assignation,2026-01-05,Roy,Luc,1 rue A,21000,21231,X,,prive,,,,,,,,,",
        "EXP-1,commandement_de_payer,2026-04-01,,,,,,,,,,,,,,,,,",
        "EXP-6,jugement,2026-01-05,,,,,,,,,,,,,,,,,",
    ]
    report = import_acts(csv_file(rows), filename="actes.csv")
    messages = [str(error) for error in report.errors]
    assert "ligne 5, colonne acte : valeur « saisie » inconnue" in messages[0]
    assert any(m.startswith("ligne 6, colonne date_acte : date « 31/02/2026 » invalide") for m in messages)
    assert any(m.startswith("ligne 6, colonne loyer : montant « abc » invalide") for m in messages)
    assert "ligne 6, colonne commune_insee : commune 99999 inconnue de Prévex" in messages
    assert "ligne 7, colonne date_audience : date d'audience obligatoire pour une assignation" in messages
    assert (
        "ligne 8, colonne date_acte : Un commandement de payer ne peut pas être enregistré après "
        "l'assignation du 02/03/2026." in messages
    )
    assert (
        "ligne 9, colonne issue : issue du jugement attendue : "
        "resiliation, resiliation_delais, rejet, radiation" in messages
    )
    assert "ligne 9, colonne nom : obligatoire pour la nouvelle procédure EXP-6" in messages
    assert (
        not Procedure.objects.exists()
        and not ProcedureEvent.objects.exists()
        and not Landlord.objects.exists()
    )


def test_missing_required_column_is_reported_on_the_header():
    report = import_acts(io.BytesIO(b"reference,date_acte\nEXP-1,2026-01-05\n"), filename="a.csv")
    assert [str(error) for error in report.errors] == ["ligne 1, colonne acte : colonne obligatoire absente"]


def test_semicolon_file_with_bom_and_uppercase_headers_is_read(dijon, orvitis):
    report = import_acts(
        csv_file(GOOD_ROWS, header=HEADER.upper(), delimiter=";", bom=True), filename="a.csv"
    )
    assert report.ok, report.errors
    assert report.recorded_acts == 3
    assert str(Procedure.objects.get(reference="EXP-1").lease.rent) == "1234.56"


def test_xlsx_first_sheet_is_read(dijon, orvitis):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(
        [
            "EXP-7",
            "commandement_de_payer",
            datetime.datetime(2026, 1, 5),
            "Roy",
            "Luc",
            "1 rue A",
            "21000",
            "21231",
            "Orvitis",
            None,
            "public",
            None,
            512.3,
            None,
            None,
            None,
            None,
            1,
            2,
            None,
        ]
    )
    workbook.create_sheet("ignorée").append(["rien"])
    stream = io.BytesIO()
    workbook.save(stream)
    stream.seek(0)
    report = import_acts(stream, filename="actes.xlsx")
    assert report.ok, report.errors
    procedure = Procedure.objects.get(reference="EXP-7")
    assert (str(procedure.lease.rent), procedure.household.children) == ("512.30", 2)


def test_dry_run_reports_the_changes_and_writes_nothing(dijon, orvitis):
    report = import_acts(csv_file(GOOD_ROWS), filename="a.csv", dry_run=True)
    assert report.summary == "2 procédures créées, 3 actes enregistrés, 0 actes déjà connus"
    assert [row.status for row in report.preview] == ["à enregistrer"] * 3
    assert not Procedure.objects.exists() and not Task.objects.exists()


def test_command_prints_the_summary_last(dijon, orvitis, tmp_path, capsys):
    path = tmp_path / "actes.csv"
    path.write_bytes(csv_file(GOOD_ROWS).getvalue())
    call_command("import_acts", str(path))
    assert capsys.readouterr().out.strip().splitlines()[-1] == (
        "2 procédures créées, 3 actes enregistrés, 0 actes déjà connus"
    )


def test_command_exits_1_on_a_faulty_file_and_prints_each_error(dijon, tmp_path, capsys):
    path = tmp_path / "actes.csv"
    path.write_bytes(csv_file(["EXP-1,commandement_de_payer,hier,,,,,,,,,,,,,,,,,"]).getvalue())
    with pytest.raises(SystemExit) as exit_:
        call_command("import_acts", str(path), "--dry-run")
    assert exit_.value.code == 1
    errors = capsys.readouterr().err.strip().splitlines()
    assert (
        errors[0] == "ligne 2, colonne date_acte : date « hier » invalide : AAAA-MM-JJ ou JJ/MM/AAAA attendu"
    )
    assert not Procedure.objects.exists()


def _file_of(count):
    """`count` acts: commandements de payer of new procedures, both sectors, then assignations of
    half of them (the rules applied act after act: the assignation supersedes the questionnaire)."""
    rows = []
    for number in range(count // 2):
        sector, landlord = ("public", "Orvitis") if number % 2 else ("prive", f"M. Propriétaire {number % 7}")
        rows.append(
            f"N-{number},commandement_de_payer,2026-01-05,Nom{number},Prénom,{number} rue Monge,21000,21231,"
            f"{landlord},,{sector},2019-04-01,500,50,{1000 + number},,,1,0,"
        )
        rows.append(f"N-{number},assignation,2026-03-02,,,,,,,,,,,,,2026-05-12,,,,")
    return csv_file(rows)


def statements(captured):
    """The queries sent, a bulk write split in batches counted once: SQLite's driver takes at most
    999 parameters a statement, so Django splits a long INSERT or bulk UPDATE (PostgreSQL sends one)."""
    keys = []
    for query in captured.captured_queries:
        sql = query["sql"]
        key = re.sub(r"'[^']*'|\d+", "?", sql.split(" VALUES ")[0])[:100]  # values and ids apart
        if not (keys and keys[-1] == key and sql.startswith(("INSERT", "UPDATE"))):
            keys.append(key)
    return keys


def test_the_import_sends_as_many_queries_for_100_acts_as_for_10(dijon, orvitis):
    with CaptureQueriesContext(connection) as ten:
        assert import_acts(_file_of(10), filename="actes.csv").ok
    Procedure.objects.all().delete()

    with CaptureQueriesContext(connection) as hundred:
        report = import_acts(_file_of(100), filename="actes.csv")

    assert report.summary == "50 procédures créées, 100 actes enregistrés, 0 actes déjà connus"
    assert statements(hundred) == statements(ten)
    if connection.vendor == "postgresql":  # no batches there: exactly as many queries
        assert len(hundred) == len(ten)
    assert Task.objects.filter(procedure__reference="N-1", status=Task.Status.SET_ASIDE).exists()


def test_importing_100_known_acts_again_sends_as_many_queries_as_10(dijon, orvitis):
    import_acts(_file_of(10), filename="actes.csv")
    with CaptureQueriesContext(connection) as ten:
        import_acts(_file_of(10), filename="actes.csv")
    import_acts(_file_of(100), filename="actes.csv")

    with CaptureQueriesContext(connection) as hundred:
        report = import_acts(_file_of(100), filename="actes.csv")

    assert report.summary == "0 procédures créées, 0 actes enregistrés, 100 actes déjà connus"
    assert statements(hundred) == statements(ten)


def test_new_cases_are_written_once_with_their_summary_and_a_known_file_reads_no_details(dijon, orvitis):
    """Issue 11: each new row is written by its INSERT alone (search texts, debt and summary
    computed before it), and a file whose acts are all known reads only the procedures and their
    acts, never their households, leases or landlords."""
    with CaptureQueriesContext(connection) as first:
        assert import_acts(_file_of(10), filename="actes.csv").ok
    with CaptureQueriesContext(connection) as again:
        report = import_acts(_file_of(10), filename="actes.csv")

    assert not [query["sql"] for query in first.captured_queries if query["sql"].startswith("UPDATE")]
    assert services.check_summaries() == (5, [])
    procedure = Procedure.objects.select_related("household").get(reference="N-1")
    assert (procedure.current_stage, procedure.debt, procedure.version) == ("assignation", 1001, 2)
    assert procedure.household.search_text == "prenom nom1\nnom1 prenom"
    assert procedure.household.address_text == "1 rue monge 21000 dijon"
    assert report.summary == "0 procédures créées, 0 actes enregistrés, 10 actes déjà connus"
    assert not [query["sql"] for query in again.captured_queries if '"households_' in query["sql"]]


def test_the_cycle_collector_is_paused_during_the_import_and_resumes_after(dijon, orvitis):
    """Issue 11: it ran about 800 times for 10,000 acts, a tenth of the import."""
    passes, threshold = [], gc.get_threshold()

    def record(phase, info):
        if phase == "start" and _importing(sys._getframe()):
            passes.append(info)

    gc.callbacks.append(record)
    gc.set_threshold(1)  # a pass at every allocation when the collector runs
    try:
        report = import_acts(_file_of(10), filename="actes.csv")
    finally:
        gc.callbacks.remove(record)
        gc.set_threshold(*threshold)

    assert report.ok and passes == []
    assert gc.isenabled()


def _importing(frame) -> bool:
    """Whether this frame runs inside the import's check or writing (procedure.importing)."""
    while frame is not None:
        in_module = frame.f_globals["__name__"] == "procedure.importing"
        if in_module and frame.f_code.co_name in ("_check", "_write"):
            return True
        frame = frame.f_back
    return False

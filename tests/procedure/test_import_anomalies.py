"""An imported act that breaks a rule is reported with the case page's message (issue 10, item 5)."""

import io

import pytest
from django.core.management import call_command

from procedure import deadlines, services
from procedure.models import Procedure
from tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db

HEADER = "reference,acte,date_acte,nom,adresse,code_postal,commune_insee,bailleur,parc,date_audience\n"


@pytest.fixture
def dijon():
    return CommuneFactory(insee_code="21231", name="Dijon")


def csv_file(*rows):
    return io.BytesIO((HEADER + "".join(f"{row}\n" for row in rows)).encode())


def test_a_premature_requisition_is_reported_with_the_case_pages_message(dijon):
    report = services.import_acts(
        csv_file(
            "EXP-1,commandement_de_quitter_les_lieux,05/01/2026,Durand,1 rue A,21000,21231,M. Martin,prive,",
            "EXP-1,requisition_force_publique,05/03/2026,,,,,,,",
        ),
        filename="actes.csv",
    )

    assert report.ok
    message = (
        "Réquisition du 05/03/2026 avant la fin des 2 mois suivant le commandement de quitter les lieux "
        "du 05/01/2026 : elle est réputée faite le 06/03/2026 (CE 18 déc. 2013 n° 363126)."
    )
    assert [str(anomaly) for anomaly in report.anomalies] == [f"dossier EXP-1 : {message}"]
    assert [str(anomaly) for anomaly in deadlines.anomalies(Procedure.objects.get(reference="EXP-1"))] == [
        message
    ]
    assert report.summary.endswith(", 1 anomalie relevée")


def test_the_day_after_is_no_anomaly(dijon):
    report = services.import_acts(
        csv_file(
            "EXP-2,commandement_de_quitter_les_lieux,05/01/2026,Durand,1 rue A,21000,21231,M. Martin,prive,",
            "EXP-2,requisition_force_publique,06/03/2026,,,,,,,",
        ),
        filename="actes.csv",
    )

    assert report.ok and report.anomalies == []


def test_a_refused_row_carries_the_forms_message(dijon):
    report = services.import_acts(
        csv_file("EXP-3,assignation,05/01/2026,Durand,1 rue A,21000,21231,M. Martin,prive,04/01/2026"),
        filename="actes.csv",
    )

    assert [str(error) for error in report.errors] == [
        "ligne 2, colonne date_audience : La date d'audience (04/01/2026) doit suivre celle de l'assignation "
        "(05/01/2026)."
    ]
    assert not Procedure.objects.exists()


def test_the_command_prints_each_anomaly_then_the_summary(dijon, tmp_path, capsys):
    path = tmp_path / "actes.csv"
    path.write_bytes(
        csv_file(
            "EXP-4,commandement_de_quitter_les_lieux,05/01/2026,Durand,1 rue A,21000,21231,M. Martin,prive,",
            "EXP-4,requisition_force_publique,05/03/2026,,,,,,,",
        ).getvalue()
    )

    call_command("import_acts", str(path))

    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("anomalie, dossier EXP-4 : Réquisition du 05/03/2026")
    assert lines[-1] == "1 procédures créées, 2 actes enregistrés, 0 actes déjà connus, 1 anomalie relevée"

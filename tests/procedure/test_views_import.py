"""The upload page of acts (formats.md): preview from a dry run, confirmation, errors, file checks."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from procedure.models import Procedure, ProcedureEvent, Task
from procedure.views.lists import PendingImport

pytestmark = pytest.mark.django_db

URL = reverse("procedure:import")


def _today():
    """Read at each use: a module-level date goes stale when a run crosses midnight."""
    return timezone.localdate()


HEADER = "reference;acte;date_acte;nom;prenom;adresse;code_postal;commune_insee;bailleur;parc;date_audience"


def day(offset):
    return (_today() + datetime.timedelta(days=offset)).isoformat()


def week_of_acts():
    """Two new procedures and three acts, dated in the past week."""
    return "\n".join(
        [
            HEADER,
            f"EXP-21-0001;commandement_de_payer;{day(-6)};Dupont;Hélène;3 rue des Forges;21000;21231;"
            "M. Durand;prive;",
            f"EXP-21-0002;commandement_de_payer;{day(-60)};Martin;Paul;8 rue Monge;21000;21231;M. Roy;prive;",
            f"EXP-21-0002;assignation;{day(-2)};;;;;;;;{day(60)}",
        ]
    )


def csv_file(text, name="actes.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def upload(client, file):
    return client.post(URL, {"file": file})


def confirm(client, response, **extra):
    token = response.context["confirm_form"].initial["token"]
    return client.post(URL, {"token": token, **extra})


def test_secretariat_sees_the_upload_form(secretariat_client):
    response = secretariat_client.get(URL)

    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.content.decode()


@pytest.mark.parametrize(
    "client_name", ["social_worker_client", "other_social_worker_client", "commission_member_client"]
)
def test_other_roles_get_403_on_the_import(request, client_name):
    client = request.getfixturevalue(client_name)

    assert client.get(URL).status_code == 403
    assert upload(client, csv_file(week_of_acts())).status_code == 403


def test_upload_shows_a_preview_from_a_dry_run_and_writes_nothing(secretariat_client, dijon):
    response = upload(secretariat_client, csv_file(week_of_acts()))

    html = response.content.decode()
    assert response.status_code == 200
    assert "2 procédures créées, 3 actes enregistrés, 0 actes déjà connus" in html
    assert "EXP-21-0002" in html and "Assignation" in html
    assert "Confirmer l'import" in html
    assert not Procedure.objects.exists()
    assert not ProcedureEvent.objects.exists()


def test_confirm_imports_the_kept_file_and_creates_the_tasks(secretariat_client, secretariat, dijon):
    preview = upload(secretariat_client, csv_file(week_of_acts()))

    response = confirm(secretariat_client, preview, confirm="")

    assert response.status_code == 302
    assert response.url == reverse("procedure:work_queue")
    assert Procedure.objects.count() == 2
    assert (
        ProcedureEvent.objects.filter(source=ProcedureEvent.Source.IMPORT, recorded_by=secretariat).count()
        == 3
    )
    assert Task.objects.filter(procedure__reference="EXP-21-0001").exists()
    assert not PendingImport.FOLDER.joinpath(
        f"{preview.context['confirm_form'].initial['token']}.csv"
    ).exists()
    queue = secretariat_client.get(response.url).content.decode()
    assert "Import terminé : 2 procédures créées, 3 actes enregistrés, 0 actes déjà connus" in queue


def test_the_same_file_twice_changes_nothing(secretariat_client, dijon):
    confirm(secretariat_client, upload(secretariat_client, csv_file(week_of_acts())))

    response = upload(secretariat_client, csv_file(week_of_acts()))

    assert "0 procédures créées, 0 actes enregistrés, 3 actes déjà connus" in response.content.decode()
    assert ProcedureEvent.objects.count() == 3


def test_a_token_can_be_confirmed_only_once(secretariat_client, dijon):
    preview = upload(secretariat_client, csv_file(week_of_acts()))
    confirm(secretariat_client, preview)

    again = confirm(secretariat_client, preview, confirm="")

    assert again.status_code == 302
    assert again.url == URL
    assert ProcedureEvent.objects.count() == 3


def test_a_token_of_another_session_is_refused(secretariat_client, administrator_client, dijon):
    preview = upload(secretariat_client, csv_file(week_of_acts()))

    response = confirm(administrator_client, preview)

    assert response.url == URL
    assert not Procedure.objects.exists()


def test_cancel_deletes_the_kept_file(secretariat_client, dijon):
    preview = upload(secretariat_client, csv_file(week_of_acts()))
    token = preview.context["confirm_form"].initial["token"]

    confirm(secretariat_client, preview, cancel="")

    assert not PendingImport.FOLDER.joinpath(f"{token}.csv").exists()
    assert not Procedure.objects.exists()


def test_every_error_is_listed_by_line_and_column_and_nothing_is_kept(secretariat_client, dijon):
    text = "\n".join(
        [
            HEADER,
            "EXP-1;commandement_de_payer;31/02/2026;Dupont;;1 rue A;21000;21231;M. X;prive;",
            f"EXP-2;saisie_immobiliere;{day(-3)};Durand;;2 rue B;21000;21231;M. Y;prive;",
            f"EXP-3;commandement_de_payer;{day(-3)};Roy;;3 rue C;21000;21231;M. Z;ailleurs;",
        ]
    )

    response = upload(secretariat_client, csv_file(text))

    html = response.content.decode()
    assert "Le fichier n'a pas été importé" in html
    errors = [str(error) for error in response.context["report"].errors]
    assert len(errors) >= 3
    assert any(error.startswith("ligne 2, colonne date_acte") for error in errors)
    assert any(error.startswith("ligne 3, colonne acte") for error in errors)
    assert any(error.startswith("ligne 4, colonne parc") for error in errors)
    for error in errors:
        assert error.replace("'", "&#x27;") in html
    assert "confirm_form" not in response.context
    assert PendingImport.SESSION_KEY not in secretariat_client.session
    assert not Procedure.objects.exists()


def test_an_xlsx_file_is_previewed_too(secretariat_client, dijon):
    workbook = Workbook()
    for line in week_of_acts().splitlines():
        workbook.active.append(line.split(";"))
    content = io.BytesIO()
    workbook.save(content)

    response = upload(secretariat_client, SimpleUploadedFile("actes.xlsx", content.getvalue()))

    assert "2 procédures créées, 3 actes enregistrés" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("actes.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "ni un CSV en UTF-8 ni un classeur XLSX"),
        ("actes.xlsx", b"PK\x03\x04 not really a zip", "pas un classeur XLSX"),
        ("actes.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "Excel 97-2003"),
        ("actes.csv", "référence;acte".encode("latin-1"), "ni un CSV en UTF-8"),
    ],
)
def test_a_file_that_is_not_csv_or_xlsx_by_its_content_is_refused(secretariat_client, name, content, message):
    response = upload(secretariat_client, SimpleUploadedFile(name, content))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "report" not in response.context


def test_a_file_over_5_mb_is_refused(secretariat_client):
    big = HEADER + "\n" + ("x" * 1024 + "\n") * (5 * 1024 + 1)

    response = upload(secretariat_client, csv_file(big))

    assert "dépasse 5 Mo" in response.content.decode()


def test_the_preview_reports_the_anomalies_of_the_file_with_the_case_pages_message(secretariat_client, dijon):
    text = "\n".join(
        [
            HEADER,
            "EXP-21-0009;commandement_de_quitter_les_lieux;2026-01-05;Dupont;Hélène;3 rue des Forges;21000;"
            "21231;M. Durand;prive;",
            "EXP-21-0009;requisition_force_publique;2026-03-05;;;;;;;;",
        ]
    )

    response = upload(secretariat_client, csv_file(text))

    page = response.content.decode()
    assert 'data-testid="anomalies-import"' in page
    assert "dossier EXP-21-0009 : Réquisition du 05/03/2026 avant la fin des 2 mois" in page
    assert not Procedure.objects.filter(reference="EXP-21-0009").exists()  # a preview writes nothing

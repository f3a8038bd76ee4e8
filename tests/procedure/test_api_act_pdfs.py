"""Issue 17 §1, "an upload page (and the API)": a commissaire de justice's system posts its acts as
PDFs; Prévex reads them as it reads a dropped batch, the secretariat finds the batch among those to
check and confirms each act; the partner follows its batch. Idempotent by content."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from directory.models import Organisation
from procedure.models import AccessLog, ActDocument, ReadingBatch, Stage
from tests.factories import OrganisationFactory
from tests.partner_api import client_with, partner, token_for
from tests.procedure import act_pdfs
from tests.procedure.reading_fixtures import acts_world, today  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("acts_world")]

PDFS = "/api/v1/actes/pdf/"


@pytest.fixture
def bailiffs(db):
    return partner(Organisation.Kind.BAILIFFS)


@pytest.fixture
def bailiff(bailiffs):
    return client_with(token_for(bailiffs)[1])


@pytest.fixture
def post(bailiff, django_capture_on_commit_callbacks):
    def run(*pdfs, client=None):
        files = [SimpleUploadedFile(f"acte-{i}.pdf", pdf, "application/pdf") for i, pdf in enumerate(pdfs)]
        with django_capture_on_commit_callbacks(execute=True):  # the reading tasks, after commit
            return (client or bailiff).post(PDFS, {"fichiers": files}, format="multipart")

    return run


def act(kind="commandement_de_payer", seed=1):
    return act_pdfs.act(kind, seed=seed, today=today()).pdf


def test_posted_pdfs_are_read_and_the_partner_follows_its_batch(post, bailiff, bailiffs):
    response = post(act(), act("assignation", seed=2))

    assert response.status_code == 202, response.json()
    answer = response.json()
    batch = ReadingBatch.objects.get()
    assert (batch.api_token.organisation, batch.created_by) == (bailiffs, None)
    assert answer["lot"] == batch.pk and answer["suivi"] == f"{PDFS}{batch.pk}/"
    assert [document["deja_recu"] for document in answer["documents"]] == [False, False]
    followed = bailiff.get(answer["suivi"]).json()
    assert [document["statut"] for document in followed["documents"]] == ["lu", "lu"]
    assert AccessLog.objects.filter(api_token=batch.api_token, context="suivi d'un lot d'actes PDF").exists()


def test_the_same_pdf_posted_again_is_not_kept_twice(post):
    first = post(act()).json()

    again = post(act(), act("jugement", seed=3))

    assert again.status_code == 202
    known, new = again.json()["documents"]
    assert (known["deja_recu"], known["lot"]) == (True, first["lot"])
    assert new["deja_recu"] is False
    assert ActDocument.objects.count() == 2
    nothing_new = post(act())
    assert nothing_new.status_code == 200 and nothing_new.json()["lot"] is None
    assert ReadingBatch.objects.count() == 2


def test_a_file_that_is_not_a_pdf_refuses_the_whole_post_with_its_index(post):
    response = post(act(), b"GIF89a pas un acte")

    assert response.status_code == 422
    assert response.json()["erreurs"] == [
        {"index": 1, "champ": "fichiers", "message": "« acte-1.pdf » n'est pas un PDF."}
    ]
    assert not ReadingBatch.objects.exists() and not ActDocument.objects.exists()


def test_posting_nothing_is_refused(bailiff):
    response = bailiff.post(PDFS, {}, format="multipart")

    assert response.status_code == 422
    assert response.json()["erreurs"][0]["champ"] == "fichiers"


def test_another_organisation_does_not_see_the_batch_and_a_list_token_may_not_post(post, bailiff):
    batch = post(act()).json()["lot"]
    other_bailiffs = OrganisationFactory(code="cj-autre", name="Autre étude", kind=Organisation.Kind.BAILIFFS)
    siao = client_with(token_for(partner(Organisation.Kind.SIAO))[1])

    assert client_with(token_for(other_bailiffs)[1]).get(f"{PDFS}{batch}/").status_code == 404
    assert siao.get(f"{PDFS}{batch}/").status_code == 403
    assert post(act("jugement", seed=4), client=siao).status_code == 403
    assert bailiff.get(f"{PDFS}{batch}/").status_code == 200


def test_the_secretariat_finds_the_posted_batch_and_confirms_its_act(post, bailiffs, secretariat_client):
    post(act())
    document = ActDocument.objects.get()

    drop_page = secretariat_client.get(reverse("procedure:reading_drop")).content.decode()
    assert 'data-testid="batches-to-check"' in drop_page
    assert f"{bailiffs.name} (API)" in drop_page and "1 sur 1" in drop_page
    values = {name: proposal["value"] for name, proposal in document.proposals.items()}
    response = secretariat_client.post(
        reverse("procedure:reading_check", args=[document.pk]), values | {"confirm": ""}
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.status, document.event.kind) == (ActDocument.Status.CONFIRMED, Stage.PAYMENT_ORDER)
    assert (
        'data-testid="batches-to-check"'
        not in secretariat_client.get(reverse("procedure:reading_drop")).content.decode()
    )


def test_an_empty_file_is_named_by_its_rank(bailiff):
    files = [
        SimpleUploadedFile("acte.pdf", act(), "application/pdf"),
        SimpleUploadedFile("vide.pdf", b"", "application/pdf"),
    ]

    response = bailiff.post(PDFS, {"fichiers": files}, format="multipart")

    assert response.status_code == 422
    assert response.json()["erreurs"] == [
        {"index": 1, "champ": "fichiers", "message": "Le fichier soumis est vide."}
    ]


def test_a_batch_of_another_departement_is_not_listed_to_check(post, secretariat_client):
    """Issue 16: each secretariat checks its own département's batches (the bailiffs of the 71)."""
    post(act())
    batch = ReadingBatch.objects.get()
    assert batch.departement_code == "21"  # the posting organisation's
    ReadingBatch.objects.update(departement_code="71")

    drop_page = secretariat_client.get(reverse("procedure:reading_drop")).content.decode()

    assert 'data-testid="batches-to-check"' not in drop_page


def test_more_files_than_django_parses_is_a_422_in_json_and_writes_nothing(bailiff, settings):
    """Past DATA_UPLOAD_MAX_NUMBER_FILES Django refuses to parse the body (TooManyFilesSent): the
    answer is the API's JSON refusal, as the schema says, not Django's HTML « Bad Request »
    (found by schemathesis)."""
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    files = [SimpleUploadedFile(f"acte-{i}.pdf", b"%PDF-1.4", "application/pdf") for i in range(4)]

    response = bailiff.post(PDFS, {"fichiers": files}, format="multipart")

    assert response.status_code == 422
    assert response["Content-Type"] == "application/json"
    assert response.json()["erreurs"][0]["champ"] == "fichiers"
    assert ReadingBatch.objects.count() == 0

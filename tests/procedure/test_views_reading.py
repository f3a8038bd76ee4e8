"""The reading pages: drop PDFs, follow the batch, check and confirm each act, the PDF beside it;
with the personas (403 for a role that may not change, 404 for a PDF not visible)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from procedure import access
from procedure.models import AccessLog, ActDocument, ActDocumentAccess, ProcedureEvent, ReadingBatch, Stage
from tests.procedure import act_pdfs
from tests.procedure.factories import procedure_at
from tests.procedure.reading_fixtures import acts_world, today  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("acts_world")]


def pdf_file(pdf, name="acte.pdf"):
    return SimpleUploadedFile(name, pdf, content_type="application/pdf")


@pytest.fixture
def drop(secretariat_client, django_capture_on_commit_callbacks):
    def run(*acts):
        with django_capture_on_commit_callbacks(execute=True):
            response = secretariat_client.post(
                reverse("procedure:reading_drop"),
                {"files": [pdf_file(pdf, f"acte-{i}.pdf") for i, pdf in enumerate(acts)]},
            )
        assert response.status_code == 302, response.content.decode()
        return response

    return run


def act(kind="commandement_de_payer", layout=0, seed=1):
    return act_pdfs.act(kind, layout=layout, seed=seed, today=today())


def check_url(document):
    return reverse("procedure:reading_check", args=[document.pk])


def test_secretariat_drops_pdfs_and_sees_them_read(secretariat_client, drop):
    response = drop(act().pdf, act("jugement").pdf)

    page = secretariat_client.get(response.url).content.decode()
    assert "Lecture terminée : 2 actes lus." in page
    assert page.count('data-testid="acte-lu"') == 2
    batch = ActDocument.objects.first().batch
    status = secretariat_client.get(reverse("procedure:reading_batch_status", args=[batch.pk])).json()
    assert status == {"read": 2, "total": 2, "done": True}


def test_dropping_nothing_or_not_a_pdf_is_a_french_error(secretariat_client):
    url = reverse("procedure:reading_drop")
    assert "Choisissez au moins un PDF." in secretariat_client.post(url, {}).content.decode()

    response = secretariat_client.post(url, {"files": [pdf_file(b"a,b\n1,2", "actes.csv")]})

    assert response.status_code == 400
    assert "« actes.csv » n&#x27;est pas un PDF." in response.content.decode()
    assert not ActDocument.objects.exists()


@pytest.mark.parametrize(
    "persona", ["social_worker_client", "other_social_worker_client", "commission_member_client"]
)
def test_other_roles_may_not_drop_pdfs(request, persona):
    client = request.getfixturevalue(persona)

    assert client.get(reverse("procedure:reading_drop")).status_code == 403


def test_the_check_screen_proposes_each_field_with_its_words_highlighted(secretariat_client, drop):
    payment_order = act()
    drop(payment_order.pdf)
    document = ActDocument.objects.get()

    page = secretariat_client.get(check_url(document)).content.decode()

    assert f'value="{payment_order.expected["reference"]}"' in page
    assert f"<mark>{payment_order.expected['reference']}</mark>" in page
    assert 'data-testid="lu-dette"' in page
    assert reverse("procedure:reading_pdf", args=[document.pk]) in page
    assert "Acte 1 sur 1" in page


def test_the_pdf_is_served_inline_and_every_opening_logged(secretariat_client, secretariat, drop):
    payment_order = act()
    drop(payment_order.pdf)
    document = ActDocument.objects.get()

    response = secretariat_client.get(reverse("procedure:reading_pdf", args=[document.pk]))

    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == payment_order.pdf
    assert ActDocumentAccess.objects.filter(document=document, user=secretariat).count() == 1


@pytest.mark.parametrize(
    "persona", ["social_worker_client", "other_social_worker_client", "commission_member_client"]
)
def test_a_pdf_not_on_a_visible_case_is_404(request, persona, drop):
    drop(act().pdf)
    document = ActDocument.objects.get()
    client = request.getfixturevalue(persona)

    assert client.get(check_url(document)).status_code == 404
    assert client.get(reverse("procedure:reading_pdf", args=[document.pk])).status_code == 404
    assert not ActDocumentAccess.objects.exists()


def test_confirming_with_enter_records_the_act_and_goes_to_the_next(secretariat_client, drop):
    drop(act().pdf, act("assignation", seed=2).pdf)
    first, second = ActDocument.objects.all()
    values = {name: value for name, value in first.proposals.items()}

    response = secretariat_client.post(
        check_url(first), {name: values[name]["value"] for name in values} | {"confirm": ""}
    )

    assert response.url == check_url(second)
    first.refresh_from_db()
    assert first.status == ActDocument.Status.CONFIRMED
    assert first.event.kind == Stage.PAYMENT_ORDER
    case_page = secretariat_client.get(
        reverse("procedure:detail", args=[first.procedure.pk])
    ).content.decode()
    assert 'data-testid="documents-actes"' in case_page
    assert reverse("procedure:reading_pdf", args=[first.pk]) in case_page


def test_checking_without_confirming_says_the_rules_accept_it_and_records_nothing(secretariat_client, drop):
    drop(act().pdf)
    document = ActDocument.objects.get()
    values = {name: proposal["value"] for name, proposal in document.proposals.items()}

    response = secretariat_client.post(check_url(document), values | {"verify": ""})

    assert "Les règles du dossier acceptent cet acte" in response.content.decode()
    assert not ProcedureEvent.objects.exists()


def test_an_act_decided_meanwhile_is_not_decided_twice(secretariat_client, drop):
    drop(act().pdf)
    document = ActDocument.objects.get()
    values = {name: proposal["value"] for name, proposal in document.proposals.items()}
    secretariat_client.post(check_url(document), values | {"confirm": ""})

    response = secretariat_client.post(check_url(document), values | {"confirm": ""}, follow=True)

    assert "est déjà confirmé" in response.content.decode()
    assert ProcedureEvent.objects.count() == 1


def test_a_refused_act_shows_the_rules_errors_and_keeps_what_was_typed(secretariat_client, drop):
    drop(act("assignation", seed=2).pdf)
    document = ActDocument.objects.get()
    values = {name: proposal["value"] for name, proposal in document.proposals.items()}

    response = secretariat_client.post(
        check_url(document), values | {"date_audience": "", "bailleur": "SCI Tapée à la main", "confirm": ""}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "date d&#x27;audience obligatoire pour une assignation" in page
    assert 'value="SCI Tapée à la main"' in page
    assert not ProcedureEvent.objects.exists()


def test_a_scan_is_typed_by_hand_beside_the_document(secretariat_client, drop):
    drop(act_pdfs.scan())
    document = ActDocument.objects.get()
    page = secretariat_client.get(check_url(document)).content.decode()
    assert "Document scanné : saisissez l'acte" in page

    typed = {
        "reference": "CJ-26-09999", "acte": "commandement_de_payer",
        "date_acte": (today() - datetime.timedelta(days=5)).isoformat(), "nom": "Bérard", "prenom": "Hélène",
        "adresse": "3 rue des Forges", "code_postal": "21000", "commune_insee": "21231",
        "bailleur": "M. Durand", "parc": "prive", "dette": "1 234,56",
    }  # fmt: skip
    response = secretariat_client.post(check_url(document), typed | {"confirm": ""})

    assert response.status_code == 302
    document.refresh_from_db()
    assert document.procedure.reference == "CJ-26-09999"
    assert str(document.procedure.debt) == "1234.56"


def test_setting_aside_goes_to_the_batch(secretariat_client, drop):
    drop(act().pdf)
    document = ActDocument.objects.get()

    response = secretariat_client.post(check_url(document), {"set_aside": "", "reason": "Reçu deux fois"})

    assert response.url == reverse("procedure:reading_batch", args=[document.batch_id])
    assert ActDocument.objects.get().status == ActDocument.Status.SET_ASIDE


def test_a_social_worker_of_the_case_reads_the_pdf_logged_but_may_not_check_it(
    monkeypatch, secretariat_client, social_worker_client, drop
):
    drop(act().pdf)
    document = ActDocument.objects.get()
    values = {name: proposal["value"] for name, proposal in document.proposals.items()}
    secretariat_client.post(check_url(document), values | {"confirm": ""})
    document.refresh_from_db()
    monkeypatch.setattr(access, "GRANTS", [lambda user: Q(pk=document.procedure_id)])

    assert social_worker_client.get(check_url(document)).status_code == 403
    response = social_worker_client.get(reverse("procedure:reading_pdf", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")  # consumed: the file is closed
    assert AccessLog.objects.filter(procedure=document.procedure, context="PDF d'acte").count() == 1


def test_a_commission_member_never_reads_an_act_pdf_even_on_an_agenda_case(
    monkeypatch, secretariat_client, commission_member_client, drop
):
    drop(act().pdf)
    document = ActDocument.objects.get()
    values = {name: proposal["value"] for name, proposal in document.proposals.items()}
    secretariat_client.post(check_url(document), values | {"confirm": ""})
    document.refresh_from_db()
    monkeypatch.setattr(access, "GRANTS", [lambda user: Q(pk=document.procedure_id)])

    assert (
        commission_member_client.get(reverse("procedure:reading_pdf", args=[document.pk])).status_code == 404
    )


def test_a_judgment_is_attached_to_the_case_found_by_household_and_address(secretariat_client, drop):
    summons = act("assignation", layout=0, seed=5)
    drop(summons.pdf)
    first = ActDocument.objects.get()
    values = {name: proposal["value"] for name, proposal in first.proposals.items()}
    secretariat_client.post(check_url(first), values | {"confirm": ""})
    judgment_on_same_household = act_pdfs.Act(
        "jugement.pdf",
        act_pdfs.render(
            act_pdfs.WORDINGS["jugement"](
                act_pdfs.Facts(**(vars(act_pdfs.facts_of(summons)) | {"kind": "jugement", "date": today()}))
            )
        ),
        {},
    )
    drop(judgment_on_same_household.pdf)
    judgment = ActDocument.objects.order_by("pk").last()
    assert judgment.proposals.get("reference") is None

    page = secretariat_client.get(check_url(judgment)).content.decode()
    assert f"Rattacher à {summons.expected['reference']}" in page
    values = {name: proposal["value"] for name, proposal in judgment.proposals.items()}
    response = secretariat_client.post(
        check_url(judgment), values | {"use_reference": summons.expected["reference"]}
    )
    assert f'value="{summons.expected["reference"]}"' in response.content.decode()

    secretariat_client.post(
        check_url(judgment), values | {"reference": summons.expected["reference"], "confirm": ""}
    )
    judgment.refresh_from_db()
    assert judgment.procedure == ActDocument.objects.get(pk=first.pk).procedure
    assert judgment.event.kind == Stage.JUDGMENT


def test_the_check_screen_shows_what_the_rules_would_refuse_before_any_key(secretariat_client, drop):
    payment_order = act()
    procedure_at(
        Stage.ORDER_TO_VACATE,
        reference=payment_order.expected["reference"],
        on=today() - datetime.timedelta(days=500),
    )
    drop(payment_order.pdf)

    response = secretariat_client.get(check_url(ActDocument.objects.get()))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="erreurs-regles"' in page
    assert "Date de l&#x27;acte :" in page
    assert not ProcedureEvent.objects.filter(
        kind=Stage.PAYMENT_ORDER, date=payment_order.expected["date_acte"]
    ).exists()


def test_the_batch_page_query_count_does_not_grow_with_its_pdfs(secretariat, secretariat_client):
    batch = ReadingBatch.objects.create(created_by=secretariat)
    url = reverse("procedure:reading_batch", args=[batch.pk])
    secretariat_client.get(url)  # the session's first request resolves the acting membership

    def queries_with(count):
        for number in range(count - batch.documents.count()):
            ActDocument.objects.create(
                batch=batch, file=f"actes/{number}.pdf", name=f"{number}.pdf", status="lu"
            )
        with CaptureQueriesContext(connection) as context:
            assert secretariat_client.get(url).status_code == 200
        return len(context.captured_queries)

    assert queries_with(2) == queries_with(20) == 5

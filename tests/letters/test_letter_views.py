"""The letters pages with every persona: a letter's PDF for those who may see the case (404
otherwise), generation and status from the case, the batch page and its progress endpoint, the
template editor (administrators) with its preview, questionnaire answers."""

import datetime

import pytest
from django.db import connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from letters.models import Letter, LetterBatch, LetterKind, QuestionnaireAnswer
from letters.services import letters as services
from procedure import access, extensions
from procedure.models import Stage, Task
from procedure.rules import Action
from tests.procedure.factories import procedure_at

TODAY = datetime.date(2026, 11, 26)


@pytest.fixture
def procedure(db):
    return procedure_at(Stage.PAYMENT_ORDER, on=TODAY, household__label="M. Paul Girard")


@pytest.fixture
def letter(procedure):
    return services.generate(procedure=procedure, kind=LetterKind.QUESTIONNAIRE_HOUSEHOLD, today=TODAY)


@pytest.fixture
def case_open_to_ccas_dijon(monkeypatch, procedure, ccas_dijon):
    """The case is handed to the CCAS de Dijon (through the access-grant extension point)."""

    def grant(user):
        organisation = user.acting.organisation
        return Q(pk=procedure.pk) if organisation == ccas_dijon else Q(pk__in=[])

    monkeypatch.setattr(access, "GRANTS", [grant])


def test_secretariat_downloads_a_letter(secretariat_client, letter):
    response = secretariat_client.get(reverse("letters:letter_pdf", args=[letter.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content)[:5] == b"%PDF-"


def test_a_social_worker_to_whom_the_case_was_handed_downloads_its_letter(
    social_worker_client, letter, case_open_to_ccas_dijon
):
    response = social_worker_client.get(reverse("letters:letter_pdf", args=[letter.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content)[:5] == b"%PDF-"


@pytest.mark.parametrize(
    "persona", ["other_social_worker_client", "commission_member_client", "social_worker_client"]
)
def test_a_letter_of_a_case_not_visible_is_404(persona, request, letter):
    client = request.getfixturevalue(persona)
    assert client.get(reverse("letters:letter_pdf", args=[letter.pk])).status_code == 404


def test_other_social_worker_gets_404_even_when_the_case_is_handed_to_another_ccas(
    other_social_worker_client, letter, case_open_to_ccas_dijon
):
    assert other_social_worker_client.get(reverse("letters:letter_pdf", args=[letter.pk])).status_code == 404


def test_the_case_panel_and_timeline_show_the_case_s_letters(rf, secretariat, letter, procedure):
    from directory.acting import Acting

    request = rf.get("/")
    request.user = secretariat
    request.acting = Acting(secretariat.memberships.get())
    panel = next(fn for template, fn in extensions.CASE_PANELS if template == "letters/_case_letters.html")
    content = render_to_string("letters/_case_letters.html", panel(request, procedure), request)
    (entry,) = [
        e
        for source in extensions.TIMELINE_SOURCES
        for e in source(procedure, secretariat)
        if e.kind == "letter"
    ]

    assert "Courrier et questionnaire au ménage" in content
    assert reverse("letters:letter_pdf", args=[letter.pk]) in content
    assert entry.title == "Courrier : Courrier et questionnaire au ménage"
    assert entry.url == reverse("letters:letter_pdf", args=[letter.pk])


def test_secretariat_generates_a_letter_from_the_case(secretariat_client, procedure):
    response = secretariat_client.post(
        reverse("letters:generate", args=[procedure.pk]), {"kind": LetterKind.DSF_REQUEST}
    )

    assert response.status_code == 302
    assert procedure.letters.get().kind == LetterKind.DSF_REQUEST


def test_a_social_worker_may_not_generate_letters(social_worker_client, procedure, case_open_to_ccas_dijon):
    response = social_worker_client.post(
        reverse("letters:generate", args=[procedure.pk]), {"kind": "demande_dsf"}
    )
    assert response.status_code == 403 and not procedure.letters.exists()


def test_marking_a_letter_sent_from_the_case_closes_the_task(secretariat_client, letter, procedure):
    secretariat_client.post(
        reverse("letters:letter_status", args=[letter.pk]), {"status": Letter.Status.SENT}
    )

    assert Letter.objects.get(pk=letter.pk).status == Letter.Status.SENT
    task = Task.objects.get(procedure=procedure, kind=Action.QUESTIONNAIRE_HOUSEHOLD)
    assert task.status == Task.Status.DONE


def test_a_social_worker_may_not_change_a_letter_s_status(
    social_worker_client, letter, case_open_to_ccas_dijon
):
    response = social_worker_client.post(
        reverse("letters:letter_status", args=[letter.pk]), {"status": "envoye"}
    )
    assert response.status_code == 403


def test_secretariat_records_a_questionnaire_answer(secretariat_client, letter, procedure):
    url = reverse("letters:answer", args=[procedure.pk])
    assert secretariat_client.get(url).status_code == 200

    secretariat_client.post(
        url,
        {
            "respondent": "menage",
            "received_on": "2026-11-20",
            "situation": "Seule avec deux enfants",
            "wish_to_stay": "rester",
            "steps_taken": "",
            "consent_to_share": "on",
        },
    )

    answer = QuestionnaireAnswer.objects.get()
    assert (answer.letter, answer.consent_to_share, answer.wish_to_stay) == (letter, True, "rester")


def test_the_answer_page_of_a_case_not_visible_is_404(other_social_worker_client, procedure):
    assert other_social_worker_client.get(reverse("letters:answer", args=[procedure.pk])).status_code == 404


def test_secretariat_starts_a_week_s_batch_and_follows_its_progress(
    secretariat_client, django_capture_on_commit_callbacks
):
    procedure_at(Stage.PAYMENT_ORDER, on=datetime.date(2026, 11, 17))

    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(reverse("letters:index"), {"week": "2026-W47"})

    assert response.status_code == 302
    batch = LetterBatch.objects.get()
    state = secretariat_client.get(reverse("letters:batch_progress", args=[batch.pk])).json()
    assert (state["status"], state["done"], state["total"], state["percent"]) == ("terminee", 2, 2, 100)
    bundle = secretariat_client.get(state["bundle_url"])
    assert bundle.status_code == 200 and b"".join(bundle.streaming_content)[:5] == b"%PDF-"
    page = secretariat_client.get(reverse("letters:index")).content.decode()
    assert "Imprimer" in page and "letters/batch.js" in page


def test_the_letters_page_makes_the_same_number_of_queries_for_more_batches(secretariat_client, secretariat):
    url = reverse("letters:index")
    LetterBatch.objects.create(week_start=datetime.date(2026, 11, 16), created_by=secretariat)
    secretariat_client.get(url)
    with CaptureQueriesContext(connection) as one:
        secretariat_client.get(url)
    for _ in range(4):
        LetterBatch.objects.create(week_start=datetime.date(2026, 11, 9), created_by=secretariat)
    with CaptureQueriesContext(connection) as five:
        secretariat_client.get(url)
    assert len(five) == len(one)


@pytest.mark.parametrize(
    "persona", ["social_worker_client", "other_social_worker_client", "commission_member_client"]
)
def test_other_roles_may_not_open_the_letters_pages(persona, request, db):
    client = request.getfixturevalue(persona)
    assert client.get(reverse("letters:index")).status_code == 403
    assert client.get(reverse("letters:templates")).status_code == 403


def test_only_administrators_edit_templates(secretariat_client):
    assert secretariat_client.get(reverse("letters:templates")).status_code == 403


def test_administrator_previews_a_template_on_a_real_case_then_saves_a_new_version(
    administrator_client, procedure
):
    url = reverse("letters:template_edit", args=[LetterKind.QUESTIONNAIRE_HOUSEHOLD])
    body = "Nouvelle formulation pour {{ menage.libelle }}."

    preview = administrator_client.post(
        url, {"subject": "Objet", "body": body, "preview_reference": procedure.reference, "preview": "1"}
    )
    saved = administrator_client.post(url, {"subject": "Objet", "body": body})

    assert "Nouvelle formulation pour M. Paul Girard." in preview.content.decode().replace("&amp;", "&")
    assert saved.status_code == 302
    assert services.current_version(LetterKind.QUESTIONNAIRE_HOUSEHOLD).number == 2
    listing = administrator_client.get(reverse("letters:templates")).content.decode()
    assert "v2" in listing


def test_an_unknown_placeholder_is_refused_in_the_editor(administrator_client):
    url = reverse("letters:template_edit", args=[LetterKind.CFP_HOUSEHOLD])

    response = administrator_client.post(url, {"subject": "Objet", "body": "Bonjour {{ menage.telephone }}"})

    assert response.status_code == 200
    assert "Champ inconnu : {{ menage.telephone }}." in response.content.decode()
    assert services.current_version(LetterKind.CFP_HOUSEHOLD).number == 1


def test_the_templates_page_reads_every_kind_in_a_fixed_number_of_queries(
    administrator_client, django_assert_max_num_queries
):
    """The Charte's wordings are written once, at first use; afterwards the page reads all the
    kinds' templates and versions in one go, not two queries a kind."""
    administrator_client.get(reverse("letters:templates"))
    with django_assert_max_num_queries(8):
        response = administrator_client.get(reverse("letters:templates"))
    assert response.status_code == 200

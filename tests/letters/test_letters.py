"""Letters: placeholders checked at save, versions, the PDF's text, a sent letter closes its task,
a week's questionnaires in one batch, questionnaire answers."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from households.models import HousingSector
from letters import placeholders
from letters.models import Letter, LetterBatch, LetterKind, QuestionnaireAnswer
from letters.services import letters as services
from procedure.models import Stage, Task
from procedure.rules import Action
from tests.letters.conftest import read
from tests.letters.factories import payment_order_on
from tests.procedure.factories import procedure_at

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 26)


def pdf_text(letter):
    reader = PdfReader(io.BytesIO(read(letter.file)))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split()), len(reader.pages)


def test_an_unknown_placeholder_is_refused_at_save_with_the_allowed_ones_listed():
    version = services.current_version(LetterKind.QUESTIONNAIRE_HOUSEHOLD)

    with pytest.raises(ValidationError) as refused:
        services.save_version(
            template=version.template,
            subject="Objet",
            body="Bonjour {{ menage.age }} {{ menage.nom }}",
            user=None,
        )

    message = " ".join(refused.value.message_dict["body"])
    assert "Champ inconnu : {{ menage.age }}." in message
    assert "Champs autorisés : {{ menage.nom }}" in message and "{{ date_expulsion_possible }}" in message
    assert version.template.versions.count() == 1


def test_template_tags_are_refused():
    with pytest.raises(ValidationError, match="balises"):
        placeholders.validate("{% load static %}Bonjour")


def test_every_default_template_uses_only_allowed_placeholders():
    for kind in LetterKind:
        version = services.current_version(kind)
        placeholders.validate(version.subject)
        placeholders.validate(version.body)


def test_a_change_is_a_new_version_and_the_next_letter_uses_it_while_the_old_one_keeps_its_own():
    procedure = procedure_at(Stage.PAYMENT_ORDER, on=TODAY)
    first = services.generate(procedure=procedure, kind=LetterKind.QUESTIONNAIRE_HOUSEHOLD, today=TODAY)
    template = first.template_version.template

    services.save_version(
        template=template, subject="Nouvel objet", body="Texte révisé pour {{ menage.nom }}.", user=None
    )
    second = services.generate(procedure=procedure, kind=LetterKind.QUESTIONNAIRE_HOUSEHOLD, today=TODAY)

    assert (first.template_version.number, second.template_version.number) == (1, 2)
    assert "Texte révisé" in pdf_text(second)[0]
    assert "Texte révisé" not in pdf_text(first)[0]


def test_the_letter_pdf_has_the_household_the_french_date_the_header_and_page_numbers():
    procedure = procedure_at(Stage.PAYMENT_ORDER, on=TODAY, household__label="Mme Élodie Fournier")

    letter = services.generate(procedure=procedure, kind=LetterKind.QUESTIONNAIRE_HOUSEHOLD, today=TODAY)

    text, pages = pdf_text(letter)
    assert "Mme Élodie Fournier" in text
    assert "le 26 novembre 2026" in text
    assert "Préfet de la Côte-d'Or" in text
    assert procedure.reference in text
    assert f"Page 1 / {pages}" in text and pages == 2  # the letter, then the questionnaire
    assert len(letter.checksum) == 64 and letter.recipient == "Mme Élodie Fournier"


def test_the_letter_html_escapes_case_data_and_fills_the_act():
    procedure = procedure_at(Stage.PAYMENT_ORDER, on=TODAY, household__label="<b>Martin</b>")
    version = services.current_version(LetterKind.QUESTIONNAIRE_HOUSEHOLD)

    html = services.letter_html(procedure, version, today=TODAY)

    assert "&lt;b&gt;Martin&lt;/b&gt;" in html and "<b>Martin</b>" not in html
    assert "(commandement de payer) vous a été délivré le 26 novembre 2026" in html


def test_the_cfp_letter_gives_the_date_from_which_eviction_may_happen():
    procedure = procedure_at(Stage.POLICE_ASSISTANCE, on=datetime.date(2026, 6, 10))
    version = services.current_version(LetterKind.CFP_HOUSEHOLD)

    html = services.letter_html(procedure, version, today=TODAY)

    assert "pourront avoir lieu à compter du 10 juin 2026" in html
    assert "115" in html


def test_the_first_day_of_the_month_is_written_1er():
    assert services.french_date(datetime.date(2026, 12, 1)) == "1er décembre 2026"


def test_a_letter_marked_sent_completes_its_task(secretariat):
    procedure = procedure_at(Stage.PAYMENT_ORDER, sector=HousingSector.PRIVATE, on=TODAY)
    letter = services.generate(procedure=procedure, kind=LetterKind.QUESTIONNAIRE_HOUSEHOLD, today=TODAY)
    task = Task.objects.get(procedure=procedure, kind=Action.QUESTIONNAIRE_HOUSEHOLD)
    assert task.status == Task.Status.OPEN

    services.set_status(letter=letter, status=Letter.Status.SENT, user=secretariat)

    task.refresh_from_db()
    assert (task.status, task.closed_by) == (Task.Status.DONE, secretariat)
    assert Task.objects.get(procedure=procedure, kind=Action.QUESTIONNAIRE_OWNER).status == Task.Status.OPEN


def test_a_week_s_questionnaires_are_one_batch_with_one_bundle_and_a_letter_on_each_case(
    secretariat, django_capture_on_commit_callbacks
):
    week = datetime.date(2026, 11, 16)
    private = procedure_at(
        Stage.PAYMENT_ORDER, sector=HousingSector.PRIVATE, on=week + datetime.timedelta(days=2)
    )
    public = procedure_at(Stage.SUMMONS, sector=HousingSector.PUBLIC, on=week + datetime.timedelta(days=6))
    procedure_at(Stage.PAYMENT_ORDER, sector=HousingSector.PRIVATE, on=week + datetime.timedelta(days=7))
    public_order = procedure_at(Stage.PAYMENT_ORDER, sector=HousingSector.PUBLIC, on=week)

    with django_capture_on_commit_callbacks(execute=True):
        batch = services.start_batch(week_start=week, user=secretariat)

    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.total, batch.percent) == (LetterBatch.Status.DONE, 3, 3, 100)
    kinds = set(Letter.objects.values_list("procedure", "kind"))
    assert kinds == {
        (private.pk, LetterKind.QUESTIONNAIRE_HOUSEHOLD),
        (private.pk, LetterKind.QUESTIONNAIRE_OWNER),
        (public.pk, LetterKind.QUESTIONNAIRE_HOUSEHOLD),
    }
    assert not public_order.letters.exists()  # no questionnaire at the CP in the public sector
    bundle = PdfReader(io.BytesIO(read(batch.bundle)))
    assert len(bundle.pages) == 6
    assert services.run_batch(batch_id=batch.pk) == LetterBatch.Status.DONE
    assert Letter.objects.count() == 3


def test_a_returned_questionnaire_is_recorded_as_structured_answers(secretariat):
    procedure = payment_order_on(TODAY)
    letter = services.generate(procedure=procedure, kind=LetterKind.QUESTIONNAIRE_HOUSEHOLD, today=TODAY)

    answer = services.record_answer(
        procedure=procedure,
        user=secretariat,
        letter=letter,
        respondent="menage",
        received_on=TODAY,
        situation="Perte d'emploi en mai",
        wish_to_stay="rester",
        steps_taken="FSL demandé",
        consent_to_share=True,
    )

    assert QuestionnaireAnswer.objects.get() == answer
    letter.refresh_from_db()
    assert letter.status == Letter.Status.ANSWERED

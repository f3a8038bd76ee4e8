"""Every read of a household's data in the commissions' pages writes one access-log row, and a
commission member reads the agenda's case summary, never the case's letters (issue 15 §2, §3)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from commissions import services
from commissions.models import Session
from letters.models import LetterKind
from letters.services import letters
from procedure.models import AccessLog
from tests.commissions.factories import AgendaItemFactory, ReviewRequestFactory, SessionFactory
from tests.procedure.factories import ProcedureFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("directory_contacts")]


def only_log():
    (log,) = AccessLog.objects.all()
    return log


def test_the_saisine_form_of_a_case_is_logged(secretariat_client, secretariat):
    procedure = ProcedureFactory()

    assert (
        secretariat_client.get(reverse("commissions:request_review", args=[procedure.pk])).status_code == 200
    )

    log = only_log()
    assert (log.user, log.procedure, log.context) == (secretariat, procedure, "saisine")


def test_the_review_of_a_saisine_is_logged_with_its_number(secretariat_client, secretariat, mediation):
    review = ReviewRequestFactory(commission=mediation)

    assert secretariat_client.get(reverse("commissions:review_detail", args=[review.pk])).status_code == 200

    log = only_log()
    assert (log.procedure, log.context, log.detail) == (
        review.procedure,
        "examen d'une saisine",
        {"review": review.pk},
    )


def test_an_agenda_item_is_logged(secretariat_client, secretariat, item):
    assert secretariat_client.get(reverse("commissions:item", args=[item.pk])).status_code == 200

    assert (only_log().procedure, only_log().context) == (item.procedure, "point d'ordre du jour")


def test_the_decision_record_pdf_is_logged_with_its_session(secretariat_client, secretariat, mediation):
    session = SessionFactory(commission=mediation, date=timezone.localdate(), status=Session.Status.PUBLISHED)
    item = AgendaItemFactory(session=session)
    services.record_decision(item=item, user=secretariat, attendance="present", opinion="Maintien")

    response = secretariat_client.get(reverse("commissions:decision_record", args=[session.pk]))

    assert response.status_code == 200 and response.content[:5] == b"%PDF-"
    log = only_log()
    assert (log.procedure, log.context, log.detail) == (None, "relevé de décisions", {"session": session.pk})


def test_a_member_reads_the_summary_of_an_agenda_case_but_not_its_letters(commission_member_client, item):
    letter = letters.generate(procedure=item.procedure, kind=LetterKind.QUESTIONNAIRE_HOUSEHOLD)
    summary = reverse("commissions:case_summary", args=[item.session_id, item.pk])

    assert commission_member_client.get(summary).status_code == 200
    assert commission_member_client.get(reverse("letters:letter_pdf", args=[letter.pk])).status_code == 404
    assert (
        commission_member_client.get(reverse("procedure:detail", args=[item.procedure_id])).status_code == 404
    )
    assert list(AccessLog.objects.values_list("context", flat=True)) == ["commission"]

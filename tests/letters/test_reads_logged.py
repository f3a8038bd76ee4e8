"""A letter's PDF and a weekly list's download carry households' data: each writes one access-log
row (issue 15 §2)."""

import datetime

import pytest
from django.urls import reverse

from letters.models import LetterKind, ListKind
from letters.services import delivery
from letters.services import letters as services
from procedure.models import AccessLog, Stage
from tests.factories import OrganisationFactory
from tests.letters.factories import payment_order_on
from tests.procedure.factories import procedure_at

pytestmark = pytest.mark.django_db


def test_a_letter_s_pdf_is_logged(secretariat_client, secretariat):
    procedure = procedure_at(Stage.PAYMENT_ORDER)
    letter = services.generate(procedure=procedure, kind=LetterKind.QUESTIONNAIRE_HOUSEHOLD)

    response = secretariat_client.get(reverse("letters:letter_pdf", args=[letter.pk]))

    assert response.status_code == 200 and b"".join(response.streaming_content)
    (log,) = AccessLog.objects.all()
    assert (log.user, log.procedure, log.context) == (secretariat, procedure, "courrier")


def test_a_weekly_list_download_is_logged_with_the_list_its_file_and_row_count(
    secretariat_client, secretariat
):
    payment_order_on(datetime.date(2026, 11, 12))
    payment_order_on(datetime.date(2026, 11, 13))
    OrganisationFactory(caf=True, email="listes@caf.example.org")
    (weekly,) = delivery.build_week(week_start=datetime.date(2026, 11, 9), kinds=[ListKind.CAF])

    response = secretariat_client.get(reverse("letters:weekly_list_download", args=[weekly.pk, "csv"]))

    assert response.status_code == 200 and b"".join(response.streaming_content)
    (log,) = AccessLog.objects.all()
    assert (log.user, log.procedure, log.context) == (secretariat, None, "liste hebdomadaire")
    assert log.detail == {"weekly_list": weekly.pk, "file": "caf-2026-W46.csv", "rows": 2}

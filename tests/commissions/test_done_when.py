"""Issue 5, "done when": the secretariat builds the next médiation pré-expulsion de Dijon from the
suggested public-sector cases (the eleventh is refused), publishes it, records the decisions,
downloads the relevé de décisions and, a month later, finds the overdue recommendations in the work
queue; membre.caf sees the agenda only while it is open to members and no other case."""

import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from commissions.models import ReviewRequest, Session
from households.models import HousingSector
from procedure.models import Stage
from tests.conftest import client_for
from tests.procedure.factories import procedure_at

pytestmark = pytest.mark.django_db

START = datetime.datetime(2027, 2, 1, 9, tzinfo=datetime.UTC)


def test_the_mediation_de_dijon_from_suggestion_to_follow_up(
    secretariat,
    commission_member,
    mediation,
    seat,
    ccas_dijon,
    django_capture_on_commit_callbacks,
):
    with time_machine.travel(START, tick=False):
        # Signed in at each date: a session cookie lasts 8 hours.
        secretariat_client, commission_member_client = client_for(secretariat), client_for(commission_member)
        cases = [procedure_at(Stage.ORDER_TO_VACATE, sector=HousingSector.PUBLIC) for _ in range(11)]
        other = procedure_at(Stage.ORDER_TO_VACATE, sector=HousingSector.PRIVATE)
        secretariat_client.post(reverse("commissions:plan", args=[mediation.pk]), {"until": "2027-03-31"})
        session = Session.objects.get(commission=mediation, date__lte=datetime.date(2027, 2, 28))
        secretariat_client.post(reverse("commissions:suggest"))
        reviews = list(ReviewRequest.objects.filter(commission=mediation).order_by("pk"))
        assert [r.procedure_id for r in reviews] == [case.pk for case in cases]

        add_url = reverse("commissions:add_item", args=[session.pk])
        for review in reviews[:10]:
            secretariat_client.post(add_url, {"review": review.pk, "household_invited": "on"})
        refused = secretariat_client.post(add_url, {"review": reviews[10].pk}, follow=True).content.decode()
        assert "compte déjà 10 situations" in refused
        assert session.items.count() == 10

        summary_url = reverse("commissions:case_summary", args=[session.pk, session.items.first().pk])
        assert commission_member_client.get(summary_url).status_code == 404  # not yet published
        with django_capture_on_commit_callbacks(execute=True):
            secretariat_client.post(reverse("commissions:publish", args=[session.pk]))
        assert [m.to for m in mail.outbox] == [["membre.caf@example.org"]]
        assert commission_member_client.get(summary_url).status_code == 200
        assert commission_member_client.get(reverse("procedure:detail", args=[other.pk])).status_code == 404
        assert (
            commission_member_client.get(reverse("procedure:detail", args=[cases[10].pk])).status_code == 404
        )

    with time_machine.travel(
        datetime.datetime.combine(session.date, datetime.time(15), datetime.UTC), tick=False
    ):
        secretariat_client = client_for(secretariat)
        item = session.items.order_by("order").first()
        secretariat_client.post(
            reverse("commissions:item", args=[item.pk]),
            {"attendance": "present", "opinion": "Plan d'apurement à signer"},
        )
        due = (session.date + datetime.timedelta(days=14)).isoformat()
        secretariat_client.post(
            reverse("commissions:add_recommendation", args=[item.pk]),
            {"kind": "plan_apurement", "responsible": ccas_dijon.pk, "due_date": due},
        )
        pdf = secretariat_client.get(reverse("commissions:decision_record", args=[session.pk]))
        assert pdf.status_code == 200
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
        assert "Plan d'apurement à signer" in text and "CCAS de Dijon" in text

    a_month_later = datetime.datetime.combine(
        session.date + datetime.timedelta(days=31), datetime.time(9), datetime.UTC
    )
    with time_machine.travel(a_month_later, tick=False):
        secretariat_client, commission_member_client = client_for(secretariat), client_for(commission_member)
        queue = secretariat_client.get(reverse("procedure:work_queue")).content.decode()
        assert queue.count('data-testid="overdue-recommendation"') == 1
        assert "apurement" in queue
        assert commission_member_client.get(summary_url).status_code == 404  # closed to members after 30 days

"""The weekly lists pages, with every persona: the secretariat's page, the recipient's download page,
the resend form and the preview of next Monday's lists."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from directory.models import Role
from letters.models import Delivery, ListKind, WeeklyList
from letters.services import delivery, weekly_lists
from tests.conftest import client_for
from tests.factories import member
from tests.letters.factories import granted_on, payment_order_on, siao

WEEK = datetime.date(2026, 11, 9)


@pytest.fixture
def siao_org(db):
    return siao()


@pytest.fixture
def siao_list(siao_org):
    granted_on(datetime.date(2026, 11, 12), reference="EXPLOC-77")
    (weekly,) = delivery.build_week(week_start=WEEK, kinds=[ListKind.SIAO])
    return weekly


@pytest.fixture
def siao_client(siao_org):
    return client_for(member(role=Role.PARTNER, organisation=siao_org, email="veille@siao21.example.org"))


def test_secretariat_sees_every_list_and_failed_sends_are_shown(secretariat_client, siao_list):
    WeeklyList.objects.filter(pk=siao_list.pk).update(
        status=WeeklyList.Status.FAILED, last_error="SMTP: refus"
    )

    response = secretariat_client.get(reverse("letters:weekly_lists"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "1 envoi en échec" in content and "SMTP: refus" in content
    assert "2026-W46" in content


def test_the_lists_page_makes_the_same_number_of_queries_for_more_lists(secretariat_client, siao_org):
    url = reverse("letters:weekly_lists")
    delivery.build_week(week_start=WEEK, kinds=[ListKind.SIAO])
    secretariat_client.get(url)
    with CaptureQueriesContext(connection) as one_list:
        secretariat_client.get(url)
    for weeks_before in (1, 2, 3):
        delivery.build_week(week_start=WEEK - datetime.timedelta(weeks=weeks_before), kinds=[ListKind.SIAO])
    delivery.build_week(week_start=WEEK, kinds=[ListKind.CAF])

    with CaptureQueriesContext(connection) as five_lists:
        secretariat_client.get(url)

    assert len(five_lists) == len(one_list)


@pytest.mark.parametrize(
    "persona", ["social_worker_client", "other_social_worker_client", "commission_member_client"]
)
def test_other_roles_may_not_open_the_secretariat_s_lists_page(persona, request, siao_list):
    client = request.getfixturevalue(persona)
    assert client.get(reverse("letters:weekly_lists")).status_code == 403
    assert client.get(reverse("letters:weekly_lists_preview")).status_code == 403


def test_the_recipient_signs_in_and_downloads_its_list(siao_client, siao_list):
    page = siao_client.get(reverse("letters:weekly_list_detail", args=[siao_list.pk]))
    download = siao_client.get(reverse("letters:weekly_list_download", args=[siao_list.pk, "csv"]))

    assert page.status_code == 200 and "Journal des envois" not in page.content.decode()
    assert download.status_code == 200
    assert "EXPLOC-77" in b"".join(download.streaming_content).decode("utf-8-sig")
    assert download["Content-Disposition"].endswith('filename="siao-2026-W46.csv"')


def test_the_download_page_says_the_pdf_is_being_prepared_then_offers_it(siao_client, siao_list):
    url = reverse("letters:weekly_list_detail", args=[siao_list.pk])
    pdf_url = reverse("letters:weekly_list_download", args=[siao_list.pk, "pdf"])

    before = siao_client.get(url).content.decode()
    assert "PDF en préparation" in before and pdf_url not in before
    assert siao_client.get(pdf_url).status_code == 404

    delivery.render_pdf(kind=ListKind.SIAO, week_start=WEEK)

    after = siao_client.get(url).content.decode()
    assert "PDF en préparation" not in after and pdf_url in after
    download = siao_client.get(pdf_url)
    assert b"".join(download.streaming_content)[:5] == b"%PDF-"


def test_an_anonymous_visitor_is_sent_to_sign_in(client, siao_list):
    response = client.get(reverse("letters:weekly_list_download", args=[siao_list.pk, "xlsx"]))
    assert response.status_code == 302 and "/connexion/" in response["Location"]


@pytest.mark.parametrize(
    "persona", ["social_worker_client", "other_social_worker_client", "commission_member_client"]
)
def test_another_organisation_gets_404_on_a_list_it_did_not_receive(persona, request, siao_list):
    client = request.getfixturevalue(persona)
    assert client.get(reverse("letters:weekly_list_detail", args=[siao_list.pk])).status_code == 404
    assert client.get(reverse("letters:weekly_list_download", args=[siao_list.pk, "pdf"])).status_code == 404


def test_an_unknown_format_is_404(secretariat_client, siao_list):
    assert (
        secretariat_client.get(
            reverse("letters:weekly_list_download", args=[siao_list.pk, "exe"])
        ).status_code
        == 404
    )


def test_secretariat_resends_a_failed_list_with_a_reason(
    secretariat_client, secretariat, siao_list, mailoutbox, django_capture_on_commit_callbacks
):
    WeeklyList.objects.filter(pk=siao_list.pk).update(status=WeeklyList.Status.FAILED)

    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(
            reverse("letters:weekly_list_resend", args=[siao_list.pk]), {"reason": "Adresse du SIAO corrigée"}
        )

    assert response.status_code == 302
    logged = Delivery.objects.get(weekly_list=siao_list, event=Delivery.Event.RESEND)
    assert (logged.user, logged.reason) == (secretariat, "Adresse du SIAO corrigée")
    assert len(mailoutbox) == 1
    page = secretariat_client.get(reverse("letters:weekly_list_detail", args=[siao_list.pk])).content.decode()
    assert "Adresse du SIAO corrigée" in page


def test_a_resend_without_reason_changes_nothing(secretariat_client, siao_list, mailoutbox):
    WeeklyList.objects.filter(pk=siao_list.pk).update(status=WeeklyList.Status.FAILED)

    secretariat_client.post(reverse("letters:weekly_list_resend", args=[siao_list.pk]), {"reason": ""})

    assert WeeklyList.objects.get(pk=siao_list.pk).status == WeeklyList.Status.FAILED
    assert not Delivery.objects.filter(event=Delivery.Event.RESEND).exists()


def test_a_partner_may_not_resend(siao_client, siao_list):
    response = siao_client.post(reverse("letters:weekly_list_resend", args=[siao_list.pk]), {"reason": "x"})
    assert response.status_code == 403


def test_the_preview_shows_this_week_s_acts_as_they_stand(secretariat_client, siao_org):
    this_week = weekly_lists.week_start_of(timezone.localdate())
    granted_on(this_week, reference="OCTROI-CETTE-SEMAINE")
    payment_order_on(this_week, reference="CP-CETTE-SEMAINE")
    granted_on(this_week - datetime.timedelta(days=1), reference="OCTROI-SEMAINE-DERNIERE")

    content = secretariat_client.get(reverse("letters:weekly_lists_preview")).content.decode()

    assert "OCTROI-CETTE-SEMAINE" in content and "CP-CETTE-SEMAINE" in content
    assert "OCTROI-SEMAINE-DERNIERE" not in content
    assert "SIAO 21" in content
    assert '<th scope="col">Concours accordé le</th>' in content
    assert '<th scope="col">Numéro allocataire</th>' in content
    assert "numero_allocataire" not in content


def test_the_preview_makes_the_same_number_of_queries_for_more_households(secretariat_client, siao_org):
    this_week = weekly_lists.week_start_of(timezone.localdate())
    url = reverse("letters:weekly_lists_preview")
    granted_on(this_week)
    payment_order_on(this_week)
    secretariat_client.get(url)
    with CaptureQueriesContext(connection) as few:
        secretariat_client.get(url)
    for _ in range(4):
        granted_on(this_week)
        payment_order_on(this_week)

    with CaptureQueriesContext(connection) as more:
        secretariat_client.get(url)

    assert len(more) == len(few)

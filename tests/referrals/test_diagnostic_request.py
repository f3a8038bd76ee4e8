"""Issue 12 §2: the diagnostic request holds what the social worker needs (the hearing and the
DSF's due date, décret 2021-8; contacts, lease, debt and its history, previous diagnoses); the DSF
is prefilled, kept as a draft, confirmed before it is filed, and the secretariat is told; a
cancelled request closes its access at once."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from households.models import Person
from procedure.models import EventKind
from referrals import services
from referrals.models import Diagnosis, OutboxMessage, Referral

from .factories import DIAGNOSIS, acting, case_in, referral

pytestmark = pytest.mark.django_db

S = Referral.Status


@pytest.fixture
def dsf(departement, secretariat, social_worker):
    procedure = case_in("21231")
    return referral(procedure=procedure, secretariat=secretariat, worker=social_worker, status=S.ACCEPTED)


def detail(client, made):
    return client.get(reverse("referrals:detail", args=[made.pk]))


@time_machine.travel(datetime.datetime(2026, 12, 1, 10, tzinfo=datetime.UTC), tick=False)
def test_the_request_shows_the_hearing_and_the_dsf_due_5_working_days_before_decret_2021_8(
    departement, secretariat, social_worker, social_worker_client
):
    # Hearing on Friday 15 January 2027: the DSF reaches the judge 5 working days before it
    # (décret 2021-8): Thu 14, Wed 13, Tue 12, Mon 11, Fri 8 January, so by Friday 8 January.
    procedure = case_in("21231")
    procedure.events.filter(kind=EventKind.SUMMONS).update(hearing_date=datetime.date(2027, 1, 15))
    made = referral(procedure=procedure, secretariat=secretariat, worker=social_worker, status=S.ACCEPTED)
    page = detail(social_worker_client, made).content.decode()
    assert 'data-testid="hearing-date">15/01/2027' in page
    assert 'data-testid="dsf-due">08/01/2027' in page
    assert "décret" in page.lower()


def test_the_request_shows_contacts_members_lease_debt_history_and_earlier_diagnoses(
    dsf, secretariat, social_worker, social_worker_client
):
    household = dsf.procedure.household
    household.phone, household.email = "03 80 00 00 00", "menage@example.org"
    household.save()
    Person.objects.create(
        household=household, role=Person.Role.HOLDER, last_name="Lefèvre", first_name="Anne"
    )
    dsf.procedure.events.update(debt=1250)
    earlier = referral(
        procedure=case_in("21231", household=household),
        secretariat=secretariat,
        worker=social_worker,
        status=S.DONE,
    )
    page = detail(social_worker_client, dsf).content.decode()
    assert "03 80 00 00 00" in page and "menage@example.org" in page
    assert "Anne Lefèvre" in page
    assert 'data-testid="debt-history"' in page and "1250" in page.replace("\u202f", "").replace(" ", "")
    assert 'data-testid="previous-diagnosis"' in page and earlier.addressed_to.name in page


def test_the_first_draft_is_prefilled_with_what_prevex_knows(dsf, social_worker_client):
    lease = dsf.procedure.lease
    page = social_worker_client.get(reverse("referrals:diagnosis", args=[dsf.pk])).content.decode()
    assert 'data-testid="prefilled"' in page
    assert lease.address in page and dsf.procedure.landlord.name in page


def test_submitting_asks_for_confirmation_then_files_and_tells_the_secretariat(
    dsf, social_worker_client, secretariat_client, django_capture_on_commit_callbacks
):
    url = reverse("referrals:diagnosis", args=[dsf.pk])
    response = social_worker_client.post(url, {**DIAGNOSIS, "submit": "1"})
    confirm = reverse("referrals:diagnosis_confirm", args=[dsf.pk])
    assert response.url == confirm
    dsf.refresh_from_db()
    assert dsf.status == S.ACCEPTED and dsf.diagnosis.status == Diagnosis.Status.DRAFT
    review = social_worker_client.get(confirm).content.decode()
    assert "n'est plus modifiable" in review and "Plan d&#x27;apurement de 30 mois" in review
    with django_capture_on_commit_callbacks(execute=True):
        assert social_worker_client.post(confirm).status_code == 302
    dsf.refresh_from_db()
    assert dsf.status == S.DONE and dsf.diagnosis.status == Diagnosis.Status.SUBMITTED
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    services.queue_digests(today=tomorrow)
    digest = OutboxMessage.objects.get(
        dedup_key=f"digest-{dsf.requesting_organisation.pk}-{tomorrow:%Y-%m-%d}"
    )
    assert "1 diagnostic transmis hier" in digest.body
    assert dsf.procedure.household.label not in digest.body
    queue = secretariat_client.get(reverse("procedure:work_queue")).content.decode()
    assert 'data-testid="filed-diagnosis"' in queue and reverse("referrals:detail", args=[dsf.pk]) in queue
    row = queue.split('data-testid="filed-diagnosis"')[1].split("</tr>")[0]
    assert dsf.get_kind_display() in row and escape(dsf.procedure.household.label) in row
    assert escape(dsf.addressed_to.name) in row
    assert reverse("procedure:detail", args=[dsf.procedure_id]) in row


def test_a_draft_missing_a_heading_is_not_filed(dsf, social_worker, social_worker_client):
    services.save_diagnosis(referral=dsf, user=acting(social_worker), data={"household_situation": "Seul"})
    response = social_worker_client.post(reverse("referrals:diagnosis_confirm", args=[dsf.pk]), follow=True)
    assert "complétez" in response.content.decode()
    dsf.refresh_from_db()
    assert dsf.status == S.ACCEPTED


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("social_worker_client", 200),
        ("other_social_worker_client", 404),
        ("commission_member_client", 404),
        ("secretariat_client", 403),
    ],
)
def test_the_confirmation_page_per_persona(request, dsf, social_worker, persona, status):
    services.save_diagnosis(referral=dsf, user=acting(social_worker), data=DIAGNOSIS)
    client = request.getfixturevalue(persona)
    assert client.get(reverse("referrals:diagnosis_confirm", args=[dsf.pk])).status_code == status


def test_a_cancelled_request_closes_its_access_at_once(dsf, secretariat, social_worker_client):
    case_url = reverse("procedure:detail", args=[dsf.procedure_id])
    assert social_worker_client.get(case_url).status_code == 200
    services.cancel(referral=dsf, user=acting(secretariat), reason="Doublon")
    assert social_worker_client.get(case_url).status_code == 404
    assert detail(social_worker_client, dsf).status_code == 404


def test_a_request_done_keeps_its_access_for_the_set_time(dsf, social_worker, social_worker_client):
    services.save_diagnosis(referral=dsf, user=acting(social_worker), data=DIAGNOSIS, submit=True)
    Referral.objects.filter(pk=dsf.pk).update(closed_at=timezone.now() - datetime.timedelta(days=89))
    assert social_worker_client.get(reverse("procedure:detail", args=[dsf.procedure_id])).status_code == 200

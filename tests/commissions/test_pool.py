"""The rehousing pool (Charte annexe 2): entry by a recommendation or by the secretariat, the social
report's check-list, offers and their refusals, the outcome, time in the pool against the 3-to-6-month
target, and the DALO appeal suggested after 6 months when the lease was terminated."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from commissions import services
from commissions.models import Recommendation, RehousingOffer, RehousingPoolEntry, Session
from directory.models import Organisation
from procedure.models import Stage
from tests.commissions.factories import AgendaItemFactory, SessionFactory
from tests.conftest import client_for
from tests.factories import OrganisationFactory
from tests.procedure.factories import ProcedureFactory, procedure_at

pytestmark = pytest.mark.django_db

Q = RehousingPoolEntry.Quota


@pytest.fixture
def orvitis(db):
    return OrganisationFactory(code="orvitis", name="Orvitis", kind=Organisation.Kind.SOCIAL_LANDLORD)


def entry_for(procedure, secretariat, *, days_ago=0):
    entered = timezone.localdate() - datetime.timedelta(days=days_ago)
    return services.enter_pool(procedure=procedure, user=secretariat, quota=Q.PREFECTORAL, entered_on=entered)


def test_a_rehousing_pool_recommendation_puts_the_household_in_the_pool(mediation, secretariat, ccas_dijon):
    session = SessionFactory(commission=mediation, date=timezone.localdate(), status=Session.Status.PUBLISHED)
    item = AgendaItemFactory(session=session)
    recommendation = services.add_recommendation(
        item=item,
        user=secretariat,
        kind=Recommendation.Kind.REHOUSING_POOL,
        responsible=ccas_dijon,
        due_date=timezone.localdate() + datetime.timedelta(days=90),
        quota=Q.DEPARTMENTAL_AGREEMENT,
    )
    entry = RehousingPoolEntry.objects.get()
    assert (entry.procedure, entry.recommendation, entry.quota, entry.proposed_by) == (
        item.procedure,
        recommendation,
        Q.DEPARTMENTAL_AGREEMENT,
        RehousingPoolEntry.ProposedBy.COMMISSION,
    )
    assert entry_for(item.procedure, secretariat) == entry  # one open entry a case


def test_time_in_the_pool_against_the_target_and_the_dalo_appeal_after_a_termination(secretariat):
    terminated = procedure_at(Stage.JUDGMENT)
    not_terminated = ProcedureFactory()
    today = timezone.localdate()
    recent = entry_for(ProcedureFactory(), secretariat, days_ago=20)
    assert services.pool_status(recent)["overdue"] is False
    within = services.pool_status(entry_for(not_terminated, secretariat, days_ago=120))
    assert (within["months"], within["in_target"], within["overdue"]) == (3, True, False)
    late = entry_for(terminated, secretariat, days_ago=200)
    status = services.pool_status(late, today=today)
    assert (status["overdue"], status["dalo_suggested"]) == (True, True)
    not_terminated_late = services.pool_status(
        not_terminated.rehousing_entries.get(), today=today + datetime.timedelta(days=90)
    )
    assert (not_terminated_late["overdue"], not_terminated_late["dalo_suggested"]) == (True, False)


def test_a_rehoused_household_is_no_longer_overdue(secretariat, orvitis):
    entry = entry_for(procedure_at(Stage.JUDGMENT), secretariat, days_ago=250)
    services.update_pool_entry(
        entry=entry,
        user=secretariat,
        data={
            "status": RehousingPoolEntry.Status.REHOUSED,
            "lead_landlord": orvitis,
            "lead_named_on": timezone.localdate(),
        },
    )
    assert entry.outcome_on == timezone.localdate()
    assert services.pool_status(entry)["dalo_suggested"] is False


def test_a_withdrawal_needs_its_reason_and_a_refusal_too(secretariat, orvitis):
    entry = entry_for(ProcedureFactory(), secretariat)
    with pytest.raises(services.CommissionRefused, match="motif du retrait"):
        services.update_pool_entry(
            entry=entry, user=secretariat, data={"status": RehousingPoolEntry.Status.WITHDRAWN}
        )
    offer = services.add_offer(
        entry=entry, user=secretariat, landlord=orvitis, offered_on=timezone.localdate()
    )
    with pytest.raises(services.CommissionRefused, match="motif du refus"):
        services.answer_offer(offer=offer, user=secretariat, answer=RehousingOffer.Answer.REFUSED)
    services.answer_offer(
        offer=offer, user=secretariat, answer="refusee", reason="Trop loin de l'école", adapted=True
    )
    assert (offer.answer, offer.adapted) == (RehousingOffer.Answer.REFUSED, True)


def test_only_the_secretariat_enters_the_pool(social_worker):
    with pytest.raises(services.PermissionDenied):
        services.enter_pool(procedure=ProcedureFactory(), user=social_worker, quota=Q.PREFECTORAL)


# ---------------------------------------------------------------- pages


def test_the_pool_page_shows_time_in_pool_overdue_in_red_and_the_dalo_flag(secretariat_client, secretariat):
    late = entry_for(procedure_at(Stage.JUDGMENT), secretariat, days_ago=200)
    entry_for(ProcedureFactory(), secretariat, days_ago=10)
    html = secretariat_client.get(reverse("commissions:pool")).content.decode()
    assert html.count('data-testid="pool-entry"') == 2
    assert html.count('class="prevex-overdue"') == 1
    assert html.count('data-testid="dalo-suggested"') == 1
    detail = secretariat_client.get(reverse("commissions:pool_entry", args=[late.pk])).content.decode()
    assert 'data-testid="dalo-alert"' in detail and "recours DALO" in detail
    assert "Rapport social incomplet" in detail
    case = secretariat_client.get(reverse("procedure:detail", args=[late.procedure_id])).content.decode()
    assert 'data-testid="case-dalo-alert"' in case
    assert "Inscription au vivier de relogement (Contingent préfectoral)" in case


def test_the_secretariat_checks_the_report_records_an_offer_and_a_refusal(
    secretariat_client, secretariat, orvitis
):
    entry = entry_for(ProcedureFactory(), secretariat)
    url = reverse("commissions:pool_entry", args=[entry.pk])
    data = {name: "on" for name in RehousingPoolEntry.REPORT_FIELDS}
    data.update(quota=Q.PREFECTORAL, status="inscrit", report_source="travailleur_social")
    data.update(lead_landlord=orvitis.pk, lead_named_on=timezone.localdate().isoformat())
    assert secretariat_client.post(url, data).status_code == 302
    entry.refresh_from_db()
    assert entry.missing_report_elements() == [] and entry.lead_landlord == orvitis
    response = secretariat_client.post(
        reverse("commissions:add_offer", args=[entry.pk]),
        {"landlord": orvitis.pk, "offered_on": timezone.localdate().isoformat(), "description": "T3 Chenôve"},
    )
    assert response.status_code == 302
    offer = entry.offers.get()
    secretariat_client.post(
        reverse("commissions:answer_offer", args=[offer.pk]),
        {"answer": "refusee", "reason": "Trop loin du travail", "adapted": "true"},
    )
    page = secretariat_client.get(url).content.decode()
    assert "Refusée par le ménage" in page and "Trop loin du travail" in page


def test_the_secretariat_enters_a_case_in_the_pool_from_the_case(secretariat_client):
    procedure = ProcedureFactory()
    url = reverse("commissions:enter_pool", args=[procedure.pk])
    assert secretariat_client.get(url).status_code == 200
    response = secretariat_client.post(url, {"quota": Q.DEPARTMENTAL_AGREEMENT})
    entry = RehousingPoolEntry.objects.get()
    assert response.url == reverse("commissions:pool_entry", args=[entry.pk])
    assert entry.proposed_by == RehousingPoolEntry.ProposedBy.SECRETARIAT


@pytest.mark.parametrize(
    "persona", ["social_worker_client", "other_social_worker_client", "commission_member_client"]
)
def test_the_pool_pages_are_403_for_other_roles(request, persona, secretariat):
    entry = entry_for(ProcedureFactory(), secretariat)
    client = request.getfixturevalue(persona)
    for url in (
        reverse("commissions:pool"),
        reverse("commissions:pool_entry", args=[entry.pk]),
        reverse("commissions:enter_pool", args=[entry.procedure_id]),
    ):
        assert client.get(url).status_code == 403, url


def test_the_pool_page_has_a_flat_query_count(
    secretariat_client, secretariat, orvitis, django_assert_num_queries
):
    def grow(count):
        for _ in range(count):
            entry = entry_for(ProcedureFactory(), secretariat, days_ago=100)
            services.add_offer(
                entry=entry, user=secretariat, landlord=orvitis, offered_on=timezone.localdate()
            )

    url = reverse("commissions:pool")
    grow(2)
    secretariat_client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        secretariat_client.get(url)
    grow(4)
    with django_assert_num_queries(len(first.captured_queries)):
        assert secretariat_client.get(url).content.decode().count('data-testid="pool-entry"') == 6


def test_the_dalo_appeal_is_suggested_once_six_months_have_passed(secretariat):
    procedure = procedure_at(Stage.JUDGMENT)
    entry = entry_for(procedure, secretariat)
    later = datetime.datetime.combine(entry.entered_on, datetime.time(12), tzinfo=datetime.UTC)
    with time_machine.travel(later + datetime.timedelta(days=150), tick=False):
        assert services.pool_status(entry)["dalo_suggested"] is False
    with time_machine.travel(later + datetime.timedelta(days=190), tick=False):
        client = client_for(secretariat)
        html = client.get(reverse("commissions:pool")).content.decode()
        assert 'data-testid="dalo-suggested"' in html


def test_the_recommendation_form_puts_the_household_in_the_pool_and_links_to_it(
    secretariat_client, mediation, ccas_dijon
):
    session = SessionFactory(commission=mediation, date=timezone.localdate(), status=Session.Status.HELD)
    item = AgendaItemFactory(session=session)
    due = (timezone.localdate() + datetime.timedelta(days=180)).isoformat()
    response = secretariat_client.post(
        reverse("commissions:add_recommendation", args=[item.pk]),
        {
            "kind": "vivier_relogement",
            "responsible": ccas_dijon.pk,
            "due_date": due,
            "quota": "accord_collectif",
        },
    )
    assert response.status_code == 302
    entry = RehousingPoolEntry.objects.get(procedure=item.procedure)
    assert entry.quota == Q.DEPARTMENTAL_AGREEMENT
    page = secretariat_client.get(reverse("commissions:item", args=[item.pk])).content.decode()
    assert reverse("commissions:pool_entry", args=[entry.pk]) in page

"""Every page with every persona: the secretariat's pages are 403 for the others; the members'
space shows a member their sessions only, and any other case is a 404."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from commissions.models import Recommendation, ReviewRequest, Session
from households.models import HousingSector
from procedure.models import AccessLog, Stage
from tests.commissions.factories import (
    AgendaItemFactory,
    RecommendationFactory,
    ReviewRequestFactory,
    SessionFactory,
)
from tests.procedure.factories import ProcedureFactory, procedure_at

pytestmark = pytest.mark.django_db

OTHERS = ["social_worker_client", "other_social_worker_client", "commission_member_client"]


def secretariat_pages(item):
    session = item.session
    return [
        reverse("commissions:index"),
        reverse("commissions:commission", args=[session.commission_id]),
        reverse("commissions:queue"),
        reverse("commissions:session", args=[session.pk]),
        reverse("commissions:session_edit", args=[session.pk]),
        reverse("commissions:item", args=[item.pk]),
    ]


@pytest.mark.parametrize("persona", ["secretariat_client", "administrator_client"])
def test_the_secretariat_opens_every_page(request, persona, item):
    client = request.getfixturevalue(persona)
    for url in secretariat_pages(item):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("persona", OTHERS)
def test_other_roles_get_403_on_the_secretariat_pages(request, persona, item):
    client = request.getfixturevalue(persona)
    for url in secretariat_pages(item):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("commissions:publish", args=[item.session_id])).status_code == 403


def test_the_secretariat_publishes_and_members_are_told(secretariat_client, item, mailoutbox):
    Session.objects.filter(pk=item.session_id).update(status=Session.Status.PLANNED)
    response = secretariat_client.post(reverse("commissions:publish", args=[item.session_id]), follow=True)
    assert "Ordre du jour publié" in response.content.decode()
    assert Session.objects.get(pk=item.session_id).status == Session.Status.PUBLISHED


def test_the_eleventh_is_refused_with_a_french_message(secretariat_client, mediation):
    session = SessionFactory(commission=mediation)
    for order in range(10):
        AgendaItemFactory(session=session, order=order + 1)
    fitting = procedure_at(Stage.ORDER_TO_VACATE, sector=HousingSector.PUBLIC)
    review = ReviewRequestFactory(commission=mediation, procedure=fitting)
    response = secretariat_client.post(
        reverse("commissions:add_item", args=[session.pk]), {"review": review.pk}, follow=True
    )
    assert "compte déjà 10 situations" in response.content.decode()
    assert session.items.count() == 10


def test_the_secretariat_records_an_opinion_and_a_recommendation(secretariat_client, mediation, ccas_dijon):
    session = SessionFactory(commission=mediation, date=timezone.localdate(), status=Session.Status.PUBLISHED)
    item = AgendaItemFactory(session=session)
    url = reverse("commissions:item", args=[item.pk])
    response = secretariat_client.post(url, {"attendance": "present", "opinion": "Avis favorable"})
    assert response.status_code == 302
    due = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    response = secretariat_client.post(
        reverse("commissions:add_recommendation", args=[item.pk]),
        {"kind": "fsl", "responsible": ccas_dijon.pk, "due_date": due},
    )
    assert response.status_code == 302
    recommendation = Recommendation.objects.get()
    response = secretariat_client.post(
        reverse("commissions:close_recommendation", args=[recommendation.pk]), {"status": "realisee"}
    )
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.DONE
    pdf = secretariat_client.get(reverse("commissions:decision_record", args=[session.pk]))
    assert pdf["Content-Type"] == "application/pdf"


def test_a_partner_gets_404_when_referring_a_case_it_does_not_see(other_social_worker_client, mediation):
    url = reverse("commissions:request_review", args=[ProcedureFactory().pk])
    assert other_social_worker_client.get(url).status_code == 404


def test_a_commission_member_may_not_refer_a_case(commission_member_client, item):
    url = reverse("commissions:request_review", args=[item.procedure_id])
    assert commission_member_client.get(url).status_code == 403


def test_the_secretariat_refers_a_case(secretariat_client, mediation):
    procedure = ProcedureFactory()
    url = reverse("commissions:request_review", args=[procedure.pk])
    assert secretariat_client.get(url).status_code == 200
    response = secretariat_client.post(url, {"commission": mediation.pk, "reason": "Dette ancienne"})
    assert response.status_code == 302
    assert ReviewRequest.objects.get().source == ReviewRequest.Source.SECRETARIAT


# ---------------------------------------------------------------- the members' space


def test_a_member_sees_the_published_agenda_and_the_summary_logged(
    commission_member_client, item, commission_member
):
    sessions = commission_member_client.get(reverse("commissions:member_sessions")).content.decode()
    assert item.session.date.strftime("%d/%m/%Y") in sessions
    page = commission_member_client.get(reverse("commissions:member_session", args=[item.session_id]))
    assert item.procedure.household.label in page.content.decode()
    url = reverse("commissions:case_summary", args=[item.session_id, item.pk])
    summary = commission_member_client.get(url)
    assert summary.status_code == 200
    assert 'data-testid="summary-debt">2\xa0400,00&nbsp;€<' in summary.content.decode()
    log = AccessLog.objects.get(procedure=item.procedure)
    assert (log.user, log.context) == (commission_member, "commission")


def test_a_member_gets_404_on_any_other_case(commission_member_client, item):
    other = ProcedureFactory()
    assert commission_member_client.get(reverse("procedure:detail", args=[other.pk])).status_code == 404
    other_item = AgendaItemFactory(session=SessionFactory(status=Session.Status.PUBLISHED))
    url = reverse("commissions:case_summary", args=[other_item.session_id, other_item.pk])
    assert commission_member_client.get(url).status_code == 404
    assert (
        commission_member_client.get(
            reverse("commissions:member_session", args=[other_item.session_id])
        ).status_code
        == 404
    )


def test_a_member_sees_nothing_before_publication_or_after_thirty_days(commission_member_client, item):
    url = reverse("commissions:case_summary", args=[item.session_id, item.pk])
    Session.objects.filter(pk=item.session_id).update(status=Session.Status.PLANNED)
    assert commission_member_client.get(url).status_code == 404
    Session.objects.filter(pk=item.session_id).update(
        status=Session.Status.HELD, date=timezone.localdate() - datetime.timedelta(days=31)
    )
    assert commission_member_client.get(url).status_code == 404
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize(
    "persona", ["secretariat_client", "social_worker_client", "other_social_worker_client"]
)
def test_the_members_space_is_403_for_other_roles(request, persona, item):
    client = request.getfixturevalue(persona)
    assert client.get(reverse("commissions:member_sessions")).status_code == 403
    assert client.get(reverse("commissions:case_summary", args=[item.session_id, item.pk])).status_code == 403


# ---------------------------------------------------------------- the work queue and the case page


def test_overdue_recommendations_are_in_the_work_queue_and_on_the_timeline(secretariat_client):
    late = RecommendationFactory(due_date=timezone.localdate() - datetime.timedelta(days=1))
    RecommendationFactory(due_date=timezone.localdate() - datetime.timedelta(days=3), status="realisee")
    queue = secretariat_client.get(reverse("procedure:work_queue")).content.decode()
    assert queue.count('data-testid="overdue-recommendation"') == 1
    case = secretariat_client.get(reverse("procedure:detail", args=[late.procedure_id])).content.decode()
    assert "Préconisation : Aide du FSL" in case and "En retard depuis le" in case


# ---------------------------------------------------------------- flat query counts


def _grow_agenda(session, count):
    for _ in range(count):
        item = AgendaItemFactory(session=session)
        RecommendationFactory(agenda_item=item)


def _count(django_assert_max_num_queries, client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # the first request of a client settles its session
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(
    "url_name", ["commissions:session", "commissions:queue", "commissions:index", "procedure:work_queue"]
)
def test_secretariat_pages_have_a_flat_query_count(
    secretariat_client, mediation, url_name, django_assert_num_queries
):
    session = SessionFactory(commission=mediation, date=timezone.localdate() - datetime.timedelta(days=1))
    url = reverse(url_name, args=[session.pk] if url_name == "commissions:session" else [])
    _grow_agenda(session, 2)
    ReviewRequestFactory.create_batch(2, commission=mediation)
    RecommendationFactory.create_batch(2, due_date=timezone.localdate() - datetime.timedelta(days=2))
    first = _count(None, secretariat_client, url)
    _grow_agenda(session, 4)
    ReviewRequestFactory.create_batch(4, commission=mediation)
    RecommendationFactory.create_batch(4, due_date=timezone.localdate() - datetime.timedelta(days=2))
    with django_assert_num_queries(first):
        secretariat_client.get(url)


def test_the_members_agenda_has_a_flat_query_count(
    commission_member_client, published_session, django_assert_num_queries
):
    url = reverse("commissions:member_session", args=[published_session.pk])
    _grow_agenda(published_session, 2)
    first = _count(None, commission_member_client, url)
    _grow_agenda(published_session, 5)
    with django_assert_num_queries(first):
        commission_member_client.get(url)


def test_the_work_queue_counts_few_overdue_recommendations_from_their_rows(secretariat_client):
    """Fewer than the 50 shown: their number is that of the rows, no COUNT query (issue 11)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for days in (1, 2):
        RecommendationFactory(due_date=timezone.localdate() - datetime.timedelta(days=days))
    secretariat_client.get(reverse("procedure:work_queue"))  # the first request settles the session
    with CaptureQueriesContext(connection) as queries:
        page = secretariat_client.get(reverse("procedure:work_queue")).content.decode()

    assert page.count('data-testid="overdue-recommendation"') == 2
    counts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(")]
    assert not [sql for sql in counts if '"commissions_recommendation"' in sql]


def test_the_work_queue_s_section_reads_the_columns_its_rows_print(secretariat_client):
    """Its overdue recommendations and answers with what their rows print, not every column of the
    recommendation, its organisation, case, session and commission (issue 11)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    late = RecommendationFactory(due_date=timezone.localdate() - datetime.timedelta(days=1))
    secretariat_client.get(reverse("procedure:work_queue"))  # the first request settles the session
    with CaptureQueriesContext(connection) as queries:
        page = secretariat_client.get(reverse("procedure:work_queue")).content.decode()

    assert late.responsible.name in page and late.procedure.household.label in page
    read = [q["sql"] for q in queries.captured_queries if 'FROM "commissions_recommendation"' in q["sql"]]
    assert len(read) == 2  # the overdue ones, the answers
    for unprinted in ('"commissions_recommendation"."detail"', '"directory_organisation"."address"'):
        assert not [sql for sql in read if unprinted in sql]
    # the household's label from the case's own copy (procedure.models.LIST_KEYS): one join less
    assert not [sql for sql in read if '"households_household"' in sql]

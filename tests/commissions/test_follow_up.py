"""Issue 12 §1: a recommendation is work for the organisation it names: its inbox, the case
opened to it until 90 days after its answer, its e-mail and digest (a link only), its answer; the
secretariat reads the answers on the case, in the work queue and in the sessions' follow-up."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from commissions import follow_up
from commissions.models import Recommendation, Session
from commissions.services import CommissionRefused, add_recommendation
from directory.models import Notification
from procedure.models import AccessLog, Procedure
from referrals import services as referral_services
from referrals.models import OutboxMessage
from tests.commissions.factories import AgendaItemFactory, RecommendationFactory, SessionFactory

pytestmark = pytest.mark.django_db

A = Recommendation.Answer
TODAY = datetime.date(2027, 3, 10)


@pytest.fixture
def held_item(mediation):
    session = SessionFactory(commission=mediation, date=TODAY - datetime.timedelta(days=30))
    Session.objects.filter(pk=session.pk).update(status=Session.Status.HELD)
    return AgendaItemFactory(session=session, opinion="Maintien sous réserve d'un accompagnement.")


@pytest.fixture
def asll(held_item, ccas_dijon):
    return RecommendationFactory(
        agenda_item=held_item,
        kind=Recommendation.Kind.ASLL,
        responsible=ccas_dijon,
        due_date=TODAY - datetime.timedelta(days=5),
    )


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2027, 3, 10, 10, tzinfo=datetime.UTC), tick=False):
        yield


def answer_url(recommendation):
    return reverse("commissions:answer_recommendation", args=[recommendation.pk])


# ---------------------------------------------------------------- the rules of the answer


def test_done_needs_the_date_and_what_was_done(asll, social_worker):
    with pytest.raises(CommissionRefused, match="date"):
        follow_up.answer_recommendation(recommendation=asll, user=social_worker, answer=A.DONE, note="x")
    with pytest.raises(CommissionRefused, match="ce qui a été fait"):
        follow_up.answer_recommendation(recommendation=asll, user=social_worker, answer=A.DONE, done_on=TODAY)
    with pytest.raises(CommissionRefused, match="futur"):
        follow_up.answer_recommendation(
            recommendation=asll,
            user=social_worker,
            answer=A.DONE,
            note="Mesure ouverte",
            done_on=TODAY + datetime.timedelta(days=1),
        )
    follow_up.answer_recommendation(
        recommendation=asll, user=social_worker, answer=A.DONE, note="Mesure ouverte", done_on=TODAY
    )
    asll.refresh_from_db()
    assert (asll.status, asll.done_on) == (Recommendation.Status.DONE, TODAY)
    assert asll.outcome_note == "Mesure ouverte"
    assert asll.closed_at is not None and asll.answered_by == social_worker


def test_not_possible_needs_the_reason_and_closes(asll, social_worker):
    with pytest.raises(CommissionRefused, match="pourquoi"):
        follow_up.answer_recommendation(recommendation=asll, user=social_worker, answer=A.NOT_POSSIBLE)
    follow_up.answer_recommendation(
        recommendation=asll, user=social_worker, answer=A.NOT_POSSIBLE, note="Ménage injoignable"
    )
    asll.refresh_from_db()
    assert asll.status == Recommendation.Status.NOT_DONE and asll.done_on is None


def test_in_progress_keeps_it_open_and_a_closed_one_takes_no_answer(asll, social_worker):
    follow_up.answer_recommendation(
        recommendation=asll, user=social_worker, answer=A.IN_PROGRESS, note="Premier rendez-vous fixé"
    )
    asll.refresh_from_db()
    assert asll.status == Recommendation.Status.OPEN and asll.answered_at is not None
    assert asll.closed_at is None
    follow_up.answer_recommendation(
        recommendation=asll, user=social_worker, answer=A.NOT_POSSIBLE, note="Refus du ménage"
    )
    with pytest.raises(CommissionRefused, match="clos"):
        follow_up.answer_recommendation(
            recommendation=asll, user=social_worker, answer=A.DONE, note="x", done_on=TODAY
        )


def test_only_the_organisation_named_answers(asll, other_social_worker, secretariat):
    from tests.commissions.conftest import acting

    for user in (acting(other_social_worker), secretariat):
        with pytest.raises(PermissionDenied):
            follow_up.answer_recommendation(recommendation=asll, user=user, answer=A.IN_PROGRESS, note="Rien")


# ---------------------------------------------------------------- the case opened to it


def test_the_case_is_open_to_the_organisation_named_until_90_days_after_its_answer(
    asll, social_worker, other_social_worker
):
    from tests.commissions.conftest import acting

    other = acting(other_social_worker)
    assert Procedure.objects.visible_to(social_worker).filter(pk=asll.procedure_id).exists()
    assert not Procedure.objects.visible_to(other).filter(pk=asll.procedure_id).exists()
    follow_up.answer_recommendation(
        recommendation=asll, user=social_worker, answer=A.DONE, note="Mesure ouverte", done_on=TODAY
    )
    answered = timezone.now()
    for days, visible in ((89, True), (90, True), (91, False)):
        with time_machine.travel(answered + datetime.timedelta(days=days, minutes=-1), tick=False):
            seen = Procedure.objects.visible_to(social_worker).filter(pk=asll.procedure_id).exists()
            assert seen is visible, days


# ---------------------------------------------------------------- the pages, per persona


def test_the_social_worker_of_the_ccas_named_sees_it_in_the_inbox(social_worker_client, asll):
    page = social_worker_client.get(reverse("referrals:inbox")).content.decode()
    assert 'data-testid="received-recommendation"' in page
    assert answer_url(asll) in page


def test_the_social_worker_of_another_ccas_sees_nothing(other_social_worker_client, asll):
    page = other_social_worker_client.get(reverse("referrals:inbox")).content.decode()
    assert 'data-testid="received-recommendation"' not in page
    assert other_social_worker_client.get(answer_url(asll)).status_code == 404
    case = reverse("procedure:detail", args=[asll.procedure_id])
    assert other_social_worker_client.get(case).status_code == 404


def test_a_commission_member_gets_404(commission_member_client, asll):
    assert commission_member_client.get(answer_url(asll)).status_code == 404


def test_the_secretariat_gets_403_on_the_answer_form(secretariat_client, asll):
    assert secretariat_client.get(answer_url(asll)).status_code == 403


def test_the_social_worker_answers_and_the_reading_is_logged(social_worker_client, asll, social_worker):
    page = social_worker_client.get(answer_url(asll))
    assert page.status_code == 200
    assert "Maintien sous réserve" in page.content.decode()
    assert AccessLog.objects.filter(user=social_worker, procedure=asll.procedure, context="préconisation")
    case = social_worker_client.get(reverse("procedure:detail", args=[asll.procedure_id]))
    assert case.status_code == 200 and answer_url(asll) in case.content.decode()
    response = social_worker_client.post(
        answer_url(asll), {"answer": A.DONE, "done_on": "2027-03-08", "note": "Mesure ASLL ouverte"}
    )
    assert response.status_code == 302
    asll.refresh_from_db()
    assert asll.status == Recommendation.Status.DONE and asll.done_on == datetime.date(2027, 3, 8)


def test_a_faulty_answer_is_explained_and_keeps_what_was_typed(social_worker_client, asll):
    response = social_worker_client.post(answer_url(asll), {"answer": A.DONE, "note": "Mesure ASLL ouverte"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Indiquez la date à laquelle la préconisation a été réalisée." in page
    assert "Mesure ASLL ouverte" in page
    asll.refresh_from_db()
    assert asll.status == Recommendation.Status.OPEN


def test_the_secretariat_reads_the_answer_on_the_case_queue_and_session(
    secretariat_client, secretariat, asll, social_worker, mediation
):
    follow_up.answer_recommendation(
        recommendation=asll, user=social_worker, answer=A.NOT_POSSIBLE, note="Ménage parti"
    )
    assert Notification.objects.get(user=secretariat, kind="reponse_preconisation").url == reverse(
        "commissions:item", args=[asll.agenda_item_id]
    )
    case = secretariat_client.get(reverse("procedure:detail", args=[asll.procedure_id])).content.decode()
    assert "impossible à réaliser" in case and "Ménage parti" in case
    queue = secretariat_client.get(reverse("procedure:work_queue")).content.decode()
    assert 'data-testid="recommendation-answer-row"' in queue and "Ménage parti" in queue
    next_session = SessionFactory(commission=mediation, date=TODAY + datetime.timedelta(days=20))
    AgendaItemFactory(session=next_session, procedure=asll.procedure)
    page = secretariat_client.get(reverse("commissions:session", args=[next_session.pk])).content.decode()
    assert 'data-testid="earlier-recommendation"' in page
    assert 'data-testid="previous-recommendations"' in page and "Ménage parti" in page


def test_the_work_queue_lists_overdue_recommendations_before_the_answers(secretariat_client, asll):
    queue = secretariat_client.get(reverse("procedure:work_queue")).content.decode()
    assert queue.index("Préconisations en retard") < queue.index("Réponses des organismes")


# ---------------------------------------------------------------- e-mail and digest


def test_a_new_recommendation_e_mails_its_organisation_a_link_only(
    held_item, secretariat, social_worker, ccas_dijon, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        recommendation = add_recommendation(
            item=held_item,
            user=secretariat,
            kind=Recommendation.Kind.FSL,
            responsible=ccas_dijon,
            due_date=TODAY + datetime.timedelta(days=30),
        )
    # issue 12 §5: its social workers' notifications, in the list and as each chose by e-mail.
    notification = Notification.objects.get(user=social_worker, kind="preconisation_recue")
    assert notification.url == answer_url(recommendation) and "Aide du FSL" in notification.title
    message = OutboxMessage.objects.get(dedup_key=f"recommendation-{recommendation.pk}-made")
    assert message.recipient == ccas_dijon.email
    assert answer_url(recommendation) in message.body
    assert held_item.procedure.household.label not in message.body
    assert held_item.procedure.reference not in message.body


def test_the_daily_digest_counts_the_recommendations_due(asll, ccas_dijon):
    assert referral_services.queue_digests(today=TODAY) == 1
    body = OutboxMessage.objects.get(dedup_key=f"digest-{ccas_dijon.pk}-{TODAY:%Y-%m-%d}").body
    assert (
        "1 préconisation de commission confiée à votre organisme arrive" in body and "(1 en retard)" in body
    )
    assert asll.procedure.household.label not in body

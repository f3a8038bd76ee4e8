import datetime
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from commissions import services
from commissions.models import Recommendation, ReviewRequest, Session
from referrals.models import Referral
from tests.commissions.factories import (
    AgendaItemFactory,
    RecommendationFactory,
    ReviewRequestFactory,
    SessionFactory,
)
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def held_item(mediation):
    session = SessionFactory(commission=mediation, date=timezone.localdate(), status=Session.Status.PUBLISHED)
    review = ReviewRequestFactory(commission=mediation, status=ReviewRequest.Status.SCHEDULED)
    return AgendaItemFactory(session=session, procedure=review.procedure, review_request=review)


def test_recording_the_opinion_holds_the_session_and_examines_the_saisine(held_item, secretariat):
    services.record_decision(
        item=held_item, user=secretariat, attendance="present", opinion="Plan d'apurement."
    )
    held_item.session.refresh_from_db()
    held_item.review_request.refresh_from_db()
    assert held_item.session.status == Session.Status.HELD
    assert held_item.review_request.status == ReviewRequest.Status.EXAMINED


def test_no_opinion_before_the_session(item, secretariat):
    with pytest.raises(services.CommissionRefused, match="pas encore eu lieu"):
        services.record_decision(item=item, user=secretariat, attendance="present", opinion="Avis")


def test_a_dsf_recommendation_creates_the_referral(held_item, secretariat, ccas_dijon):
    due = timezone.localdate() + datetime.timedelta(days=20)
    recommendation = services.add_recommendation(
        item=held_item, user=secretariat, kind=Recommendation.Kind.DSF, responsible=ccas_dijon, due_date=due
    )
    referral = recommendation.referral
    assert (referral.kind, referral.addressed_to, referral.due_date) == (Referral.Kind.DSF, ccas_dijon, due)
    again = services.add_recommendation(
        item=held_item, user=secretariat, kind=Recommendation.Kind.DSF, responsible=ccas_dijon, due_date=due
    )
    assert again.referral == referral
    assert Referral.objects.count() == 1


def test_an_fsl_recommendation_is_not_a_referral(held_item, secretariat, ccas_dijon):
    recommendation = services.add_recommendation(
        item=held_item,
        user=secretariat,
        kind=Recommendation.Kind.FSL,
        responsible=ccas_dijon,
        due_date=timezone.localdate(),
    )
    assert recommendation.referral is None


def test_a_ccapex_diagnosis_without_funding_is_refused_in_french(held_item, secretariat):
    with pytest.raises(services.CommissionRefused, match="finance"):
        services.add_recommendation(
            item=held_item,
            user=secretariat,
            kind=Recommendation.Kind.CCAPEX_DIAGNOSIS,
            responsible=OrganisationFactory(),
            due_date=timezone.localdate(),
        )


def test_not_done_needs_a_reason(secretariat):
    recommendation = RecommendationFactory()
    with pytest.raises(services.CommissionRefused, match="pourquoi"):
        services.close_recommendation(recommendation=recommendation, user=secretariat, status="non_realisee")
    services.close_recommendation(
        recommendation=recommendation, user=secretariat, status="non_realisee", note="Ménage parti"
    )
    assert recommendation.status == Recommendation.Status.NOT_DONE and recommendation.closed_by == secretariat


def test_the_decision_record_pdf_lists_opinions_and_recommendations(held_item, secretariat, ccas_dijon):
    services.record_decision(
        item=held_item, user=secretariat, attendance="present", opinion="Maintien dans les lieux"
    )
    services.add_recommendation(
        item=held_item,
        user=secretariat,
        kind=Recommendation.Kind.FSL,
        responsible=ccas_dijon,
        due_date=datetime.date(2030, 1, 15),
    )
    text = "".join(
        page.extract_text()
        for page in PdfReader(io.BytesIO(services.decision_record_pdf(held_item.session))).pages
    )
    assert "Relevé de décisions" in text
    assert "Maintien dans les lieux" in text
    assert "Aide du FSL" in text and "CCAS de Dijon" in text and "15/01/2030" in text
    assert held_item.procedure.household.label in text


def test_no_decision_record_before_the_session_is_held(item):
    with pytest.raises(services.CommissionRefused):
        services.decision_record_pdf(item.session)


def test_the_next_session_shows_the_earlier_recommendations(mediation):
    earlier = RecommendationFactory(
        agenda_item__session=SessionFactory(commission=mediation, date=datetime.date(2026, 1, 5))
    )
    RecommendationFactory()  # another commission
    later = SessionFactory(commission=mediation, date=datetime.date(2026, 3, 2))
    assert list(services.earlier_recommendations(later)) == [earlier]


def test_merging_moves_pending_saisines_and_retires(mediation):
    other = SessionFactory().commission
    review = ReviewRequestFactory(commission=other)
    services.merge_commissions(commissions=type(other).objects.filter(pk=other.pk), into=mediation)
    other.refresh_from_db()
    review.refresh_from_db()
    assert (other.is_active, other.merged_into, review.commission) == (False, mediation, mediation)

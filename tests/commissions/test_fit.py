"""Issue 12 §3: putting a case on an agenda checks the formation's stages, sectors and territory
(configuration) and says why a case does not fit; the secretariat overrides with a reason."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from commissions.models import AgendaItem, ReviewRequest
from commissions.services import CommissionRefused, add_to_agenda
from households.models import HousingSector
from procedure.models import Stage
from tests.commissions.factories import ReviewRequestFactory, SessionFactory
from tests.factories import CommuneFactory
from tests.procedure.factories import procedure_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(mediation):
    return SessionFactory(commission=mediation, date=timezone.localdate() + datetime.timedelta(days=10))


def waiting(mediation, procedure):
    return ReviewRequestFactory(procedure=procedure, commission=mediation)


def test_a_public_sector_case_at_the_cql_in_dijon_fits_the_mediation(session, mediation, secretariat):
    review = waiting(mediation, procedure_at(Stage.ORDER_TO_VACATE, sector=HousingSector.PUBLIC))
    item = add_to_agenda(session=session, review=review, user=secretariat, override_reason="inutile")
    assert item.override_reason == ""


def test_a_private_sector_case_is_refused_with_its_reason(session, mediation, secretariat):
    review = waiting(mediation, procedure_at(Stage.ORDER_TO_VACATE, sector=HousingSector.PRIVATE))
    with pytest.raises(CommissionRefused, match="relève du parc privé, la formation examine le parc public"):
        add_to_agenda(session=session, review=review, user=secretariat)
    assert not AgendaItem.objects.exists()
    review.refresh_from_db()
    assert review.status == ReviewRequest.Status.PENDING


def test_a_case_at_another_stage_is_refused_with_the_stages_examined(session, mediation, secretariat):
    review = waiting(mediation, procedure_at(Stage.PAYMENT_ORDER, sector=HousingSector.PUBLIC))
    with pytest.raises(CommissionRefused, match="au stade commandement de payer, la formation examine"):
        add_to_agenda(session=session, review=review, user=secretariat)


def test_a_case_outside_the_territory_is_refused(session, mediation, secretariat):
    beaune = CommuneFactory(insee_code="21054", name="Beaune", postal_codes="21200")
    procedure = procedure_at(Stage.ORDER_TO_VACATE, sector=HousingSector.PUBLIC, lease__commune=beaune)
    with pytest.raises(CommissionRefused, match="pas dans le territoire « Dijon Métropole »"):
        add_to_agenda(session=session, review=waiting(mediation, procedure), user=secretariat)


def test_the_secretariat_overrides_with_a_reason(session, mediation, secretariat):
    review = waiting(mediation, procedure_at(Stage.ORDER_TO_VACATE, sector=HousingSector.PRIVATE))
    item = add_to_agenda(
        session=session,
        review=review,
        user=secretariat,
        override_reason="Bailleur en cours de conventionnement",
    )
    assert item.override_reason == "Bailleur en cours de conventionnement"


def test_the_session_page_explains_the_refusal_and_keeps_the_choice(secretariat_client, session, mediation):
    review = waiting(mediation, procedure_at(Stage.ORDER_TO_VACATE, sector=HousingSector.PRIVATE))
    url = reverse("commissions:add_item", args=[session.pk])
    response = secretariat_client.post(url, {"review": review.pk})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="add-item-error"' in page and "parc privé" in page
    assert f'value="{review.pk}" selected' in page
    response = secretariat_client.post(url, {"review": review.pk, "override_reason": "Situation urgente"})
    assert response.status_code == 302
    page = secretariat_client.get(reverse("commissions:session", args=[session.pk])).content.decode()
    assert "Hors critères" in page and "Situation urgente" in page


def test_the_queue_schedules_a_case_on_a_coming_session(secretariat_client, session, mediation):
    review = waiting(mediation, procedure_at(Stage.ORDER_TO_VACATE, sector=HousingSector.PUBLIC))
    queue = secretariat_client.get(reverse("commissions:queue")).content.decode()
    assert 'data-testid="schedule-form"' in queue and f"{session.date:%d/%m/%Y}" in queue
    url = reverse("commissions:schedule_review", args=[review.pk])
    response = secretariat_client.post(url, {"session": session.pk})
    assert response.status_code == 302
    assert AgendaItem.objects.get().review_request == review


def test_the_queue_sends_a_misfit_to_the_session_page_with_its_reason(secretariat_client, session, mediation):
    review = waiting(mediation, procedure_at(Stage.ORDER_TO_VACATE, sector=HousingSector.PRIVATE))
    response = secretariat_client.post(
        reverse("commissions:schedule_review", args=[review.pk]), {"session": session.pk}
    )
    page = response.content.decode()
    assert response.status_code == 400 and "parc privé" in page and f'value="{review.pk}" selected' in page
    assert not AgendaItem.objects.exists()


@pytest.mark.parametrize(
    "persona", ["social_worker_client", "other_social_worker_client", "commission_member_client"]
)
def test_other_roles_may_not_schedule_from_the_queue(request, persona, session, mediation):
    review = waiting(mediation, procedure_at(Stage.ORDER_TO_VACATE, sector=HousingSector.PUBLIC))
    client = request.getfixturevalue(persona)
    url = reverse("commissions:schedule_review", args=[review.pk])
    assert client.post(url, {"session": session.pk}).status_code == 403
    assert not AgendaItem.objects.exists()


def test_the_opinion_form_appears_once_the_session_has_taken_place(secretariat_client, session, mediation):
    review = waiting(mediation, procedure_at(Stage.ORDER_TO_VACATE, sector=HousingSector.PUBLIC))
    item = AgendaItem.objects.create(session=session, procedure=review.procedure, order=1)
    page = secretariat_client.get(reverse("commissions:item", args=[item.pk])).content.decode()
    assert 'data-testid="session-to-come"' in page and 'data-testid="decision-form"' not in page
    type(session).objects.filter(pk=session.pk).update(date=timezone.localdate())
    page = secretariat_client.get(reverse("commissions:item", args=[item.pk])).content.decode()
    assert 'data-testid="decision-form"' in page

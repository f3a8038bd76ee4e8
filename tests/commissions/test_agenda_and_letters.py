"""The agenda's order and presenters, set by the secretariat before the session; after it, the
letters of opinion and recommendations to each household with a copy to the social services."""

import pytest
from django.urls import reverse
from django.utils import timezone

from commissions.models import Session
from letters.models import Letter, LetterKind
from tests.commissions.factories import AgendaItemFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agenda(mediation):
    session = SessionFactory(commission=mediation)
    return [AgendaItemFactory(session=session, order=order) for order in (1, 2, 3)]


def orders(agenda):
    return [item.procedure_id for item in agenda[0].session.items.order_by("order")]


def test_the_secretariat_moves_an_item_up_and_down(secretariat_client, agenda):
    first, second, third = agenda
    response = secretariat_client.post(reverse("commissions:move_up", args=[third.pk]))
    assert response.status_code == 302 and response.url.endswith(f"#point-{third.pk}")
    assert orders(agenda) == [first.procedure_id, third.procedure_id, second.procedure_id]
    secretariat_client.post(reverse("commissions:move_down", args=[first.pk]))
    assert orders(agenda) == [third.procedure_id, first.procedure_id, second.procedure_id]
    secretariat_client.post(reverse("commissions:move_up", args=[third.pk]))  # already first: no change
    assert orders(agenda) == [third.procedure_id, first.procedure_id, second.procedure_id]
    assert sorted(agenda[0].session.items.values_list("order", flat=True)) == [1, 2, 3]


def test_the_secretariat_sets_the_presenter(secretariat_client, agenda, ccas_dijon):
    item = agenda[1]
    secretariat_client.post(
        reverse("commissions:set_presenter", args=[item.pk]), {"presenter": ccas_dijon.pk}
    )
    item.refresh_from_db()
    assert item.presenter == ccas_dijon
    page = secretariat_client.get(reverse("commissions:session", args=[item.session_id])).content.decode()
    assert "Monter " + item.procedure.household.label in page
    assert f'<option value="{ccas_dijon.pk}" selected>' in page


def test_a_held_agenda_is_no_longer_reordered(secretariat_client, agenda):
    Session.objects.filter(pk=agenda[0].session_id).update(status=Session.Status.HELD)
    response = secretariat_client.post(reverse("commissions:move_up", args=[agenda[2].pk]), follow=True)
    assert "ne se modifie plus" in response.content.decode()
    assert orders(agenda) == [item.procedure_id for item in agenda]


@pytest.mark.parametrize("persona", ["social_worker_client", "commission_member_client"])
def test_other_roles_may_not_reorder(request, persona, agenda, ccas_dijon):
    client = request.getfixturevalue(persona)
    assert client.post(reverse("commissions:move_up", args=[agenda[2].pk])).status_code == 403
    assert client.post(reverse("commissions:set_presenter", args=[agenda[2].pk]), {}).status_code == 403
    assert client.post(reverse("commissions:opinion_letters", args=[agenda[2].session_id])).status_code == 403


def test_after_the_session_each_household_gets_its_letter_and_the_social_services_a_copy(
    secretariat_client, mediation, django_capture_on_commit_callbacks
):
    session = SessionFactory(commission=mediation, date=timezone.localdate(), status=Session.Status.HELD)
    decided = AgendaItemFactory(session=session, opinion="Maintien", decided_at=timezone.now())
    AgendaItemFactory(session=session)  # no opinion recorded: no letter
    url = reverse("commissions:opinion_letters", args=[session.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(url, follow=True)
    assert "Courriers d'avis et de recommandations en préparation" in response.content.decode()
    letters = Letter.objects.order_by("kind")
    assert [(letter.procedure_id, letter.kind) for letter in letters] == [
        (decided.procedure_id, LetterKind.OPINION_COPY),
        (decided.procedure_id, LetterKind.OPINION),
    ]
    assert letters.get(kind=LetterKind.OPINION).recipient == decided.procedure.household.label
    with django_capture_on_commit_callbacks(execute=True):
        secretariat_client.post(url)
    assert Letter.objects.count() == 2  # once per case and opinion


def test_no_letters_before_the_session_is_held(secretariat_client, agenda):
    response = secretariat_client.post(
        reverse("commissions:opinion_letters", args=[agenda[0].session_id]), follow=True
    )
    assert "une fois la séance tenue" in response.content.decode()
    assert not Letter.objects.exists()

"""The correction page of an act: secretariat only (404 not visible, 403 visible but not
changeable), refusals in French with what was typed, the history shows both versions."""

import datetime

import pytest
from django.db.models import Q
from django.urls import reverse

from procedure import access
from procedure.models import ProcedureEvent, Stage
from tests.procedure.factories import procedure_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def cql():
    procedure = procedure_at(Stage.ORDER_TO_VACATE, on=datetime.date(2026, 6, 10))
    return procedure.events.get(kind=Stage.ORDER_TO_VACATE)


def correct_url(event):
    return reverse("procedure:correct_event", args=[event.procedure_id, event.pk])


def cancel_url(event):
    return reverse("procedure:cancel_event", args=[event.procedure_id, event.pk])


def correction(**overrides):
    return {"kind": Stage.ORDER_TO_VACATE, "date": "2026-08-31", "reason": "Date mal recopiée", **overrides}


def test_secretariat_corrects_the_date_and_the_case_page_shows_both_versions(secretariat_client, cql):
    response = secretariat_client.post(correct_url(cql), correction(), follow=True)

    assert response.redirect_chain == [(reverse("procedure:detail", args=[cql.procedure_id]), 302)]
    page = response.content.decode()
    assert "Expulsion possible à partir du 01/04/2027 : fin de la trêve hivernale" in page
    assert "Rectification d&#x27;un acte" in page
    assert "date : 10/06/2026 → 31/08/2026" in page
    assert "Motif : Date mal recopiée" in page


def test_a_correction_before_the_judgment_comes_back_in_french_with_the_typed_values(secretariat_client, cql):
    response = secretariat_client.post(correct_url(cql), correction(date="2026-01-02"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "ne peut pas précéder le jugement" in page
    assert 'value="2026-01-02"' in page
    assert 'value="Date mal recopiée"' in page
    cql.refresh_from_db()
    assert cql.date == datetime.date(2026, 6, 10)


def test_a_correction_without_a_reason_is_refused(secretariat_client, cql):
    response = secretariat_client.post(correct_url(cql), correction(reason=""))

    assert response.status_code == 200
    assert "Ce champ est obligatoire" in response.content.decode()


def test_secretariat_cancels_an_act_which_stays_in_the_history_marked(secretariat_client, cql):
    response = secretariat_client.post(cancel_url(cql), {"reason": "Mauvais dossier"}, follow=True)

    page = response.content.decode()
    assert "Acte annulé : Commandement de quitter les lieux du 10/06/2026" in page
    assert "<del><strong>Commandement de quitter les lieux</strong></del>" in page
    assert "motif : Mauvais dossier" in page
    assert ProcedureEvent.all_objects.filter(pk=cql.pk, cancelled_at__isnull=False).exists()


def test_a_cancellation_without_a_reason_is_refused(secretariat_client, cql):
    response = secretariat_client.post(cancel_url(cql), {"reason": ""})

    assert response.status_code == 200
    assert ProcedureEvent.objects.filter(pk=cql.pk).exists()


@pytest.mark.parametrize(
    "persona", ["social_worker_client", "other_social_worker_client", "commission_member_client"]
)
def test_other_roles_without_a_grant_get_404(request, persona, cql):
    client = request.getfixturevalue(persona)

    assert client.get(correct_url(cql)).status_code == 404
    assert client.post(cancel_url(cql), {"reason": "x"}).status_code == 404


def test_a_social_worker_who_sees_the_case_may_not_correct_it(social_worker_client, cql, monkeypatch):
    monkeypatch.setattr(access, "GRANTS", [lambda user: Q(pk=cql.procedure_id)])

    assert social_worker_client.get(correct_url(cql)).status_code == 403
    assert social_worker_client.post(cancel_url(cql), {"reason": "x"}).status_code == 403
    assert ProcedureEvent.objects.filter(pk=cql.pk).exists()


def test_the_case_page_links_each_act_to_its_correction_for_the_secretariat_only(
    secretariat_client, social_worker_client, cql, monkeypatch
):
    monkeypatch.setattr(access, "GRANTS", [lambda user: Q(pk=cql.procedure_id)])
    case_url = reverse("procedure:detail", args=[cql.procedure_id])

    assert correct_url(cql) in secretariat_client.get(case_url).content.decode()
    assert correct_url(cql) not in social_worker_client.get(case_url).content.decode()

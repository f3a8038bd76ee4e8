"""Recording the next act from the case page: secretariat only, refused acts come back in French
with what was typed, recorded acts list the tasks they create."""

import datetime

import pytest
from django.db.models import Q
from django.urls import reverse

from procedure import access
from procedure.models import EventKind, JudgmentOutcome, ProcedureEvent, Stage
from tests.procedure.factories import procedure_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    return procedure_at(Stage.HEARING, on=datetime.date(2026, 5, 4))


def record_url(procedure):
    return reverse("procedure:record_event", args=[procedure.pk])


def judgment(**overrides):
    return {
        "kind": EventKind.JUDGMENT,
        "date": "2026-06-01",
        "judgment_outcome": JudgmentOutcome.TERMINATION,
        "debt": "3150.50",
        "note": "Jugement reçu du greffe",
        **overrides,
    }


def test_secretariat_records_a_judgment_and_sees_the_tasks_created(secretariat_client, secretariat, case):
    response = secretariat_client.post(record_url(case), judgment(), follow=True)

    event = ProcedureEvent.objects.get(procedure=case, kind=EventKind.JUDGMENT)
    assert (event.date, event.judgment_outcome, event.recorded_by) == (
        datetime.date(2026, 6, 1),
        JudgmentOutcome.TERMINATION,
        secretariat,
    )
    assert response.redirect_chain == [(reverse("procedure:detail", args=[case.pk]), 302)]
    page = response.content.decode()
    assert "fr-alert--success" in page
    assert (
        "Jugement du 01/06/2026 enregistré. Tâches créées : Informer les services sociaux du jugement."
        in page
    )


def test_the_same_act_twice_changes_nothing(secretariat_client, case):
    secretariat_client.post(record_url(case), judgment())

    response = secretariat_client.post(record_url(case), judgment(), follow=True)

    assert ProcedureEvent.objects.filter(procedure=case, kind=EventKind.JUDGMENT).count() == 1
    assert "était déjà enregistré" in response.content.decode()


def test_an_act_that_goes_back_in_time_is_refused_keeping_what_was_typed(secretariat_client, case):
    response = secretariat_client.post(record_url(case), judgment(date="2026-04-01"))

    assert response.status_code == 200
    assert not case.events.filter(kind=EventKind.JUDGMENT).exists()
    page = response.content.decode()
    date_group = page[page.index('<label for="id_date"') - 120 : page.index('<label for="id_debt"')]
    assert "fr-input-group--error" in date_group
    assert "Un jugement ne peut pas" in date_group
    assert "l&#x27;audience du 04/05/2026" in date_group
    assert 'value="2026-04-01"' in page
    assert 'value="3150.50"' in page
    assert "Jugement reçu du greffe</textarea>" in page
    assert '<option value="resiliation" selected>' in page


def test_an_assignation_without_hearing_date_is_refused_on_that_field(secretariat_client):
    procedure = procedure_at(Stage.PAYMENT_ORDER, on=datetime.date(2026, 3, 2))

    response = secretariat_client.post(
        record_url(procedure), {"kind": EventKind.SUMMONS, "date": "2026-05-04", "note": "Reçue par courriel"}
    )

    page = response.content.decode()
    assert "Indiquez le champ « date d&#x27;audience » pour cet acte." in page
    hearing_group = page[page.index('id="id_hearing_date"') - 600 : page.index('id="id_hearing_date"')]
    assert "fr-input-group--error" in hearing_group
    assert "Reçue par courriel</textarea>" in page
    assert not procedure.events.filter(kind=EventKind.SUMMONS).exists()


def test_a_future_date_is_refused_in_french(secretariat_client, case):
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)

    response = secretariat_client.post(record_url(case), judgment(date=tomorrow.isoformat()))

    assert "est dans le futur" in response.content.decode()


def test_the_form_marks_the_conditional_fields_for_the_script(secretariat_client, case):
    page = secretariat_client.get(reverse("procedure:detail", args=[case.pk])).content.decode()

    assert 'data-show-for="assignation"' in page
    assert 'data-show-for="jugement"' in page
    assert 'data-show-for="concours_force_publique"' in page
    assert 'data-show-for="cloture"' in page
    assert "prevex/record_event.js" in page


@pytest.mark.parametrize(
    "persona", ["social_worker_client", "other_social_worker_client", "commission_member_client"]
)
def test_roles_that_cannot_see_the_case_get_404(request, persona, case):
    response = request.getfixturevalue(persona).post(record_url(case), judgment())

    assert response.status_code == 404
    assert not case.events.filter(kind=EventKind.JUDGMENT).exists()


def test_a_social_worker_who_sees_the_case_gets_403(social_worker_client, case, monkeypatch):
    monkeypatch.setattr(access, "GRANTS", [lambda user: Q(pk=case.pk)])

    response = social_worker_client.post(record_url(case), judgment())

    assert response.status_code == 403
    assert not case.events.filter(kind=EventKind.JUDGMENT).exists()


def test_recording_needs_a_post(secretariat_client, case):
    assert secretariat_client.get(record_url(case)).status_code == 405


def test_cpce_l412_3_secretariat_records_a_judges_delay_to_leave_and_reads_the_new_eviction_date(
    secretariat_client,
):
    procedure = procedure_at(Stage.ORDER_TO_VACATE, on=datetime.date(2026, 10, 15))
    data = {"kind": EventKind.TIME_TO_LEAVE, "date": "2026-11-20", "time_to_leave_until": "2027-05-10"}

    response = secretariat_client.post(record_url(procedure), data, follow=True)

    page = response.content.decode()
    # The truce would allow 1 April 2027; the judge granted until 10 May: Tuesday 11 May 2027.
    assert (
        "Expulsion possible à partir du 11/05/2027 : fin du délai pour quitter les lieux accordé par le juge"
        in page
    )
    assert "Délai accordé jusqu&#x27;au 10/05/2027" in page


def test_cpce_l412_4_a_delay_to_leave_out_of_range_comes_back_in_french(secretariat_client):
    procedure = procedure_at(Stage.ORDER_TO_VACATE, on=datetime.date(2026, 6, 10))
    data = {"kind": EventKind.TIME_TO_LEAVE, "date": "2026-06-20", "time_to_leave_until": "2026-07-01"}

    response = secretariat_client.post(record_url(procedure), data)

    page = response.content.decode()
    assert "va de 1 mois à 12 mois (CPCE L.412-3, L.412-4)" in page
    assert 'value="2026-07-01"' in page
    assert not ProcedureEvent.objects.filter(procedure=procedure, kind=EventKind.TIME_TO_LEAVE).exists()

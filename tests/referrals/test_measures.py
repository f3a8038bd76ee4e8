"""Support measures after they are proposed: the household's answer, the dates, the ASLL's single
renewal (Charte fiche action 5 §2.a), on the case panel with their status."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals.models import SupportMeasure

from .factories import case_in

ASLL = SupportMeasure.Kind.ASLL


@pytest.fixture
def measure(departement, secretariat):
    def make(kind=ASLL, **fields):
        return SupportMeasure.objects.create(
            procedure=case_in("21231"),
            kind=kind,
            proposed_on=timezone.localdate(),
            recorded_by=secretariat,
            **fields,
        )

    return make


def edit(client, measure, **data):
    return client.post(reverse("referrals:edit_measure", args=[measure.pk]), data)


def test_secretariat_records_the_households_acceptance_and_the_asll_runs_twelve_months(
    measure, secretariat_client
):
    asll = measure()
    start = timezone.localdate() - datetime.timedelta(days=10)
    assert secretariat_client.get(reverse("referrals:edit_measure", args=[asll.pk])).status_code == 200
    response = edit(
        secretariat_client,
        asll,
        household_agreed="oui",
        start_date=start.isoformat(),
        note="Référente Mme Roy",
    )
    assert response.status_code == 302
    asll.refresh_from_db()
    assert (asll.household_agreed, asll.start_date, asll.note) == (True, start, "Référente Mme Roy")
    assert asll.end_date == datetime.date(start.year + 1, start.month, start.day)
    page = secretariat_client.get(reverse("procedure:detail", args=[asll.procedure_id])).content.decode()
    assert "En cours" in page and reverse("referrals:renew_measure", args=[asll.pk]) in page


def test_a_measure_refused_by_the_household_has_no_start(measure, secretariat_client):
    masp = measure(kind=SupportMeasure.Kind.MASP_SIMPLE)
    response = edit(secretariat_client, masp, household_agreed="non", start_date="2026-01-05")
    assert response.status_code == 400
    assert "refusée par le ménage n'a pas de date de début" in html.unescape(response.content.decode())
    assert edit(secretariat_client, masp, household_agreed="non").status_code == 302
    masp.refresh_from_db()
    assert masp.household_agreed is False and masp.status_label() == "Refusée par le ménage"
    page = secretariat_client.get(reverse("procedure:detail", args=[masp.procedure_id])).content.decode()
    assert "Refusée par le ménage" in page and reverse("referrals:renew_measure", args=[masp.pk]) not in page


def test_an_asll_may_not_last_more_than_twelve_months_before_its_renewal(measure, secretariat_client):
    asll = measure()
    response = edit(
        secretariat_client, asll, household_agreed="oui", start_date="2026-01-05", end_date="2027-03-01"
    )
    assert response.status_code == 400
    assert "fin au plus tard le 05/01/2027" in response.content.decode()
    asll.refresh_from_db()
    assert asll.household_agreed is None and asll.end_date is None


def test_an_asll_is_renewed_once_only(measure, secretariat_client):
    start = datetime.date(2026, 1, 5)
    asll = measure(household_agreed=True, start_date=start, end_date=datetime.date(2027, 1, 5))
    url = reverse("referrals:renew_measure", args=[asll.pk])
    secretariat_client.post(url)
    asll.refresh_from_db()
    assert (asll.renewals, asll.end_date) == (1, datetime.date(2028, 1, 5))
    response = secretariat_client.post(url, follow=True)
    assert "n'est renouvelable qu'une fois" in html.unescape(response.content.decode())
    asll.refresh_from_db()
    assert asll.renewals == 1
    assert url not in response.content.decode()
    # Once renewed, its dates may run 24 months, never more.
    assert (
        edit(
            secretariat_client, asll, household_agreed="oui", start_date="2026-01-05", end_date="2028-01-05"
        ).status_code
        == 302
    )
    assert (
        edit(
            secretariat_client, asll, household_agreed="oui", start_date="2026-01-05", end_date="2028-02-05"
        ).status_code
        == 400
    )


def test_a_measure_the_household_has_not_accepted_is_not_renewed(measure, secretariat_client):
    mlda = measure(
        kind=SupportMeasure.Kind.MLDA,
        start_date=datetime.date(2026, 1, 5),
        end_date=datetime.date(2026, 7, 5),
    )
    response = secretariat_client.post(reverse("referrals:renew_measure", args=[mlda.pk]), follow=True)
    assert "Seule une mesure acceptée" in html.unescape(response.content.decode())
    mlda.refresh_from_db()
    assert mlda.renewals == 0


@pytest.mark.parametrize(
    "client_name", ["social_worker_client", "other_social_worker_client", "commission_member_client"]
)
def test_only_the_secretariat_edits_a_measure(request, measure, client_name):
    client = request.getfixturevalue(client_name)
    asll = measure()
    assert client.get(reverse("referrals:edit_measure", args=[asll.pk])).status_code == 403
    assert edit(client, asll, household_agreed="oui").status_code == 403
    asll.refresh_from_db()
    assert asll.household_agreed is None


def test_an_unknown_measure_is_a_404(departement, secretariat_client):
    assert secretariat_client.get(reverse("referrals:edit_measure", args=[987654])).status_code == 404


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({}, "Proposée"),
        ({"household_agreed": True}, "Acceptée, à démarrer"),
        (
            {
                "household_agreed": True,
                "start_date": datetime.date(2020, 1, 1),
                "end_date": datetime.date(2020, 6, 1),
            },
            "Terminée",
        ),
    ],
)
def test_the_case_panel_lists_each_measure_with_its_status(measure, secretariat_client, fields, status):
    made = measure(kind=SupportMeasure.Kind.IML, **fields)
    page = secretariat_client.get(reverse("procedure:detail", args=[made.procedure_id])).content.decode()
    assert status in page and reverse("referrals:edit_measure", args=[made.pk]) in page

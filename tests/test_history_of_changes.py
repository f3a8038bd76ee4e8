"""The history of every sensitive change (issue 15 §6, docs/decisions/014-history-of-changes.md):
each change made through a page writes one historical row naming the user and the organisation
they acted for; the history is read by those who may (administrators for the configuration, each
case's readers for its records, scoped like the records themselves); anonymisation scrubs it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from commissions.models import AgendaItem, Session
from directory import history
from directory import services as directory_services
from directory.models import ApiToken, Membership, Organisation, Role
from procedure import retention
from procedure.models import AccessLog, Stage
from referrals.models import Diagnosis, Referral, RoutingRule
from tests.commissions.factories import AgendaItemFactory, CommissionFactory, SessionFactory
from tests.conftest import client_for
from tests.factories import OrganisationFactory
from tests.procedure.factories import procedure_at
from tests.referrals.factories import DIAGNOSIS, acting
from tests.referrals.factories import referral as make_referral

pytestmark = pytest.mark.django_db


def _rows(model, pk):
    return model.history.filter(id=pk).order_by("history_date", "history_id")


@pytest.fixture
def case(secretariat):
    return procedure_at(Stage.SUMMONS)


@pytest.fixture
def dijon_referral(case, secretariat, ccas_dijon):
    return make_referral(procedure=case, secretariat=secretariat, addressed_to=ccas_dijon)


@pytest.fixture
def beaune_referral(case, secretariat, ccas_beaune):
    return make_referral(
        procedure=case,
        secretariat=secretariat,
        addressed_to=ccas_beaune,
        kind=Referral.Kind.ANTICIPATION_VISIT,
        reason="Visite demandée par le bailleur de Beaune",
    )


# ------------------------------------------------------------------ one row per change, with its user


def test_a_social_worker_accepting_a_referral_writes_one_history_row_with_them(
    social_worker, social_worker_client, ccas_dijon, dijon_referral
):
    before = _rows(Referral, dijon_referral.pk).count()

    response = social_worker_client.post(reverse("referrals:accept", args=[dijon_referral.pk]))

    assert response.status_code == 302
    rows = list(_rows(Referral, dijon_referral.pk))
    assert len(rows) == before + 1
    last = rows[-1]
    assert (last.history_type, last.status) == ("~", Referral.Status.ACCEPTED)
    assert (last.history_user, last.history_organisation) == (social_worker, ccas_dijon)


def test_the_commission_s_opinion_writes_one_history_row_with_the_secretariat(
    secretariat, secretariat_client, ddets, case
):
    session = SessionFactory(
        commission=CommissionFactory(mediation=True),
        date=timezone.localdate(),
        status=Session.Status.PUBLISHED,
    )
    item = AgendaItemFactory(session=session, procedure=case)
    before = _rows(AgendaItem, item.pk).count()

    response = secretariat_client.post(
        reverse("commissions:item", args=[item.pk]), {"attendance": "present", "opinion": "Maintien du bail"}
    )

    assert response.status_code == 302
    rows = list(_rows(AgendaItem, item.pk))
    assert len(rows) == before + 1
    assert rows[-1].opinion == "Maintien du bail"
    assert (rows[-1].history_user, rows[-1].history_organisation) == (secretariat, ddets)


def test_revoking_a_token_writes_one_history_row_with_the_administrator(administrator, administrator_client):
    token, _ = directory_services.create_api_token(
        organisation=OrganisationFactory(code="siao-21", name="SIAO 21", kind=Organisation.Kind.SIAO),
        name="serveur du SIAO",
        scopes=["liste_siao"],
        expires_at=timezone.now() + datetime.timedelta(days=30),
        user=administrator,
    )
    assert _rows(ApiToken, token.pk).count() == 1  # its creation

    administrator_client.post(reverse("directory:api_token_revoke", args=[token.pk]))
    administrator_client.post(reverse("directory:api_token_revoke", args=[token.pk]))  # twice: no change

    rows = list(_rows(ApiToken, token.pk))
    assert [row.history_type for row in rows] == ["+", "~"]
    assert rows[-1].revoked_at is not None and rows[-1].history_user == administrator
    assert not hasattr(rows[-1], "digest"), "the token's digest is never copied into the history"


def test_an_administrator_ending_a_membership_in_the_admin_writes_one_history_row(
    administrator, administrator_client, social_worker
):
    membership = Membership.objects.get(user=social_worker)
    before = _rows(Membership, membership.pk).count()

    response = administrator_client.post(
        reverse("admin:directory_membership_change", args=[membership.pk]),
        {
            "user": social_worker.pk,
            "organisation": membership.organisation_id,
            "role": Role.SOCIAL_WORKER,
            "start_date": "01/01/2026",
            "end_date": "31/12/2026",
            "_save": "Enregistrer",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    rows = list(_rows(Membership, membership.pk))
    assert len(rows) == before + 1
    assert rows[-1].end_date == datetime.date(2026, 12, 31) and rows[-1].history_user == administrator


def test_an_administrator_changing_a_routing_rule_writes_one_history_row(
    administrator, administrator_client, ccas_dijon, ccas_beaune
):
    rule = RoutingRule.objects.create(kind=Referral.Kind.DSF, organisation=ccas_dijon, priority=50)

    response = administrator_client.post(
        reverse("admin:referrals_routingrule_change", args=[rule.pk]),
        {
            "kind": Referral.Kind.DSF,
            "sector": "",
            "commune": "",
            "territory": "",
            "organisation": ccas_beaune.pk,
            "priority": 10,
            "reference": "Charte, fiche action 5",
            "is_active": "on",
            "departement_code": "21",
            "_save": "Enregistrer",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    rows = list(_rows(RoutingRule, rule.pk))
    assert [row.history_type for row in rows] == ["+", "~"]
    assert (rows[-1].organisation, rows[-1].history_user) == (ccas_beaune, administrator)


# ------------------------------------------------------------------ who reads the history


def test_the_administrators_page_shows_the_configuration_s_changes_with_before_and_after(
    administrator, administrator_client, ccas_dijon, ccas_beaune
):
    rule = RoutingRule.objects.create(kind=Referral.Kind.DSF, organisation=ccas_dijon, priority=50)
    rule.organisation, rule.priority = ccas_beaune, 10
    rule.save()

    page = administrator_client.get(
        reverse("directory:change_history"), {"objet": "routingrule", "id": rule.pk}
    )

    assert page.status_code == 200
    text = page.content.decode()
    assert "Historique des modifications" in text
    assert text.count('data-testid="history-entry"') == 2
    assert "CCAS de Dijon → CCAS de Beaune" in text and "50 → 10" in text


@pytest.mark.parametrize(
    "persona", ["secretariat", "social_worker", "other_social_worker", "commission_member"]
)
def test_only_administrators_open_the_configuration_s_history(request, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("directory:change_history")).status_code == 403


def test_the_case_history_is_scoped_like_the_referrals(
    request, case, secretariat, dijon_referral, beaune_referral, social_worker, other_social_worker
):
    """A social worker reads the history of their organisation's referral only, never that of the
    referral addressed to another organisation on the same case; the secretariat reads both."""
    acting(social_worker)
    from referrals import services as referral_services

    accepted = referral_services.accept(referral=dijon_referral, user=social_worker)
    referral_services.save_diagnosis(referral=accepted, user=social_worker, data=DIAGNOSIS, submit=False)
    url = reverse("procedure:case_history", args=[case.pk])

    seen = {}
    for persona in ("secretariat", "social_worker", "other_social_worker"):
        response = client_for(request.getfixturevalue(persona)).get(url)
        assert response.status_code == 200
        seen[persona] = response.content.decode()

    assert "Diagnostic" in seen["social_worker"] and "Loyer de 620" in seen["social_worker"]
    assert "Visite demandée par le bailleur de Beaune" not in seen["social_worker"]
    assert "Visite demandée par le bailleur de Beaune" in seen["other_social_worker"]
    assert "Loyer de 620" not in seen["other_social_worker"]
    assert "Loyer de 620" in seen["secretariat"] and "Visite demandée par le bailleur" in seen["secretariat"]
    assert "— → 2\xa0400,00" in seen["secretariat"], "the DSF's debt, as an amount reads in French"
    assert AccessLog.objects.filter(
        procedure=case, user=social_worker, context="historique des modifications"
    ).exists()


def test_a_commission_member_and_a_stranger_do_not_open_the_case_history(
    case, dijon_referral, commission_member, other_social_worker
):
    url = reverse("procedure:case_history", args=[case.pk])
    assert client_for(commission_member).get(url).status_code == 404
    # the CCAS de Beaune has no referral on this case: it does not see it at all
    assert client_for(other_social_worker).get(url).status_code == 404
    assert not AccessLog.objects.filter(context="historique des modifications").exists()


def test_the_case_page_links_to_its_history(secretariat_client, case):
    page = secretariat_client.get(reverse("procedure:detail", args=[case.pk]))
    assert reverse("procedure:case_history", args=[case.pk]) in page.content.decode()


# ------------------------------------------------------------------ anonymisation reaches it


def test_anonymising_a_case_scrubs_the_history_of_its_records(
    case, secretariat, dijon_referral, social_worker
):
    acting(social_worker)
    from referrals import services as referral_services

    accepted = referral_services.accept(referral=dijon_referral, user=social_worker)
    accepted.reason = "Appeler Madame Pérignon après 18 h"
    accepted.save()
    referral_services.save_diagnosis(
        referral=accepted,
        user=social_worker,
        data={**DIAGNOSIS, "observations": "Madame Pérignon attend un enfant"},
        submit=False,
    )
    diagnosis = Diagnosis.objects.get(referral=dijon_referral)
    diagnosis.observations = "Situation suivie"
    diagnosis.save()
    history_text = _all_history_text()
    assert "Pérignon" in history_text

    retention.anonymise([case.pk])

    assert "Pérignon" not in _all_history_text()
    assert Diagnosis.history.filter(id=diagnosis.pk).count() >= 2, "the rows stay, their texts go"
    assert set(Diagnosis.history.filter(id=diagnosis.pk).values_list("observations", flat=True)) == {""}
    # what the indicators count stays in the history: kinds, statuses, dates
    assert set(Referral.history.filter(id=dijon_referral.pk).values_list("kind", flat=True)) == {"dsf"}


def _all_history_text():
    texts = []
    for tracked in history.TRACKED.values():
        for row in tracked.model.history.values():
            texts.extend(str(value) for value in row.values())
    return " ".join(texts)


def test_a_date_and_time_in_the_history_reads_in_french_local_time(administrator, administrator_client):
    token, _ = directory_services.create_api_token(
        organisation=OrganisationFactory(code="siao-21", name="SIAO 21", kind=Organisation.Kind.SIAO),
        name="serveur du SIAO",
        scopes=["liste_siao"],
        expires_at=datetime.datetime(2027, 3, 1, 23, 30, tzinfo=datetime.UTC),
        user=administrator,
    )
    page = administrator_client.get(
        reverse("directory:change_history"), {"objet": "apitoken", "id": token.pk}
    )
    assert "02/03/2027 00:30" in page.content.decode()  # Europe/Paris, winter time


def test_the_administrators_page_costs_the_same_queries_for_2_and_20_memberships(
    administrator, administrator_client, ccas_dijon
):
    from tests.factories import member

    def count(n):
        for i in range(n):
            member(role=Role.SOCIAL_WORKER, organisation=ccas_dijon, email=f"ts{n}-{i}@example.org")
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert (
                administrator_client.get(
                    reverse("directory:change_history"), {"objet": "membership"}
                ).status_code
                == 200
            )
        return len(queries)

    administrator_client.get(reverse("directory:change_history"))  # the session's first reads
    assert count(2) == count(20)

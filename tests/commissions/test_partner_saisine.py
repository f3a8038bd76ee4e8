"""A partner (a landlord, the CAF, a CCAS) refers a household to the CCAPEX from its space,
without seeing any case (issue 5 §2); the secretariat attaches the saisine to a procedure or
refuses it, and the partner follows its status."""

import datetime
import importlib

import pytest
from django.urls import reverse
from django.utils import timezone

from commissions import services
from commissions.models import ReviewRequest, Session
from directory.models import Organisation, Role
from indicators import services as indicator_services
from tests.commissions.conftest import acting
from tests.commissions.factories import CommissionFactory, ReviewRequestFactory, SessionFactory
from tests.conftest import client_for
from tests.factories import CommuneFactory, OrganisationFactory, member
from tests.procedure.factories import ProcedureFactory

pytestmark = pytest.mark.django_db

URL = reverse("commissions:partner_review")


@pytest.fixture
def landlord(db):
    return OrganisationFactory(
        code="bailleur-21", name="Bailleur social de Côte-d'Or", kind=Organisation.Kind.SOCIAL_LANDLORD
    )


@pytest.fixture
def partner(landlord):
    return member(role=Role.PARTNER, organisation=landlord, email="gestion@bailleur.example.org")


@pytest.fixture
def partner_client(partner):
    return client_for(partner)


@pytest.fixture
def central(db):
    return CommissionFactory(name="CCAPEX centralisée")


def typed(**overrides):
    data = {
        "household_name": "M. et Mme Martin",
        "household_address": "12 rue des Lilas",
        "commune": CommuneFactory().pk,
        "claim_number": "1234567",
        "landlord_name": "Bailleur social de Côte-d'Or",
        "procedure_reference": "",
        "reason": "Dette de 3 000 €, aucun contact avec le ménage depuis le commandement.",
        "commission": "",
    }
    return data | overrides


def partner_saisine(partner, **overrides):
    data = typed(**overrides)
    data["commune"] = CommuneFactory()
    data["commission"] = data["commission"] or None
    return services.submit_partner_review(user=acting(partner), **data)


def test_the_landlord_refers_a_household_it_cannot_see(partner_client, landlord, partner, central):
    response = partner_client.post(URL, typed(commission=central.pk))
    assert response.status_code == 302
    review = ReviewRequest.objects.get()
    assert review.procedure is None
    assert (review.source, review.status) == (ReviewRequest.Source.PARTNER, ReviewRequest.Status.PENDING)
    assert (review.requesting_organisation, review.requested_by, review.commission) == (
        landlord,
        partner,
        central,
    )
    assert (review.household_name, review.commune.insee_code) == ("M. et Mme Martin", "21231")
    page = partner_client.get(URL)
    assert "M. et Mme Martin" in page.text and "En attente" in page.text


def test_a_social_worker_may_refer_too(social_worker_client):
    assert social_worker_client.get(URL).status_code == 200
    assert social_worker_client.post(URL, typed()).status_code == 302
    assert ReviewRequest.objects.get().commission is None


def test_a_missing_reason_is_refused_in_french_keeping_what_was_typed(partner_client):
    response = partner_client.post(URL, typed(reason=""))
    assert response.status_code == 200
    assert "Indiquez le motif de la saisine." in response.text
    assert 'value="M. et Mme Martin"' in response.text and 'value="12 rue des Lilas"' in response.text
    assert not ReviewRequest.objects.exists()


def test_the_answer_never_reveals_whether_a_procedure_bears_the_reference(partner_client):
    existing = ProcedureFactory()
    known = partner_client.post(URL, typed(procedure_reference=existing.reference), follow=True)
    unknown = partner_client.post(URL, typed(procedure_reference="EXPLOC-21-INCONNU"), follow=True)
    assert known.redirect_chain == unknown.redirect_chain == [(URL, 302)]
    assert [str(m) for m in known.context["messages"]] == [str(m) for m in unknown.context["messages"]]
    assert existing.household.label not in known.text
    assert list(ReviewRequest.objects.values_list("procedure", "procedure_reference").order_by("pk")) == [
        (None, existing.reference),
        (None, "EXPLOC-21-INCONNU"),
    ]


def test_the_partner_sees_only_its_organisation_saisines(partner_client, partner, other_social_worker):
    partner_saisine(partner)
    partner_saisine(other_social_worker, household_name="Mme Durand")
    page = partner_client.get(URL)
    assert "M. et Mme Martin" in page.text and "Mme Durand" not in page.text


def test_the_list_costs_a_flat_number_of_queries(partner_client, partner, django_assert_num_queries):
    for _ in range(3):
        partner_saisine(partner)
    partner_client.get(URL)
    with django_assert_num_queries(6):
        assert partner_client.get(URL).status_code == 200
    partner_saisine(partner)
    with django_assert_num_queries(6):
        partner_client.get(URL)


@pytest.mark.parametrize("persona", ["commission_member_client", "secretariat_client"])
def test_other_roles_may_not_use_the_partner_space(request, persona):
    client = request.getfixturevalue(persona)
    assert client.get(URL).status_code == 403
    assert client.post(URL, typed()).status_code == 403
    assert not ReviewRequest.objects.exists()


def test_the_queue_shows_who_sent_it_and_what_they_typed(secretariat_client, partner):
    review = partner_saisine(partner, procedure_reference="EXPLOC-21-999")
    page = secretariat_client.get(reverse("commissions:queue"))
    assert "M. et Mme Martin" in page.text and "EXPLOC-21-999" in page.text
    assert "Bailleur social de Côte-d&#x27;Or" in page.text
    detail = secretariat_client.get(reverse("commissions:review_detail", args=[review.pk]))
    assert detail.status_code == 200 and "1234567" in detail.text


def test_the_secretariat_attaches_it_and_it_goes_on_an_agenda(
    secretariat_client, secretariat, partner, central
):
    procedure = ProcedureFactory()
    review = partner_saisine(partner)
    url = reverse("commissions:review_detail", args=[review.pk])
    response = secretariat_client.post(url, {"reference": procedure.reference, "commission": central.pk})
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.procedure, review.commission, review.status) == (
        procedure,
        central,
        ReviewRequest.Status.PENDING,
    )
    assert review.partner_status() == "Rattachée"
    queue = secretariat_client.get(reverse("commissions:queue"))
    assert reverse("procedure:detail", args=[procedure.pk]) in queue.text
    session = SessionFactory(commission=central, date=timezone.localdate() + datetime.timedelta(days=7))
    services.add_to_agenda(session=session, review=review, user=secretariat)
    review.refresh_from_db()
    assert review.partner_status() == "Inscrite à l'ordre du jour"


def test_an_unknown_reference_is_refused_to_the_secretariat_keeping_it_pending(
    secretariat_client, partner, central
):
    review = partner_saisine(partner)
    url = reverse("commissions:review_detail", args=[review.pk])
    response = secretariat_client.post(url, {"reference": "EXPLOC-21-INCONNU", "commission": central.pk})
    assert response.status_code == 200
    assert "Aucune procédure ne porte la référence « EXPLOC-21-INCONNU »." in response.text
    review.refresh_from_db()
    assert review.procedure is None


def test_an_unattached_saisine_cannot_go_on_an_agenda(secretariat, partner, central):
    review = partner_saisine(partner, commission=central)
    session = SessionFactory(commission=central, status=Session.Status.PLANNED)
    with pytest.raises(services.CommissionRefused):
        services.add_to_agenda(session=session, review=review, user=secretariat)


def test_the_secretariat_refuses_it_with_a_reason_the_partner_reads(
    secretariat_client, partner_client, partner
):
    review = partner_saisine(partner)
    url = reverse("commissions:review_detail", args=[review.pk])
    assert (
        "Indiquez le motif du refus."
        in secretariat_client.post(url, {"refuse": "", "refusal_reason": ""}).text
    )
    secretariat_client.post(url, {"refuse": "", "refusal_reason": "Ménage déjà suivi par la commission."})
    review.refresh_from_db()
    assert review.status == ReviewRequest.Status.REFUSED
    page = partner_client.get(URL)
    assert "Refusée" in page.text and "Ménage déjà suivi par la commission." in page.text


def test_a_withdrawn_saisine_reads_withdrawn_to_the_partner_with_its_reason(
    secretariat_client, partner_client, partner
):
    review = partner_saisine(partner)
    motive = review.reason
    response = secretariat_client.post(
        reverse("commissions:withdraw", args=[review.pk]), {"reason": "Le bailleur a repris le dialogue."}
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.status, review.reason) == (ReviewRequest.Status.WITHDRAWN, motive)
    assert review.withdrawal_reason == "Le bailleur a repris le dialogue."
    row = partner_client.get(URL).text
    assert "Retirée" in row and "Refusée" not in row and "Le bailleur a repris le dialogue." in row
    detail = secretariat_client.get(reverse("commissions:review_detail", args=[review.pk])).text
    assert "Motif du retrait" in detail and "Le bailleur a repris le dialogue." in detail


def test_a_reason_appended_before_the_withdrawal_field_is_moved_into_it(partner):
    from django.apps import apps

    migration = importlib.import_module("commissions.migrations.0012_review_withdrawal_reason")
    review = partner_saisine(partner, reason="Impayés depuis six mois.")
    ReviewRequest.objects.filter(pk=review.pk).update(
        status=ReviewRequest.Status.WITHDRAWN, reason="Impayés depuis six mois.\nRetirée : doublon."
    )
    migration.split_the_reason(apps, None)
    review.refresh_from_db()
    assert (review.reason, review.withdrawal_reason) == ("Impayés depuis six mois.", "doublon.")


@pytest.mark.parametrize("persona", ["commission_member_client", "social_worker_client"])
def test_only_the_secretariat_attaches_or_refuses(request, persona, partner):
    review = partner_saisine(partner)
    client = request.getfixturevalue(persona)
    url = reverse("commissions:review_detail", args=[review.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"refuse": "", "refusal_reason": "Non."}).status_code == 403


def test_a_saisine_from_a_case_page_is_listed_without_the_case(partner_client, landlord):
    ReviewRequestFactory(source=ReviewRequest.Source.PARTNER, requesting_organisation=landlord)
    page = partner_client.get(URL)
    assert "Saisine depuis un dossier" in page.text and "EXPLOC-21-" not in page.text


def test_the_indicator_counts_partner_saisines(partner):
    year = timezone.localdate().year
    before = indicator_services.figures([year], codes=["saisines_ccapex"])["saisines_ccapex"][year].value
    partner_saisine(partner)
    after = indicator_services.figures([year], codes=["saisines_ccapex"])["saisines_ccapex"][year].value
    assert after == before + 1


def test_the_queue_s_withdraw_asks_the_reason_and_a_refusal_keeps_the_saisine_waiting(
    secretariat_client, partner
):
    """The queue's « Retirer » opens a page that asks why: posted without a reason, the page comes
    back with its error summary and the saisine stays in the queue (it was withdrawn without a word)."""
    review = partner_saisine(partner)
    url = reverse("commissions:withdraw", args=[review.pk])
    assert f'href="{url}"' in secretariat_client.get(reverse("commissions:queue")).text
    page = secretariat_client.get(url)
    assert page.status_code == 200 and "Motif du retrait" in page.text and review.reason in page.text
    refused = secretariat_client.post(url, {"reason": "   "})
    assert refused.status_code == 200
    assert 'data-testid="error-summary"' in refused.text and "Indiquez le motif du retrait." in refused.text
    review.refresh_from_db()
    assert (review.status, review.withdrawal_reason) == (ReviewRequest.Status.PENDING, "")


def test_a_saisine_no_longer_waiting_cannot_be_withdrawn_again(secretariat_client, partner):
    review = partner_saisine(partner)
    url = reverse("commissions:withdraw", args=[review.pk])
    secretariat_client.post(url, {"reason": "Doublon."})
    again = secretariat_client.post(url, {"reason": "Autre motif."}, follow=True)
    assert "Seule une saisine en attente peut être retirée." in again.text
    review.refresh_from_db()
    assert review.withdrawal_reason == "Doublon."


@pytest.mark.parametrize("persona", ["commission_member_client", "social_worker_client", "partner_client"])
def test_only_the_secretariat_withdraws_a_saisine(request, persona, partner):
    review = partner_saisine(partner)
    client = request.getfixturevalue(persona)
    url = reverse("commissions:withdraw", args=[review.pk])
    assert client.get(url).status_code in (403, 404)
    assert client.post(url, {"reason": "Non."}).status_code in (403, 404)
    review.refresh_from_db()
    assert review.status == ReviewRequest.Status.PENDING


def test_the_withdrawal_of_a_saisine_no_partner_sent_does_not_promise_a_reader(secretariat_client):
    review = ReviewRequestFactory()
    page = secretariat_client.get(reverse("commissions:withdraw", args=[review.pk])).text
    assert "Gardé avec la saisine." in page and "le partenaire qui l'a envoyée le lira" not in page

import datetime

import pytest
from django.utils import timezone

from commissions import services
from commissions.models import Commission, ReviewRequest
from households.models import HousingSector
from procedure import services as procedure_services
from procedure.models import EventKind, Stage
from tests.commissions.factories import CommissionFactory, ReviewRequestFactory
from tests.factories import CommuneFactory, TerritoryFactory
from tests.procedure.factories import ProcedureFactory, procedure_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def val_de_saone(db):
    commune = CommuneFactory(insee_code="21038", name="Auxonne", postal_codes="21130", epci_siren="200070902")
    territory = TerritoryFactory(code="21-val-de-saone", name="Val de Saône")
    territory.communes.add(commune)
    commission = CommissionFactory(
        code="21-mediation-val-de-saone",
        kind=Commission.Kind.MEDIATION,
        territory=territory,
        capacity=10,
        stages=[Stage.ORDER_TO_VACATE.value, Stage.POLICE_REQUEST.value],
        sectors=[HousingSector.PUBLIC.value],
    )
    return commission, commune


def test_public_households_at_cql_go_to_the_mediation_of_their_territory(mediation, val_de_saone):
    vds, auxonne = val_de_saone
    in_dijon = procedure_at(Stage.ORDER_TO_VACATE, sector=HousingSector.PUBLIC)
    in_auxonne = procedure_at(Stage.POLICE_REQUEST, sector=HousingSector.PUBLIC, lease__commune=auxonne)
    private = procedure_at(Stage.ORDER_TO_VACATE, sector=HousingSector.PRIVATE)
    at_summons = procedure_at(Stage.SUMMONS, sector=HousingSector.PUBLIC)
    services.suggest_review_requests()
    suggested = {r.procedure_id: r.commission_id for r in ReviewRequest.objects.all()}
    assert suggested == {in_dijon.pk: mediation.pk, in_auxonne.pk: vds.pk}
    assert private.pk not in suggested and at_summons.pk not in suggested
    review = ReviewRequest.objects.get(procedure=in_dijon)
    assert review.source == ReviewRequest.Source.SUGGESTED
    assert "parc public" in review.reason and "II.A.2.c" in review.reason


def test_suggestions_are_idempotent_and_skip_cases_already_waiting(mediation):
    waiting = procedure_at(Stage.ORDER_TO_VACATE, sector=HousingSector.PUBLIC)
    ReviewRequestFactory(procedure=waiting, commission=CommissionFactory())
    procedure_at(Stage.ORDER_TO_VACATE, sector=HousingSector.PUBLIC)
    assert len(services.suggest_review_requests()) == 1
    assert services.suggest_review_requests() == []


def test_a_withdrawn_suggestion_comes_back_at_the_next_stage(mediation, secretariat):
    cql = timezone.localdate() - datetime.timedelta(days=80)
    procedure = procedure_at(Stage.ORDER_TO_VACATE, sector=HousingSector.PUBLIC, on=cql)
    [review] = services.suggest_review_requests()
    services.withdraw_review(review=review, user=secretariat)
    assert services.suggest_review_requests() == []
    last = procedure.events.order_by("-date").first().date
    procedure_services.record_event(
        procedure=procedure,
        kind=EventKind.POLICE_REQUEST,
        date=last + __import__("datetime").timedelta(days=70),
    )
    assert [r.procedure for r in services.suggest_review_requests()] == [procedure]


def test_repeated_or_complex_cases_go_to_the_centralisee():
    central = CommissionFactory(kind=Commission.Kind.CENTRAL)
    first = ProcedureFactory()
    repeated = procedure_at(Stage.PAYMENT_ORDER, household=first.household)
    complex_case = procedure_at(Stage.PAYMENT_ORDER)
    procedure_services.record_event(
        procedure=complex_case, kind=EventKind.REPAYMENT_PLAN_BROKEN, date=complex_case.events.first().date
    )
    simple = procedure_at(Stage.PAYMENT_ORDER)
    services.suggest_review_requests()
    reviews = {r.procedure_id: r for r in ReviewRequest.objects.filter(commission=central)}
    assert set(reviews) == {repeated.pk, complex_case.pk}
    assert "répétitive" in reviews[repeated.pk].reason
    assert "complexe" in reviews[complex_case.pk].reason
    assert simple.pk not in reviews


def test_a_territorialisee_takes_the_cases_of_its_territory():
    territory = TerritoryFactory(code="21-arr-211")
    beaune = CommuneFactory(insee_code="21054", name="Beaune", postal_codes="21200")
    territory.communes.add(beaune)
    commission = CommissionFactory(kind=Commission.Kind.TERRITORIAL, territory=territory)
    in_beaune = procedure_at(Stage.SUMMONS, lease__commune=beaune)
    procedure_at(Stage.SUMMONS)
    assert [r.procedure for r in services.suggest_review_requests()] == [in_beaune]
    assert ReviewRequest.objects.get().commission == commission


def test_a_partner_refers_a_case_it_sees(mediation, social_worker):
    procedure = ProcedureFactory()
    review = services.request_review(
        procedure=procedure, commission=mediation, user=social_worker, reason="Dette"
    )
    assert review.source == ReviewRequest.Source.PARTNER
    assert review.requesting_organisation.code == "ccas-dijon"
    with pytest.raises(services.CommissionRefused, match="attend déjà"):
        services.request_review(
            procedure=procedure, commission=mediation, user=social_worker, reason="Encore"
        )

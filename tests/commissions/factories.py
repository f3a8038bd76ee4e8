"""factory_boy factories for the commissions."""

import datetime

import factory
from django.utils import timezone

from commissions.models import (
    AgendaItem,
    Commission,
    CommissionMember,
    Recommendation,
    ReviewRequest,
    Session,
)
from households.models import HousingSector
from procedure.models import Stage
from tests.factories import CommuneFactory, OrganisationFactory, TerritoryFactory
from tests.procedure.factories import ProcedureFactory


def dijon_metropole():
    territory = TerritoryFactory(code="21-dijon-metropole", name="Dijon Métropole")
    territory.communes.add(CommuneFactory())
    return territory


class CommissionFactory(factory.django.DjangoModelFactory):
    """A CCAPEX centralisée by default; `CommissionFactory(mediation=True)` is the médiation
    pré-expulsion de Dijon (Dijon Métropole, public sector, CQL and réquisition, 10 a session)."""

    class Meta:
        model = Commission
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"commission-{n}")
    name = factory.Sequence(lambda n: f"Commission {n}")
    kind = Commission.Kind.CENTRAL
    level = Commission.Level.CENTRAL
    rhythm = Commission.Rhythm.MONTHLY
    place = "DDETS, Dijon"

    class Params:
        mediation = factory.Trait(
            code="21-mediation-dijon",
            name="Commission de médiation pré-expulsion de Dijon",
            kind=Commission.Kind.MEDIATION,
            level=Commission.Level.SUB_COMMISSION,
            rhythm=Commission.Rhythm.SIX_TO_EIGHT,
            households_attend=True,
            capacity=10,
            stages=[Stage.ORDER_TO_VACATE.value, Stage.POLICE_REQUEST.value],
            sectors=[HousingSector.PUBLIC.value],
            territory=factory.LazyFunction(dijon_metropole),
        )


class CommissionMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommissionMember

    commission = factory.SubFactory(CommissionFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    commission = factory.SubFactory(CommissionFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))
    place = "DDETS, Dijon"


class ReviewRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewRequest

    procedure = factory.SubFactory(ProcedureFactory)
    commission = factory.SubFactory(CommissionFactory)
    source = ReviewRequest.Source.SECRETARIAT
    reason = "Situation à examiner."


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    session = factory.SubFactory(SessionFactory)
    procedure = factory.SubFactory(ProcedureFactory)
    order = factory.Sequence(lambda n: n + 1)


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation

    agenda_item = factory.SubFactory(AgendaItemFactory)
    procedure = factory.SelfAttribute("agenda_item.procedure")
    kind = Recommendation.Kind.FSL
    responsible = factory.SubFactory(OrganisationFactory)
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))

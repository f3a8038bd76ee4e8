"""Factories and helpers of the letters tests: acts dated on a given day, list recipients."""

import factory

from directory.models import Organisation
from letters.models import ListKind, ListRecipient
from procedure.models import EventKind, PoliceDecision, ProcedureEvent
from procedure.services import refresh_summary
from tests.factories import OrganisationFactory
from tests.households.factories import PersonFactory
from tests.procedure.factories import ProcedureFactory


def siao(**fields):
    return OrganisationFactory(code="siao-21", name="SIAO 21", kind=Organisation.Kind.SIAO, **fields)


def granted_on(date, *, decision=PoliceDecision.GRANTED, **procedure_fields):
    """A procedure whose concours de la force publique was decided on `date`."""
    procedure = ProcedureFactory(**procedure_fields)
    ProcedureEvent.objects.create(
        procedure=procedure, kind=EventKind.POLICE_ASSISTANCE, date=date, police_decision=decision
    )
    return refresh_summary(procedure)


def payment_order_on(date, *, debt=None, **procedure_fields):
    procedure = ProcedureFactory(**procedure_fields)
    ProcedureEvent.objects.create(procedure=procedure, kind=EventKind.PAYMENT_ORDER, date=date, debt=debt)
    return refresh_summary(procedure)


def child(household, birth_year):
    return PersonFactory(household=household, role="enfant", first_name="Léo", birth_year=birth_year)


class ListRecipientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ListRecipient

    organisation = factory.SubFactory(OrganisationFactory)
    kind = ListKind.SIAO

"""Events, referrals and support measures dated where the indicators' tests need them.

Events are written with the ORM (not through procedure.services) so a test can put any fact on
any date, e.g. on the 31st of December and the 1st of January."""

import datetime

import factory

from procedure.models import EventKind, ProcedureEvent
from tests.procedure.factories import ProcedureFactory


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcedureEvent

    procedure = factory.SubFactory(ProcedureFactory, holder=False)
    kind = EventKind.PAYMENT_ORDER
    date = datetime.date(2025, 3, 14)
    source = ProcedureEvent.Source.IMPORT


def event(kind, date, procedure=None, **fields):
    if procedure is not None:
        fields["procedure"] = procedure
    return EventFactory(kind=kind, date=date, **fields)

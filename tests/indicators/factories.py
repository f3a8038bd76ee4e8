"""Events, referrals and support measures dated where the indicators' tests need them.

Events are written with the ORM (not through procedure.services) so a test can put any fact on
any date, e.g. on the 31st of December and the 1st of January; the procedure's stored summary is
refreshed after each (services.refresh_summary), as the services do."""

import datetime

import factory

from procedure.models import EventKind, ProcedureEvent
from procedure.services import refresh_summary
from tests.procedure.factories import ProcedureFactory


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcedureEvent
        skip_postgeneration_save = True

    procedure = factory.SubFactory(ProcedureFactory, holder=False)
    kind = EventKind.PAYMENT_ORDER
    date = datetime.date(2025, 3, 14)
    source = ProcedureEvent.Source.IMPORT

    @factory.post_generation
    def summary(obj, create, extracted, **kwargs):
        if create:
            refresh_summary(obj.procedure)


def event(kind, date, procedure=None, **fields):
    if procedure is not None:
        fields["procedure"] = procedure
    return EventFactory(kind=kind, date=date, **fields)


def national_counts_arretes():
    """The national view's counts computed and stored, as each night (indicators/tasks.py): the
    national view and its exports read them (decision 019)."""
    from indicators.tasks import refresh_national_counts

    assert refresh_national_counts() == "ready"

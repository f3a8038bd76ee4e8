"""factory_boy factories for procedures, and `procedure_at` to build a case at a given stage."""

import datetime

import factory
from django.utils import timezone

from households.models import HousingSector
from procedure import services
from procedure.models import JudgmentOutcome, PoliceDecision, Procedure, Stage
from procedure.rules import STAGE_ORDER
from tests.households.factories import HouseholdFactory, LeaseFactory, PersonFactory


class ProcedureFactory(factory.django.DjangoModelFactory):
    """A procedure with no act yet; `ProcedureFactory(lease__public=True)` for the public sector."""

    class Meta:
        model = Procedure
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"EXPLOC-21-{n:06d}")
    household = factory.SubFactory(HouseholdFactory)
    lease = factory.SubFactory(LeaseFactory, household=factory.SelfAttribute("..household"))
    landlord = factory.LazyAttribute(lambda o: o.lease.landlord)
    debt = 2400

    @factory.post_generation
    def holder(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            PersonFactory(household=obj.household, last_name=obj.household.label.split()[-1], **kwargs)
        services.refresh_search_text(obj.household)


# Days between an act and the next one, chosen so that no legal delay is broken
# (assignation ≥ 42 days before the hearing; réquisition ≥ 2 months after the CQL).
GAP_AFTER = {
    Stage.UNPAID_RENT: 45,
    Stage.PAYMENT_ORDER: 70,
    Stage.SUMMONS: 70,
    Stage.HEARING: 30,
    Stage.JUDGMENT: 40,
    Stage.ORDER_TO_VACATE: 75,
    Stage.POLICE_REQUEST: 45,
    Stage.POLICE_ASSISTANCE: 40,
    Stage.EVICTION: 1,
}


def procedure_at(
    stage,
    *,
    sector=HousingSector.PRIVATE,
    on=None,
    police_decision=PoliceDecision.GRANTED,
    judgment_outcome=JudgmentOutcome.TERMINATION,
    user=None,
    **procedure_fields,
):
    """A procedure whose acts run from the commandement de payer up to `stage`, the last act dated `on`
    (today by default), every act recorded through services.record_event (so its tasks exist)."""
    on = on or timezone.localdate()
    if sector == HousingSector.PUBLIC:
        procedure_fields.setdefault("lease__public", True)
    procedure = ProcedureFactory(**procedure_fields)
    stages = list(STAGE_ORDER[STAGE_ORDER.index(Stage.PAYMENT_ORDER) : STAGE_ORDER.index(stage) + 1])
    if stage == Stage.UNPAID_RENT:
        stages = [Stage.UNPAID_RENT]
    if Stage.EVICTION in stages and Stage.DEPARTURE in stages:
        stages.remove(Stage.EVICTION)
    dates = _dates_back(stages, on)
    for kind, date in zip(stages, dates, strict=True):
        extra = {}
        if kind == Stage.SUMMONS:
            extra["hearing_date"] = (
                dates[stages.index(Stage.HEARING)]
                if Stage.HEARING in stages
                else (date + datetime.timedelta(days=GAP_AFTER[Stage.SUMMONS]))
            )
        if kind == Stage.JUDGMENT:
            extra["judgment_outcome"] = judgment_outcome
        if kind == Stage.POLICE_ASSISTANCE:
            extra["police_decision"] = police_decision
        services.record_event(procedure=procedure, kind=kind, date=date, user=user, **extra)
    return procedure


def _dates_back(stages, on):
    dates = [on]
    for kind in reversed(stages[:-1]):
        dates.insert(0, dates[0] - datetime.timedelta(days=GAP_AFTER[kind]))
    return dates

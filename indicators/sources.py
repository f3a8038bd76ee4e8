"""Where counted indicators read their rows: procedure events, and, when those apps exist,
referrals, support measures and saisines of the CCAPEX (read lazily: they may not be installed).

A source gives its base queryset, the field holding the date a row counts in, the path to its
procedure (for the territory and sector filters and the list of procedures behind a figure) and
to the département holding the case.
"""

from dataclasses import dataclass, field
from functools import cache

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.models import Exists, IntegerField, OuterRef, Value
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
from django.utils import timezone

from procedure.models import EventKind, ProcedureEvent

from . import definitions as d


@dataclass(frozen=True)
class Source:
    name: str
    model_label: str  # "app_label.ModelName"
    date_fields: tuple  # the first one the model has is the date a row counts in
    procedure_field: str = "procedure"
    base_filter: dict = field(default_factory=dict)
    condition_fields: tuple = ("kind",)
    # The département holding a row's case: the procedure's, or a copy of it on the row itself
    # (the acts', decision 017), which the counts read without joining the procedures.
    departement_field: str = ""

    @property
    def departement(self):
        return self.departement_field or f"{self.procedure_field}__departement_code"

    def model(self):
        try:
            return apps.get_model(self.model_label)
        except (LookupError, ValueError):
            return None

    @property
    def date_field(self):
        model = self.model()
        return next(name for name in self.date_fields if _has_field(model, name))

    def is_available(self):
        model = self.model()
        if model is None:
            return False
        needed = [self.procedure_field, *self.condition_fields, *self.base_filter_fields()]
        return (
            table_exists(model)
            and all(_has_field(model, name) for name in needed)
            and any(_has_field(model, n) for n in self.date_fields)
        )

    def base_filter_fields(self):
        return [key.split("__")[0] for key in self.base_filter]

    def rows(self):
        return self.model()._default_manager.filter(**self.base_filter).order_by()


def table_exists(model):
    """An app whose model is written but not migrated yet is not a source yet."""
    return model._meta.db_table in connection.introspection.table_names()


def _has_field(model, name):
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def month_key(expression):
    """(year × 12 + month) × 100 + day: adding 300 moves a date three calendar months later."""
    return (ExtractYear(expression) * 12 + ExtractMonth(expression)) * 100 + ExtractDay(expression)


def today_key():
    today = timezone.localdate()
    return (today.year * 12 + today.month) * 100 + today.day


class DaloNotRehousedSource(Source):
    """Recognitions as DALO priority whose three months have run out with no rehousing recorded in
    them (CCH L.441-2-3: the préfet must offer housing within three months of the decision)."""

    def rows(self):
        rehoused_in_time = (
            ProcedureEvent.objects.filter(
                procedure=OuterRef("procedure"), kind=EventKind.REHOUSING, date__gte=OuterRef("date")
            )
            .annotate(key=month_key("date"))
            .filter(key__lte=OuterRef("deadline_key"))
        )
        return (
            ProcedureEvent.objects.filter(kind=EventKind.DALO_PRIORITY)
            .annotate(deadline_key=month_key("date") + 300)
            .filter(deadline_key__lt=Value(today_key(), output_field=IntegerField()))
            .filter(~Exists(rehoused_in_time))
            .order_by()
        )


SOURCES = {
    d.EVENTS: Source(d.EVENTS, "procedure.ProcedureEvent", ("date",), departement_field="departement_code"),
    d.DALO_NOT_REHOUSED: DaloNotRehousedSource(
        d.DALO_NOT_REHOUSED, "procedure.ProcedureEvent", ("date",), departement_field="departement_code"
    ),
    d.REFERRALS: Source(
        d.REFERRALS, "referrals.Referral", ("requested_at",), departement_field="departement_code"
    ),
    d.REFERRALS_DONE: Source(
        d.REFERRALS_DONE,
        "referrals.Referral",
        ("closed_at",),
        base_filter={"status": "faite"},
        departement_field="departement_code",
    ),
    d.SUPPORT_MEASURES: Source(d.SUPPORT_MEASURES, "referrals.SupportMeasure", ("start_date",)),
    d.REVIEW_REQUESTS: Source(
        d.REVIEW_REQUESTS,
        "commissions.ReviewRequest",
        ("received_on", "requested_on", "created_at"),
        condition_fields=(),
    ),
}


@cache
def available(source_name):
    return SOURCES[source_name].is_available()


def status(indicator):
    """COUNTED when Prévex records what the indicator counts, else SUPPLIED by the referent.

    settings.INDICATORS_SUPPLIED may list codes the département prefers to take from the referent
    (say the CAF's own count of repayment plans) even though Prévex could count them."""
    if indicator.code in settings.INDICATORS_SUPPLIED:
        return d.SUPPLIED
    if indicator.source and available(indicator.source):
        return d.COUNTED
    return d.SUPPLIED


def counted_indicators():
    return [indicator for indicator in d.INDICATORS if status(indicator) == d.COUNTED]


def supplied_indicators():
    return [indicator for indicator in d.INDICATORS if status(indicator) == d.SUPPLIED]

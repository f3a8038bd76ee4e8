"""A household's data on request (RGPD art. 15; law.md, "Data protection"): everything Prévex holds
on a household, as JSON and as a readable PDF — identity, members, leases, procedures and their
acts, what the other apps hold (referrals, diagnoses, commissions, letters) and who read the file.

The apps built on `procedure` add their sections through `SECTIONS` (filled in their
`AppConfig.ready()`): fn(procedure_ids) -> [(French title, list of rows)], each row a dict of
French labels to values, e.g. `rows_of(queryset)`. Each costs a few queries per export.
"""

from collections.abc import Callable

from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone

from households.models import Household, Lease, Person

from .models import AccessLog, ActDocument, CaseTransfer, ChangeLog, Procedure, ProcedureEvent, Task

SECTIONS: list[Callable[[list[int]], list[tuple[str, list[dict]]]]] = []

# Technical fields that say nothing of the household.
SKIPPED = {"id", "version", "search_text", "checksum", "claim_token", "dedup_key"}


def row_of(obj, *, exclude=()) -> dict:
    """A row's fields, labelled in French, choices shown, relations by their name."""
    row = {}
    for field in obj._meta.concrete_fields:
        if field.name in SKIPPED or field.name in exclude:
            continue
        row[str(field.verbose_name)] = _value(obj, field)
    return row


def rows_of(queryset, *, exclude=()) -> list[dict]:
    return [row_of(obj, exclude=exclude) for obj in queryset]


def _value(obj, field):
    if field.choices:
        return getattr(obj, f"get_{field.name}_display")()
    if isinstance(field, models.ForeignKey):
        related = getattr(obj, field.name)
        return str(related) if related is not None else None
    if isinstance(field, models.FileField):
        return getattr(obj, field.name).name or None
    value = getattr(obj, field.name)
    if isinstance(value, models.Model):
        return str(value)
    return value


def export(household: Household) -> dict:
    """Every section of the household's data, in reading order."""
    procedures = list(Procedure.objects.filter(household=household).select_related("landlord").order_by("pk"))
    ids = [procedure.pk for procedure in procedures]
    data = {
        "Ménage": [row_of(household)],
        "Membres du ménage": rows_of(
            Person.objects.filter(household=household).order_by("pk"), exclude=["household"]
        ),
        "Baux": rows_of(Lease.objects.filter(household=household).select_related("commune", "landlord")),
        "Procédures": rows_of(procedures, exclude=["household", "lease"]),
        "Actes et faits": rows_of(
            ProcedureEvent.all_objects.filter(procedure__in=ids).select_related("procedure", "recorded_by")
        ),
        "Tâches": rows_of(
            Task.objects.filter(procedure__in=ids).select_related("procedure", "assignee").order_by("pk")
        ),
        "Actes reçus en PDF": rows_of(
            ActDocument.objects.filter(procedure__in=ids).select_related("procedure")
        ),
        "Transferts entre départements": rows_of(CaseTransfer.objects.filter(procedure__in=ids)),
        "Historique des modifications": rows_of(
            ChangeLog.objects.filter(models.Q(procedure__in=ids) | models.Q(household=household))
            .select_related("procedure", "household", "user")
            .order_by("at", "pk")
        ),
    }
    for section in SECTIONS:
        data.update(section(ids))
    data["Consultations du dossier"] = _reads(ids)
    return data


def _reads(ids) -> list[dict]:
    reads = AccessLog.objects.filter(procedure__in=ids).select_related("user", "organisation", "procedure")
    return [
        {
            "le": timezone.localtime(read.at),
            "par": read.user.get_full_name() or read.user.email,
            "organisme": read.organisation.name if read.organisation else "",
            "page": read.context,
            "procédure": read.procedure.reference,
        }
        for read in reads.order_by("at")
    ]


def render_pdf(household: Household, data: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "procedure/subject_export_pdf.html",
        {"household": household, "data": data, "today": timezone.localdate()},
    )
    return HTML(string=html).write_pdf()

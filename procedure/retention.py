"""Retention: a closed case keeps its personal data `RetentionPolicy.months_after_closure` months
after its closing act (closure, eviction or departure), then is anonymised (law.md, "Data
protection"; docs/decisions/009-retention-and-anonymisation.md).

Anonymising erases or replaces what names the household (names, contacts, address line, birth
years, vulnerability details, the procedure's external number, every free text, the history's
values) and deletes its files; it keeps what the indicators count (commune, sector, acts and their
dates, amounts, referrals, commissions), so the indicators are the same before and after.

The apps built on `procedure` erase their own rows through two extension points, filled in their
`AppConfig.ready()`:

- `ANONYMISERS`: fn(procedure_ids) -> storage names of the files to delete, for each batch of cases;
- `STALE_FILES`: fn(before: datetime, *, clear) -> storage names, for the files that hold many households
  (weekly lists, letter bundles) built before the cut-off (`clear=False`: only list them, for a dry run);
- `UNATTACHED`: the same, for what names a household but was never attached to a case (a partner's
  saisine refused or withdrawn, a PDF set aside or never confirmed), received before the cut-off:
  erased (`clear=True`) as a closed case's data are.

A run is idempotent (a case is claimed once, by `AnonymisedCase`'s one-to-one), journaled
(`AnonymisationRun`), and a dry run says what it would do and writes only its journal line.
Files are deleted once the transaction is committed, so a failed run deletes nothing.
"""

import datetime
import logging
from collections.abc import Callable

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from households.models import Household, Landlord, Lease, Person

from . import rules, services
from .models import (
    ActDocument,
    AnonymisationRun,
    AnonymisedCase,
    CaseTransfer,
    ChangeLog,
    Procedure,
    ProcedureEvent,
    RetentionPolicy,
    Task,
)

logger = logging.getLogger(__name__)

ANONYMISERS: list[Callable[[list[int]], list[str]]] = []
STALE_FILES: list[Callable[..., list[str]]] = []
UNATTACHED: list[Callable[..., list[str]]] = []

ANONYMOUS_HOUSEHOLD = "Ménage anonymisé"
ANONYMOUS_PERSON = "Anonyme"
ANONYMOUS_LANDLORD = "Propriétaire anonymisé"
ERASED = "(effacé)"
BATCH = 200


def closed_before(today: datetime.date, months: int) -> datetime.date:
    """The day `months` months before `today` (the 31st falls back to the month's last day)."""
    month_index = today.year * 12 + today.month - 1 - months
    year, month = divmod(month_index, 12)
    for day in (today.day, 30, 29, 28):
        try:
            return datetime.date(year, month + 1, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def due(before: datetime.date) -> list[int]:
    """Cases closed before `before` and not yet anonymised, whose household has no other case
    still within its retention period (the household's data are shared by its cases)."""
    closing = ProcedureEvent.objects.filter(
        procedure=OuterRef("pk"), kind__in=[str(k) for k in rules.CLOSING_KINDS]
    )
    expired = Procedure.objects.filter(Exists(closing.filter(date__lt=before))).exclude(
        Exists(closing.filter(date__gte=before))
    )
    kept_sibling = Procedure.objects.filter(household=OuterRef("household")).exclude(
        pk__in=expired.values("pk")
    )
    ready = expired.filter(anonymisation__isnull=True).exclude(Exists(kept_sibling))
    return list(ready.order_by("pk").values_list("pk", flat=True))


def run(*, today: datetime.date | None = None, dry_run: bool = False, user=None) -> AnonymisationRun:
    """Anonymise every case due (or, in a dry run, only say which); one journal line either way."""
    before = closed_before(today or timezone.localdate(), RetentionPolicy.current().months_after_closure)
    ids = due(before)
    if dry_run:
        return AnonymisationRun.objects.create(
            dry_run=True,
            closed_before=before,
            cases=len(ids),
            files_deleted=_count_files(ids, before),
            procedure_ids=ids,
            user=user,
        )
    with transaction.atomic():
        journal = AnonymisationRun.objects.create(closed_before=before, user=user)
        claimed = _claim(ids, journal)
        files = []
        for start in range(0, len(claimed), BATCH):
            files += anonymise(claimed[start : start + BATCH])
        files += _stale_files(_start_of(before), clear=True)
        journal.cases, journal.files_deleted, journal.procedure_ids = len(claimed), len(files), claimed
        journal.save(update_fields=["cases", "files_deleted", "procedure_ids"])
        transaction.on_commit(lambda: _delete_files(files))
    logger.info("anonymisation_run run=%s cases=%s files=%s", journal.pk, len(claimed), len(files))
    return journal


class _RolledBack(Exception):
    pass


def _count_files(ids, before) -> int:
    """The files a run would delete: the run itself, in a transaction rolled back (its files are
    deleted only once it commits), so that the dry run counts exactly what the run does."""
    files = []
    try:
        with transaction.atomic():
            for start in range(0, len(ids), BATCH):
                files += anonymise(ids[start : start + BATCH])
            files += _stale_files(_start_of(before), clear=True)
            raise _RolledBack
    except _RolledBack:
        pass
    return len(files)


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _claim(ids, journal) -> list[int]:
    """Claim the cases for this run; a case another run claimed first is left to it."""
    AnonymisedCase.objects.bulk_create(
        [AnonymisedCase(procedure_id=pk, run=journal) for pk in ids], ignore_conflicts=True
    )
    return list(
        AnonymisedCase.objects.filter(run=journal)
        .order_by("procedure_id")
        .values_list("procedure_id", flat=True)
    )


def anonymise(procedure_ids: list[int]) -> list[str]:
    """Erase the personal data of these cases (this app's rows, then every registered app's);
    returns the storage names of the files to delete."""
    households = list(
        Household.objects.filter(procedures__in=procedure_ids).values_list("pk", flat=True).distinct()
    )
    _anonymise_households(households)
    _anonymise_private_landlords(procedure_ids)
    Procedure.objects.filter(pk__in=procedure_ids).update(
        reference=Concat(Value("ANONYME-"), Cast("pk", CharField()))
    )
    ProcedureEvent.all_objects.filter(procedure__in=procedure_ids).update(note="", cancellation_reason="")
    Task.objects.filter(procedure__in=procedure_ids).update(set_aside_reason="")
    CaseTransfer.objects.filter(procedure__in=procedure_ids).update(reason=ERASED, refusal_reason="")
    _scrub_history(ChangeLog.objects.filter(Q(procedure__in=procedure_ids) | Q(household__in=households)))
    files = _anonymise_act_documents(procedure_ids)
    for anonymiser in ANONYMISERS:
        files += anonymiser(procedure_ids)
    return files


def _anonymise_households(households):
    Household.objects.filter(pk__in=households).update(
        label=ANONYMOUS_HOUSEHOLD,
        benefit_claim_number="",
        email="",
        phone="",
        monthly_resources=None,
        resources_note="",
        search_text="",
        address_text="",
    )
    Person.objects.filter(household__in=households).update(
        last_name=ANONYMOUS_PERSON,
        first_name="",
        birth_year=None,
        is_pregnant=False,
        has_disability=False,
        has_health_issue=False,
        other_vulnerability="",
    )
    Lease.objects.filter(household__in=households).update(address=ERASED)
    services.refresh_list_keys(Procedure.objects.filter(household__in=households))


def _anonymise_act_documents(procedure_ids) -> list[str]:
    """The acts received as PDFs (procedure/reading) for these cases: their files deleted, their
    name, extracted text and proposals erased; the hash stays (the same PDF is not read twice)."""
    return _erase_documents(ActDocument.objects.filter(procedure__in=procedure_ids))


def _erase_documents(documents) -> list[str]:
    files = list(documents.exclude(file="").values_list("file", flat=True))
    documents.update(file="", name=ERASED, text="", proposals={}, unsure=[], error="", set_aside_reason="")
    return files


def _anonymise_private_landlords(procedure_ids):
    """A private owner is a person too: erased once none of their cases keeps its data."""
    others = Procedure.objects.filter(landlord=OuterRef("pk"), anonymisation__isnull=True).exclude(
        pk__in=procedure_ids
    )
    Landlord.objects.filter(procedures__in=procedure_ids, kind=Landlord.Kind.PERSON).exclude(
        Exists(others)
    ).update(name=ANONYMOUS_LANDLORD, siren="", address="", postal_code="", city="", email="", phone="")


def _scrub_history(changes):
    """The history keeps which fields changed and when, never their values."""
    for change in changes.only("pk", "changes", "reason"):
        change.changes = {field: [ERASED, ERASED] for field in change.changes or {}}
        change.reason = ""  # a correction's reason is free text (services.correct_event)
        change.save(update_fields=["changes", "reason"])


def scrub_texts(queryset, fields, value="", *, history=None):
    """Erase free-text fields of the rows (for the apps' anonymisers), and the same fields of their
    historical rows when the model keeps a history (directory/history.py), with the reason given
    for each change. `history` (a queryset of the historical model) reaches the rows of objects
    since deleted; by default, the historical rows of the live rows erased."""
    historical = getattr(queryset.model, "history", None)
    if historical is not None:
        if history is None:
            history = historical.filter(id__in=list(queryset.values_list("pk", flat=True)))
        history.update(**dict.fromkeys(fields, value), history_change_reason=None)
    return queryset.update(**dict.fromkeys(fields, value))


def _stale_files(before: datetime.datetime, *, clear: bool) -> list[str]:
    files = []
    for source in [*STALE_FILES, unattached_act_documents, *UNATTACHED]:
        files += source(before, clear=clear)
    return files


def unattached_act_documents(before: datetime.datetime, *, clear: bool) -> list[str]:
    """The PDFs dropped before the cut-off and never attached to a case (set aside, unreadable, or
    left to check): their files deleted and their texts erased, as for a case's acts."""
    documents = ActDocument.objects.filter(procedure__isnull=True, batch__created_at__lt=before).exclude(
        name=ERASED
    )
    if clear:
        return _erase_documents(documents)
    return list(documents.exclude(file="").values_list("file", flat=True))


def _delete_files(names):
    for name in names:
        if name:
            default_storage.delete(name)

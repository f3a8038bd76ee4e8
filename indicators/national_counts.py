"""The national view's stored counts (decision 019): what a State statistics service publishes, a
table of figures « arrêtés » at a given moment, read by the national view and its exports instead
of counting the country's acts at each request.

- `national.counts` computes them (the one way of counting, decision 017) for every year the view
  and its exports can ask (`stored_years`), and `run` stores them as `NationalCount` rows of a
  `NationalSnapshot`, the counts of 0 left out. The sources are read in one REPEATABLE READ, READ
  ONLY transaction (on the read replica when there is one), so that every figure is as of the same
  instant: the snapshot's `started_at`, which the page and the exports print.
- A refresh runs nightly (`indicators.tasks.refresh_national_counts`, config/celery.py) and when the
  national steering role asks for it (`request_refresh`, queued after the commit). At most one is in
  progress (the unique constraint `national_snapshot_one_in_progress`); the worker claims it by a
  conditional UPDATE of `started_at`, so a task delivered twice, or a second worker, computes
  nothing. A refresh left behind (a worker killed, a broker down when it was queued) is taken over
  once LEASE old, past the task's time limit, so a live one never is.
- The two newest ready snapshots are kept: a page or an export that read the previous one's id a
  moment before a refresh ended still finds its rows.
"""

import datetime
import logging
from collections import defaultdict

from django.db import IntegrityError, connections, router, transaction
from django.db.models import Q
from django.utils import timezone

from config.db_routers import reading_from_replica

from . import national
from .forms import FIRST_YEAR
from .models import CharterObjective, NationalCount, NationalSnapshot

logger = logging.getLogger(__name__)

Status = NationalSnapshot.Status
# Past the refresh task's time limit (indicators/tasks.py): a refresh claimed longer ago is dead.
LEASE = datetime.timedelta(minutes=15)
KEEP = 2
BATCH = 5000


def stored_years(today=None) -> list[int]:
    """Every year the national view and its exports may ask: the years its filter offers, the four
    before the oldest (compared with it), and the objective's baseline."""
    this_year = (today or timezone.localdate()).year
    oldest = FIRST_YEAR - national.COMPARED_YEARS
    return sorted({*range(oldest, this_year + 1), CharterObjective.current().baseline_year})


def latest() -> NationalSnapshot | None:
    """The newest ready snapshot."""
    return NationalSnapshot.objects.filter(status=Status.READY).order_by("-started_at", "-pk").first()


def ready(pk) -> NationalSnapshot | None:
    """The ready snapshot `pk` if it is still kept, else the newest one."""
    kept = NationalSnapshot.objects.filter(status=Status.READY, pk=pk).first() if pk else None
    return kept or latest()


def in_progress() -> NationalSnapshot | None:
    return NationalSnapshot.objects.filter(status=Status.QUEUED).first()


def covers(snapshot, years) -> bool:
    return snapshot is not None and set(years) <= set(snapshot.years)


def table(snapshot, *, years, codes=None) -> dict:
    """{(indicator code, département, year): count} of the snapshot, 0 when not stored (as
    national.counts gives them); only the indicators of `codes` when given."""
    rows = NationalCount.objects.filter(snapshot=snapshot, year__in=sorted(set(years)))
    if codes is not None:
        rows = rows.filter(indicator__in=sorted(set(codes)))
    result = defaultdict(int)
    for code, departement, year, value in rows.values_list("indicator", "departement_code", "year", "value"):
        result[code, departement, year] = value
    return result


def departements_holding(snapshot, years) -> set[str]:
    """The départements holding a counted case in those years (any indicator): the national view's
    rows are the same whatever the indicator shown."""
    rows = NationalCount.objects.filter(snapshot=snapshot, year__in=sorted(set(years)))
    return set(rows.order_by().values_list("departement_code", flat=True).distinct())


def request_refresh(*, user=None, queue=True) -> tuple[NationalSnapshot, bool]:
    """A refresh, queued after the commit (`queue`) or left to the caller to `run`: (snapshot, True),
    or (the one in progress, False) when one already is. One left behind (claimed or queued more
    than LEASE ago) is taken over and queued again."""
    now = timezone.now()
    try:
        with transaction.atomic():
            snapshot = NationalSnapshot.objects.create(requested_at=now, requested_by=user)
    except IntegrityError:
        current = in_progress()
        if current is None:  # it ended in between
            return request_refresh(user=user, queue=queue)
        if not _take_over(current, now=now, user=user):
            return current, False
        snapshot = NationalSnapshot.objects.get(pk=current.pk)
    if queue:
        from config.celery import enqueue

        from .tasks import refresh_national_counts

        transaction.on_commit(lambda: enqueue(refresh_national_counts, snapshot.pk))
    return snapshot, True


def _take_over(current, *, now, user) -> bool:
    if (current.started_at or current.requested_at) >= now - LEASE:
        return False
    logger.warning("national_counts_taken_over id=%s", current.pk)
    left = NationalSnapshot.objects.filter(
        pk=current.pk, status=Status.QUEUED, started_at=current.started_at, requested_at=current.requested_at
    )
    # Unclaimed again: the dead worker's rows, if it ever ends, are refused (_store's conditional UPDATE).
    return bool(left.update(requested_at=now, requested_by=user, started_at=None))


def run(snapshot_id: int) -> str:
    """Count and store one snapshot (the task); idempotent: a finished or live one is left alone."""
    now = timezone.now()
    claimable = Q(started_at__isnull=True) | Q(started_at__lt=now - LEASE)
    claimed = NationalSnapshot.objects.filter(claimable, pk=snapshot_id, status=Status.QUEUED)
    if not claimed.update(started_at=now):
        snapshot = NationalSnapshot.objects.filter(pk=snapshot_id).first()
        return snapshot.status if snapshot else "absent"
    try:
        years = stored_years()
        counted = count(years)
        with transaction.atomic():
            _store(snapshot_id, counted, years, started_at=now)
    except Exception as exc:
        logger.exception("national_counts_failed id=%s", snapshot_id)
        NationalSnapshot.objects.filter(pk=snapshot_id, status=Status.QUEUED, started_at=now).update(
            status=Status.FAILED, finished_at=timezone.now(), error=type(exc).__name__
        )
        return Status.FAILED
    logger.info("national_counts_ready id=%s rows=%s", snapshot_id, sum(1 for v in counted.values() if v))
    return Status.READY


def count(years) -> dict:
    """national.counts(years), every source read as of one instant (REPEATABLE READ, READ ONLY, on
    the replica when there is one); inside a caller's transaction (a test's), as it reads."""
    with reading_from_replica():
        alias = router.db_for_read(NationalCount)
        outermost = not connections[alias].in_atomic_block
        with transaction.atomic(using=alias):
            if outermost and connections[alias].vendor == "postgresql":
                with connections[alias].cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            return national.counts(years)


class Overtaken(Exception):
    """The snapshot was taken over by another worker while this one counted (past LEASE)."""


def _store(snapshot_id, counted, years, *, started_at):
    NationalCount.objects.filter(snapshot_id=snapshot_id).delete()  # rows of a try taken over
    rows = [
        NationalCount(snapshot_id=snapshot_id, indicator=code, departement_code=dep, year=year, value=value)
        for (code, dep, year), value in counted.items()
        if value
    ]
    NationalCount.objects.bulk_create(rows, batch_size=BATCH)
    finished = NationalSnapshot.objects.filter(pk=snapshot_id, status=Status.QUEUED, started_at=started_at)
    if not finished.update(status=Status.READY, finished_at=timezone.now(), years=years):
        raise Overtaken(snapshot_id)
    kept = list(
        NationalSnapshot.objects.filter(status=Status.READY)
        .order_by("-started_at", "-pk")
        .values_list("pk", flat=True)[:KEEP]
    )
    NationalSnapshot.objects.exclude(status=Status.QUEUED).exclude(pk__in=kept).delete()

"""Heavy documents built in the background (issue 11, item 6).

- A screen that exports asks `needs_background(queryset)` (a capped count: never an exact
  `COUNT(*)` over the whole table); past `BACKGROUND_EXPORT_ROWS` it calls `start()`, which records
  a `BackgroundExport` (the user, the membership they act for, the document's kind and parameters)
  and queues `procedure.tasks.build_export` once the request's transaction commits, then sends the
  user to the document's page (`views.py`), which shows the progress and, once ready, the link.
- The task rebuilds the user's scope from the stored membership (`visible_to` reads it from
  `user.acting`), refuses a membership that ended meanwhile, runs the document's builder (registered
  in `BUILDERS` by the app that owns it) which reports its progress, and stores the file in private
  storage (`MEDIA_ROOT`, never served by the web server).
- Only the requester, acting for the same organisation and role, opens the page or downloads the
  file (any other user: 404); each download writes an access-log row (law.md).
- `purge()` (hourly, `procedure.tasks.purge_exports`) deletes the files and their rows once
  `BACKGROUND_EXPORT_HOURS` old.
"""

import datetime
import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from directory.acting import Acting
from directory.models import Membership

from .models import BackgroundExport

logger = logging.getLogger(__name__)

# A worker killed mid-build (acks_late: the task comes back) may take the build over after this.
LEASE = datetime.timedelta(minutes=15)
# Progress is written to the database at most every this many rows.
PROGRESS_EVERY = 2000


@dataclass(frozen=True)
class Builder:
    """How one kind of document is built: `build(user, params, progress)` returns a rewound file
    and its number of rows; `progress(done, total)` may be called as often as it likes."""

    label: str
    build: Callable
    content_type: str
    back_url_name: str
    back_label: str = "Procédures"
    queue: str = "default"  # "pdf" for a PDF rendering (procedure.tasks.build_pdf_export)


BUILDERS: dict[str, Builder] = {}


def register(kind: str, builder: Builder) -> None:
    BUILDERS[kind] = builder


def threshold() -> int:
    return settings.BACKGROUND_EXPORT_ROWS


def needs_background(queryset) -> bool:
    """More rows than the threshold? Counted on at most threshold + 1 rows (a LIMIT subquery)."""
    return queryset.order_by()[: threshold() + 1].count() > threshold()


def start(request, *, kind: str, params: dict, filename: str) -> BackgroundExport:
    """Record the document and queue its build after the commit; the same request repeated while
    the first one is still being built gets the first one back."""
    if kind not in BUILDERS:
        raise KeyError(kind)
    existing = (
        BackgroundExport.objects.filter(
            user=request.user,
            membership=request.acting.membership,
            kind=kind,
            params=params,
            status__in=[BackgroundExport.Status.PENDING, BackgroundExport.Status.RUNNING],
        )
        .order_by("-created_at")
        .first()
    )
    if existing is not None:
        return existing
    export = BackgroundExport.objects.create(
        user=request.user, membership=request.acting.membership, kind=kind, params=params, filename=filename
    )
    from ..tasks import build_export, build_pdf_export

    task = build_pdf_export if BUILDERS[kind].queue == "pdf" else build_export
    transaction.on_commit(lambda: task.delay(export.pk))
    return export


def for_request(request):
    """The documents the signed-in user requested while acting as they act now."""
    if not request.user.is_authenticated or request.acting.membership is None:
        return BackgroundExport.objects.none()
    return BackgroundExport.objects.filter(user=request.user, membership=request.acting.membership)


def _claim(export_id, *, now) -> bool:
    claimable = Q(status=BackgroundExport.Status.PENDING) | Q(
        status=BackgroundExport.Status.RUNNING, started_at__lt=now - LEASE
    )
    return bool(
        BackgroundExport.objects.filter(claimable, pk=export_id).update(
            status=BackgroundExport.Status.RUNNING, started_at=now, done=0
        )
    )


def run(export_id: int) -> str:
    """Build one document (the task); idempotent: a finished or live build is left alone."""
    if not _claim(export_id, now=timezone.now()):
        export = BackgroundExport.objects.filter(pk=export_id).first()
        return export.status if export else "absent"
    export = BackgroundExport.objects.select_related("user", "membership__organisation").get(pk=export_id)
    user, membership = export.user, export.membership
    if not (user.is_active and Membership.objects.active().filter(pk=membership.pk).exists()):
        return _fail(export, "Votre rattachement à cet organisme a pris fin : document non préparé.")
    user.acting = Acting(membership)
    last = {"done": -PROGRESS_EVERY}

    def progress(done, total):
        if done - last["done"] >= PROGRESS_EVERY or done == total:
            last["done"] = done
            BackgroundExport.objects.filter(pk=export.pk).update(done=done, total=total)

    builder = BUILDERS[export.kind]
    try:
        output, rows = builder.build(user, export.params, progress)
    except Exception as exc:  # the user sees a failure, the log says why
        logger.exception("background_export_failed id=%s kind=%s", export.pk, export.kind)
        return _fail(export, f"La préparation a échoué ({type(exc).__name__}). Relancez l'export.")
    with output:
        export.file.save(f"{export.pk}-{export.filename}", File(output), save=False)
    BackgroundExport.objects.filter(pk=export.pk).update(
        file=export.file.name,
        status=BackgroundExport.Status.READY,
        rows=rows,
        done=rows,
        total=max(rows, export.total),
        finished_at=timezone.now(),
    )
    logger.info("background_export_ready id=%s kind=%s rows=%s", export.pk, export.kind, rows)
    return BackgroundExport.Status.READY


def _fail(export, message) -> str:
    BackgroundExport.objects.filter(pk=export.pk).update(
        status=BackgroundExport.Status.FAILED, error=message[:250], finished_at=timezone.now()
    )
    return BackgroundExport.Status.FAILED


def spooled():
    """A temporary file for a builder to write into (kept in memory up to 8 MB)."""
    return tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (run() closes it)


def purge(*, now=None) -> int:
    """Delete the documents (files and rows) older than BACKGROUND_EXPORT_HOURS."""
    now = now or timezone.now()
    old = BackgroundExport.objects.filter(
        created_at__lt=now - datetime.timedelta(hours=settings.BACKGROUND_EXPORT_HOURS)
    )
    count = 0
    for export in old.only("pk", "file"):
        if export.file:
            export.file.delete(save=False)
        export.delete()
        count += 1
    if count:
        logger.info("background_exports_purged count=%s", count)
    return count

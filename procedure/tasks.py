"""Background work of the procedure app (thin: the rules are in the services, access_log,
pending_imports, retention and reading)."""

import datetime
import logging

from celery import shared_task
from django.utils import timezone

from . import access_log, retention
from .pending_imports import PendingImport

logger = logging.getLogger(__name__)

MAX_RETRIES = 5


# A storage hiccup (OSError) is retried; a PDF that cannot be read is a result, not an error.
@shared_task(
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    max_retries=3,
    time_limit=120,
    soft_time_limit=100,
)
def read_act(document_id):
    """Read one act's PDF (procedure/reading/services.py); idempotent."""
    from .reading.services import read_document

    read_document(document_id)


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES, soft_time_limit=110, time_limit=120)
def alert_unusual_reading(self, day: str = "") -> int:
    """Daily (config/celery.py): record yesterday's unusual readers and tell the administrators
    once; an e-mail refused for a while is retried with a backoff (only the groups not yet told),
    one refused for good or at the last try is shown failed, never sent twice."""
    on = datetime.date.fromisoformat(day) if day else timezone.localdate() - datetime.timedelta(days=1)
    access_log.record_alerts(on)
    try:
        return access_log.notify_administrators(on, last_try=self.request.retries >= MAX_RETRIES)
    except Exception as error:  # noqa: BLE001 - a transient transport error, retried
        logger.warning("reading_alert_failed day=%s retries=%s", on, self.request.retries)
        raise self.retry(countdown=60 * 2**self.request.retries, exc=error) from error


@shared_task(acks_late=True, max_retries=3)
def purge_pending_imports() -> int:
    """Hourly: delete the previewed imports never confirmed nor cancelled, once a day old."""
    return PendingImport.purge_stale()


@shared_task(acks_late=True, max_retries=3, soft_time_limit=3000, time_limit=3600)
def anonymise_closed_cases() -> int:
    """Nightly: anonymise the cases closed longer than the retention period; a second run, or a
    second worker, finds nothing left to do."""
    return retention.run().cases


@shared_task(acks_late=True, soft_time_limit=1700, time_limit=1800)
def build_export(export_id) -> str:
    """A document past a few thousand rows, built in the background (procedure/background/)."""
    from .background import services as background

    return background.run(export_id)


@shared_task(acks_late=True, max_retries=3)
def purge_exports() -> int:
    """Hourly: delete the documents built in the background once BACKGROUND_EXPORT_HOURS old."""
    from .background import services as background

    return background.purge()


@shared_task(acks_late=True, soft_time_limit=1700, time_limit=1800)
def build_pdf_export(export_id) -> str:
    """The same, for a document rendered as PDF (the pdf queue's workers)."""
    from .background import services as background

    return background.run(export_id)

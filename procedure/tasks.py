"""The procedure's background work (thin: the services hold it)."""

from celery import shared_task


@shared_task(acks_late=True, max_retries=3, default_retry_delay=30, time_limit=120, soft_time_limit=100)
def read_act(document_id):
    """Read one act's PDF (procedure/reading/services.py); idempotent."""
    from .reading.services import read_document

    read_document(document_id)

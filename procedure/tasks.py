"""The procedure's background work (thin: the services hold it)."""

from celery import shared_task


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

"""Celery tasks of the letters app: thin, take ids, idempotent (the services claim the work)."""

import datetime

from celery import shared_task

from config.celery import same_queue as _same_queue

from .services import delivery
from .services import letters as letter_services


@shared_task(bind=True, acks_late=True, soft_time_limit=540, time_limit=600)
def run_weekly_lists(self):
    """Every Monday at 07:00 (beat): build the weeks due, then send every list waiting."""
    list_ids = delivery.run_weekly()
    # The light formats (XLSX, CSV) leave first; the PDFs are rendered after, on the pdf queue.
    for list_id in list_ids:
        send_weekly_list.apply_async((list_id,), **_same_queue(self))
    for kind, week_start in delivery.pdfs_missing():
        render_weekly_list_pdf.apply_async((kind, week_start.isoformat()), **_same_queue(self))
    return list_ids


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(delivery.SendFailed,),
    retry_backoff=60,
    retry_backoff_max=3600,
    retry_jitter=False,
    max_retries=5,
    soft_time_limit=120,
    time_limit=180,
)
def send_weekly_list(self, list_id):
    status = delivery.deliver(list_id=list_id, last_try=self.request.retries >= self.max_retries)
    # The PDF was rendered while the light formats were being sent: it follows now.
    for follow_up in delivery.pdf_follow_ups([list_id]):
        send_weekly_list_pdf.apply_async((follow_up,), **_same_queue(self))
    return status


@shared_task(bind=True, acks_late=True, max_retries=3)
def flush_weekly_lists(self):
    """Every 10 minutes (beat): send the lists whose task was lost — a resend or a Monday run while
    the broker was down, a worker killed while sending — instead of waiting for next Monday. The
    claim makes a second task for the same list harmless."""
    list_ids = delivery.lists_left_behind()
    for list_id in list_ids:
        send_weekly_list.apply_async((list_id,), **_same_queue(self))
    return list_ids


@shared_task(bind=True, acks_late=True, soft_time_limit=540, time_limit=600)
def render_weekly_list_pdf(self, kind, week_start):
    """A week's list of one kind as PDF, rendered once for all its recipients (pdf queue); those
    who receive attachments and already have the light formats get the PDF by e-mail after."""
    list_ids = delivery.render_pdf(kind=kind, week_start=datetime.date.fromisoformat(week_start))
    for list_id in delivery.pdf_follow_ups(list_ids):
        send_weekly_list_pdf.apply_async((list_id,), **_same_queue(self))
    return list_ids


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(delivery.SendFailed,),
    retry_backoff=60,
    retry_backoff_max=3600,
    retry_jitter=False,
    max_retries=5,
    soft_time_limit=120,
    time_limit=180,
)
def send_weekly_list_pdf(self, list_id):
    """The PDF e-mail that follows the light formats, sent once (delivery.deliver_pdf)."""
    return delivery.deliver_pdf(list_id=list_id, last_try=self.request.retries >= self.max_retries)


@shared_task(acks_late=True, soft_time_limit=1700, time_limit=1800)
def generate_batch(batch_id):
    """A week's questionnaires in one action (progress stored on the LetterBatch row)."""
    return letter_services.run_batch(batch_id=batch_id)


@shared_task(bind=True, acks_late=True, max_retries=3)
def resume_batches(self):
    """Periodic (beat): queue again the batches left behind, a task lost while the broker was down or
    a worker killed in the middle (letters.services.letters.batches_to_resume); the claim makes a
    second run harmless."""
    batch_ids = letter_services.batches_to_resume()
    for batch_id in batch_ids:
        generate_batch.apply_async((batch_id,), **_same_queue(self))
    return batch_ids

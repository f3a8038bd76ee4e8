"""Background work of the indicators (thin: the rules are in national_counts.py)."""

from celery import shared_task

from . import national_counts


# The time limit stays under national_counts.LEASE: a refresh still running is never taken over.
@shared_task(acks_late=True, max_retries=0, soft_time_limit=540, time_limit=600)
def refresh_national_counts(snapshot_id: int | None = None) -> str:
    """The national view's stored counts computed again: the snapshot a user asked for, or, from
    the nightly schedule (no id), a new one unless one is already in progress."""
    if snapshot_id is None:
        snapshot, created = national_counts.request_refresh(queue=False)
        if not created:
            return "already_in_progress"
        snapshot_id = snapshot.pk
    return national_counts.run(snapshot_id)

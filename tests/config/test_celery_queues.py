"""Celery's queues (docs/deploy.md): PDF rendering, e-mail and the rest, each scaled on its own;
a worker started without --queues consumes all three. Routed by Celery's own router."""

from importlib import import_module

import pytest

from config.celery import app


def queue_of(task_name):
    return app.amqp.router.route({}, task_name)["queue"].name


QUEUE_OF = [
    ("letters.tasks.generate_batch", "pdf"),
    ("commissions.tasks.convene_households", "pdf"),
    ("commissions.tasks.send_opinion_letters", "pdf"),
    ("letters.tasks.send_weekly_list", "email"),
    ("letters.tasks.send_weekly_list_pdf", "email"),
    ("letters.tasks.render_weekly_list_pdf", "pdf"),
    ("referrals.tasks.send_outbox_message", "email"),
    ("referrals.tasks.send_referral_digests", "email"),
    ("commissions.tasks.notify_members", "email"),
    ("letters.tasks.run_weekly_lists", "default"),
    ("referrals.tasks.flush_outbox", "default"),
    ("letters.tasks.resume_batches", "default"),
    ("letters.tasks.flush_weekly_lists", "default"),
    ("directory.tasks.flush_notifications", "default"),
    ("directory.tasks.expire_locks", "default"),
    ("procedure.tasks.read_act", "pdf"),
    ("procedure.tasks.alert_unusual_reading", "email"),
    ("procedure.tasks.purge_pending_imports", "default"),
    ("procedure.tasks.anonymise_closed_cases", "default"),
    ("procedure.tasks.build_export", "default"),
    ("procedure.tasks.build_pdf_export", "pdf"),
    ("procedure.tasks.purge_exports", "default"),
    ("directory.tasks.send_notification", "email"),
    ("directory.tasks.send_notification_digests", "email"),
    ("commissions.tasks.notify_agenda_change", "email"),
    ("directory.tasks.purge_api_records", "default"),
    ("indicators.tasks.refresh_national_counts", "default"),
]


@pytest.mark.parametrize(("task_name", "queue"), QUEUE_OF)
def test_each_task_goes_to_its_queue(task_name, queue):
    import_module(task_name.rsplit(".", 1)[0])  # the task exists under this name
    assert task_name in app.tasks
    assert queue_of(task_name) == queue


def test_a_worker_without_queues_consumes_all_three():
    assert {queue.name for queue in app.conf.task_queues} == {"default", "pdf", "email"}


def test_every_task_of_prevex_has_its_queue_above():
    """A new task fails here until its queue is chosen (PDF work -> pdf, e-mail -> email)."""
    app.loader.import_default_modules()
    ours = {name for name in app.tasks if not name.startswith("celery.")}
    assert ours == {name for name, _ in QUEUE_OF}


@pytest.mark.parametrize(("parent_queue", "options"), [("default", {}), ("pdf", {}), ("prevex-test-1", None)])
def test_a_sub_task_follows_its_parent_only_out_of_prevex_s_queues(parent_queue, options):
    """From beat's default queue a resumed batch still goes to the pdf queue, a list to the e-mail
    queue; a test's worker on a queue of its own keeps its sub-tasks."""
    from types import SimpleNamespace

    from config.celery import same_queue

    parent = SimpleNamespace(request=SimpleNamespace(delivery_info={"routing_key": parent_queue}))
    assert same_queue(parent) == ({"queue": parent_queue} if options is None else options)

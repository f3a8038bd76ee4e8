"""PDFs read by a real Celery worker on Redis against PostgreSQL (REDIS_URL set, as in CI); in the
embedded mode (no REDIS_URL) the same test runs its tasks in-process."""

import time

import pytest

from procedure.models import ActDocument
from procedure.reading import services
from procedure.tasks import read_act
from tests.procedure import act_pdfs
from tests.procedure.reading_fixtures import acts_world, today  # noqa: F401

pytestmark = [pytest.mark.celery_worker, pytest.mark.usefixtures("acts_world")]
TIMEOUT = 60


def wait_until_read(count):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if not ActDocument.objects.filter(status=ActDocument.Status.QUEUED).exists():
            return
        time.sleep(0.2)
    raise AssertionError(f"{count} PDF not read in {TIMEOUT} s")


def test_a_worker_reads_the_dropped_pdfs_once(celery_worker_process, secretariat):
    payment_order = act_pdfs.act("commandement_de_payer", seed=21, today=today())
    batch = services.read_pdfs(
        files=[("cp.pdf", payment_order.pdf), ("scan.pdf", act_pdfs.scan())], user=secretariat
    )

    wait_until_read(2)

    read, scan = batch.documents.order_by("pk")
    assert read.status == ActDocument.Status.READ
    assert services.proposed_values(read)["reference"] == payment_order.expected["reference"]
    assert scan.status == ActDocument.Status.SCAN
    read_act.delay(read.pk).get(timeout=TIMEOUT)  # a second delivery changes nothing
    assert ActDocument.objects.get(pk=read.pk).proposals == read.proposals

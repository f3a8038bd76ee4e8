"""The read-replica router (config/db_routers.py): reads inside `reading_from_replica()` go to the
replica when one is configured, writes always to the primary. Its use by the indicators on a real
second database: tests/config/test_replica.py."""

import pytest
from django.conf import settings

from config.db_routers import REPLICA, ReplicaRouter, reading_from_replica
from procedure.models import Procedure

router = ReplicaRouter()


@pytest.fixture
def with_replica(monkeypatch):
    # The alias only, no connection is opened: the router reads the configured aliases.
    monkeypatch.setitem(settings.DATABASES, REPLICA, dict(settings.DATABASES["default"]))


@pytest.mark.skipif(REPLICA in settings.DATABASES, reason="une réplique est configurée")
def test_without_a_replica_every_read_stays_on_the_default_route():
    with reading_from_replica():
        assert router.db_for_read(Procedure) is None


def test_reads_go_to_the_replica_only_inside_the_block(with_replica):
    assert router.db_for_read(Procedure) is None
    with reading_from_replica():
        assert router.db_for_read(Procedure) == REPLICA
        with reading_from_replica():
            assert router.db_for_read(Procedure) == REPLICA
        assert router.db_for_read(Procedure) == REPLICA
    assert router.db_for_read(Procedure) is None


def test_writes_always_go_to_the_primary(with_replica):
    with reading_from_replica():
        assert router.db_for_write(Procedure) == "default"
    assert router.db_for_write(Procedure) == "default"


def test_an_error_inside_the_block_still_ends_it(with_replica):
    with pytest.raises(ValueError), reading_from_replica():
        raise ValueError
    assert router.db_for_read(Procedure) is None

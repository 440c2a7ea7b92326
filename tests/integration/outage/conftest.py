"""A PostgreSQL cluster of the test's own, migrated, which the test may stop and restart at will."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tds.db import migrate
from tests.pgcluster import Cluster


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    """A started cluster with the `tds` database migrated; removed after the test."""
    own = Cluster()
    own.start()
    try:
        own.psql_create("tds")
        migrate.upgrade(own.url("tds"))
        yield own
    finally:
        own.cleanup()

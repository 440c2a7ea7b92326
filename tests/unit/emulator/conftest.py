"""Fixtures for the emulator's pure parts: a small seeded dataset and a store over it."""

from __future__ import annotations

import pytest

from tds.emulator.clock import Clock
from tds.emulator.data import Dataset, generate
from tds.emulator.options import DatasetSizes
from tds.emulator.store import Change, Store

SMALL = DatasetSizes.from_counts(items=120, contacts=40, invoices=90)


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    """A read-only dataset shared by a module's tests (tests that change data build their own)."""
    return generate(7, SMALL)


@pytest.fixture
def clock() -> Clock:
    return Clock(180)


@pytest.fixture
def store(clock: Clock) -> Store:
    return Store(generate(7, SMALL), clock)


@pytest.fixture
def changes(store: Store) -> list[Change]:
    """Every change the store announces, in order."""
    seen: list[Change] = []
    store.subscribe(seen.append)
    return seen

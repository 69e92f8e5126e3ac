"""Fixtures for the record/replay tests: a NetSuite-like server per test, fresh credentials."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from recording_helpers import FakeNetSuite, Keys


@pytest.fixture
def netsuite() -> Iterator[FakeNetSuite]:
    fake = FakeNetSuite()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def shared_netsuite() -> Iterator[FakeNetSuite]:
    """One server for property tests (Hypothesis runs many examples in one test call)."""
    fake = FakeNetSuite()
    yield fake
    fake.stop()


@pytest.fixture
def keys() -> Keys:
    return Keys()

"""Fixtures for the embedded NetSuite's own tests: one sandbox per worker, reset per test."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sandbox_helpers import Client, tba

from harness.sandbox.serve import Sandbox
from harness.sandbox.store.db import fixed_clock

FIXED_NOW = datetime(2024, 3, 15, 18, 30, tzinfo=UTC)


@pytest.fixture(scope="session")
def shared_sandbox() -> Iterator[Sandbox]:
    sandbox = Sandbox(clock=fixed_clock(FIXED_NOW))
    yield sandbox
    sandbox.close()


@pytest.fixture
def sandbox(shared_sandbox: Sandbox) -> Sandbox:
    """The demo account in its initial state (reset before each test)."""
    shared_sandbox.reset()
    return shared_sandbox


@pytest.fixture
def ns(sandbox: Sandbox) -> Iterator[Client]:
    """A client talking to the in-process sandbox (every call intercepted)."""
    with sandbox.intercept():
        yield Client(sandbox.base_url, tba(sandbox))

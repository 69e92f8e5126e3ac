"""Fixtures for the embedded WooCommerce store: a store on a clock that stands still, answered
in-process (its own https URL) or served over HTTP on a loopback port."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from woostore_helpers import Api, Receiver

from harness.woostore import EmbeddedStore, ManualClock
from harness.wsgi import LoopbackServer


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock("2024-06-20T10:00:00+00:00")


@pytest.fixture
def store(clock: ManualClock) -> Iterator[EmbeddedStore]:
    made = EmbeddedStore(clock=clock)
    with made.intercept():
        yield made


@pytest.fixture
def api(store: EmbeddedStore) -> Api:
    return Api(store)


@pytest.fixture
def served(store: EmbeddedStore) -> Iterator[LoopbackServer]:
    server = store.serve_http()
    yield server
    server.stop()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    made = Receiver()
    made.start()
    yield made
    made.stop()

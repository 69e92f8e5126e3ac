"""The reference poller's reads of the embedded store: its session reaches the store
in-process without reading proxies, CA bundles or `.netrc` from the environment, and the mark
it keeps is the newest order's `date_modified_gmt` exactly as the store wrote it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests.sessions

from harness.catalogue.spec import load_catalogue
from harness.connector.drivers.storeside import StoreSide
from harness.connector.poller import ReferencePoller
from harness.connector.reference import ReferenceConnector
from harness.mapping import load_mapping
from harness.netsuite.calllog import CallLog
from harness.targets.sim import SimTarget
from harness.woo.generate import generate

CATALOGUE = load_catalogue()


@pytest.fixture(scope="module")
def sim() -> Iterator[SimTarget]:
    with SimTarget() as target:
        yield target


def poll_once(sim: SimTarget, names: list[str]) -> tuple[ReferencePoller, StoreSide]:
    sim.isolate()
    calllog = CallLog()
    side = StoreSide()
    side.traffic.calllog = calllog
    connector = ReferenceConnector(sim.client(None, calllog), load_mapping())
    poller = ReferencePoller(connector, side.session(), side.store.url)
    for name in names:
        side.deliver(generate(CATALOGUE.get(name), 0))
    poller.poll()
    return poller, side


def test_the_store_session_reads_nothing_from_the_environment(
    sim: SimTarget, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_environment(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the in-process store session read the environment")

    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setattr(requests.sessions, "get_environ_proxies", no_environment)
    monkeypatch.setattr(requests.sessions, "get_netrc_auth", no_environment)
    poller, side = poll_once(sim, ["new-customer"])
    assert poller.session.trust_env is False
    assert [r.status for r in side.traffic.requests if r.method == "GET"][:1] == [200]


def test_the_mark_is_the_newest_change_as_the_store_wrote_it(sim: SimTarget) -> None:
    poller, side = poll_once(sim, ["new-customer", "multi-item"])
    written = [side.store.order(order_id).to_wire() for order_id in side.statuses]
    assert poller.mark is not None and poller.mark in {w["date_modified_gmt"] for w in written}
    assert poller.mark == max(str(w["date_modified_gmt"]) for w in written)

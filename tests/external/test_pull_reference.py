"""The reference connector as a poller (`ReferencePoller`): what `harness run` drives for the
catalogue's `driver: pull` scenarios, reading the embedded store through its REST API."""

from __future__ import annotations

from harness.catalogue.spec import Catalogue
from harness.connector.drivers.storeside import StoreSide
from harness.connector.poller import ReferencePoller
from harness.connector.reference import ReferenceConnector
from harness.mapping import Mapping
from harness.netsuite.calllog import CallLog
from harness.runner import RunConfig, run_catalogue
from harness.targets.sim import SimTarget
from harness.woo.generate import generate

PAID = ["new-customer", "existing-customer", "multi-item", "tax-california", "free-shipping"]


def poller_of(target: SimTarget, mapping: Mapping, per_page: int = 100
              ) -> tuple[ReferencePoller, StoreSide, CallLog]:
    calllog = CallLog()
    side = StoreSide()
    side.traffic.calllog = calllog
    connector = ReferenceConnector(target.client(None, calllog), mapping)
    poller = ReferencePoller(connector, side.session(), side.store.url, per_page=per_page)
    return poller, side, calllog


def test_every_page_is_read_and_every_order_pushed_and_written_back(
    target: SimTarget, catalogue: Catalogue, mapping: Mapping,
) -> None:
    poller, side, _ = poller_of(target, mapping, per_page=2)
    orders = [side.deliver(generate(catalogue.get(name), 0)) for name in PAID]
    poll = poller.poll()
    assert poll.pages == 3 and sorted(poll.listed) == sorted(o.id for o in orders)
    assert {r.status for r in poll.results.values()} == {"pushed"}
    for order in orders:
        after = side.store.order(order.id)
        assert after.meta("_netsuite_so_id") == poll.results[order.id].sales_order_id
        notes = [n.note for n in side.store.notes(order.id)]
        assert sum(n.startswith("NetSuite Sales Order SO") for n in notes) == 1


def test_the_next_poll_asks_only_for_what_changed_since(
    target: SimTarget, catalogue: Catalogue, mapping: Mapping,
) -> None:
    poller, side, calllog = poller_of(target, mapping)
    order = side.deliver(generate(catalogue.get("new-customer"), 0))
    poller.poll()
    assert poller.mark is not None
    def netsuite_calls() -> int:
        return sum(c.path.startswith("/services/") for c in calllog.calls)

    before = netsuite_calls()
    idle = poller.poll()
    assert idle.listed == [] and idle.results == {}
    last_list = [r for r in side.traffic.requests if r.method == "GET"][-1]
    assert last_list.query["modified_after"] == [poller.mark]
    assert netsuite_calls() == before  # nothing changed: NetSuite is not asked anything
    side.deliver(order)  # the shop saves it again: it shows up on the next page
    again = poller.poll()
    assert again.listed == [order.id]
    assert again.results[order.id].status == "pushed"
    notes = [n.note for n in side.store.notes(order.id)]
    assert sum(n.startswith("NetSuite Sales Order") for n in notes) == 1  # noted once


def test_harness_run_runs_the_pull_scenarios_with_the_reference_connector() -> None:
    names = ["pulled-order-written-back", "pulled-order-edited-after-landing",
             "pulled-order-cancelled-after-landing", "pulled-order-on-the-same-page-again"]
    results = run_catalogue(RunConfig(), names)
    assert [(r.scenario, r.met) for r in results] == [(name, True) for name in names]
    store_calls = [c for c in results[0].calls if c["path"].startswith("/wp-json/wc/v3/orders")]
    assert store_calls, "the poller's requests to the store are in the evidence"

"""Landing detection: SuiteQL by externalId or PO #, backoff until found or timed out, and how
answer, landing and observed NetSuite exchanges become the PushResult."""

from __future__ import annotations

import pytest

from harness.catalogue.spec import Catalogue
from harness.connector.drivers.common import Answer, judge
from harness.connector.drivers.watch import (
    Landing,
    LandingQuery,
    LandingQueryError,
    LandingWatch,
    OrderRefs,
)
from harness.connector.reference import ReferenceConnector
from harness.mapping import Mapping
from harness.netsuite.calllog import Call
from harness.targets.sim import SimTarget
from harness.woo.generate import generate
from harness.woo.order import WooOrder

REFS = OrderRefs(external_id="woo-1001", other_ref_num="1001", number="1001", id="1001")


class FakeTime:
    """A clock that moves only when slept on; `on_sleep` runs before each pause ends."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []
        self.on_sleep: list[object] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds
        hook = self.on_sleep.pop(0) if self.on_sleep else None
        if callable(hook):
            hook()


@pytest.fixture
def order(catalogue: Catalogue) -> WooOrder:
    return generate(catalogue.get("new-customer"), 0)


@pytest.fixture
def sim(target: SimTarget) -> SimTarget:
    return target


def watch(target: SimTarget, mapping: Mapping, fake: FakeTime, **options: object) -> LandingWatch:
    settings: dict[str, object] = {"timeout": 1.0, "first_interval": 0.1, "max_interval": 0.4,
                                   "factor": 2.0, **options}
    return LandingWatch(target.client(), mapping, sleep=fake.sleep, clock=fake.clock,
                        **settings)  # type: ignore[arg-type]


# -- the query -------------------------------------------------------------------------------


def test_default_query_finds_sales_orders_by_external_id_or_po_number() -> None:
    q = LandingQuery().render(REFS)
    assert q == ("SELECT id FROM transaction WHERE type = 'SalesOrd' AND (externalid = "
                 "'woo-1001' OR otherrefnum = '1001') ORDER BY id")


def test_an_empty_reference_is_left_out_of_the_query() -> None:
    q = LandingQuery().render(OrderRefs("woo-9", "", "9", "9"))
    assert "otherrefnum" not in q and "externalid = 'woo-9'" in q
    with pytest.raises(LandingQueryError, match="neither an externalId nor a PO #"):
        LandingQuery().render(OrderRefs("", "", "9", "9"))


def test_template_values_are_quoted_suiteql_strings() -> None:
    query = LandingQuery("SELECT id FROM transaction WHERE memo = {number}")
    assert query.render(OrderRefs("x", "y", "O'Brien-7", "7")).endswith("memo = 'O''Brien-7'")


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("SELECT id FROM transaction WHERE memo = {order}", "placeholder {order} is unknown"),
        ("SELECT id FROM transaction", "names no placeholder"),
        ("SELECT id FROM transaction WHERE x = {number", "not a valid template"),
    ],
)
def test_a_bad_template_is_refused(template: str, message: str) -> None:
    with pytest.raises(LandingQueryError, match=message):
        LandingQuery(template)


# -- polling ---------------------------------------------------------------------------------


def test_polls_back_off_until_the_timeout_and_report_not_found(
    sim: SimTarget, mapping: Mapping, order: WooOrder
) -> None:
    fake = FakeTime()
    landing = watch(sim, mapping, fake).wait(order)
    assert not landing.found and landing.sales_order_id is None
    assert fake.slept == [0.1, 0.2, 0.4, 0.3]  # doubled, capped at 0.4, cut at the timeout
    assert landing.polls == 5 and landing.waited_s == pytest.approx(1.0)
    assert f"no Sales Order with externalId woo-{order.number}" in landing.describe()


def test_the_sales_order_is_found_when_it_appears(
    sim: SimTarget, mapping: Mapping, order: WooOrder
) -> None:
    fake = FakeTime()
    pushed: list[str | None] = []
    connector = ReferenceConnector(sim.client(), mapping)
    fake.on_sleep = [None, lambda: pushed.append(connector.push(order).sales_order_id)]
    landing = watch(sim, mapping, fake).wait(order)
    assert landing.found and landing.sales_order_id == pushed[0]
    assert landing.polls == 3 and fake.slept == [0.1, 0.2]


def test_a_check_looks_once_without_waiting(
    sim: SimTarget, mapping: Mapping, order: WooOrder
) -> None:
    fake = FakeTime()
    landing = watch(sim, mapping, fake).check(order)
    assert (landing.found, landing.polls, fake.slept) == (False, 1, [])


def test_the_harness_polls_are_not_evidence(
    sim: SimTarget, mapping: Mapping, order: WooOrder
) -> None:
    client = sim.client()
    LandingWatch(client, mapping, timeout=0.0).wait(order)
    assert len(client.calllog) == 0


def test_a_custom_query_finds_the_order_its_own_way(
    sim: SimTarget, mapping: Mapping, order: WooOrder
) -> None:
    so_id = ReferenceConnector(sim.client(), mapping).push(order).sales_order_id
    query = "SELECT id FROM transaction WHERE type = 'SalesOrd' AND otherrefnum = {number}"
    landing = LandingWatch(sim.client(), mapping, query=query, timeout=0.0).wait(order)
    assert landing.found and landing.sales_order_id == so_id


def test_a_failing_lookup_is_reported_not_raised(
    sim: SimTarget, mapping: Mapping, order: WooOrder
) -> None:
    query = "SELECT id FROM transaction WHERE nosuchcolumn = {number}"
    landing = LandingWatch(sim.client(), mapping, query=query, timeout=0.0).wait(order)
    assert not landing.found and landing.last_error and "nosuchcolumn" in landing.last_error.lower()
    assert "the last lookup failed" in landing.describe()


# -- judging one delivery --------------------------------------------------------------------


def call(method: str, path: str, status: int, **extra: object) -> Call:
    return Call(time="2024-01-01T00:00:00.000Z", method=method, host="127.0.0.1:9", path=path,
                status=status, **extra)  # type: ignore[arg-type]


OK = Answer("webhook", "order.created", True, 'answered HTTP 200: {"ok": true}', status=200)
FOUND = Landing(True, REFS, "77", 2, 0.1)
MISSING = Landing(False, REFS, None, 6, 2.0)


def test_a_found_sales_order_is_pushed_whatever_was_said(order: WooOrder) -> None:
    push = judge(order, OK, FOUND, [], waited_for=2)
    assert (push.status, push.sales_order_id, push.said) == ("pushed", "77", OK.text)


def test_a_netsuite_refusal_on_the_wire_makes_it_rejected_with_netsuites_error(
    order: WooOrder,
) -> None:
    seen = [
        call("GET", "/services/rest/record/v1/customer/eid:woo-customer-1", 404),
        call("POST", "/hook", 500),  # not NetSuite
        call("PUT", "/services/rest/record/v1/salesOrder/eid:woo-1001", 400,
             error_code="USER_ERROR", error_detail="Invalid item reference key 9.",
             error_path="item.items[0].item"),
    ]
    push = judge(order, OK, MISSING, seen, waited_for=2)
    assert push.status == "rejected" and push.error is not None
    assert (push.error.status, push.error.code, push.error.path) == (
        400, "USER_ERROR", "item.items[0].item")
    assert push.error.method == "PUT" and push.said == OK.text


def test_a_connector_refusal_fails_the_push_with_its_answer(order: WooOrder) -> None:
    refused = Answer("webhook", "order.created", False, "answered HTTP 422: no SKU", status=422)
    push = judge(order, refused, MISSING, [call("POST", "/hook", 422)], waited_for=2)
    assert (push.status, push.problem) == ("failed", "the connector answered HTTP 422: no SKU")


def test_an_order_never_delivered_is_not_landed_and_says_why(order: WooOrder) -> None:
    unsent = Answer("webhook", "order.created", False, "was not sent the order",
                    not_sent="the webhook is paused")
    push = judge(order, unsent, MISSING, [], waited_for=2)
    assert push.status == "not-landed"
    assert push.problem == "WooCommerce did not deliver order.created: the webhook is paused"


def test_an_acknowledged_order_that_never_appears_is_not_landed(order: WooOrder) -> None:
    push = judge(order, OK, MISSING, [], waited_for=2)
    assert push.status == "not-landed" and push.said == OK.text
    assert push.problem is not None
    assert push.problem.startswith("not landed in 2 s: no Sales Order with externalId woo-1001")
    assert push.problem.endswith(OK.text)

"""verify() end to end through the embedded sandbox: the reference connector lands orders
right, and deliberately buggy connectors are caught with a readable diff."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from landing_helpers import ClientFactory, FakeClient

from harness.catalogue.spec import ScenarioSpec
from harness.connector.reference import ReferenceConnector
from harness.landing.compare import render_diff
from harness.landing.expect import expect, prefetch
from harness.landing.refdata import ReferenceData
from harness.landing.verdict import Verdict
from harness.landing.verify import LandingCheckError, verify
from harness.mapping import Mapping
from harness.netsuite.calllog import CallLog
from harness.netsuite.client import NetSuiteClient
from harness.netsuite.errors import NetSuiteError
from harness.push import PushResult
from harness.woo.generate import generate
from harness.woo.order import WooOrder
from harness.woo.orderspec import TaxSpec

SpecOf = Callable[[str], ScenarioSpec]
Land = Callable[..., tuple[WooOrder, Verdict, CallLog]]
VERDICT_KEYS = {"scenario", "order", "outcome", "sales_order_id", "mismatches", "diagnosis"}


def untaxed(spec: ScenarioSpec) -> ScenarioSpec:
    """The scenario without tax: what lands does not depend on the account's tax engine."""
    return spec.model_copy(update={"tax": TaxSpec()})


@pytest.fixture
def land(make_client: ClientFactory, mapping: Mapping, spec: SpecOf) -> Land:
    """Generate a scenario's order, push it with a connector class, verify it."""

    def run(
        name: str | ScenarioSpec,
        connector: type[ReferenceConnector] = ReferenceConnector,
        *,
        taxed: bool = True,
        connector_mapping: Mapping | None = None,
        seed: int = 5,
    ) -> tuple[WooOrder, Verdict, CallLog]:
        scenario = spec(name) if isinstance(name, str) else name
        scenario = scenario if taxed else untaxed(scenario)
        log = CallLog()
        pusher = connector(make_client(scenario.target.credential, log), connector_mapping or
                           mapping)
        order = generate(scenario, seed)
        push = pusher.push(order)
        verdict = verify(order, mapping, make_client(None, log), log, push,
                         scenario=scenario.name)
        return order, verdict, log

    return run


# -- buggy connectors -----------------------------------------------------------------------


class WrongTaxCode(ReferenceConnector):
    """Sends every order with California's tax code, whatever WooCommerce charged."""

    def _tax_code(self, rate_code: str) -> str:
        return super()._tax_code("US-CA-STATE TAX-1")


class BasePriceLevel(ReferenceConnector):
    """Sends WooCommerce's rate but leaves the line at price level Base Price."""

    def _item_lines(self, order: WooOrder) -> list[dict[str, Any]]:
        lines = super()._item_lines(order)
        for line in lines:
            line["price"] = {"id": "1"}
        return lines


class NoRateNoPriceLevel(ReferenceConnector):
    """Sends neither rate nor price level: NetSuite prices the line itself."""

    def _item_lines(self, order: WooOrder) -> list[dict[str, Any]]:
        lines = super()._item_lines(order)
        for line in lines:
            line.pop("rate")
            line.pop("price", None)
        return lines


class DropsShippingCost(ReferenceConnector):
    """Sends the ship method but forgets WooCommerce's shipping cost."""

    def _apply_shipping(self, order: WooOrder, body: dict[str, Any]) -> None:
        super()._apply_shipping(order, body)
        body.pop("shippingCost", None)


class PostsTwiceWithoutExternalId(ReferenceConnector):
    """Creates the order with POST and no externalId, then "retries" the same way."""

    def push(self, order: WooOrder) -> PushResult:
        body = self._sales_order_body(order, 1)
        body.pop("externalId")
        body["entity"] = {"id": self._customer(order, 1)}
        first = self.client.create("salesOrder", body)
        self.client.create("salesOrder", body)
        return PushResult(order.number, "pushed", sales_order_id=first)


class ClaimsWithoutSending(ReferenceConnector):
    """Reports success without ever sending the order."""

    def push(self, order: WooOrder) -> PushResult:
        return PushResult(order.number, "pushed", sales_order_id="999999")


def diff_of(verdict: Verdict) -> dict[str, tuple[object, object]]:
    return {m.field: (m.expected, m.actual) for m in verdict.mismatches}


# -- correct landings -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["new-customer", "existing-customer-email-case", "guest-checkout", "coupon-percent",
     "fee-negative", "free-shipping", "local-pickup", "tax-exempt-b2b"],
)
def test_reference_connector_lands(land: Land, name: str) -> None:
    order, verdict, _ = land(name, taxed=False)
    assert verdict.outcome == "landed", render_diff(verdict.mismatches)
    assert verdict and verdict.diagnosis is None and verdict.mismatches == ()
    assert verdict.order == order.number and verdict.sales_order_id is not None


@pytest.mark.parametrize(
    "name", ["tax-new-york-city", "canada-cad-hst", "prices-include-tax", "two-coupons"]
)
def test_reference_connector_lands_taxed_orders(land: Land, name: str) -> None:
    order, verdict, _ = land(name)
    assert order.total_tax > 0
    assert verdict.outcome == "landed", render_diff(verdict.mismatches)


def test_verdict_json_has_the_documented_shape(land: Land) -> None:
    _, landed, _ = land("new-customer", taxed=False)
    document = landed.to_json()
    assert set(document) == VERDICT_KEYS
    assert document["scenario"] == "new-customer" and document["outcome"] == "landed"
    assert document["mismatches"] == [] and document["diagnosis"] is None
    _, wrong, _ = land("new-customer", DropsShippingCost, taxed=False, seed=6)
    document = wrong.to_json()
    assert set(document) == VERDICT_KEYS
    assert document["outcome"] == "landed-wrong"
    assert {"field": "shippingCost", "expected": "8.00", "actual": "9.95"} in (
        document["mismatches"])
    assert set(document["diagnosis"]) == {"category", "summary", "hint", "evidence"}
    assert all(isinstance(line, str) for line in document["diagnosis"]["evidence"])


@pytest.mark.parametrize(
    ("name", "outcome", "category"),
    [
        ("ambiguous-customer-email", "rejected", "customer-match"),
        ("unknown-sku", "rejected", "item-mapping"),
        ("inactive-item", "rejected", "item-mapping"),
        ("item-not-in-subsidiary", "rejected", "item-mapping"),
        ("unmapped-shipping-method", "rejected", "shipping"),
        ("pending-not-synced", "not-pushed", "sync-rule"),
        ("role-without-salesorder-create", "rejected", "permission"),
        ("over-approval-limit", "rejected", "script-or-workflow"),
    ],
)
def test_orders_that_must_not_land(land: Land, name: str, outcome: str, category: str) -> None:
    _, verdict, _ = land(name)
    assert verdict.outcome == outcome and not verdict
    assert verdict.diagnosis is not None and verdict.diagnosis.category == category
    assert verdict.met(category)
    assert verdict.diagnosis.evidence


# -- buggy connectors are caught ---------------------------------------------------------------


def test_wrong_tax_code_is_caught(land: Land) -> None:
    order, verdict, _ = land("tax-new-york-city", WrongTaxCode)
    assert verdict.outcome == "landed-wrong"
    assert diff_of(verdict)["taxTotal"][0] == order.total_tax
    assert verdict.diagnosis is not None and verdict.diagnosis.category == "tax"
    assert "CA-STATE (301)" in verdict.diagnosis.summary
    assert "Send tax code NY-NYC (302) for US-NY-NYC TAX-1" in verdict.diagnosis.hint
    table = render_diff(verdict.mismatches)
    assert "taxTotal" in table and format(order.total_tax, "f") in table


def test_base_price_level_is_caught(land: Land) -> None:
    _, verdict, _ = land("tax-exempt-b2b", BasePriceLevel)
    diff = diff_of(verdict)
    assert diff["lines[HOODIE-BLK-M].priceLevel"] == ("Custom (-1)", "Base Price (1)")
    assert verdict.diagnosis is not None and verdict.diagnosis.category == "item-mapping"
    assert "price level Custom (-1) with the rate" in verdict.diagnosis.hint


def test_rate_resourced_from_the_customers_price_level_is_caught(land: Land) -> None:
    _, verdict, _ = land("tax-exempt-b2b", NoRateNoPriceLevel)
    diff = diff_of(verdict)
    # Northwind buys at Wholesale (-20 %): NetSuite's own price replaced WooCommerce's.
    assert diff["lines[HOODIE-BLK-M].rate"] == (Decimal("49.00"), Decimal("39.20"))
    assert diff["lines[HOODIE-BLK-M].priceLevel"] == ("Custom (-1)", "Wholesale (2)")
    assert verdict.diagnosis is not None and verdict.diagnosis.category == "item-mapping"
    assert "at rate 39.20 instead of 49.00" in verdict.diagnosis.summary
    assert "lines[HOODIE-BLK-M].rate" in render_diff(verdict.mismatches)


def test_case_sensitive_customer_match_is_caught(land: Land, mapping: Mapping) -> None:
    sloppy = mapping.customer.model_copy(update={"email_case_insensitive": False})
    order, verdict, _ = land("existing-customer-email-case", taxed=False,
                             connector_mapping=mapping.model_copy(update={"customer": sloppy}))
    diff = diff_of(verdict)
    assert diff["customers.count"] == (1, 2)
    assert diff["customer"][0] == "Jane Doe <jane.doe@example.com> (1001)"
    assert verdict.diagnosis is not None and verdict.diagnosis.category == "customer-match"
    assert "duplicate customer" in verdict.diagnosis.summary
    typed = order.billing.email or ""
    assert any(typed in line and "suiteql" in line for line in verdict.diagnosis.evidence)


def test_dropped_shipping_cost_is_caught(land: Land) -> None:
    order, verdict, _ = land("new-customer", DropsShippingCost, taxed=False)
    # NetSuite sourced UPS Ground's own rate instead of WooCommerce's flat rate.
    assert diff_of(verdict)["shippingCost"] == (order.shipping_total, Decimal("9.95"))
    assert verdict.diagnosis is not None and verdict.diagnosis.category == "shipping"
    assert "Send shippingCost" in verdict.diagnosis.hint
    assert any(line.startswith("PUT /services/rest/record/v1/salesOrder/eid:")
               for line in verdict.diagnosis.evidence)


def test_duplicate_orders_are_caught(land: Land) -> None:
    _, verdict, _ = land("new-customer", PostsTwiceWithoutExternalId, taxed=False)
    assert diff_of(verdict)["orders.count"] == (1, 2)
    assert verdict.diagnosis is not None and verdict.diagnosis.category == "sync-rule"
    assert sum("POST /services/rest/record/v1/salesOrder → 204" in line
               for line in verdict.diagnosis.evidence) == 2


def test_success_without_an_order_is_never_a_success(land: Land) -> None:
    _, verdict, _ = land("new-customer", ClaimsWithoutSending, taxed=False)
    assert verdict.outcome == "not-pushed" and not verdict
    assert verdict.diagnosis is not None and "999999" in verdict.diagnosis.summary


def test_a_role_without_create_permission_names_the_permission(land: Land) -> None:
    _, verdict, _ = land("role-without-salesorder-create", taxed=False)
    assert verdict.diagnosis is not None
    assert "Grant the role 'Transactions > Sales Order' at Create level" in (
        verdict.diagnosis.hint)
    assert verdict.diagnosis.evidence[0].startswith(
        "PUT /services/rest/record/v1/salesOrder/eid:")


def test_an_item_outside_the_subsidiary_names_the_sku(land: Land) -> None:
    _, verdict, _ = land("item-not-in-subsidiary")
    assert verdict.diagnosis is not None
    assert "TEE-RED-S (103)" in verdict.diagnosis.summary
    assert "(path: item.items[0].item)" in verdict.diagnosis.evidence[0]


# -- invalid orders, watched connectors, budget ------------------------------------------------


def test_an_unreadable_order_is_invalid(make_client: ClientFactory, mapping: Mapping) -> None:
    log = CallLog()
    verdict = verify({"id": 12, "number": "12", "status": "processing"}, mapping,
                     make_client(None, log), log, None)
    assert verdict.outcome == "invalid-order" and verdict.order == "12"
    assert verdict.diagnosis is not None and verdict.diagnosis.category == "invalid-order"
    assert verdict.diagnosis.evidence and len(log) == 0


def test_an_order_whose_numbers_do_not_add_up_is_invalid(
    make_client: ClientFactory, mapping: Mapping, spec: SpecOf
) -> None:
    wire = generate(spec("new-customer"), 1).to_wire()
    wire["total"] = "1.00"
    log = CallLog()
    verdict = verify(wire, mapping, make_client(None, log), log, None)
    assert verdict.outcome == "invalid-order"
    assert verdict.diagnosis is not None and "total" in verdict.diagnosis.summary


def test_an_absurd_quantity_is_an_invalid_order_naming_the_field_never_a_tax_finding(
    make_client: ClientFactory, mapping: Mapping, spec: SpecOf
) -> None:
    wire = generate(spec("tax-new-york-city"), 1).to_wire()
    wire["line_items"][0]["quantity"] = 10**30  # the totals are left as they were
    log = CallLog()
    verdict = verify(wire, mapping, make_client(None, log), log, None)
    assert verdict.outcome == "invalid-order" and not verdict.mismatches
    assert verdict.diagnosis is not None and verdict.diagnosis.category == "invalid-order"
    assert "line_items[0].quantity" in verdict.diagnosis.summary
    assert "at most 1,000,000 per line" in verdict.diagnosis.summary
    assert len(log) == 0  # nothing was read: the order itself is the finding


def test_a_watched_connector_is_judged_from_its_call_log(
    make_client: ClientFactory, mapping: Mapping, spec: SpecOf
) -> None:
    """No PushResult: the order's Sales Order is found by its reference numbers."""
    log = CallLog()
    order = generate(untaxed(spec("existing-customer")), 2)
    ReferenceConnector(make_client(None, log), mapping).push(order)
    verdict = verify(order, mapping, make_client(None, log), log, None)
    assert verdict.outcome == "landed", render_diff(verdict.mismatches)


def test_a_shared_call_log_never_lends_another_orders_sales_order(
    make_client: ClientFactory, mapping: Mapping, spec: SpecOf
) -> None:
    log = CallLog()
    sent = generate(untaxed(spec("existing-customer")), 2)
    ReferenceConnector(make_client(None, log), mapping).push(sent)
    never_sent = generate(untaxed(spec("new-customer")), 2)
    verdict = verify(never_sent, mapping, make_client(None, log), log, None)
    assert verdict.outcome == "not-pushed" and verdict.sales_order_id is None
    assert verdict.diagnosis is not None and verdict.diagnosis.category == "sync-rule"


def test_expectation_computed_before_the_push(
    make_client: ClientFactory, mapping: Mapping, spec: SpecOf
) -> None:
    log = CallLog()
    client = make_client(None, log)
    order = generate(untaxed(spec("new-customer")), 2)
    expected = expect(order, mapping, ReferenceData(client))
    push = ReferenceConnector(client, mapping).push(order)
    verdict = verify(order, mapping, client, log, push, expected=expected)
    assert verdict.outcome == "landed"


def test_readback_is_three_requests_once_reference_data_is_known(
    make_client: ClientFactory, mapping: Mapping, spec: SpecOf
) -> None:
    log = CallLog()
    client: NetSuiteClient = make_client(None, log)
    order = generate(untaxed(spec("existing-customer")), 3)
    push = ReferenceConnector(client, mapping).push(order)
    lookups = ReferenceData(client)
    prefetch([order], mapping, lookups)
    before = len(log)
    verdict = verify(order, mapping, client, log, push, lookups=lookups)
    assert verdict.outcome == "landed"
    assert [(c.method, c.path.rsplit("/", 1)[-1]) for c in log.calls[before:]] == [
        ("POST", "suiteql"), ("GET", push.sales_order_id), ("POST", "suiteql")
    ]


class _Unreadable:
    """A client whose every read is refused (a revoked token, say)."""

    def suiteql_all(self, q: str) -> list[dict[str, str]]:
        raise NetSuiteError(401, "Invalid login attempt.", code="INVALID_LOGIN", method="POST",
                            url="https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/"
                            "query/v1/suiteql")

    def get(self, record_type: str, record_id: str | int, *, expand: bool = False) -> Any:
        raise AssertionError("not reached")


def test_unreadable_account_after_a_refusal_still_gives_the_refusal(
    mapping: Mapping, spec: SpecOf
) -> None:
    order = generate(untaxed(spec("new-customer")), 1)
    error = NetSuiteError(401, "Invalid login attempt.", code="INVALID_LOGIN", method="PUT",
                          url="https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/"
                          "record/v1/salesOrder/eid:woo-1")
    push = PushResult(order.number, "rejected", error=error, stage="sales-order")
    lookups = ReferenceData(FakeClient({"currency": [{"id": "1", "symbol": "USD"}],
                                        "subsidiary": [{"id": "1", "name": "Acme"}]}))
    verdict = verify(order, mapping, _Unreadable(), CallLog(), push, lookups=lookups)
    assert verdict.outcome == "rejected"
    assert verdict.diagnosis is not None and verdict.diagnosis.category == "auth"


def test_unreadable_account_after_a_success_is_an_error_not_a_verdict(
    mapping: Mapping, spec: SpecOf
) -> None:
    order = generate(untaxed(spec("new-customer")), 1)
    push = PushResult(order.number, "pushed", sales_order_id="7")
    with pytest.raises(LandingCheckError, match=f"order #{order.number} back from NetSuite"):
        verify(order, mapping, _Unreadable(), CallLog(), push)

"""expect(): the Sales Order a WooCommerce order must become, from the order, the mapping's data
and the demo account's reference data."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from landing_helpers import ClientFactory, FakeClient

from harness.catalogue.spec import ScenarioSpec
from harness.landing.expect import expect, prefetch, reference_numbers
from harness.landing.expect_lines import unit_rate
from harness.landing.expected import ExpectedLanding
from harness.landing.mapping_reading import order_values
from harness.landing.refdata import ReferenceData
from harness.mapping import Mapping
from harness.woo.generate import generate
from harness.woo.order import WooOrder
from harness.woo.orderspec import TaxSpec

SpecOf = Callable[[str], ScenarioSpec]


@pytest.fixture
def lookups(make_client: ClientFactory) -> ReferenceData:
    return ReferenceData(make_client())


@pytest.fixture
def expected_for(
    spec: SpecOf, mapping: Mapping, lookups: ReferenceData
) -> Callable[..., tuple[WooOrder, ExpectedLanding]]:
    def build(name: str, seed: int = 3, **changes: object) -> tuple[WooOrder, ExpectedLanding]:
        scenario = spec(name).model_copy(update=changes) if changes else spec(name)
        order = generate(scenario, seed)
        return order, expect(order, mapping, lookups)

    return build


def test_unit_rate_is_exact_at_currency_precision_or_eight_decimals() -> None:
    assert unit_rate(Decimal("98.00"), Decimal(2), 2) == Decimal("49.00")
    assert unit_rate(Decimal("10.00"), Decimal(3), 2) == Decimal("3.33333333")
    assert unit_rate(Decimal("1000"), Decimal(3), 0) == Decimal("333.33333333")


def test_new_customer_order(expected_for: Callable[..., tuple[WooOrder, ExpectedLanding]]) -> None:
    order, exp = expected_for("new-customer")
    assert exp.should_land and exp.order_count == 1 and exp.problems == ()
    assert exp.customer.mode == "new"
    assert exp.customer.email == (order.billing.email or "").lower()
    assert (exp.customer.first_name, exp.customer.last_name) == (
        order.billing.first_name, order.billing.last_name)
    assert exp.subsidiary is not None and exp.subsidiary.id == "1"
    assert exp.currency is not None and exp.currency.id == "1"
    [line] = exp.lines
    woo = order.line_items[0]
    assert (line.key, line.item.id) == ("HOODIE-BLK-M", "101")
    assert line.quantity == woo.quantity and line.rate == woo.subtotal / woo.quantity
    assert line.amount == woo.subtotal
    assert exp.shipping_method is not None and str(exp.shipping_method) == "UPS Ground (201)"
    assert exp.shipping_cost == order.shipping_total
    assert exp.tax_total == order.total_tax and exp.total == order.total
    assert exp.discount_total == 0 and exp.discount_item is None
    assert exp.external_id == f"woo-{order.number}" and exp.other_ref_num == order.number
    assert exp.billing_address.addr1 == order.billing.address_1
    assert [c.code.id for c in exp.tax_codes if c.code] == ["301"]


def test_existing_customer_matched_by_email_whatever_its_case(
    expected_for: Callable[..., tuple[WooOrder, ExpectedLanding]],
) -> None:
    order, exp = expected_for("existing-customer-email-case")
    assert order.billing.email != "jane.doe@example.com"  # typed with other capitals
    assert exp.customer.mode == "existing"
    assert exp.customer.existing is not None and exp.customer.existing.id == "1001"
    assert exp.customer.unique_email


def test_two_customers_sharing_the_email_block_the_order(
    expected_for: Callable[..., tuple[WooOrder, ExpectedLanding]],
) -> None:
    _, exp = expected_for("ambiguous-customer-email")
    assert exp.customer.mode == "ambiguous"
    assert [c.id for c in exp.customer.candidates] == ["1004", "1005"]
    assert not exp.should_land and exp.order_count == 0
    [found] = exp.problems
    assert found.category == "customer-match" and "dup@example.com" in found.summary


def test_first_match_policy_takes_the_oldest_customer(
    spec: SpecOf, mapping: Mapping, lookups: ReferenceData
) -> None:
    rules = mapping.customer.model_copy(update={"on_multiple_matches": "first"})
    order = generate(spec("ambiguous-customer-email"), 1)
    exp = expect(order, mapping.model_copy(update={"customer": rules}), lookups)
    assert exp.customer.existing is not None and exp.customer.existing.id == "1004"
    assert not exp.customer.unique_email and exp.problems == ()


@pytest.mark.parametrize(
    ("name", "sku", "words"),
    [
        ("unknown-sku", "HOODIE-PNK-XL", ["has no NetSuite item", "items.variations"]),
        ("inactive-item", "POSTER-OLD", ["inactive"]),
        ("item-not-in-subsidiary", "TEE-RED-S", ["subsidiary", "Acme Outfitters Canada"]),
    ],
)
def test_items_that_cannot_land_are_named(
    expected_for: Callable[..., tuple[WooOrder, ExpectedLanding]],
    name: str,
    sku: str,
    words: list[str],
) -> None:
    _, exp = expected_for(name)
    [found] = exp.problems
    assert found.category == "item-mapping" and found.field == f"lines[{sku}]"
    assert sku in found.summary
    assert all(word in found.summary + found.hint for word in words)
    assert exp.order_count == 0


def test_unmapped_shipping_method_is_a_shipping_problem(
    expected_for: Callable[..., tuple[WooOrder, ExpectedLanding]],
) -> None:
    _, exp = expected_for("unmapped-shipping-method")
    [found] = exp.problems
    assert found.category == "shipping" and "table_rate" in found.summary + found.hint
    assert exp.shipping_method is None


def test_pending_order_must_not_land(
    expected_for: Callable[..., tuple[WooOrder, ExpectedLanding]],
) -> None:
    _, exp = expected_for("pending-not-synced")
    assert not exp.should_sync and exp.order_count == 0 and exp.problems == ()


def test_coupons_become_one_header_discount_and_lines_keep_pre_discount_rates(
    expected_for: Callable[..., tuple[WooOrder, ExpectedLanding]],
) -> None:
    order, exp = expected_for("two-coupons")
    assert order.discount_total > 0 and len(order.coupon_lines) == 2
    assert exp.discount_total == -order.discount_total
    assert exp.discount_item is not None and exp.discount_item.name == "Web Discount"
    for line, woo in zip(exp.lines, order.line_items, strict=True):
        assert line.rate * line.quantity == woo.subtotal  # before the coupons
        assert woo.total < woo.subtotal


def test_declared_net_pricing_expects_lines_after_coupons_and_no_discount(
    spec: SpecOf, mapping: Mapping, lookups: ReferenceData
) -> None:
    order = generate(spec("two-coupons"), 3)
    net = mapping.model_copy(update={"discounts": mapping.discounts.model_copy(
        update={"strategy": "net-price"})})
    exp = expect(order, net, lookups)
    assert exp.discount_item is None and exp.discount_total == 0
    assert exp.discount_strategy == "net-price" and exp.problems == ()
    for line, woo in zip(exp.lines, order.line_items, strict=True):
        assert line.rate == line.net_rate == unit_rate(woo.total, Decimal(woo.quantity), 2)
    assert sum((line.amount for line in exp.lines), Decimal(0)) == sum(
        (woo.total for woo in order.line_items), Decimal(0))
    assert exp.total == order.total  # the coupons are inside the lines, nothing is lost


def test_the_default_strategy_keeps_the_net_price_only_for_diagnosis(
    expected_for: Callable[..., tuple[WooOrder, ExpectedLanding]],
) -> None:
    order, exp = expected_for("coupon-percent")
    hoodie = exp.line("HOODIE-BLK-M")
    assert exp.discount_strategy == "item" and exp.coupon_codes == ("welcome10",)
    assert hoodie is not None and hoodie.rate == Decimal("49.00")
    assert hoodie.net_rate == order.line_items[0].total  # 44.10 after the 10% coupon


def test_the_shipping_tax_and_the_subsidiarys_tax_model_are_known(
    expected_for: Callable[..., tuple[WooOrder, ExpectedLanding]],
) -> None:
    order, exp = expected_for("tax-new-york-city")
    assert exp.shipping_tax == order.shipping_tax == Decimal("0.71") and not exp.tax_per_line
    _, canada = expected_for("canada-cad-hst")
    assert canada.tax_per_line
    _, exempt = expected_for("tax-exempt-b2b")
    assert exempt.shipping_tax == 0


def test_negative_fee_is_a_line_of_the_fee_item(
    expected_for: Callable[..., tuple[WooOrder, ExpectedLanding]],
) -> None:
    order, exp = expected_for("fee-negative")
    fee = exp.line("fee:Loyalty discount")
    assert fee is not None and fee.kind == "fee"
    assert fee.item.name == "Handling Fee" and fee.item.id == "121"
    assert fee.rate == fee.amount == order.fee_lines[0].total == Decimal("-6.00")


def test_exempt_order_expects_no_tax(
    expected_for: Callable[..., tuple[WooOrder, ExpectedLanding]],
) -> None:
    order, exp = expected_for("tax-exempt-b2b")
    assert order.is_vat_exempt
    assert exp.tax_total == 0
    assert [c.code.name for c in exp.tax_codes if c.code] == ["-Not Taxable-"]


def test_prices_including_tax_land_at_net_rates(
    expected_for: Callable[..., tuple[WooOrder, ExpectedLanding]],
) -> None:
    order, exp = expected_for("prices-include-tax")
    assert order.prices_include_tax
    hoodie = exp.line("HOODIE-BLK-M")
    assert hoodie is not None and hoodie.rate < Decimal("49.00")
    assert sum((line.amount for line in exp.lines), Decimal(0)) == sum(
        (li.subtotal for li in order.line_items), Decimal(0))
    assert exp.tax_total == order.total_tax


def test_pass_through_tax_is_a_line_and_no_netsuite_tax(
    spec: SpecOf, mapping: Mapping, lookups: ReferenceData
) -> None:
    tax = mapping.tax.model_copy(update={"strategy": "pass-through",
                                         "pass_through_item": "STICKER-PACK"})
    order = generate(spec("tax-new-york-city"), 2)
    exp = expect(order, mapping.model_copy(update={"tax": tax}), lookups)
    line = exp.line("tax")
    assert line is not None and line.amount == order.total_tax and line.item.id == "106"
    assert exp.tax_total == 0 and exp.tax_codes == ()


def test_cad_order_routes_to_the_canadian_subsidiary(
    expected_for: Callable[..., tuple[WooOrder, ExpectedLanding]],
) -> None:
    _, exp = expected_for("canada-cad-hst")
    assert exp.subsidiary is not None and exp.subsidiary.id == "2"
    assert exp.currency is not None and exp.currency.name == "CAD"
    assert exp.problems == ()


def test_repeated_skus_get_distinct_keys(
    spec: SpecOf, mapping: Mapping, lookups: ReferenceData
) -> None:
    base = spec("new-customer")
    scenario = base.model_copy(update={"lines": [base.lines[0], base.lines[0]]})
    exp = expect(generate(scenario, 1), mapping, lookups)
    assert [line.key for line in exp.lines] == ["HOODIE-BLK-M", "HOODIE-BLK-M#2"]


def test_no_shipping_address_is_not_expected(
    spec: SpecOf, mapping: Mapping, lookups: ReferenceData
) -> None:
    order = generate(spec("new-customer"), 1)
    wire = order.to_wire()
    wire["shipping"] = {key: "" for key in wire["shipping"]}
    exp = expect(WooOrder.parse(wire), mapping, lookups)
    assert exp.shipping_address is None


def test_missing_currency_and_unmapped_tax_rate_are_problems(
    spec: SpecOf, mapping: Mapping, lookups: ReferenceData
) -> None:
    scenario = spec("tax-new-york-city").model_copy(update={"currency": "EUR"})
    order = generate(scenario, 1)
    no_codes = mapping.tax.model_copy(update={"codes": {}})
    exp = expect(order, mapping.model_copy(update={"tax": no_codes}), lookups)
    categories = {p.field: p.category for p in exp.problems}
    assert categories["currency"] == "validation-rule"
    assert categories["taxItem"] == "tax"
    assert any("US-NY-NYC TAX" in p.hint for p in exp.problems if p.category == "tax")


def test_order_values_and_reference_numbers(
    spec: SpecOf, mapping: Mapping
) -> None:
    order = generate(spec("new-customer"), 4)
    values = order_values(order, prefix="run7-")
    assert values["number"] == order.number and values["prefix"] == "run7-"
    custom = mapping.order.model_copy(update={"external_id": "{prefix}woo-{id}",
                                               "other_ref_num": "WC{number}"})
    eid, ref = reference_numbers(order, mapping.model_copy(update={"order": custom}), "run7-")
    assert eid == f"run7-woo-{order.id}" and ref == f"WC{order.number}"


def test_prefetch_resolves_a_batch_with_one_query_per_kind(
    spec: SpecOf, mapping: Mapping
) -> None:
    orders = [generate(spec(name), 1) for name in
              ("new-customer", "multi-item", "two-coupons", "fee-positive", "canada-cad-hst")]
    fake = FakeClient()
    refs = ReferenceData(fake)
    prefetch(orders, mapping, refs)
    tables = [q.split(" FROM ")[1].split()[0] for q in fake.queries]
    assert sorted(tables) == sorted(
        ["item", "shipitem", "salestaxitem", "taxgroup", "customer", "currency", "subsidiary"]
    )
    before = len(fake.queries)
    for order in orders:
        expect(order, mapping, refs)
    assert len(fake.queries) == before  # everything was already known


def test_taxless_variant_of_a_scenario(spec: SpecOf, mapping: Mapping,
                                       lookups: ReferenceData) -> None:
    """Scenarios can be replayed without tax: nothing to map, nothing expected."""
    order = generate(spec("new-customer").model_copy(update={"tax": TaxSpec()}), 1)
    exp = expect(order, mapping, lookups)
    assert order.total_tax == 0 and exp.tax_total == 0 and exp.tax_codes == ()

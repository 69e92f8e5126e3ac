"""Every mismatch has a category; the diagnosis names the primary cause, lists the others, spots
a connector's other shape for the same money, and speaks the reader's words."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from landing_helpers import SO_PATH, call, expected_line, make_actual, make_expected, pushed

from harness.landing.compare import compare
from harness.landing.diagnose import diagnose
from harness.landing.expected import ExpectedLanding, ExpectedTaxCode
from harness.landing.findings.categories import category_of
from harness.landing.readback import ActualLanding, ActualLine
from harness.landing.refdata import NamedRef
from harness.landing.verdict import CATEGORIES, Diagnosis
from harness.netsuite.calllog import CallLog
from harness.push import PushResult

D = Decimal
STORE = PushResult("5001", "pushed", sales_order_id="7001", said="returned {'ok': True}")
# The reference mapping's keys: never in a hint for a connector the harness does not own
# (declaring the store's own shape to the harness, `*.strategy`, is the exception).
MAPPING_KEYS = re.compile(
    r"tax\.codes|tax\.exempt_code|items\.(variations|products)|shipping\.(methods|default)|"
    r"subsidiaries\.(routes|default)|discounts\.item|fees\.item|customer\.(guests|guest_customer|"
    r"on_multiple_matches)|order\.other_ref_num|in the mapping\b(?! it checks)"
)


def landing(actual: ActualLanding, expected: ExpectedLanding | None = None,
            sent: dict[str, Any] | None = None, push: PushResult | None = None) -> Diagnosis:
    expected = expected or make_expected()
    body = {"externalId": "woo-5001", **(sent or {})}
    log = CallLog(calls=[call("PUT", f"{SO_PATH}/eid:woo-5001", 204, body=body)])
    found = diagnose(push or pushed(sales_order_id="7001"), log, compare(expected, actual),
                     expected, actual=actual)
    assert found is not None
    return found


def test_every_mismatch_field_has_a_category_of_the_verdict() -> None:
    fields = ["customer", "customers.count", "lines[X].rate", "lines[tax]", "taxTotal",
              "shippingCost", "shipMethod", "discountTotal", "billingAddress.city",
              "shippingAddress", "externalId", "subsidiary", "total"]
    assert {category_of(f) for f in fields} <= set(CATEGORIES)
    assert category_of("billingAddress.zip") == category_of("shippingAddress") == "address"


# -- addresses -----------------------------------------------------------------------------


def test_addresses_never_sent_are_an_address_finding_that_says_so() -> None:
    found = landing(make_actual(billing_address=None, shipping_address=None))
    assert found.category == "address"
    assert found.summary == (
        "order #5001 landed without a billing address and shipping address: none was sent, "
        "and the customer has no default address for NetSuite to copy.")
    assert "billingAddress and shippingAddress" in found.hint and "postcode" in found.hint
    assert "sent no billingAddress, shippingAddress" in found.evidence


def test_an_address_not_sent_lands_as_the_customers_default() -> None:
    other = replace(make_actual().billing_address, addr1="1 Old Road")  # type: ignore[type-var]
    found = landing(make_actual(billing_address=other), sent={"shippingAddress": {"zip": "1"}})
    assert found.category == "address"
    assert "billing address" in found.summary and "NetSuite copied the customer's default" in (
        found.summary)


# -- the primary cause and the others ----------------------------------------------------------


def test_the_primary_cause_is_named_and_the_others_listed_with_their_own_sentence() -> None:
    actual = make_actual(shipping_cost=None, tax_total=D("7.40"), total=D("117.40"),
                         billing_address=None)
    found = landing(actual, sent={"shipMethod": {"id": "201"}})
    assert found.category == "shipping"
    assert found.summary.endswith(
        "was dropped. Also wrong: tax (taxTotal), address (billingAddress).")
    also = [e for e in found.evidence if e.startswith("also ")]
    assert [e.split(":")[0] for e in also] == ["also tax", "also address"]
    assert "total" not in found.summary  # the total only follows from the others


def test_a_wrong_total_alone_is_its_own_finding() -> None:
    found = landing(make_actual(total=D("130.98")))
    assert found.category == "validation-rule" and "though its parts match" in found.summary


# -- shapes: net prices, shipping and tax as lines ----------------------------------------------


def coupon_order(**changes: Any) -> ExpectedLanding:
    """Jane's order with a 10% coupon (welcome10): lines before coupons, one discount."""
    lines = (
        expected_line("HOODIE-BLK-M", "101", 2, "49.00", net_rate=D("44.10")),
        expected_line("MUG-WHT", "104", 1, "12.00", net_rate=D("10.80")),
    )
    fields: dict[str, Any] = {
        "lines": lines, "discount_item": NamedRef("120", "Web Discount"),
        "discount_total": D("-11.00"), "coupon_codes": ("welcome10",), "tax_total": D("7.18"),
        "total": D("106.18"),
    }
    return make_expected(**{**fields, **changes})


def net_lines() -> tuple[ActualLine, ...]:
    return (
        ActualLine(NamedRef("101", "HOODIE-BLK-M"), D(2), D("44.10"), D("88.20"),
                   NamedRef("-1", "Custom")),
        ActualLine(NamedRef("104", "MUG-WHT"), D(1), D("10.80"), D("10.80"),
                   NamedRef("-1", "Custom")),
    )


def test_net_prices_without_a_discount_are_a_discount_finding_not_wrong_lines() -> None:
    actual = make_actual(lines=net_lines(), tax_total=D("7.18"), total=D("106.18"),
                         discount_total=None)
    found = landing(actual, coupon_order())
    assert found.category == "discount"
    assert "prices after coupons, with no discount" in found.summary
    assert "HOODIE-BLK-M at 44.10 instead of 49.00" in found.summary
    assert "-11.00 (welcome10)" in found.summary
    assert "Also wrong" not in found.summary  # the lines are this cause, not another
    assert "discountItem Web Discount (120)" in found.hint
    assert "discounts.strategy: net-price" in found.hint


def test_declared_net_pricing_expects_the_net_lines_and_lands() -> None:
    expected = coupon_order(discount_item=None, discount_total=D("0.00"),
                            discount_strategy="net-price",
                            lines=tuple(replace(ln, rate=ln.net_rate, amount=ln.net_rate *
                                                ln.quantity) for ln in coupon_order().lines))
    actual = make_actual(lines=net_lines(), tax_total=D("7.18"), total=D("106.18"))
    assert compare(expected, actual) == []


def test_a_discount_sent_although_net_pricing_is_declared() -> None:
    expected = coupon_order(discount_item=None, discount_total=D("0.00"),
                            discount_strategy="net-price",
                            lines=tuple(replace(ln, rate=ln.net_rate, amount=ln.net_rate *
                                                ln.quantity) for ln in coupon_order().lines))
    actual = make_actual(tax_total=D("7.18"), total=D("106.18"), discount_total=D("-11.00"),
                         discount_item=NamedRef("120", "Web Discount"))
    found = landing(actual, expected)
    assert found.category == "discount" and "declares net pricing" in found.summary


def test_shipping_sent_as_an_item_line() -> None:
    ship_line = ActualLine(NamedRef("130", "SHIPPING"), D(1), D(8), D(8))
    actual = make_actual(lines=(*make_actual().lines, ship_line), shipping_cost=None,
                         ship_method=None)
    found = landing(actual)
    assert found.category == "shipping"
    assert "landed as an item line (1 × 8.00 = 8.00 (SHIPPING, item 130))" in found.summary
    assert "shipMethod UPS Ground (201) and shippingCost 8.00" in found.hint
    assert "item-mapping" not in found.summary  # the extra line is the shipping


def test_tax_sent_as_an_item_line() -> None:
    tax_line = ActualLine(NamedRef("131", "SALES TAX"), D(1), D("7.98"), D("7.98"))
    actual = make_actual(lines=(*make_actual().lines, tax_line), tax_total=D(0))
    found = landing(actual)
    assert found.category == "tax" and "landed as an item line" in found.summary
    assert "tax.strategy: pass-through" in found.hint


# -- tax: shipping, exemption, header vs line ---------------------------------------------------


def nyc_order(**changes: Any) -> ExpectedLanding:
    """A New York order: 8.875% on the lines and on 8.00 shipping (0.71)."""
    code = ExpectedTaxCode("US-NY-NYC TAX-1", D("8.875"), NamedRef("302", "NY-NYC"))
    return make_expected(tax_codes=(code,), tax_total=D("10.47"), total=D("128.47"),
                         shipping_tax=D("0.71"), **changes)


def test_a_tax_gap_of_exactly_the_shipping_tax_says_shipping_was_not_taxed() -> None:
    actual = make_actual(tax_total=D("9.76"), total=D("127.76"),
                         tax_item=NamedRef("302", "NY-NYC"), tax_rate=D("8.875"))
    found = landing(actual, nyc_order(), sent={"taxItem": {"id": "302"}})
    assert found.category == "tax"
    assert "0.71 short: exactly WooCommerce's tax on shipping (8.00 × 8.875% = 0.71)" in (
        found.summary)
    assert "shippingTaxCode NY-NYC (302)" in found.hint and "taxable" in found.hint


def test_shipping_taxed_by_netsuite_but_not_by_woocommerce() -> None:
    actual = make_actual(tax_total=D("8.56"), total=D("126.56"), tax_rate=D("7.25"))
    found = landing(actual, sent={"shippingTaxCode": {"id": "301"}})
    assert found.category == "tax" and "0.58 over" in found.summary
    assert "Send no shippingTaxCode" in found.hint


def test_tax_on_an_exempt_order_names_the_exemption_and_the_exempt_code() -> None:
    exempt = ExpectedTaxCode("exempt", D(0), NamedRef("304", "-Not Taxable-"))
    expected = make_expected(tax_codes=(exempt,), tax_total=D("0.00"), total=D("118.00"),
                             tax_exempt=True)
    actual = make_actual(tax_total=D("9.76"), total=D("127.76"),
                         tax_item=NamedRef("302", "NY-NYC"), tax_rate=D("8.875"))
    found = landing(actual, expected, sent={"taxItem": {"id": "302"}}, push=STORE)
    assert found.category == "tax"
    assert "the order is tax exempt (meta is_vat_exempt = yes)" in found.summary
    assert "NY-NYC (302) at 8.875%" in found.summary
    assert "send -Not Taxable- (304) as the Sales Order's taxItem" in found.hint
    assert not MAPPING_KEYS.search(found.hint)


def test_a_header_tax_code_where_the_subsidiary_taxes_each_line() -> None:
    expected = make_expected(tax_per_line=True, subsidiary=NamedRef("2", "Acme Canada"))
    found = landing(make_actual(tax_total=D(0), total=D("118.00"),
                                subsidiary=NamedRef("2", "Acme Canada")),
                    expected, sent={"taxItem": {"id": "401"}})
    assert found.category == "tax" and "one header tax code (taxItem)" in found.summary
    assert "taxCode on every line" in found.hint


def test_line_tax_codes_where_the_subsidiary_takes_one_header_code() -> None:
    sent = {"item": {"items": [{"item": {"id": "101"}, "taxCode": {"id": "301"}}]}}
    found = landing(make_actual(tax_total=D(0), total=D("118.00")), sent=sent)
    assert found.category == "tax" and "a tax code per line" in found.summary
    assert "header taxItem" in found.hint


# -- whose words ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "actual",
    [
        make_actual(tax_total=D("9.76"), total=D("127.76"), tax_item=NamedRef("302", "NY-NYC")),
        make_actual(tax_total=D(0), total=D("118.00")),
        make_actual(tax_total=D("7.40"), total=D("125.40")),
        make_actual(ship_method=NamedRef("203", "Will Call")),
        make_actual(subsidiary=NamedRef("2", "Acme Canada")),
        make_actual(external_id="WC-5001"),
        make_actual(lines=(make_actual().lines[0],)),
    ],
)
def test_hints_for_a_store_connector_name_no_mapping_keys(actual: ActualLanding) -> None:
    ours = landing(actual)
    theirs = landing(actual, push=STORE)
    assert ours.category == theirs.category and ours.summary == theirs.summary
    assert not MAPPING_KEYS.search(theirs.hint), theirs.hint


def test_the_same_wrong_tax_code_in_both_readers_words() -> None:
    actual = make_actual(tax_total=D("9.76"), total=D("127.76"),
                         tax_item=NamedRef("302", "NY-NYC"), tax_rate=D("8.875"))
    assert "the mapping's tax.codes" in landing(actual).hint
    theirs = landing(actual, push=STORE).hint
    assert theirs == ("Send tax code CA-STATE (301) as the taxItem for WooCommerce's tax rate "
                      "US-CA-STATE TAX-1 (7.25%).")
    # A store's own connector class (a redefined `connector` fixture) says nothing, and has
    # no mapping file either: the store's words too.
    own_class = PushResult("5001", "pushed", sales_order_id="7001")
    assert landing(actual, push=own_class).hint == theirs

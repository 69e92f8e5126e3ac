"""Something carried in another shape than the expectation's: one cause, not many mismatches.

A connector may land the right money in another representation: lines at WooCommerce's net
prices with no discount (coupons lost from NetSuite's books), shipping as an item line
instead of ship method + cost, WooCommerce's tax as an item line while NetSuite charges
none. Field by field these look like wrong lines, a dropped shipping cost or missing tax;
each detector here claims those mismatches and names the shape instead, with the two ways
out: send the expected shape, or declare the store's shape to the harness where the mapping
has an option for it (integrators do both, reference salesorder-semantics 2.5, 3, 4.1).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from harness.landing.compare import describe_line
from harness.landing.findings.categories import Finding
from harness.landing.findings.scene import Scene, close
from harness.landing.findings.text import line_key, money, sent_fields, shown
from harness.landing.readback import ActualLine
from harness.landing.verdict import Mismatch

Detector = Callable[[list[Mismatch], Scene], Finding | None]


def representations(
    mismatches: list[Mismatch], scene: Scene
) -> tuple[list[Finding], list[Mismatch]]:
    """The shapes found (worded findings) and the mismatches none of them explains."""
    found: list[Finding] = []
    rest = list(mismatches)
    for detect in (_net_prices, _discount_despite_net_prices, _shipping_as_line, _tax_as_line):
        finding = detect(rest, scene)
        if finding is not None:
            found.append(finding)
            rest = [m for m in rest if m not in finding.mismatches]
    return found, rest


def _extra_line(mismatches: list[Mismatch], scene: Scene, amount: Decimal) -> Mismatch | None:
    """The mismatch of a line WooCommerce does not have whose amount is `amount`."""
    if scene.actual is None or not amount:
        return None
    extras = {m.field: m for m in mismatches if m.field.startswith("lines[") and m.expected is None}
    for line in scene.actual.lines:
        name = line.item.name or f"item {line.item.id}"
        if f"lines[{name}]" in extras and close(line.amount, amount):
            return extras[f"lines[{name}]"]
    return None


def _shown_line(line: ActualLine | None, precision: int) -> str:
    if line is None:
        return "an item line"
    return describe_line(line.item, line.quantity, line.rate, line.amount, precision)


def _line_of(mismatch: Mismatch, scene: Scene) -> ActualLine | None:
    key = line_key(mismatch)
    lines = scene.actual.lines if scene.actual else ()
    return next((ln for ln in lines if (ln.item.name or f"item {ln.item.id}") == key), None)


# -- coupons ---------------------------------------------------------------------------------


def _net_prices(mismatches: list[Mismatch], scene: Scene) -> Finding | None:
    """Lines at WooCommerce's price after coupons, and no discount on the Sales Order."""
    expected, actual = scene.expected, scene.actual
    if expected.discount_strategy != "item" or not expected.discount_total or actual is None:
        return None
    if actual.discount_item is not None or not close(actual.discount_total, Decimal(0)):
        return None
    rates = {m.field: m for m in mismatches if m.field.endswith(".rate")}
    netted: list[tuple[str, Mismatch]] = []
    for line in expected.lines:
        rate = rates.get(f"lines[{line.key}].rate")
        if line.kind != "product" or line.net_rate is None or rate is None:
            continue
        if isinstance(rate.actual, Decimal) and close(rate.actual, line.net_rate):
            netted.append((line.key, rate))
    if not netted:
        return None
    keys = {key for key, _ in netted}
    claimed = tuple(
        m
        for m in mismatches
        if (m.field.endswith((".rate", ".amount")) and line_key(m) in keys)
        or m.field in ("discountItem", "discountTotal")
    )
    listed = ", ".join(
        f"{key} at {shown(m.actual)} instead of {shown(m.expected)}" for key, m in netted[:3]
    )
    codes = ", ".join(expected.coupon_codes) or "the coupons"
    discount = money(expected.discount_total, expected.precision)
    item = expected.discount_item or "a Discount item"
    declare = "discounts.strategy: net-price"
    return Finding(
        "discount",
        claimed,
        f"{scene.order} landed at WooCommerce's prices after coupons, with no discount: "
        f"{listed}. The coupon discount {discount} ({codes}) is not on the Sales Order, so "
        "NetSuite books the sale net and its discount reports miss it.",
        scene.words(
            "Send the lines at WooCommerce's price before coupons (line subtotal / quantity) "
            f"and the coupons as one header discount (discountItem {item}, discountRate "
            f"{discount}); or, if the store books net prices on purpose, declare it: {declare} "
            "in the mapping.",
            "Send each line at its price before coupons (WooCommerce line subtotal / quantity, "
            f"not its price or total) and the coupons ({codes}) as the Sales Order's discount: "
            f"discountItem {item}, discountRate {discount}. If the store books net prices on "
            f"purpose, tell the harness instead: {declare} in the mapping it checks against.",
        ),
        (sent_fields(scene.body, "discountItem", "discountRate"),) if scene.body else (),
    )


def _discount_despite_net_prices(mismatches: list[Mismatch], scene: Scene) -> Finding | None:
    """The mapping declares net pricing, and the connector sent a discount all the same."""
    expected, actual = scene.expected, scene.actual
    if expected.discount_strategy != "net-price" or actual is None:
        return None
    total = next((m for m in mismatches if m.field == "discountTotal"), None)
    if total is None:
        return None
    claimed = (
        total,
        *(
            m
            for m in mismatches
            if m.field.endswith((".rate", ".amount"))
            and isinstance(m.actual, Decimal)
            and isinstance(m.expected, Decimal)
            and m.actual > m.expected
        ),
    )
    return Finding(
        "discount",
        claimed,
        f"{scene.order} carries a discount of {shown(total.actual)} and lines at prices "
        "before coupons, but the mapping declares net pricing (discounts.strategy: "
        "net-price): lines at WooCommerce's price after coupons, no discount.",
        scene.words(
            "Send the lines at WooCommerce's price after coupons (line total / quantity) and no "
            "discount item, or drop discounts.strategy: net-price from the mapping if the store "
            "books its discounts.",
            "Send each line at its price after coupons (WooCommerce line total / quantity) and "
            "no discount item; or, if the store books its coupons as a discount, remove "
            "discounts.strategy: net-price from the mapping the harness checks against.",
        ),
        (sent_fields(scene.body, "discountItem", "discountRate"),) if scene.body else (),
    )


# -- shipping and tax as item lines ------------------------------------------------------------


def _shipping_as_line(mismatches: list[Mismatch], scene: Scene) -> Finding | None:
    """No shipping cost on the header, an item line worth exactly the shipping instead."""
    expected = scene.expected
    cost = next((m for m in mismatches if m.field == "shippingCost" and not m.actual), None)
    if cost is None:
        return None
    line = _extra_line(mismatches, scene, expected.shipping_cost)
    if line is None:
        return None
    method = next((m for m in mismatches if m.field == "shipMethod"), None)
    claimed = tuple(m for m in (cost, line, method) if m is not None)
    amount = money(expected.shipping_cost, expected.precision)
    ship = str(expected.shipping_method) if expected.shipping_method else "the ship item"
    woo = ", ".join(expected.woo_shipping_methods) or "its shipping method"
    shown_line = _shown_line(_line_of(line, scene), expected.precision)
    return Finding(
        "shipping",
        claimed,
        f"The shipping of {scene.order} ({amount}, WooCommerce's {woo}) landed as an item "
        f"line ({shown_line}) instead of the Sales Order's ship method and shipping cost.",
        scene.words(
            f"Send shipping as shipMethod {ship} and shippingCost {amount} on the Sales Order, "
            "not as an item line: NetSuite's shipping cost, shipping tax and fulfillment read "
            "those fields.",
            f"Send WooCommerce's shipping ({woo}, shipping_total {amount}) as the Sales Order's "
            f"shipMethod ({ship}) and shippingCost, not as an item line: NetSuite's shipping "
            "cost, shipping tax and fulfillment read those fields.",
        ),
        (sent_fields(scene.body, "shipMethod", "shippingCost"),) if scene.body else (),
    )


def _tax_as_line(mismatches: list[Mismatch], scene: Scene) -> Finding | None:
    """No NetSuite tax, an item line worth exactly WooCommerce's tax instead."""
    expected = scene.expected
    if expected.line("tax") is not None or not expected.tax_total:
        return None
    tax = next((m for m in mismatches if m.field == "taxTotal" and not m.actual), None)
    if tax is None:
        return None
    line = _extra_line(mismatches, scene, expected.tax_total)
    if line is None:
        return None
    amount = money(expected.tax_total, expected.precision)
    shown_line = _shown_line(_line_of(line, scene), expected.precision)
    declare = "tax.strategy: pass-through and tax.pass_through_item: <that item>"
    return Finding(
        "tax",
        (tax, line),
        f"WooCommerce's tax {amount} on {scene.order} landed as an item line ({shown_line}), "
        "and NetSuite itself charged no tax.",
        scene.words(
            "Send the tax codes (tax.codes) so NetSuite computes the tax, or, if the tax is "
            f"carried as one line on purpose, declare it: {declare} in the mapping.",
            "Send the tax code of WooCommerce's rate (taxItem, isTaxable on the taxed lines) so "
            "NetSuite computes the tax itself; or, if the store carries WooCommerce's "
            f"total_tax as one line on purpose, tell the harness: {declare} in the mapping it "
            "checks against.",
        ),
        (sent_fields(scene.body, "taxItem", "isTaxable"),) if scene.body else (),
    )

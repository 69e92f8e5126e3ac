"""The wording of mismatches: per cause, the sentence and the hint a diagnosis gives.

Each wording reads the mismatches of its category and the scene (the expectation, what
NetSuite holds, the body the connector sent) and quotes what was sent as extra evidence
(`sent {"shippingCost": 8}`), so the owner sees the faulty request next to the faulty
result. Hints speak the reader's words (`Scene.words`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness.landing.failure import field_of, format_call, ref_id, sent_lines
from harness.landing.findings.address import address_wording
from harness.landing.findings.evidence import WRITES, mentions, order_writes, record_type_of
from harness.landing.findings.scene import Scene
from harness.landing.findings.tax import tax_wording
from harness.landing.findings.text import (
    Worded,
    as_json,
    line_key,
    sent_fields,
    shown,
)
from harness.landing.verdict import Category, Mismatch

Wording = Callable[[list[Mismatch], Scene], Worded]


def mismatch_wording(category: Category, found: list[Mismatch], scene: Scene) -> Worded:
    """(summary, hint, extra evidence) for the mismatches `found` of one category."""
    wordings: dict[str, Wording] = {
        "customer-match": _customer,
        "item-mapping": _lines,
        "shipping": _shipping,
        "discount": _discount,
        "tax": tax_wording,
        "address": address_wording,
        "sync-rule": _references,
    }
    return wordings.get(category, _other)(found, scene)


def _customer(found: list[Mismatch], scene: Scene) -> Worded:
    expected, actual, order = scene.expected, scene.actual, scene.order
    email = expected.customer.email
    lookups = [
        format_call(c, with_query=True)
        for c in scene.calllog.calls
        if (
            record_type_of(c) == "suiteql"
            and "customer" in (c.request_body or "").lower()
            and email
            and email in (c.request_body or "").lower()
        )
        or (record_type_of(c) == "customer" and c.method in WRITES and mentions(c, email))
    ][-4:]
    sharing = actual.customers_with_email if actual else ()
    landed_on = (
        str(actual.customer.ref)
        if actual and actual.customer
        else (str(actual.entity) if actual and actual.entity else "another customer")
    )
    hint = (
        f"Match customers by email trimmed and case-insensitively (e.g. LOWER(email) = "
        f"'{email}'), not as typed"
    )
    existing = expected.customer.existing
    if len(sharing) > 1:
        others = ", ".join(str(c.ref) for c in sharing)
        summary = (
            f"{order} created a duplicate customer: NetSuite now has {len(sharing)} customers "
            f"with {email} ({others})."
        )
        if existing is not None:
            dup = ", ".join(c.id for c in sharing if c.id != existing.id)
            hint += f"; then merge customer {dup} into {existing.id} in NetSuite."
        else:
            hint += "; then merge the duplicates in NetSuite."
    elif existing is not None and any(m.field == "customer" for m in found):
        summary = (
            f"{order} landed on {landed_on} instead of {existing.ref}, the customer with {email}."
        )
        hint += "."
    else:
        parts = ", ".join(m.field.removeprefix("customer.") for m in found)
        summary = f"The customer of {order} landed with a different {parts} than the order has."
        hint = (
            "Create the customer from the order's billing email, first and last name, "
            "company and the order's subsidiary."
        )
    return summary, hint, lookups


def _sent_line(body: dict[str, Any], item_id: str | None) -> str | None:
    for index, line in enumerate(sent_lines(body)):
        if item_id is not None and ref_id(field_of(line, "item")) == item_id:
            return f"sent item.items[{index}] = {as_json(line)}"
    return None


def _lines(found: list[Mismatch], scene: Scene) -> Worded:
    expected, order = scene.expected, scene.order
    first = found[0]
    key = line_key(first)
    line = expected.line(key)
    sent = _sent_line(scene.body, line.item.id if line else None)
    extra = [sent] if sent else []
    priced = next((m for m in found if m.field.endswith(".priceLevel")), None)
    if priced is not None:
        pkey = line_key(priced)
        rate = next((m for m in found if m.field == f"lines[{pkey}].rate"), None)
        landed = f" at rate {shown(rate.actual)} instead of {shown(rate.expected)}" if rate else ""
        return (
            f"Line {pkey} of {order} landed{landed}: NetSuite took the price from price level "
            f"{priced.actual} instead of keeping WooCommerce's rate.",
            "Send price level Custom (-1) with the rate on every line (item.items[].price = "
            '{"id": "-1"}), so NetSuite keeps WooCommerce\'s price.',
            extra,
        )
    if first.field.endswith((".rate", ".amount")):
        return (
            f"Line {key} of {order} landed at {shown(first.actual)} instead of WooCommerce's "
            f"{shown(first.expected)} ({first.field}).",
            "Send WooCommerce's pre-discount unit price (line subtotal / quantity) as the rate, "
            "with price level Custom (-1); coupons belong in the header discount.",
            extra,
        )
    if first.field.endswith(".quantity"):
        return (
            f"Line {key} of {order} landed with quantity {shown(first.actual)} instead of "
            f"{shown(first.expected)}.",
            "Send each WooCommerce line's quantity as the line quantity.",
            extra,
        )
    if first.field.endswith(".item"):
        return (
            f"Line {key} of {order} landed as item {first.actual} instead of {first.expected}.",
            scene.words(
                f"Fix the SKU mapping: {key} is NetSuite item {first.expected}.",
                f"Send WooCommerce's {key} as NetSuite item {first.expected} (the item whose "
                f"Item Name/Number is the SKU).",
            ),
            extra,
        )
    if first.expected is None:
        return _extra_line(first, scene, extra)
    return (
        f"Line {key} of {order} is missing from the Sales Order (expected {first.expected}).",
        scene.words(
            f"Send every WooCommerce line; check that {key} maps to a NetSuite item.",
            f"Send every WooCommerce line; check that the connector finds a NetSuite item for "
            f"{key} (Item Name/Number = the SKU).",
        ),
        extra,
    )


def _extra_line(first: Mismatch, scene: Scene, extra: list[str]) -> Worded:
    expected, order = scene.expected, scene.order
    if len([c for c in order_writes(scene.calllog, expected) if c.ok]) > 1 and any(
        line.item.name and first.field == f"lines[{line.item.name}]" for line in expected.lines
    ):
        return (
            f"{order} was sent again (an update) and its lines were appended to the ones "
            f"already there: {first.actual} is a second copy.",
            "When updating an existing Sales Order (PUT eid: or PATCH), replace the item "
            "sublist (?replace=item) instead of appending the lines again.",
            extra,
        )
    return (
        f"{order} landed with a line WooCommerce does not have: {first.actual}.",
        "Send exactly WooCommerce's lines: products, then fees as lines of the fee item; "
        "coupons go to the header discount, not to lines.",
        extra,
    )


def _shipping(found: list[Mismatch], scene: Scene) -> Worded:
    expected, order = scene.expected, scene.order
    extra = [sent_fields(scene.body, "shipMethod", "shippingCost")] if scene.body else []
    cost = next((m for m in found if m.field == "shippingCost"), None)
    if cost is not None:
        dropped = not cost.actual
        what = "was dropped" if dropped else f"landed as {shown(cost.actual)}"
        return (
            f"The shipping cost {shown(cost.expected)} of {order} {what}.",
            f"Send shippingCost = WooCommerce's shipping_total ({shown(cost.expected)}) after "
            "shipMethod; without it NetSuite uses the ship item's own rate.",
            extra,
        )
    method = found[0]
    woo = ", ".join(expected.woo_shipping_methods) or "its shipping method"
    return (
        f"{order} ships by {shown(method.actual)} instead of {method.expected} "
        f"(WooCommerce: {woo}).",
        scene.words(
            f"Send shipMethod {method.expected}, as the mapping's shipping.methods say for {woo}.",
            f"Send shipMethod {method.expected} (the NetSuite shipping item) for WooCommerce's "
            f"shipping method {woo}.",
        ),
        extra,
    )


def _discount(found: list[Mismatch], scene: Scene) -> Worded:
    expected, order = scene.expected, scene.order
    total = next((m for m in found if m.field == "discountTotal"), found[0])
    item = expected.discount_item or scene.words("the mapping's discount item", "a Discount item")
    return (
        f"The coupon discount of {order} landed as {shown(total.actual)} instead of "
        f"{shown(total.expected)}.",
        f"Send one header discount: discountItem {item} with discountRate "
        f"{shown(expected.discount_total)} (all coupons combined).",
        [sent_fields(scene.body, "discountItem", "discountRate")] if scene.body else [],
    )


def _references(found: list[Mismatch], scene: Scene) -> Worded:
    listed = "; ".join(f"{m.field} {shown(m.actual)} instead of {m.expected}" for m in found)
    wanted = ", ".join(f"{m.field} {m.expected}" for m in found)
    return (
        f"{scene.order} landed with other reference numbers than the mapping gives: {listed}.",
        scene.words(
            "Send externalId and otherRefNum from the mapping's order.external_id and "
            "order.other_ref_num, so a re-sync finds and updates the same order.",
            f"Send {wanted} (WooCommerce's order number), so a re-sync finds and updates the "
            "same Sales Order; if the connector numbers orders its own way on purpose, tell "
            "the harness that template (order.external_id in the mapping it checks against).",
        ),
        [],
    )


def _other(found: list[Mismatch], scene: Scene) -> Worded:
    expected, order = scene.expected, scene.order
    first = found[0]
    if first.field == "orderStatus":
        return _approval(first, scene)
    if first.field in ("subsidiary", "currency"):
        currency = expected.currency.name if expected.currency else "this"
        return (
            f"{order} landed in {first.field} {shown(first.actual)} instead of {first.expected}.",
            scene.words(
                f"Send {first.field} {first.expected} as the mapping routes {currency} orders "
                "(subsidiaries.routes), and keep the customer in that subsidiary.",
                f"Send {first.field} {first.expected} for {currency} orders, and keep the "
                "customer in that subsidiary.",
            ),
            [],
        )
    return (
        f"The total of {order} landed as {shown(first.actual)} instead of "
        f"{shown(first.expected)}, though its parts match.",
        "Look for a handling cost, a gift certificate or a script that changes amounts after save.",
        [],
    )


# Where an account sets the status of a Sales Order sent without one (reference
# salesorder-semantics 1.3).
_DEFAULT_STATUS = (
    "Default Sales Order Status (Setup > Accounting > Accounting Preferences > Order Management)"
)


def _approval(status: Mismatch, scene: Scene) -> Worded:
    """A Sales Order waiting for approval that should not, or approved that should wait."""
    wanted = str(status.expected)
    code, _, name = wanted.partition(" (")
    name = name.rstrip(")")
    return (
        f"{scene.order} landed with status {shown(status.actual)} instead of {wanted}: "
        + (
            "it waits for someone to approve it before it can be fulfilled."
            if code == "B"
            else "it skipped the approval the store's orders wait for."
        ),
        scene.words(
            f"Send orderStatus {code} as the mapping's order.order_status says, or set the "
            f"account's {_DEFAULT_STATUS} to {name}.",
            f"Send orderStatus {code} ({name}) with the Sales Order, or set the account's "
            f"{_DEFAULT_STATUS} to {name}; if the store's orders are meant to land "
            f"otherwise, tell the harness: order.order_status in the mapping it checks "
            "against.",
        ),
        [sent_fields(scene.body, "orderStatus")] if scene.body else [],
    )

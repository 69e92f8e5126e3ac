"""The wording of mismatches: per cause, the sentence and the hint a diagnosis gives.

Each wording reads the mismatches of its category, the expectation, what NetSuite holds
and the body the connector sent, and quotes what was sent as extra evidence (`sent
{"shippingCost": 8}`), so the owner sees the faulty request next to the faulty result.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from harness.landing.findings.evidence import WRITES, mentions, order_writes, record_type_of
from harness.landing.expected import ExpectedLanding
from harness.landing.failure import field_of, format_call, ref_id, sent_lines
from harness.landing.readback import ActualLanding
from harness.landing.verdict import Category, Mismatch
from harness.netsuite.calllog import CallLog


def category_of(field: str) -> Category:
    """The cause a mismatched field points at (`lines[...]` -> item-mapping, ...)."""
    if field.startswith("customer"):
        return "customer-match"
    if field.startswith("lines[tax]"):
        return "tax"
    if field.startswith("lines["):
        return "item-mapping"
    if field == "taxTotal":
        return "tax"
    if field in ("shipMethod", "shippingCost"):
        return "shipping"
    if field in ("discountItem", "discountTotal"):
        return "discount"
    if field in ("externalId", "otherRefNum"):
        return "sync-rule"
    return "validation-rule"


def shown(value: Any) -> str:
    """A mismatch value in a sentence: Decimals as written, None as "nothing"."""
    if value is None:
        return "nothing"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def mismatch_line(m: Mismatch) -> str:
    """`taxTotal: expected 6.58, actual 5.87`."""
    return f"{m.field}: expected {shown(m.expected)}, actual {shown(m.actual)}"


def mismatch_wording(
    category: Category,
    found: list[Mismatch],
    expected: ExpectedLanding,
    actual: ActualLanding | None,
    body: dict[str, Any],
    calllog: CallLog,
    order: str,
) -> tuple[str, str, list[str]]:
    """(summary, hint, extra evidence) for the mismatches `found` of one category."""
    explainer = {
        "customer-match": _customer,
        "item-mapping": _lines,
        "shipping": _shipping,
        "discount": _discount,
        "tax": _tax,
        "sync-rule": _references,
    }.get(category, _other)
    return explainer(found, expected, actual, body, calllog, order)


def _json(value: Any) -> str:
    return json.dumps(value, separators=(", ", ": "), default=str)


def _sent(body: dict[str, Any], *names: str) -> str:
    """What the connector sent for some header fields: `sent {"shippingCost": 8}`."""
    present = {name: field_of(body, name) for name in names if field_of(body, name) is not None}
    return f"sent {_json(present)}" if present else f"sent no {', '.join(names)}"


def _customer(
    found: list[Mismatch],
    expected: ExpectedLanding,
    actual: ActualLanding | None,
    body: dict[str, Any],
    calllog: CallLog,
    order: str,
) -> tuple[str, str, list[str]]:
    email = expected.customer.email
    lookups = [
        format_call(c, with_query=True)
        for c in calllog.calls
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
            return f"sent item.items[{index}] = {_json(line)}"
    return None


def _lines(
    found: list[Mismatch],
    expected: ExpectedLanding,
    actual: ActualLanding | None,
    body: dict[str, Any],
    calllog: CallLog,
    order: str,
) -> tuple[str, str, list[str]]:
    first = found[0]
    key = first.field.split("]")[0].removeprefix("lines[")
    line = expected.line(key)
    sent = _sent_line(body, line.item.id if line else None)
    extra = [sent] if sent else []
    priced = next((m for m in found if m.field.endswith(".priceLevel")), None)
    if priced is not None:
        pkey = priced.field.split("]")[0].removeprefix("lines[")
        rate = next((m for m in found if m.field == f"lines[{pkey}].rate"), None)
        landed = f" at rate {shown(rate.actual)} instead of {shown(rate.expected)}" if rate else ""
        return (
            f"Line {pkey} of {order} landed{landed}: NetSuite took the price from price level "
            f"{priced.actual} instead of keeping WooCommerce's rate.",
            "Send price level Custom (-1) with the rate on every line (item.items[].price = "
            '{"id": "-1"}), so NetSuite keeps WooCommerce\'s price.',
            extra,
        )
    if first.field.endswith(".rate") or first.field.endswith(".amount"):
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
            f"Fix the SKU mapping: {key} is NetSuite item {first.expected}.",
            extra,
        )
    if first.expected is None:
        if len([c for c in order_writes(calllog, expected) if c.ok]) > 1 and any(
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
    return (
        f"Line {key} of {order} is missing from the Sales Order (expected {first.expected}).",
        f"Send every WooCommerce line; check that {key} maps to a NetSuite item.",
        extra,
    )


def _shipping(
    found: list[Mismatch],
    expected: ExpectedLanding,
    actual: ActualLanding | None,
    body: dict[str, Any],
    calllog: CallLog,
    order: str,
) -> tuple[str, str, list[str]]:
    del actual, calllog
    extra = [_sent(body, "shipMethod", "shippingCost")] if body else []
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
        f"Send shipMethod {method.expected}, as the mapping's shipping.methods say for {woo}.",
        extra,
    )


def _discount(
    found: list[Mismatch],
    expected: ExpectedLanding,
    actual: ActualLanding | None,
    body: dict[str, Any],
    calllog: CallLog,
    order: str,
) -> tuple[str, str, list[str]]:
    del actual, calllog
    total = next((m for m in found if m.field == "discountTotal"), found[0])
    item = expected.discount_item or "the mapping's discount item"
    return (
        f"The coupon discount of {order} landed as {shown(total.actual)} instead of "
        f"{shown(total.expected)}.",
        f"Send one header discount: discountItem {item} with discountRate "
        f"{shown(expected.discount_total)} (all coupons combined).",
        [_sent(body, "discountItem", "discountRate")] if body else [],
    )


def _tax(
    found: list[Mismatch],
    expected: ExpectedLanding,
    actual: ActualLanding | None,
    body: dict[str, Any],
    calllog: CallLog,
    order: str,
) -> tuple[str, str, list[str]]:
    del calllog
    total = next((m for m in found if m.field == "taxTotal"), found[0])
    line_codes = sorted(
        {tc for line in sent_lines(body) if (tc := ref_id(field_of(line, "taxCode")))}
    )
    sent = _sent(body, "taxItem", "taxRate", "isTaxable")
    extra = [sent + (f", line tax codes {line_codes}" if line_codes else "")] if body else []
    wanted = [c for c in expected.tax_codes if c.code is not None]
    held = actual.tax_item if actual else None
    summary = (
        f"Tax on {order} landed as {shown(total.actual)} instead of WooCommerce's "
        f"{shown(total.expected)}."
    )
    if wanted and held is not None and all(held.id != c.code.id for c in wanted if c.code):
        code = wanted[0]
        percent = f" ({code.woo_percent}%)" if code.woo_percent is not None else ""
        rate = f" at {actual.tax_rate}%" if actual and actual.tax_rate is not None else ""
        return (
            f"{summary} It carries tax code {held}{rate}, but WooCommerce charged "
            f"{code.rate_code}{percent}.",
            f"Send tax code {code.code} for {code.rate_code}, as the mapping's tax.codes say.",
            extra,
        )
    if not total.actual and total.expected:
        return (
            f"{summary} NetSuite charged no tax at all.",
            "Send the tax code the mapping names (tax.codes) and mark the taxed lines taxable "
            "(isTaxable, or a taxCode per line): NetSuite taxes nothing else.",
            extra,
        )
    return (
        summary,
        "NetSuite computed a different tax from the same code: make shipping taxability and "
        "the discount's 'Apply Before Sales Tax' match WooCommerce, or carry WooCommerce's tax "
        "as one line (tax.strategy: pass-through).",
        extra,
    )


def _references(
    found: list[Mismatch],
    expected: ExpectedLanding,
    actual: ActualLanding | None,
    body: dict[str, Any],
    calllog: CallLog,
    order: str,
) -> tuple[str, str, list[str]]:
    del expected, actual, body, calllog
    listed = "; ".join(f"{m.field} {shown(m.actual)} instead of {m.expected}" for m in found)
    return (
        f"{order} landed with other reference numbers than the mapping gives: {listed}.",
        "Send externalId and otherRefNum from the mapping's order.external_id and "
        "order.other_ref_num, so a re-sync finds and updates the same order.",
        [],
    )


def _other(
    found: list[Mismatch],
    expected: ExpectedLanding,
    actual: ActualLanding | None,
    body: dict[str, Any],
    calllog: CallLog,
    order: str,
) -> tuple[str, str, list[str]]:
    del actual, body, calllog
    first = found[0]
    if first.field == "subsidiary" or first.field == "currency":
        return (
            f"{order} landed in {first.field} {shown(first.actual)} instead of {first.expected}.",
            f"Send {first.field} {first.expected} as the mapping routes "
            f"{expected.currency.name if expected.currency else 'this'} orders "
            "(subsidiaries.routes), and keep the customer in that subsidiary.",
            [],
        )
    if first.field.startswith(("billingAddress", "shippingAddress")):
        which = first.field.split(".")[0]
        parts = ", ".join(m.field for m in found)
        return (
            f"The {which} of {order} landed differently from WooCommerce's ({parts}).",
            f"Send {which} as a subrecord with WooCommerce's address_1, city, state, postcode "
            "and country (country first).",
            [],
        )
    return (
        f"The total of {order} landed as {shown(first.actual)} instead of "
        f"{shown(first.expected)}, though its parts match.",
        "Look for a handling cost, a gift certificate or a script that changes amounts after save.",
        [],
    )

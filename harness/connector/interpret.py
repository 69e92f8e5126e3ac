"""The reference connector's own reading of the mapping: the item a line maps to, the ship
item, tax code and subsidiary an order gets, whether it syncs, and what its templates render
to. The expectation (`harness.landing`) reads the same mapping with code of its own, so a
mistake here shows up as a mismatch instead of agreeing with itself.
"""

from __future__ import annotations

import string
from collections.abc import Mapping as MappingABC
from typing import Any

from harness.mapping import Mapping
from harness.woo.order import LineItem, WooOrder


def template_values(order: WooOrder, prefix: str = "") -> dict[str, Any]:
    """The order's values for the mapping's templates (`TEMPLATE_FIELDS`)."""
    billing = order.billing
    return {
        "id": order.id,
        "number": order.number or str(order.id),
        "order_key": order.order_key,
        "customer_id": order.customer_id,
        "currency": order.currency,
        "status": order.status,
        "payment_method": order.payment_method,
        "payment_method_title": order.payment_method_title,
        "transaction_id": order.transaction_id,
        "customer_note": order.customer_note,
        "created_via": order.created_via,
        "billing_email": billing.email or "",
        "billing_first_name": billing.first_name,
        "billing_last_name": billing.last_name,
        "billing_company": billing.company,
        "billing_country": billing.country,
        "prefix": prefix,
    }


def item_name_for(line: LineItem, mapping: Mapping) -> str:
    """The NetSuite itemId of a WooCommerce line: a variation or product override, else SKU."""
    items = mapping.items
    if line.variation_id and line.variation_id in items.variations:
        return items.variations[line.variation_id]
    if line.product_id in items.products:
        return items.products[line.product_id]
    return (line.sku or "").strip()


def subsidiary_for(mapping: Mapping, currency: str, country: str) -> int | None:
    """The subsidiary an order routes to, or None when no route and no default."""
    key = currency if mapping.subsidiaries.by == "currency" else country
    return mapping.subsidiaries.routes.get(key.upper(), mapping.subsidiaries.default)


def ship_item_for(mapping: Mapping, method_id: str) -> str | None:
    """The ship item name for a WooCommerce shipping method, or None when unmapped."""
    return mapping.shipping.methods.get(method_id, mapping.shipping.default)


def tax_code_for(mapping: Mapping, rate_code: str) -> str | None:
    """The tax code for a WooCommerce `rate_code`, with or without its `-<priority>` tail."""
    codes = mapping.tax.codes
    if rate_code in codes:
        return codes[rate_code]
    head, _, tail = rate_code.rpartition("-")
    return codes.get(head) if tail.isdecimal() else None


def exempt_code_for(mapping: Mapping, subsidiary: int) -> str | None:
    """The tax code for untaxed lines in `subsidiary` (the default one when not listed)."""
    return mapping.tax.exempt_codes.get(subsidiary, mapping.tax.exempt_code)


def syncs(mapping: Mapping, status: str) -> bool:
    """Whether an order in `status` is pushed at all."""
    return status in mapping.sync.statuses


def render(template: str, values: MappingABC[str, Any]) -> str:
    """Fill a validated template from order values (missing ones render empty)."""
    return string.Formatter().vformat(template, (), _Blank(values))


class _Blank(dict[str, Any]):
    def __init__(self, values: MappingABC[str, Any]) -> None:
        super().__init__(values)

    def __missing__(self, key: str) -> str:
        return ""


class _SalesOrder:
    """`{sales_order.id}` and `{sales_order.tranId}` in a write-back template."""

    def __init__(self, id: str, tran_id: str) -> None:
        self.id = id
        self.tranId = tran_id  # NetSuite's field name


def write_back_for(
    mapping: Mapping, order: WooOrder, sales_order_id: str, tran_id: str = ""
) -> tuple[dict[str, str], str | None, str | None]:
    """What to write back to `order` once it landed as `sales_order_id`: (meta key -> value,
    the note's text or None, the status to move it to or None)."""
    values = {**template_values(order), "sales_order": _SalesOrder(sales_order_id, tran_id)}
    rules = mapping.write_back
    meta = {key: render(template, values) for key, template in rules.meta.items()}
    note = render(rules.note, values) if rules.note is not None else None
    change = rules.status
    status = change.to if change is not None and order.status in change.from_ else None
    return meta, note, status


def needs_tran_id(mapping: Mapping) -> bool:
    """Whether a write-back template names the Sales Order's number (`sales_order.tranId`)."""
    rules = mapping.write_back
    return any("sales_order.tranId" in t for t in [*rules.meta.values(), rules.note or ""])


def closes_cancelled(mapping: Mapping) -> bool:
    """Whether an order cancelled after it landed gets its Sales Order closed."""
    return mapping.sync.cancelled == "close"

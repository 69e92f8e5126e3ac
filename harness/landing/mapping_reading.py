"""The expectation's own reading of the mapping: what each rule means for one order.

The mapping file is data (`harness.mapping`); what its rules mean is written down here, for
the expectation only. The reference connector reads the same rules with code of its own
(`harness.connector.interpret`), so a mistake on either side shows up as a mismatch instead of
both sides agreeing on the same wrong answer. Each function's docstring is the meaning.
"""

from __future__ import annotations

from typing import Any

from harness.mapping import BILLING_PARTS, PLAIN_FIELDS, Mapping
from harness.woo.order import LineItem, WooOrder


def item_for_line(mapping: Mapping, line: LineItem) -> str:
    """The NetSuite itemId a WooCommerce line must land as.

    An override of the line's variation (`items.variations[variation_id]`) comes first, then
    one of its product (`items.products[product_id]`); without either, the line's SKU without
    surrounding spaces (NetSuite's Item Name/Number). '' when the line has none of these.
    """
    if line.variation_id:
        by_variation = mapping.items.variations.get(line.variation_id)
        if by_variation is not None:
            return by_variation
    sku = (line.sku or "").strip()
    return mapping.items.products.get(line.product_id, sku)


def ship_item_for_method(mapping: Mapping, method_id: str) -> str | None:
    """The ship item name of a WooCommerce shipping method (`shipping.methods`), else
    `shipping.default`; None when neither names one."""
    named = mapping.shipping.methods.get(method_id)
    return mapping.shipping.default if named is None else named


def rate_key(rate_code: str) -> str:
    """A WooCommerce rate code without its `-<priority>` tail (`US-CA-STATE TAX-1` ->
    `US-CA-STATE TAX`), as the mapping's `tax.codes` are keyed; unchanged without a tail."""
    head, _, tail = rate_code.rpartition("-")
    return head if tail.isdecimal() and head else rate_code


def tax_code_for_rate(mapping: Mapping, rate_code: str) -> str | None:
    """The tax code name of a WooCommerce rate code under `tax.codes`.

    The rate code as WooCommerce writes it (`US-CA-STATE TAX-1`) is looked up first, then
    without its `-<priority>` tail (`US-CA-STATE TAX`); None when neither is mapped.
    """
    codes = mapping.tax.codes
    for key in (rate_code, rate_key(rate_code)):
        if key in codes:
            return codes[key]
    return None


def exempt_code_in(mapping: Mapping, subsidiary: int | None) -> str | None:
    """The tax code of untaxed lines in `subsidiary`: its own under `tax.exempt_codes` (a tax
    code belongs to one subsidiary), else `tax.exempt_code`; None when neither is set."""
    own = mapping.tax.exempt_codes
    if subsidiary is not None and subsidiary in own:
        return own[subsidiary]
    return mapping.tax.exempt_code


def nets_coupons(mapping: Mapping) -> bool:
    """Whether coupons are carried in the line prices (`discounts.strategy: net-price`): lines
    at WooCommerce's price after coupons, no discount item; otherwise one header discount."""
    return mapping.discounts.strategy == "net-price"


def taxes_per_line(mapping: Mapping, subsidiary: int | None) -> bool:
    """Whether `subsidiary` taxes each line by its own tax code (`tax.line_level_subsidiaries`)
    instead of one header tax item and a taxable flag per line."""
    return subsidiary is not None and subsidiary in mapping.tax.line_level_subsidiaries


def routed_subsidiary(mapping: Mapping, currency: str, country: str) -> int | None:
    """The subsidiary id an order belongs to: `subsidiaries.routes` keyed by the order's
    currency or billing country (`subsidiaries.by`, compared in upper case), else
    `subsidiaries.default`; None when neither applies."""
    routing = mapping.subsidiaries
    key = (country if routing.by == "country" else currency).upper()
    if key in routing.routes:
        return routing.routes[key]
    return routing.default


def status_syncs(mapping: Mapping, status: str) -> bool:
    """Whether an order in WooCommerce `status` is to be pushed at all (`sync.statuses`)."""
    return any(status == wanted for wanted in mapping.sync.statuses)


def order_values(order: WooOrder, prefix: str = "") -> dict[str, Any]:
    """What each template placeholder (`harness.mapping.TEMPLATE_FIELDS`) stands for in
    `order`: the order's own fields, `number` (the id when the order has no number),
    `billing_*` parts (no email: '') and the run's `prefix`."""
    values: dict[str, Any] = {name: getattr(order, name) for name in PLAIN_FIELDS}
    values["number"] = order.number or str(order.id)
    for part in BILLING_PARTS:
        values[f"billing_{part}"] = getattr(order.billing, part) or ""
    values["prefix"] = prefix
    return values


def fill(template: str, values: dict[str, Any]) -> str:
    """A template with its placeholders replaced by `values`; a placeholder without a value
    renders empty (`{customer_note}` of an order without a note is '')."""
    return template.format_map(_EmptyWhenMissing(values))


class _EmptyWhenMissing(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


def write_back_values(
    order: WooOrder, sales_order_id: str, tran_id: str, prefix: str = ""
) -> dict[str, Any]:
    """What a write-back template's placeholders stand for: the order's values (as
    `order_values`) and `sales_order.id` / `sales_order.tranId`, the Sales Order it landed as
    ('' for a number NetSuite did not give)."""
    return {**order_values(order, prefix), "sales_order": SalesOrderRef(sales_order_id, tran_id)}


class SalesOrderRef:
    """`{sales_order.id}` and `{sales_order.tranId}` in a write-back template."""

    def __init__(self, id: str, tran_id: str) -> None:
        self.id = id
        self.tranId = tran_id  # NetSuite's field name


def meta_written_back(mapping: Mapping, values: dict[str, Any]) -> dict[str, str]:
    """Meta key -> the value the connector must have written to the order (`write_back.meta`,
    each template filled)."""
    return {key: fill(template, values) for key, template in mapping.write_back.meta.items()}


def note_written_back(mapping: Mapping, values: dict[str, Any]) -> str | None:
    """The text exactly one of the order's notes must contain (`write_back.note`, filled);
    None when the mapping asks for no note."""
    note = mapping.write_back.note
    return None if note is None else fill(note, values)


def status_written_back(mapping: Mapping, status: str) -> str | None:
    """The status the connector must move an order in `status` to once it landed
    (`write_back.status.to` when `status` is one of its `from`); None when it stays."""
    change = mapping.write_back.status
    if change is None or status not in change.from_:
        return None
    return change.to


def closes_cancelled(mapping: Mapping) -> bool:
    """Whether the Sales Order of an order cancelled after it landed must be closed
    (`sync.cancelled: close`) rather than left as it is (`keep`)."""
    return mapping.sync.cancelled == "close"

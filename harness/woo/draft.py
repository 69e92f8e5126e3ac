"""A REST v3 order's wire JSON, assembled from a draft and WooCommerce's arithmetic.

`OrderDraft` holds everything about an order but its numbers; `render_order` computes those with
`harness.woo.totals`, assembles the JSON WooCommerce would serve and checks its invariants.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from harness.woo.cart import OrderInput
from harness.woo.order import WooOrder
from harness.woo.orderspec import DEFAULT_STORE_URL
from harness.woo.totals import OrderTotals, RateAmount, calculate, format_money

WOOCOMMERCE_VERSION = "9.4.3"
CURRENCY_SYMBOLS = {"USD": "$", "CAD": "$", "EUR": "€", "GBP": "£", "AUD": "$", "JPY": "¥"}
EDITABLE_STATUSES = frozenset({"pending", "on-hold", "auto-draft", "checkout-draft"})


@dataclass(frozen=True)
class ProductRef:
    """What a line item says about its product (everything but the numbers)."""

    name: str
    sku: str
    product_id: int
    variation_id: int = 0
    parent_name: str | None = None
    attributes: tuple[tuple[str, str], ...] = ()
    tax_class: str = ""


@dataclass(frozen=True)
class ShippingRef:
    method_id: str
    title: str
    instance_id: str = ""


@dataclass(frozen=True)
class Payment:
    method: str
    title: str
    transaction_id: str = ""


@dataclass(frozen=True)
class OrderDraft:
    """Everything about an order except its arithmetic, which comes from `OrderInput`."""

    order_id: int
    number: str
    order_key: str
    status: str
    currency: str
    created_gmt: datetime
    paid_gmt: datetime | None
    completed_gmt: datetime | None
    modified_gmt: datetime
    customer_id: int
    billing: dict[str, str]
    shipping: dict[str, str]
    payment: Payment
    inputs: OrderInput
    products: tuple[ProductRef, ...]
    shipping_methods: tuple[ShippingRef, ...] = ()
    fee_names: tuple[str, ...] = ()
    meta: tuple[tuple[str, Any], ...] = ()
    customer_note: str = ""
    customer_ip_address: str = ""
    customer_user_agent: str = ""
    cart_hash: str = ""
    created_via: str = "checkout"
    store_url: str = DEFAULT_STORE_URL
    store_utc_offset: timedelta = timedelta(0)
    first_item_id: int = 1
    first_meta_id: int = 1


class _Ids:
    """Sequential ids, as WooCommerce's order item and meta tables hand them out."""

    def __init__(self, first: int) -> None:
        self.next = first

    def take(self) -> int:
        self.next += 1
        return self.next - 1


def wire_date(moment: datetime | None, offset: timedelta = timedelta(0)) -> str | None:
    return None if moment is None else (moment + offset).strftime("%Y-%m-%dT%H:%M:%S")


def _taxes(entries: Sequence[RateAmount], dp: int) -> list[dict[str, Any]]:
    return [
        {
            "id": entry.rate_id,
            "total": format_money(entry.total, dp),
            "subtotal": "" if entry.subtotal is None else format_money(entry.subtotal, dp),
        }
        for entry in entries
    ]


def _meta(
    ids: _Ids, key: str, value: Any, display: tuple[str, str] | None = None
) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": ids.take(), "key": key, "value": value}
    if display is not None:
        entry["display_key"], entry["display_value"] = display
    return entry


def _attribute_display(key: str, value: str) -> tuple[str, str]:
    label = key.removeprefix("pa_").replace("-", " ").replace("_", " ").title()
    return label, value.upper() if len(value) <= 3 else value.title()


def _number(amount: Decimal) -> int | float:
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def build_wire(draft: OrderDraft, totals: OrderTotals) -> dict[str, Any]:
    """The order as `GET /wp-json/wc/v3/orders/<id>` returns it (WooCommerce 9.x key order)."""
    dp = totals.dp
    money = totals.money
    items = _Ids(draft.first_item_id)
    metas = _Ids(draft.first_meta_id)
    local = draft.store_utc_offset
    inputs = draft.inputs

    line_items = []
    for ref, line in zip(draft.products, totals.lines, strict=True):
        line_items.append(
            {
                "id": items.take(),
                "name": ref.name,
                "product_id": ref.product_id,
                "variation_id": ref.variation_id,
                "quantity": line.quantity,
                "tax_class": ref.tax_class,
                "subtotal": money(line.subtotal),
                "subtotal_tax": money(line.subtotal_tax),
                "total": money(line.total),
                "total_tax": money(line.total_tax),
                "taxes": _taxes(line.taxes, dp),
                "meta_data": [
                    _meta(metas, key, value, _attribute_display(key, value))
                    for key, value in ref.attributes
                ],
                "sku": ref.sku,
                "price": line.price,
                "image": {"id": "", "src": ""},
                "parent_name": ref.parent_name,
            }
        )
    summary = ", ".join(
        f"{ref.name} &times; {line.quantity}"
        for ref, line in zip(draft.products, inputs.lines, strict=True)
    )
    shipping_lines = [
        {
            "id": items.take(),
            "method_title": ref.title,
            "method_id": ref.method_id,
            "instance_id": ref.instance_id,
            "total": money(charge.total),
            "total_tax": money(charge.total_tax),
            "taxes": _taxes(charge.taxes, dp),
            "meta_data": [_meta(metas, "Items", summary, ("Items", summary))],
        }
        for ref, charge in zip(draft.shipping_methods, totals.shipping, strict=True)
    ]
    fee_lines = [
        {
            "id": items.take(),
            "name": name,
            "tax_class": "",
            "tax_status": "taxable" if fee_in.taxable else "none",
            "total": money(charge.total),
            "total_tax": money(charge.total_tax),
            "taxes": _taxes(charge.taxes, dp),
            "meta_data": [],
        }
        for name, fee_in, charge in zip(draft.fee_names, inputs.fees, totals.fees, strict=True)
    ]
    coupon_lines = []
    for coupon in totals.coupons:
        coupon_id = items.take()
        info = json.dumps([coupon_id, coupon.code, coupon.kind, _number(coupon.amount)])
        coupon_lines.append(
            {
                "id": coupon_id,
                "code": coupon.code,
                "discount": money(coupon.discount),
                "discount_tax": money(coupon.discount_tax),
                "discount_type": coupon.kind,
                "nominal_amount": _number(coupon.amount),
                "free_shipping": False,
                "meta_data": [_meta(metas, "coupon_info", info)],
            }
        )
    tax_lines: list[dict[str, Any]] = [
        {
            "id": items.take(),
            "rate_code": tax.rate.rate_code,
            "rate_id": tax.rate.rate_id,
            "label": tax.rate.name,
            "compound": tax.rate.compound,
            "tax_total": money(tax.tax_total),
            "shipping_tax_total": money(tax.shipping_tax_total),
            "rate_percent": tax.rate.rate_percent,
            "meta_data": [],
        }
        for tax in totals.tax_lines
    ]
    order_url = f"{draft.store_url}/wp-json/wc/v3/orders/{draft.order_id}"
    links: dict[str, Any] = {
        "self": [{"href": order_url}],
        "collection": [{"href": f"{draft.store_url}/wp-json/wc/v3/orders"}],
    }
    if draft.customer_id:
        customers = f"{draft.store_url}/wp-json/wc/v3/customers/{draft.customer_id}"
        links["customer"] = [{"href": customers}]
    needs_payment = draft.status in ("pending", "failed") and totals.total > 0
    return {
        "id": draft.order_id,
        "parent_id": 0,
        "status": draft.status,
        "currency": draft.currency,
        "version": WOOCOMMERCE_VERSION,
        "prices_include_tax": inputs.prices_include_tax,
        "date_created": wire_date(draft.created_gmt, local),
        "date_modified": wire_date(draft.modified_gmt, local),
        "discount_total": money(totals.discount_total),
        "discount_tax": money(totals.discount_tax),
        "shipping_total": money(totals.shipping_total),
        "shipping_tax": money(totals.shipping_tax),
        "cart_tax": money(totals.cart_tax),
        "total": money(totals.total),
        "total_tax": money(totals.total_tax),
        "customer_id": draft.customer_id,
        "order_key": draft.order_key,
        "billing": dict(draft.billing),
        "shipping": dict(draft.shipping),
        "payment_method": draft.payment.method,
        "payment_method_title": draft.payment.title,
        "transaction_id": draft.payment.transaction_id,
        "customer_ip_address": draft.customer_ip_address,
        "customer_user_agent": draft.customer_user_agent,
        "created_via": draft.created_via,
        "customer_note": draft.customer_note,
        "date_completed": wire_date(draft.completed_gmt, local),
        "date_paid": wire_date(draft.paid_gmt, local),
        "cart_hash": draft.cart_hash,
        "number": draft.number,
        "meta_data": [_meta(metas, key, value) for key, value in draft.meta],
        "line_items": line_items,
        "tax_lines": tax_lines,
        "shipping_lines": shipping_lines,
        "fee_lines": fee_lines,
        "coupon_lines": coupon_lines,
        "refunds": [],
        "payment_url": (
            f"{draft.store_url}/checkout/order-pay/{draft.order_id}/"
            f"?pay_for_order=true&key={draft.order_key}"
        ),
        "is_editable": draft.status in EDITABLE_STATUSES,
        "needs_payment": needs_payment,
        "needs_processing": True,
        "date_created_gmt": wire_date(draft.created_gmt),
        "date_modified_gmt": wire_date(draft.modified_gmt),
        "date_completed_gmt": wire_date(draft.completed_gmt),
        "date_paid_gmt": wire_date(draft.paid_gmt),
        "currency_symbol": CURRENCY_SYMBOLS.get(draft.currency, draft.currency),
        "_links": links,
    }


class GeneratedOrderError(RuntimeError):
    """A generated order broke WooCommerce's arithmetic: a bug here, never in the scenario."""


def render_order(draft: OrderDraft) -> WooOrder:
    """Compute the totals, assemble the JSON and parse it; the invariants must hold."""
    totals = calculate(draft.inputs)
    order = WooOrder.parse(build_wire(draft, totals), dp=totals.dp)
    violations = order.check_invariants()
    if violations:
        details = "; ".join(v.message for v in violations)
        raise GeneratedOrderError(
            f"order {draft.number} breaks WooCommerce's arithmetic: {details}"
        )
    return order

"""An order's totals recomputed as `WC_Abstract_Order::calculate_totals` does after an edit.

A REST create, or an update that changes items, addresses or coupons, makes WooCommerce
recompute the order: coupons are taken off the line subtotals again (`apply_coupon`), every
item's taxes are computed from its stored ex-tax total at the rates of the order's tax
location (the shipping address, else billing: the `tax_based_on` default), rounded per item
and rate, and the tax lines and totals follow. Order items always hold ex-tax amounts, so the
taxes are exclusive whatever the store's price display.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from harness.money import minor_unit, round_half_up
from harness.woo.cart import ZERO, CouponInput, TaxRate
from harness.woo.discounts import Discounts, coupon_order, split
from harness.woo.taxes import exclusive_taxes
from harness.woo.totals import format_money
from harness.woostore.catalogue import Coupon

NewId = Callable[[], int]


def location_rates(order: Mapping[str, Any], rates: Sequence[TaxRate]) -> list[TaxRate]:
    """The rates of the order's tax location, one per priority (the first that matches)."""
    if order.get("meta_data") and any(
        m.get("key") == "is_vat_exempt" and m.get("value") == "yes" for m in order["meta_data"]
    ):
        return []
    shipping, billing = order.get("shipping") or {}, order.get("billing") or {}
    place = shipping if shipping.get("country") else billing
    country, state = place.get("country", ""), str(place.get("state", "")).upper()
    chosen: dict[int, TaxRate] = {}
    for rate in rates:
        if rate.country == country and rate.state in ("", state):
            chosen.setdefault(rate.priority, rate)
    return [chosen[priority] for priority in sorted(chosen)]


class Recalculation:
    """Recomputes one order's numbers in place, at its decimals."""

    def __init__(self, dp: int, rates: Sequence[TaxRate], new_id: NewId) -> None:
        self.dp = dp
        self.unit = minor_unit(dp)
        self.rates = rates
        self.new_id = new_id

    def money(self, amount: Decimal) -> str:
        return format_money(amount, self.dp)

    def round(self, amount: Decimal) -> Decimal:
        return round_half_up(amount, self.dp)

    def run(
        self,
        order: dict[str, Any],
        *,
        taxable: Callable[[Mapping[str, Any]], bool],
        coupons: Mapping[str, Coupon] | None = None,
    ) -> None:
        """`coupons` (by code): re-apply the order's coupons to the line subtotals first."""
        rates = location_rates(order, self.rates)
        lines = order.get("line_items", [])
        given = self._apply_coupons(order, coupons) if coupons is not None else None
        cart: dict[int, Decimal] = {}
        ship: dict[int, Decimal] = {}
        for line in lines:
            line_rates = rates if taxable(line) else []
            subtotal, total = Decimal(line["subtotal"]), Decimal(line["total"])
            sub_taxes = [self.round(t) for t in exclusive_taxes(subtotal, line_rates)]
            taxes = [self.round(t) for t in exclusive_taxes(total, line_rates)]
            line["subtotal_tax"] = self.money(sum(sub_taxes, ZERO))
            line["total_tax"] = self.money(sum(taxes, ZERO))
            line["taxes"] = [
                {"id": r.rate_id, "total": self.money(t), "subtotal": self.money(s)}
                for r, t, s in zip(line_rates, taxes, sub_taxes, strict=True)
            ]
            quantity = int(line.get("quantity") or 1)
            line["price"] = _number(total / quantity)
            for rate, tax in zip(line_rates, taxes, strict=True):
                cart[rate.rate_id] = cart.get(rate.rate_id, ZERO) + tax
        for fee in order.get("fee_lines", []):
            amount = Decimal(fee["total"])
            taxed = fee.get("tax_status", "taxable") == "taxable" and amount > 0
            fee_rates = rates if taxed else []
            self._charge(fee, fee_rates, cart)
        for shipping in order.get("shipping_lines", []):
            amount = Decimal(shipping["total"])
            self._charge(shipping, [r for r in rates if r.shipping] if amount > 0 else [], ship)
        if given is not None:
            self._coupon_lines(order, given)
        self._tax_lines(order, rates, cart, ship)
        self._totals(order, cart, ship)

    def _charge(
        self, item: dict[str, Any], rates: Sequence[TaxRate], into: dict[int, Decimal]
    ) -> None:
        taxes = [self.round(t) for t in exclusive_taxes(Decimal(item["total"]), rates)]
        item["total_tax"] = self.money(sum(taxes, ZERO))
        item["taxes"] = [
            {"id": r.rate_id, "total": self.money(t), "subtotal": ""}
            for r, t in zip(rates, taxes, strict=True)
        ]
        for rate, tax in zip(rates, taxes, strict=True):
            into[rate.rate_id] = into.get(rate.rate_id, ZERO) + tax

    def _apply_coupons(
        self, order: dict[str, Any], known: Mapping[str, Coupon]
    ) -> Discounts | None:
        """Every line back to its subtotal, then each coupon off (`WC_Discounts`)."""
        lines = order.get("line_items", [])
        codes = [str(c.get("code", "")) for c in order.get("coupon_lines", [])]
        inputs = [CouponInput(code, known[code].kind, known[code].amount) for code in codes]
        units = [int(Decimal(line["subtotal"]) / self.unit) for line in lines]
        cart = Discounts(units, [int(line.get("quantity") or 1) for line in lines])
        for index in coupon_order(inputs):
            coupon = inputs[index]
            if coupon.kind == "percent":
                cart.percent(index, coupon.amount)
            else:
                cart.fixed_cart(index, int(self.round(coupon.amount) / self.unit))
        for index, line in enumerate(lines):
            line["total"] = self.money(cart.remaining(index) * self.unit)
        return cart if inputs else None

    def _coupon_lines(self, order: dict[str, Any], cart: Discounts) -> None:
        """Each coupon's share of every line's discount and discount tax."""
        coupons = order.get("coupon_lines", [])
        count = len(coupons)
        discount, discount_tax = [0] * count, [0] * count
        for index, line in enumerate(order.get("line_items", [])):
            weights = [row[index] if (row := cart.discounts.get(c)) else 0 for c in range(count)]
            off = Decimal(line["subtotal"]) - Decimal(line["total"])
            off_tax = Decimal(line["subtotal_tax"]) - Decimal(line["total_tax"])
            for c, share in enumerate(split(int(off / self.unit), weights)):
                discount[c] += share
            for c, share in enumerate(split(int(off_tax / self.unit), weights)):
                discount_tax[c] += share
        for c, coupon in enumerate(coupons):
            coupon["discount"] = self.money(discount[c] * self.unit)
            coupon["discount_tax"] = self.money(discount_tax[c] * self.unit)

    def _tax_lines(
        self,
        order: dict[str, Any],
        rates: Sequence[TaxRate],
        cart: Mapping[int, Decimal],
        ship: Mapping[int, Decimal],
    ) -> None:
        """One tax line per rate used (`update_taxes`), keeping the ids of lines that stay."""
        existing = {t.get("rate_id"): t for t in order.get("tax_lines", [])}
        lines = []
        for rate in rates:
            if rate.rate_id not in cart and rate.rate_id not in ship:
                continue
            previous = existing.get(rate.rate_id) or {}
            lines.append(
                {
                    "id": previous.get("id") or self.new_id(),
                    "rate_code": rate.rate_code,
                    "rate_id": rate.rate_id,
                    "label": rate.name,
                    "compound": rate.compound,
                    "tax_total": self.money(cart.get(rate.rate_id, ZERO)),
                    "shipping_tax_total": self.money(ship.get(rate.rate_id, ZERO)),
                    "rate_percent": rate.rate_percent,
                    "meta_data": previous.get("meta_data", []),
                }
            )
        order["tax_lines"] = lines

    def _totals(
        self, order: dict[str, Any], cart: Mapping[int, Decimal], ship: Mapping[int, Decimal]
    ) -> None:
        lines = order.get("line_items", [])
        subtotal = sum((Decimal(line["subtotal"]) for line in lines), ZERO)
        items = sum((Decimal(line["total"]) for line in lines), ZERO)
        sub_tax = sum((Decimal(line["subtotal_tax"]) for line in lines), ZERO)
        item_tax = sum((Decimal(line["total_tax"]) for line in lines), ZERO)
        fees = sum((Decimal(fee["total"]) for fee in order.get("fee_lines", [])), ZERO)
        shipping = sum((Decimal(s["total"]) for s in order.get("shipping_lines", [])), ZERO)
        cart_tax, shipping_tax = sum(cart.values(), ZERO), sum(ship.values(), ZERO)
        order["discount_total"] = self.money(subtotal - items)
        order["discount_tax"] = self.money(sub_tax - item_tax)
        order["shipping_total"] = self.money(shipping)
        order["shipping_tax"] = self.money(shipping_tax)
        order["cart_tax"] = self.money(cart_tax)
        order["total_tax"] = self.money(cart_tax + shipping_tax)
        order["total"] = self.money(items + fees + shipping + cart_tax + shipping_tax)


def _number(amount: Decimal) -> int | float:
    """A JSON number as PHP writes a float that happens to be whole (`12` rather than `12.0`)."""
    return int(amount) if amount == amount.to_integral_value() else float(amount)

"""What WooCommerce's order arithmetic is given: a cart, its tax rates and price mode.

`OrderInput` describes the lines, rates, shipping, fees and coupons of one order;
`check_order_input` refuses what WooCommerce itself would never have accepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

CouponKind = Literal["percent", "fixed_cart"]
HUNDRED = Decimal(100)
ZERO = Decimal(0)


class TotalsInputError(ValueError):
    """An `OrderInput` WooCommerce itself would never have accepted (names field and value)."""


@dataclass(frozen=True)
class TaxRate:
    """One WooCommerce tax rate (`woocommerce_tax_rates` row) that applies to the order."""

    rate_id: int
    country: str
    state: str
    name: str
    percent: Decimal
    priority: int = 1
    compound: bool = False
    shipping: bool = True

    @property
    def rate_code(self) -> str:
        """`COUNTRY-STATE-NAME-PRIORITY`, upper case, empty parts dropped (`get_rate_code`)."""
        parts = [self.country, self.state, self.name or "TAX", str(self.priority)]
        return "-".join(part for part in parts if part).upper()

    @property
    def rate_percent(self) -> int | float:
        """The JSON number WooCommerce reports (`7.25`, `13`)."""
        whole = self.percent == self.percent.to_integral_value()
        return int(self.percent) if whole else float(self.percent)


@dataclass(frozen=True)
class LineInput:
    """A cart line: `unit_price` is the catalogue price (gross when prices include tax)."""

    quantity: int
    unit_price: Decimal
    taxable: bool = True


@dataclass(frozen=True)
class ShippingInput:
    """A chosen shipping rate; WooCommerce shipping costs are always entered ex-tax."""

    cost: Decimal
    taxable: bool = True


@dataclass(frozen=True)
class FeeInput:
    """A cart fee, ex-tax; a negative amount is an ad-hoc discount."""

    amount: Decimal
    taxable: bool = True


@dataclass(frozen=True)
class CouponInput:
    """A cart coupon: `amount` is a percent, or money (gross when prices include tax)."""

    code: str
    kind: CouponKind
    amount: Decimal


@dataclass(frozen=True)
class OrderInput:
    """Everything the arithmetic needs; identity, names and addresses live elsewhere."""

    lines: tuple[LineInput, ...]
    rates: tuple[TaxRate, ...] = ()
    shipping: tuple[ShippingInput, ...] = ()
    fees: tuple[FeeInput, ...] = ()
    coupons: tuple[CouponInput, ...] = ()
    prices_include_tax: bool = False
    vat_exempt: bool = False
    dp: int = 2


def check_order_input(order: OrderInput) -> None:
    """Raise `TotalsInputError` naming the first field WooCommerce would have refused."""
    if not order.lines:
        raise TotalsInputError("lines: an order needs at least one line item (got none)")
    if order.dp < 0:
        raise TotalsInputError(f"dp: must be 0 or more (got {order.dp})")
    for index, line in enumerate(order.lines):
        if line.quantity <= 0:
            raise TotalsInputError(
                f"lines.{index}.quantity: must be a positive integer (got {line.quantity})"
            )
        if line.unit_price < 0:
            raise TotalsInputError(
                f"lines.{index}.unit_price: must be >= 0 (got {line.unit_price})"
            )
    for index, ship in enumerate(order.shipping):
        if ship.cost < 0:
            raise TotalsInputError(f"shipping.{index}.cost: must be >= 0 (got {ship.cost})")
    for index, coupon in enumerate(order.coupons):
        if coupon.amount < 0 or (coupon.kind == "percent" and coupon.amount > HUNDRED):
            expected = "0 to 100" if coupon.kind == "percent" else ">= 0"
            raise TotalsInputError(
                f"coupons.{index}.amount: must be {expected} (got {coupon.amount})"
            )
    ids = [rate.rate_id for rate in order.rates]
    if len(set(ids)) != len(ids):
        raise TotalsInputError(f"rates: rate ids must be unique (got {ids})")

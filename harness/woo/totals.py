"""WooCommerce order arithmetic: the numbers a real store stores for a given cart.

Generated orders must carry exactly what WooCommerce would have computed, otherwise every
downstream comparison ends up testing our arithmetic instead of the connector. `calculate`
follows the cart code paths that produce an order (`WC_Cart_Totals`, with `WC_Discounts` in
`harness.woo.discounts` and `WC_Tax` in `harness.woo.taxes`) and the invariants of
`WC_Abstract_Order::calculate_totals`, in `Decimal` at the store's price decimals (`dp`), with
`woocommerce_tax_round_at_subtotal` off (the default): every rate's tax is rounded per line
before it is summed.

Usage: describe the cart with `harness.woo.cart.OrderInput` and call `calculate`; `OrderTotals`
holds every money field of the order, its lines, coupons, fees, shipping and `tax_lines`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_DOWN, ROUND_HALF_UP, Decimal

from harness.money import minor_unit, round_half_up
from harness.woo.cart import (
    ZERO,
    CouponKind,
    LineInput,
    OrderInput,
    ShippingInput,
    TaxRate,
    check_order_input,
)
from harness.woo.discounts import Discounts, coupon_order, split
from harness.woo.taxes import exclusive_taxes, inclusive_taxes


@dataclass(frozen=True)
class RateAmount:
    """One entry of an item's `taxes[]`; shipping and fee taxes have no subtotal."""

    rate_id: int
    total: Decimal
    subtotal: Decimal | None = None


@dataclass(frozen=True)
class LineTotals:
    """A `line_items[]` entry's numbers; `price` is WooCommerce's unrounded total / quantity."""

    quantity: int
    subtotal: Decimal
    subtotal_tax: Decimal
    total: Decimal
    total_tax: Decimal
    taxes: tuple[RateAmount, ...]
    price: float


@dataclass(frozen=True)
class ChargeTotals:
    """A `shipping_lines[]` or `fee_lines[]` entry's numbers."""

    total: Decimal
    total_tax: Decimal
    taxes: tuple[RateAmount, ...]


@dataclass(frozen=True)
class CouponTotals:
    """A `coupon_lines[]` entry: ex-tax discount and the tax it removed."""

    code: str
    kind: CouponKind
    amount: Decimal
    discount: Decimal
    discount_tax: Decimal


@dataclass(frozen=True)
class TaxLineTotals:
    """A `tax_lines[]` entry: cart (items + fees) tax and shipping tax of one rate."""

    rate: TaxRate
    tax_total: Decimal
    shipping_tax_total: Decimal


@dataclass(frozen=True)
class OrderTotals:
    """Every number of the order, as WooCommerce stores it (rounded at `dp`)."""

    dp: int
    lines: tuple[LineTotals, ...]
    shipping: tuple[ChargeTotals, ...]
    fees: tuple[ChargeTotals, ...]
    coupons: tuple[CouponTotals, ...]
    tax_lines: tuple[TaxLineTotals, ...]
    shipping_total: Decimal
    cart_tax: Decimal
    shipping_tax: Decimal
    total_tax: Decimal
    discount_total: Decimal
    discount_tax: Decimal
    total: Decimal

    def money(self, amount: Decimal) -> str:
        """`amount` as the REST API prints it at this order's decimals."""
        return format_money(amount, self.dp)


def format_money(amount: Decimal, dp: int) -> str:
    """`wc_format_decimal(amount, dp)` for an already rounded amount: "29.35", "528"."""
    rounded = round_half_up(amount, dp)
    return f"{abs(rounded) if rounded == 0 else rounded:f}"  # never "-0.00"


class _Rounder:
    """Money and tax rounding at the store's decimals."""

    def __init__(self, dp: int, prices_include_tax: bool) -> None:
        self.dp = dp
        self.unit = minor_unit(dp)
        # WC_TAX_ROUNDING_MODE: half-down when prices include tax, half-up otherwise.
        self.tax_mode = ROUND_HALF_DOWN if prices_include_tax else ROUND_HALF_UP

    def money(self, amount: Decimal) -> Decimal:
        return round_half_up(amount, self.dp)

    def tax(self, amount: Decimal) -> Decimal:
        return amount.quantize(self.unit, rounding=self.tax_mode)

    def units(self, amount: Decimal) -> int:
        return int(self.money(amount) / self.unit)

    def from_units(self, units: int) -> Decimal:
        return self.unit * units


def _rounded(raw: Iterable[Decimal], rnd: _Rounder) -> list[Decimal]:
    return [rnd.tax(amount) for amount in raw]


def calculate(order: OrderInput) -> OrderTotals:
    """The stored numbers of an order made from `order` (see the module docstring)."""
    check_order_input(order)
    rnd = _Rounder(order.dp, order.prices_include_tax)
    rates = () if order.vat_exempt else order.rates
    inclusive = order.prices_include_tax

    # Discountable line prices: gross for inclusive stores; an exempt customer of an
    # inclusive store pays the net price (tax backed out with the store's rates).
    bases: list[Decimal] = []
    for line in order.lines:
        gross = rnd.money(line.unit_price * line.quantity)
        if inclusive and order.vat_exempt and line.taxable and order.rates:
            gross -= sum(_rounded(inclusive_taxes(gross, order.rates), rnd), ZERO)
        bases.append(gross)

    cart = Discounts([rnd.units(b) for b in bases], [line.quantity for line in order.lines])
    for coupon_index in coupon_order(order.coupons):
        coupon = order.coupons[coupon_index]
        if coupon.kind == "percent":
            cart.percent(coupon_index, coupon.amount)
        else:
            cart.fixed_cart(coupon_index, rnd.units(coupon.amount))
    discounted = [rnd.from_units(cart.remaining(i)) for i in range(len(bases))]

    lines = [
        _line_totals(line, base, after, rates, inclusive, rnd)
        for line, base, after in zip(order.lines, bases, discounted, strict=True)
    ]
    shipping = [_shipping_totals(ship, rates, rnd) for ship in order.shipping]
    shipping_total = sum((s.total for s in shipping), ZERO)
    fees = _fee_totals(order, lines, shipping, rates, rnd)
    coupons = _coupon_totals(order, cart, lines, rnd)
    tax_lines = _tax_lines(rates, lines, fees, shipping)

    cart_tax = sum((t.tax_total for t in tax_lines), ZERO)
    shipping_tax = sum((t.shipping_tax_total for t in tax_lines), ZERO)
    items_total = sum((line.total for line in lines), ZERO)
    return OrderTotals(
        dp=order.dp,
        lines=tuple(lines),
        shipping=tuple(shipping),
        fees=tuple(fees),
        coupons=tuple(coupons),
        tax_lines=tuple(tax_lines),
        shipping_total=shipping_total,
        cart_tax=cart_tax,
        shipping_tax=shipping_tax,
        total_tax=rnd.money(cart_tax + shipping_tax),
        discount_total=rnd.money(sum((line.subtotal for line in lines), ZERO) - items_total),
        discount_tax=rnd.tax(
            sum((line.subtotal_tax for line in lines), ZERO)
            - sum((line.total_tax for line in lines), ZERO)
        ),
        total=rnd.money(
            items_total
            + sum((fee.total for fee in fees), ZERO)
            + shipping_total
            + cart_tax
            + shipping_tax
        ),
    )


def _line_totals(
    line: LineInput,
    base: Decimal,
    after: Decimal,
    rates: Sequence[TaxRate],
    inclusive: bool,
    rnd: _Rounder,
) -> LineTotals:
    quantity = line.quantity
    if not (line.taxable and rates):
        return LineTotals(quantity, base, ZERO, after, ZERO, (), float(after / quantity))
    if inclusive:
        sub_taxes = _rounded(inclusive_taxes(base, rates), rnd)
        raw_taxes = inclusive_taxes(after, rates)
        taxes = _rounded(raw_taxes, rnd)
        # INFERRED: net = gross - rounded tax, so net + tax is exactly what the customer paid
        # (6.00 at 10% -> 5.45 + 0.55); `price` keeps WooCommerce's unrounded net / quantity.
        subtotal = base - sum(sub_taxes, ZERO)
        total = after - sum(taxes, ZERO)
        price = float((after - sum(raw_taxes, ZERO)) / quantity)
    else:
        sub_taxes = _rounded(exclusive_taxes(base, rates), rnd)
        taxes = _rounded(exclusive_taxes(after, rates), rnd)
        subtotal, total = base, after
        price = float(after / quantity)
    # Tax is monotonic in the amount, so per rate subtotal tax >= total tax, as WooCommerce forces.
    entries = tuple(
        RateAmount(rate.rate_id, tax, max(sub, tax))
        for rate, tax, sub in zip(rates, taxes, sub_taxes, strict=True)
    )
    return LineTotals(
        quantity=quantity,
        subtotal=subtotal,
        subtotal_tax=sum((e.subtotal or ZERO for e in entries), ZERO),
        total=total,
        total_tax=sum((e.total for e in entries), ZERO),
        taxes=entries,
        price=price,
    )


def _charge(
    total: Decimal, rates: Sequence[TaxRate], raw: list[Decimal], rnd: _Rounder
) -> ChargeTotals:
    rounded = _rounded(raw, rnd)
    entries = tuple(RateAmount(r.rate_id, tax) for r, tax in zip(rates, rounded, strict=True))
    return ChargeTotals(total, sum((e.total for e in entries), ZERO), entries)


def _shipping_totals(ship: ShippingInput, rates: Sequence[TaxRate], rnd: _Rounder) -> ChargeTotals:
    total = rnd.money(ship.cost)
    # Shipping costs are entered net in both price modes; a free rate carries no taxes at all
    # (`WC_Shipping_Method::add_rate` only computes taxes for a cost above 0).
    taxed = ship.taxable and total > 0
    shipping_rates = [rate for rate in rates if rate.shipping] if taxed else []
    return _charge(total, shipping_rates, exclusive_taxes(total, shipping_rates), rnd)


def _fee_totals(
    order: OrderInput,
    lines: Sequence[LineTotals],
    shipping: Sequence[ChargeTotals],
    rates: Sequence[TaxRate],
    rnd: _Rounder,
) -> list[ChargeTotals]:
    """Fees in order; a negative fee is capped so items + fees + shipping stay >= 0.

    A negative fee works as a discount, so its (negative) tax is apportioned by the share of
    taxed costs, whatever its own tax status (`WC_Cart_Totals::get_fees_from_cart`).
    """
    items_total = sum((line.total for line in lines), ZERO)
    shipping_total = sum((s.total for s in shipping), ZERO)
    # INFERRED: only costs that were actually taxed count as taxable (WooCommerce also counts
    # shipping no rate applies to), and a rate's cart tax never goes below 0, so a discount
    # can remove tax but never refund more of it than was charged.
    charges = [(line.total, bool(line.taxes)) for line in lines]
    charges += [(ship.total, bool(ship.taxes)) for ship in shipping]
    taxable_costs = sum((cost for cost, taxed in charges if taxed), ZERO)
    other_costs = sum((cost for cost, taxed in charges if not taxed), ZERO)
    charged = {rate.rate_id: ZERO for rate in rates}
    for entry in (e for line in lines for e in line.taxes):
        charged[entry.rate_id] += entry.total

    fees: list[ChargeTotals] = []
    running = ZERO
    for fee in order.fees:
        amount = rnd.money(fee.amount)
        if amount < 0:
            floor = -rnd.money(items_total + running + shipping_total)
            if amount < floor <= 0:
                amount = floor
        if amount < 0 and rates and taxable_costs > 0:
            share = taxable_costs / (taxable_costs + other_costs)
            raw = exclusive_taxes(amount * share, rates)
            capped = [max(tax, -charged[r.rate_id]) for r, tax in zip(rates, raw, strict=True)]
            charge = _charge(amount, rates, capped, rnd)
        elif amount > 0 and fee.taxable and rates:
            charge = _charge(amount, rates, exclusive_taxes(amount, rates), rnd)
        else:
            charge = ChargeTotals(amount, ZERO, ())
        fees.append(charge)
        for entry in charge.taxes:
            charged[entry.rate_id] += entry.total
        if amount > 0:
            taxable_costs += amount if charge.taxes else ZERO
            other_costs += ZERO if charge.taxes else amount
        running += amount
    return fees


def _coupon_totals(
    order: OrderInput, cart: Discounts, lines: Sequence[LineTotals], rnd: _Rounder
) -> list[CouponTotals]:
    """Each coupon's ex-tax discount and discount tax; they add up to the order's exactly."""
    count = len(order.coupons)
    discount = [0] * count
    discount_tax = [0] * count
    for index, line in enumerate(lines):
        weights = [cart.discounts.get(c, [0] * len(lines))[index] for c in range(count)]
        net = split(rnd.units(line.subtotal - line.total), weights)
        tax = split(rnd.units(line.subtotal_tax - line.total_tax), weights)
        for c in range(count):
            discount[c] += net[c]
            discount_tax[c] += tax[c]
    return [
        CouponTotals(
            coupon.code,
            coupon.kind,
            coupon.amount,
            rnd.from_units(discount[c]),
            rnd.from_units(discount_tax[c]),
        )
        for c, coupon in enumerate(order.coupons)
    ]


def _tax_lines(
    rates: Sequence[TaxRate],
    lines: Sequence[LineTotals],
    fees: Sequence[ChargeTotals],
    shipping: Sequence[ChargeTotals],
) -> list[TaxLineTotals]:
    """One tax line per rate any item, fee or shipping line was taxed at (`update_taxes`)."""
    cart: dict[int, Decimal] = {}
    ship: dict[int, Decimal] = {}
    entries = [e for line in lines for e in line.taxes] + [e for fee in fees for e in fee.taxes]
    for entry in entries:
        cart[entry.rate_id] = cart.get(entry.rate_id, ZERO) + entry.total
    for charge in shipping:
        for entry in charge.taxes:
            ship[entry.rate_id] = ship.get(entry.rate_id, ZERO) + entry.total
    return [
        TaxLineTotals(rate, cart.get(rate.rate_id, ZERO), ship.get(rate.rate_id, ZERO))
        for rate in rates
        if rate.rate_id in cart or rate.rate_id in ship
    ]

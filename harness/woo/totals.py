"""WooCommerce order arithmetic: the numbers a real store stores for a given cart.

Generated orders must carry exactly what WooCommerce would have computed, otherwise every
downstream comparison ends up testing our arithmetic instead of the connector. This module
follows the cart/discount/tax code paths that produce an order (`WC_Cart_Totals`,
`WC_Discounts`, `WC_Tax`) and the invariants of `WC_Abstract_Order::calculate_totals`, in
`Decimal` at the store's price decimals (`dp`), with `woocommerce_tax_round_at_subtotal` off
(the default): every rate's tax is rounded per line before it is summed.

Usage: describe the cart with `OrderInput` and call `calculate`; `OrderTotals` holds every
money field of the order, its lines, coupons, fees, shipping and `tax_lines`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_DOWN, ROUND_HALF_UP, Decimal
from typing import Literal

CouponKind = Literal["percent", "fixed_cart"]
HUNDRED = Decimal(100)
ZERO = Decimal(0)


class TotalsInputError(ValueError):
    """An `OrderInput` WooCommerce itself would never have accepted (names field and value)."""


# ----------------------------------------------------------------------------- inputs


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


# ----------------------------------------------------------------------------- results


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
    rounded = quantize(amount, dp)
    return f"{abs(rounded) if rounded == 0 else rounded:f}"  # never "-0.00"


def quantize(amount: Decimal, dp: int, rounding: str = ROUND_HALF_UP) -> Decimal:
    """Round to `dp` decimals (half-up unless told otherwise)."""
    return amount.quantize(Decimal(1).scaleb(-dp), rounding=rounding)


# ----------------------------------------------------------------------------- tax maths


def exclusive_taxes(amount: Decimal, rates: Sequence[TaxRate]) -> list[Decimal]:
    """Unrounded tax per rate on a net amount (`WC_Tax::calc_exclusive_tax`).

    Compound rates apply to the amount plus every tax computed before them.
    """
    taxes = [ZERO] * len(rates)
    for index, rate in enumerate(rates):
        if not rate.compound:
            taxes[index] = amount * rate.percent / HUNDRED
    for index, rate in enumerate(rates):
        if rate.compound:
            taxes[index] = (amount + sum(taxes, ZERO)) * rate.percent / HUNDRED
    return taxes


def inclusive_taxes(gross: Decimal, rates: Sequence[TaxRate]) -> list[Decimal]:
    """Unrounded tax per rate contained in a gross amount (`WC_Tax::calc_inclusive_tax`).

    Compound rates come off first, then the regular rates share what is left.
    """
    regular = sum((r.percent for r in rates if not r.compound), ZERO)
    compound = sum((r.percent for r in rates if r.compound), ZERO)
    before_compound = gross / (1 + compound / HUNDRED)
    compound_tax = gross - before_compound
    taxes: list[Decimal] = []
    for rate in rates:
        if rate.compound:
            # WooCommerce gives every compound rate the whole compound part; with one compound
            # rate (the only case stores use) that is this share. INFERRED for several.
            taxes.append(compound_tax * rate.percent / compound if compound else ZERO)
        else:
            taxes.append(before_compound * (rate.percent / HUNDRED) / (1 + regular / HUNDRED))
    return taxes


# ----------------------------------------------------------------------------- discounts


@dataclass
class _Cart:
    """Line prices in minor units, as `WC_Discounts` sees them (sorted by price, desc)."""

    prices: list[int]
    quantities: list[int]
    discounts: dict[int, list[int]] = field(default_factory=dict)  # coupon index -> per line

    def __post_init__(self) -> None:
        # `WC_Discounts::sort_by_price`: most expensive line first; PHP's sort is stable.
        self.order = sorted(range(len(self.prices)), key=lambda i: -self.prices[i])

    def remaining(self, line: int) -> int:
        return self.prices[line] - sum(d[line] for d in self.discounts.values())

    def give(self, coupon: int, line: int, amount: int) -> None:
        self.discounts.setdefault(coupon, [0] * len(self.prices))[line] += amount

    def eligible(self) -> list[int]:
        return [i for i in self.order if self.remaining(i) > 0 and self.quantities[i] > 0]

    def remainder(self, coupon: int, lines: list[int], amount: int) -> int:
        """One minor unit per unit of quantity, biggest lines first (`apply_coupon_remainder`)."""
        given = 0
        for line in lines:
            for _ in range(self.quantities[line]):
                step = min(self.remaining(line), 1)
                self.give(coupon, line, step)
                given += step
                if given >= amount:
                    return given
        return given

    def percent(self, coupon: int, percent: Decimal) -> int:
        """`apply_coupon_percent`: floor per line on the original price, then fix the remainder."""
        lines = self.eligible()
        given = 0
        base = 0
        for line in lines:
            wanted = int((self.prices[line] * percent / HUNDRED).to_integral_value(ROUND_DOWN))
            step = min(self.remaining(line), wanted)
            self.give(coupon, line, step)
            given += step
            base += self.prices[line]
        whole = int((base * percent / HUNDRED).to_integral_value(ROUND_HALF_UP))
        if given < whole:
            given += self.remainder(coupon, lines, whole - given)
        return given

    def fixed_cart(self, coupon: int, amount: int) -> int:
        """`apply_coupon_fixed_cart`: the same amount off every unit, repeated until spent.

        What is left after whole minor units per unit goes one unit at a time to the biggest
        lines first. (WooCommerce splits fixed-cart coupons per unit of quantity, not in
        proportion to line prices: read in `WC_Discounts`, 3.2 to current.)
        """
        lines = self.eligible()
        count = sum(self.quantities[line] for line in lines)
        if not count or amount <= 0:
            return 0
        per_unit = amount // count
        if per_unit == 0:
            return self.remainder(coupon, lines, amount)
        given = 0
        for line in lines:
            step = min(self.remaining(line), per_unit * self.quantities[line])
            self.give(coupon, line, step)
            given += step
        if 0 < given < amount:
            given += self.fixed_cart(coupon, amount - given)
        return given


def _coupon_order(coupons: Sequence[CouponInput]) -> list[int]:
    # INFERRED: WooCommerce applies percent coupons before fixed-cart ones, so the fixed amount
    # is taken off what the percentage left; within a kind, the order they were added.
    return sorted(range(len(coupons)), key=lambda i: coupons[i].kind != "percent")


# ----------------------------------------------------------------------------- calculation


class _Rounder:
    """Money and tax rounding at the store's decimals."""

    def __init__(self, dp: int, prices_include_tax: bool) -> None:
        self.dp = dp
        self.unit = Decimal(1).scaleb(-dp)
        # WC_TAX_ROUNDING_MODE: half-down when prices include tax, half-up otherwise.
        self.tax_mode = ROUND_HALF_DOWN if prices_include_tax else ROUND_HALF_UP

    def money(self, amount: Decimal) -> Decimal:
        return quantize(amount, self.dp)

    def tax(self, amount: Decimal) -> Decimal:
        return quantize(amount, self.dp, self.tax_mode)

    def units(self, amount: Decimal) -> int:
        return int(self.money(amount) / self.unit)

    def from_units(self, units: int) -> Decimal:
        return self.unit * units


def _check(order: OrderInput) -> None:
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


def _rounded(raw: Iterable[Decimal], rnd: _Rounder) -> list[Decimal]:
    return [rnd.tax(amount) for amount in raw]


def calculate(order: OrderInput) -> OrderTotals:
    """The stored numbers of an order made from `order` (see the module docstring)."""
    _check(order)
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

    cart = _Cart([rnd.units(b) for b in bases], [line.quantity for line in order.lines])
    for coupon_index in _coupon_order(order.coupons):
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


def _split(amount: int, weights: Sequence[int]) -> list[int]:
    """`amount` minor units in proportion to `weights`; the last weighted share takes the rest."""
    total = sum(weights)
    if total == 0:
        return [0] * len(weights)
    shares = [amount * w // total for w in weights]
    last = max(i for i, w in enumerate(weights) if w)
    shares[last] += amount - sum(shares)
    return shares


def _coupon_totals(
    order: OrderInput, cart: _Cart, lines: Sequence[LineTotals], rnd: _Rounder
) -> list[CouponTotals]:
    """Each coupon's ex-tax discount and discount tax; they add up to the order's exactly."""
    count = len(order.coupons)
    discount = [0] * count
    discount_tax = [0] * count
    for index, line in enumerate(lines):
        weights = [cart.discounts.get(c, [0] * len(lines))[index] for c in range(count)]
        net = _split(rnd.units(line.subtotal - line.total), weights)
        tax = _split(rnd.units(line.subtotal_tax - line.total_tax), weights)
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

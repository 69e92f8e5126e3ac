"""Sales tax on a sales order, the way NetSuite's legacy tax engine computes it.

Pure arithmetic over plain values; `salesorder.py` decides which code applies where and
hands the result back to the record. The rules, written down once:

- **US subsidiaries** (legacy US model): one header tax code or tax group (`taxItem`) at one
  rate (`taxRate`, which a client may overwrite), and a per-line `isTaxable` flag. Every
  taxable line is taxed at the header rate.
- **Other subsidiaries** (Canada; per-line tax codes): every line carries its own `taxCode`
  and is taxed at that code's rate.
- **Header discount applied before tax** (a Discount item flagged `applyBeforeTax`): the
  whole discount reduces the taxable base. It is allocated over the taxed lines with a
  positive amount, in proportion to their amounts, each share rounded half-up to the
  currency's precision, the remainder cent going to the largest line (the first one on a
  tie). A discount larger than the taxable base takes the base to zero, never below
  (INFERRED). A discount not applied before tax leaves the taxable base alone.
- **Shipping** is taxed when a shipping tax code applies (the order's `shippingTaxCode`, or
  the ship item is taxable): tax = rate x shipping cost.
- **Rounding** follows the account's `taxRounding` preference: `level: line` rounds each
  line's tax (and the shipping tax) to the currency's precision and adds the rounded
  amounts (WooCommerce's default too, so the demo's numbers agree to the cent);
  `level: transaction` adds the unrounded taxes and rounds once. `method` roundOff is
  ROUND_HALF_UP, roundUp rounds away from zero, roundDown towards zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal
from typing import Literal

from harness.money import round_half_up

ZERO = Decimal(0)
HUNDRED = Decimal(100)

RoundingLevel = Literal["line", "transaction"]
RoundingMethod = Literal["roundOff", "roundUp", "roundDown"]
_MODES: dict[str, str] = {
    "roundOff": ROUND_HALF_UP,
    "roundUp": ROUND_UP,
    "roundDown": ROUND_DOWN,
}


@dataclass(frozen=True)
class TaxCode:
    """A sales tax item or tax group as the tax rules see it (rate in percent)."""

    id: int
    name: str
    rate: Decimal
    subsidiary: int | None
    is_inactive: bool = False
    is_exempt: bool = False
    is_group: bool = False


@dataclass(frozen=True)
class TaxableLine:
    """A line's amount and the rate (percent) it is taxed at; `None`: not taxed."""

    amount: Decimal
    rate: Decimal | None


@dataclass(frozen=True)
class TaxRounding:
    precision: int = 2
    level: RoundingLevel = "line"
    method: RoundingMethod = "roundOff"

    def round(self, amount: Decimal) -> Decimal:
        return amount.quantize(Decimal(1).scaleb(-self.precision), rounding=_MODES[self.method])


@dataclass(frozen=True)
class TaxResult:
    """Per-line taxes (rounded when rounding per line), the shipping tax and the total."""

    line_taxes: tuple[Decimal, ...]
    discount_shares: tuple[Decimal, ...]
    shipping_tax: Decimal
    total: Decimal


def allocate_discount(
    amounts: Sequence[Decimal], eligible: Sequence[bool], discount: Decimal, precision: int
) -> list[Decimal]:
    """Shares of a (negative) header `discount` per line, as described in the module doc."""
    shares = [ZERO] * len(amounts)
    chosen = [i for i, amount in enumerate(amounts) if eligible[i] and amount > 0]
    base = sum((amounts[i] for i in chosen), ZERO)
    if not chosen or base <= 0 or discount == 0:
        return shares
    discount = max(discount, -base)  # never below a zero taxable base (INFERRED)
    for i in chosen:
        shares[i] = round_half_up(discount * amounts[i] / base, precision)
    largest = max(chosen, key=lambda i: amounts[i])
    shares[largest] += discount - sum(shares, ZERO)
    return shares


def compute_tax(
    lines: Sequence[TaxableLine],
    *,
    rounding: TaxRounding,
    discount: Decimal = ZERO,
    discount_before_tax: bool = False,
    shipping: Decimal = ZERO,
    shipping_rate: Decimal | None = None,
) -> TaxResult:
    """The order's tax: each taxed line at its rate, then shipping, rounded per `rounding`."""
    amounts = [line.amount for line in lines]
    taxed = [line.rate is not None and line.rate != 0 for line in lines]
    shares = (
        allocate_discount(amounts, taxed, discount, rounding.precision)
        if discount_before_tax
        else [ZERO] * len(lines)
    )
    raw = [
        (line.amount + share) * line.rate / HUNDRED if line.rate is not None else ZERO
        for line, share in zip(lines, shares, strict=True)
    ]
    raw_shipping = shipping * shipping_rate / HUNDRED if shipping_rate is not None else ZERO
    if rounding.level == "line":
        line_taxes = tuple(rounding.round(tax) for tax in raw)
        shipping_tax = rounding.round(raw_shipping)
        total = sum(line_taxes, ZERO) + shipping_tax
    else:
        line_taxes = tuple(raw)
        shipping_tax = raw_shipping
        total = rounding.round(sum(raw, ZERO) + raw_shipping)
    return TaxResult(line_taxes, tuple(shares), shipping_tax, total)

"""Sales order amounts: line pricing and header totals, in one place.

What is here now is the minimal arithmetic (quantity x rate at the currency's precision,
header discount, shipping/handling, total). Tax is left at zero; the tax rules replace
`tax_total` when they arrive. Rounding is ROUND_HALF_UP at the currency's precision.
"""

from __future__ import annotations

from decimal import Decimal

from harness.money import round_half_up
from harness.sandbox.store.recordstore import Line, Record

ZERO = Decimal(0)


def stored_decimal(stored: object) -> Decimal:
    """A stored REAL (or integer) as the Decimal it was written from."""
    if isinstance(stored, int | float):
        return Decimal(repr(float(stored)))
    return Decimal(str(stored))


def price_line(line: Line, precision: int, list_rate: Decimal | None) -> None:
    """Fill a line's quantity, rate and amount the way the UI's field sourcing does.

    - no quantity: 1 (INFERRED: the UI's default);
    - rate and amount both sent: kept as sent (INFERRED: the later field wins, amount);
    - only amount sent: rate = amount / quantity;
    - otherwise: rate as sent or the price level's `list_rate`, amount = quantity x rate.
    """
    values, given = line.values, line.given
    if values.get("quantity") is None:
        values["quantity"] = Decimal(1)
    quantity: Decimal = values["quantity"]
    if "amount" in given and values.get("amount") is not None and "rate" not in given:
        amount = round_half_up(values["amount"], precision)
        values["amount"] = amount
        if quantity:
            values["rate"] = (amount / quantity).normalize()
        return
    if values.get("rate") is None:
        values["rate"] = list_rate
    rate: Decimal | None = values.get("rate")
    if "amount" in given and "rate" in given and values.get("amount") is not None:
        values["amount"] = round_half_up(values["amount"], precision)
    elif rate is not None:
        values["amount"] = round_half_up(quantity * rate, precision)
    else:
        values["amount"] = ZERO


def discount_total(subtotal: Decimal, rate: Decimal | str | None, precision: int) -> Decimal:
    """The header discount: an amount (`-10.00`) or a percentage of the subtotal (`-10%`)."""
    if rate is None:
        return ZERO
    if isinstance(rate, str):
        percent = Decimal(rate.rstrip("%"))
        return round_half_up(subtotal * percent / 100, precision)
    return round_half_up(rate, precision)


def compute_totals(record: Record, precision: int) -> None:
    """Set subtotal, discountTotal, taxTotal (kept) and total on a sales order."""
    values = record.values
    subtotal = sum((line.values.get("amount") or ZERO for line in record.lines("item")), start=ZERO)
    subtotal = round_half_up(subtotal, precision)
    discount = (
        discount_total(subtotal, values.get("discountRate"), precision)
        if values.get("discountItem") is not None
        else ZERO
    )
    tax = values.get("taxTotal") or ZERO
    shipping = round_half_up(values.get("shippingCost") or ZERO, precision)
    handling = round_half_up(values.get("handlingCost") or ZERO, precision)
    values["subtotal"] = subtotal
    values["discountTotal"] = discount
    values["taxTotal"] = round_half_up(tax, precision)
    values["total"] = round_half_up(subtotal + discount + tax + shipping + handling, precision)

"""Money rounding for the whole project: half-up (away from zero) at a number of decimals.

WooCommerce rounds with PHP's `round()` (half away from zero) and NetSuite rounds currency
amounts the same way at the currency's precision (DESIGN section 5: `ROUND_HALF_UP`). A leaf:
`woo`, `netsuite`, `sandbox` and `landing` all import it.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal

# Wide enough that quantizing any amount a store or NetSuite can hold never raises
# `InvalidOperation` for lack of digits (the default context keeps 28).
_WIDE = Context(prec=200)


def minor_unit(places: int) -> Decimal:
    """The smallest amount at `places` decimals (0.01 for 2, 1 for 0)."""
    return _MINOR_UNITS[places] if 0 <= places < len(_MINOR_UNITS) else Decimal(1).scaleb(-places)


# Every precision a currency, a store or a tax rate uses, made once: a landing rounds a few
# hundred amounts.
_MINOR_UNITS = tuple(Decimal(1).scaleb(-places) for places in range(13))


def round_half_up(amount: Decimal, places: int) -> Decimal:
    """`amount` rounded half away from zero to `places` decimals (0.025 -> 0.03 at 2)."""
    return amount.quantize(minor_unit(places), rounding=ROUND_HALF_UP, context=_WIDE)

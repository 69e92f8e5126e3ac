"""How WooCommerce spreads coupons over the cart's lines, in minor units (`WC_Discounts`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from harness.woo.cart import HUNDRED, CouponInput


@dataclass
class Discounts:
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


def coupon_order(coupons: Sequence[CouponInput]) -> list[int]:
    # INFERRED: WooCommerce applies percent coupons before fixed-cart ones, so the fixed amount
    # is taken off what the percentage left; within a kind, the order they were added.
    return sorted(range(len(coupons)), key=lambda i: coupons[i].kind != "percent")


def split(amount: int, weights: Sequence[int]) -> list[int]:
    """`amount` minor units in proportion to `weights`; the last weighted share takes the rest."""
    total = sum(weights)
    if total == 0:
        return [0] * len(weights)
    shares = [amount * w // total for w in weights]
    last = max(i for i, w in enumerate(weights) if w)
    shares[last] += amount - sum(shares)
    return shares

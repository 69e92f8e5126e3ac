"""The store's sync sending each line at the price the customer paid after coupons.

WooCommerce's `price` is the net unit price (coupons already taken off), so lines, tax and
the total all come out right, but NetSuite never learns that a discount was given: no
discount item, revenue booked net, coupon reports empty.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from shop_sync import OrderSync, amount


class NetPriceSync(OrderSync):
    def unit_price(self, line: dict[str, Any]) -> float:
        return amount(Decimal(line["total"]) / line["quantity"])  # BUG: after coupons

    def discount(self, order: dict[str, Any], body: dict[str, Any]) -> None:
        return None  # the coupons are "already in the prices"


def push(order: dict[str, Any]) -> dict[str, Any]:
    return NetPriceSync().push(order)

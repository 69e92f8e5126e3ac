"""The store's sync that never tells NetSuite shipping is taxed.

New York taxes shipping and WooCommerce charges it; NetSuite only taxes shipping when the
order has a shipping tax code (or the ship item is taxable), so the order's tax lands short
by exactly the tax on shipping.
"""

from __future__ import annotations

from typing import Any

from shop_sync import OrderSync


class NoShippingTaxSync(OrderSync):
    def shipping_taxed(self, order: dict[str, Any]) -> bool:
        return False  # BUG: "shipping is never taxed" (it is, in New York)


def push(order: dict[str, Any]) -> dict[str, Any]:
    return NoShippingTaxSync().push(order)

"""The store's sync that never says the order is approved.

A Sales Order sent without `orderStatus` takes the account's Default Sales Order Status; in
this account that is Pending Approval, so every order lands and then waits for someone to
approve it before it can be fulfilled: no error anywhere.
"""

from __future__ import annotations

from typing import Any

from shop_sync import OrderSync


class NoOrderStatusSync(OrderSync):
    order_status = None  # BUG: "NetSuite approves web orders" (it does not, here)


def push(order: dict[str, Any]) -> dict[str, Any]:
    return NoOrderStatusSync().push(order)

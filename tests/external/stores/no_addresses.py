"""The store's sync before anyone thought of addresses: no bill-to, no ship-to, anywhere.

NetSuite fills a Sales Order's addresses from the customer's address book, and the customers
this sync creates have none, so every new customer's order lands without an address.
"""

from __future__ import annotations

from typing import Any

from shop_sync import OrderSync


class NoAddressSync(OrderSync):
    def addresses(self, order: dict[str, Any], body: dict[str, Any]) -> None:
        return None  # BUG: the order's billing and shipping addresses are never sent

    def customer(self, order: dict[str, Any], subsidiary: str, currency: str) -> str:
        billing = order["billing"]
        found = self.find_customer(billing["email"])
        if found:
            return str(found[0]["id"])
        new = {"email": billing["email"].strip().lower(), "subsidiary": {"id": subsidiary},
               "currency": {"id": currency}, "isPerson": True,
               "firstName": billing["first_name"], "lastName": billing["last_name"]}
        return self.ns.upsert("customer", f"woo-customer-{order['customer_id'] or new['email']}",
                              new)


def push(order: dict[str, Any]) -> dict[str, Any]:
    return NoAddressSync().push(order)

"""The store's sync choosing the tax code from the customer's state, as the accountant said.

Every product but gift cards is taxable and the code follows the billing state, which is
right for everyone except tax-exempt customers: WooCommerce charged them nothing, and this
sync sends them the state's code anyway.
"""

from __future__ import annotations

from typing import Any

from shop_sync import OrderSync

TAX_CODE_BY_STATE = {"CA": "CA-STATE", "NY": "NY-NYC", "ON": "ON-HST"}
TAX_FREE = {"GIFT-CARD-25"}


class StateTaxSync(OrderSync):
    def tax(self, order: dict[str, Any], subsidiary: str, body: dict[str, Any]) -> None:
        # BUG: exempt customers (WooCommerce's is_vat_exempt) get the state's code too
        code = self.ns.id_of("salestaxitem", TAX_CODE_BY_STATE[order["billing"]["state"]])
        skus = [line["sku"] for line in order["line_items"]]
        for line, sku in zip(body["item"]["items"], skus, strict=False):
            line.pop("_taxed")
            line["isTaxable"] = sku not in TAX_FREE
        body["taxItem"] = {"id": code}


def push(order: dict[str, Any]) -> dict[str, Any]:
    return StateTaxSync().push(order)

"""Acme Outfitters' own WooCommerce -> NetSuite order sync, as the store's developer wrote it.

Plain `requests` + `requests-oauthlib` (token-based auth from the NETSUITE_* environment), the
store's lookups hard-coded below, one Sales Order upserted per order by externalId. It knows
nothing about any test harness. Each connector beside it is this sync with one classic bug,
the way a store's sync goes wrong in real life.

Usable as a function (`push(order_dict)`) or as a command (`python shop_sync.py < order.json`).
"""

from __future__ import annotations

import json
import os
import sys
from decimal import Decimal
from typing import Any

import requests
from requests_oauthlib import OAuth1

SUBSIDIARY_BY_CURRENCY = {"USD": "1", "CAD": "2"}
SHIP_ITEMS = {"flat_rate": "UPS Ground", "free_shipping": "Free Shipping",
              "local_pickup": "Will Call"}
TAX_CODES = {"US-CA-STATE TAX": "CA-STATE", "US-NY-NYC TAX": "NY-NYC", "CA-ON-HST": "ON-HST"}
NOT_TAXABLE = {"1": "-Not Taxable-", "2": "CA-ZERO"}
TAX_PER_LINE = {"2"}  # Canada: a tax code on every line; US: one header tax item
DISCOUNT_ITEM = "Web Discount"
FEE_ITEM = "Handling Fee"
SYNCED = {"processing", "completed", "on-hold"}


class SyncError(Exception):
    """Something in the order this sync cannot send."""


class NetSuite:
    """The few REST calls the sync makes, signed with the integration's token."""

    def __init__(self) -> None:
        env = os.environ
        account = env["NETSUITE_ACCOUNT"]
        host = account.lower().replace("_", "-") + ".suitetalk.api.netsuite.com"
        self.url = (env.get("NETSUITE_BASE_URL") or f"https://{host}").rstrip("/")
        self.http = requests.Session()
        self.http.auth = OAuth1(
            env["NETSUITE_CONSUMER_KEY"], env["NETSUITE_CONSUMER_SECRET"],
            env["NETSUITE_TOKEN_ID"], env["NETSUITE_TOKEN_SECRET"],
            signature_method="HMAC-SHA256", realm=account.upper(),
        )

    def query(self, sql: str) -> list[dict[str, Any]]:
        answer = self.http.post(f"{self.url}/services/rest/query/v1/suiteql", json={"q": sql},
                                headers={"Prefer": "transient"}, timeout=30)
        answer.raise_for_status()
        return list(answer.json().get("items", []))

    def upsert(self, record: str, external_id: str, body: dict[str, Any]) -> str:
        answer = self.http.put(f"{self.url}/services/rest/record/v1/{record}/eid:{external_id}",
                               params={"replace": "item"} if record == "salesOrder" else None,
                               json=body, timeout=30)
        if answer.status_code >= 400:
            raise SyncError(f"NetSuite said {answer.status_code}: {answer.text[:300]}")
        return answer.headers.get("Location", "").rstrip("/").rsplit("/", 1)[-1]

    def id_of(self, table: str, name: str, column: str = "itemid") -> str:
        quoted = "'" + name.replace("'", "''") + "'"
        rows = self.query(f"SELECT id FROM {table} WHERE {column} = {quoted}")
        if not rows:
            raise SyncError(f"no {table} named {name!r} in NetSuite")
        return str(rows[0]["id"])


def amount(value: Any) -> float:
    return float(Decimal(str(value)))


class OrderSync:
    """One WooCommerce order in, one Sales Order out."""

    order_status: str | None = "B"  # approved: Pending Fulfillment

    def __init__(self, netsuite: NetSuite | None = None) -> None:
        self.ns = netsuite or NetSuite()

    def push(self, order: dict[str, Any]) -> dict[str, Any]:
        if order["status"] not in SYNCED:
            return {"skipped": order["status"]}
        subsidiary = SUBSIDIARY_BY_CURRENCY[order["currency"]]
        number = order.get("number") or str(order["id"])
        body: dict[str, Any] = {
            "externalId": f"woo-{number}",
            "otherRefNum": number,
            "subsidiary": {"id": subsidiary},
            "currency": {"id": self.ns.id_of("currency", order["currency"], "symbol")},
            "item": {"items": self.lines(order)},
        }
        if self.order_status:
            body["orderStatus"] = self.order_status
        self.addresses(order, body)
        self.shipping(order, body)
        self.discount(order, body)
        self.tax(order, subsidiary, body)
        body["entity"] = {"id": self.customer(order, subsidiary, body["currency"]["id"])}
        return {"salesOrder": self.ns.upsert("salesOrder", body["externalId"], body)}

    # -- lines ---------------------------------------------------------------------------

    def unit_price(self, line: dict[str, Any]) -> float:
        """The price before coupons: coupons go to the order's discount item."""
        return amount(Decimal(line["subtotal"]) / line["quantity"])

    def lines(self, order: dict[str, Any]) -> list[dict[str, Any]]:
        lines = []
        for line in order["line_items"]:
            lines.append({
                "item": {"id": self.ns.id_of("item", line["sku"])},
                "quantity": line["quantity"],
                "rate": self.unit_price(line),
                "price": {"id": "-1"},
                "_taxed": any(Decimal(t["total"] or 0) for t in line.get("taxes", [])),
            })
        for fee in order.get("fee_lines", []):
            lines.append({
                "item": {"id": self.ns.id_of("item", FEE_ITEM)}, "quantity": 1,
                "rate": amount(fee["total"]), "price": {"id": "-1"},
                "_taxed": any(Decimal(t["total"] or 0) for t in fee.get("taxes", [])),
            })
        return lines

    # -- addresses, shipping, discount -----------------------------------------------------

    @staticmethod
    def address(part: dict[str, Any]) -> dict[str, Any]:
        return {
            "country": part.get("country"), "addressee": f"{part.get('first_name', '')} "
            f"{part.get('last_name', '')}".strip(), "addr1": part.get("address_1"),
            "city": part.get("city"), "state": part.get("state"), "zip": part.get("postcode"),
        }

    def addresses(self, order: dict[str, Any], body: dict[str, Any]) -> None:
        body["billingAddress"] = self.address(order["billing"])
        if order["shipping"].get("address_1"):
            body["shippingAddress"] = self.address(order["shipping"])

    def shipping(self, order: dict[str, Any], body: dict[str, Any]) -> None:
        if not order["shipping_lines"]:
            return
        method = order["shipping_lines"][0]["method_id"]
        body["shipMethod"] = {"id": self.ns.id_of("shipitem", SHIP_ITEMS[method])}
        body["shippingCost"] = amount(order["shipping_total"])

    def discount(self, order: dict[str, Any], body: dict[str, Any]) -> None:
        if Decimal(order["discount_total"]):
            body["discountItem"] = {"id": self.ns.id_of("item", DISCOUNT_ITEM)}
            body["discountRate"] = -amount(order["discount_total"])

    # -- tax -------------------------------------------------------------------------------

    def tax_code(self, order: dict[str, Any], subsidiary: str) -> str:
        """The order's tax code: WooCommerce's rate, or the exempt code when nothing is taxed."""
        if order["tax_lines"] and Decimal(order["total_tax"]):
            rate_code = order["tax_lines"][0]["rate_code"]
            return self.ns.id_of("salestaxitem", TAX_CODES[rate_code.rsplit("-", 1)[0]])
        return self.ns.id_of("salestaxitem", NOT_TAXABLE[subsidiary])

    def shipping_taxed(self, order: dict[str, Any]) -> bool:
        return bool(Decimal(order["shipping_tax"]))

    def tax(self, order: dict[str, Any], subsidiary: str, body: dict[str, Any]) -> None:
        code = self.tax_code(order, subsidiary)
        exempt = self.ns.id_of("salestaxitem", NOT_TAXABLE[subsidiary])
        for line in body["item"]["items"]:
            taxed = line.pop("_taxed")
            if subsidiary in TAX_PER_LINE:
                line["taxCode"] = {"id": code if taxed else exempt}
            else:
                line["isTaxable"] = taxed
        if subsidiary not in TAX_PER_LINE:
            body["taxItem"] = {"id": code}
        if self.shipping_taxed(order):
            body["shippingTaxCode"] = {"id": code}

    # -- the customer ----------------------------------------------------------------------

    def find_customer(self, email: str) -> list[dict[str, Any]]:
        quoted = "'" + email.strip().lower().replace("'", "''") + "'"
        return self.ns.query(
            f"SELECT id FROM customer WHERE LOWER(email) = {quoted} AND isinactive = 'F'")

    def customer(self, order: dict[str, Any], subsidiary: str, currency: str) -> str:
        billing = order["billing"]
        found = self.find_customer(billing["email"])
        if found:
            return str(found[0]["id"])
        company = billing.get("company") or ""
        new: dict[str, Any] = {
            "email": billing["email"].strip().lower(), "subsidiary": {"id": subsidiary},
            "currency": {"id": currency}, "isPerson": not company,
            "addressBook": {"items": [{"defaultBilling": True, "defaultShipping": True,
                                       "addressBookAddress": self.address(billing)}]},
        }
        if company:
            new["companyName"] = company
        else:
            new["firstName"], new["lastName"] = billing["first_name"], billing["last_name"]
        key = f"woo-customer-{order['customer_id'] or new['email']}"
        return self.ns.upsert("customer", key, new)


def push(order: dict[str, Any]) -> dict[str, Any]:
    return OrderSync().push(order)


def main(sync: type[OrderSync] = OrderSync) -> None:
    """The cron job's entry point: one order on stdin, the Sales Order id on stdout."""
    try:
        print(json.dumps(sync().push(json.load(sys.stdin))))
    except (SyncError, requests.RequestException, KeyError) as problem:
        print(f"sync failed: {problem}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()

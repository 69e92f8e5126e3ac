"""A small WooCommerce -> NetSuite webhook connector, written the way third parties write them.

It listens for WooCommerce's `order.created` / `order.updated` webhooks, checks the signature
on the raw body, maps the order and upserts it into NetSuite as a Sales Order by externalId
(`woo-<number>`). It also carries four classic bugs, off by default, to show what a test
harness catches:

  --bug email-case      match customers by email case-sensitively (duplicates customers)
  --bug drop-shipping   silently drop shipping when the method is not mapped
  --bug fixed-tax       use one hard-coded tax code whatever WooCommerce charged
  --bug ack-only        answer 200 to every order and never write anything

Run:  python connector.py --port 8080 --secret <webhook secret> [--bug ...]
with NETSUITE_ACCOUNT, NETSUITE_CONSUMER_KEY/SECRET, NETSUITE_TOKEN_ID/SECRET (and
NETSUITE_BASE_URL for a non-default host). Bugs can also be listed in CONNECTOR_BUGS.
It prints `listening on http://host:port` once it accepts requests.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import logging
import os
import re
import sys
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from ns_client import NetSuite, NetSuiteRefused, text

BUGS = ("email-case", "drop-shipping", "fixed-tax", "ack-only")
PING = re.compile(rb"^webhook_id=\d+$")
CUSTOM_PRICE = {"id": "-1"}
log = logging.getLogger("webhook_connector")


class CannotMap(Exception):
    """The order names something this connector cannot map; the store owner must fix it."""


def number(value: Any) -> float | int:
    amount = Decimal(str(value)).normalize()
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def address(part: dict[str, Any]) -> dict[str, Any]:
    person = f"{part.get('first_name', '')} {part.get('last_name', '')}".strip()
    fields = {
        "addressee": part.get("company") or person,
        "attention": person if part.get("company") else None,
        "addr1": part.get("address_1"),
        "addr2": part.get("address_2"),
        "city": part.get("city"),
        "state": part.get("state"),
        "zip": part.get("postcode"),
        "country": part.get("country"),
    }
    return {key: value for key, value in fields.items() if value}


class Mapper:
    """WooCommerce order JSON -> NetSuite Sales Order, with the configured bugs."""

    def __init__(self, netsuite: NetSuite, settings: dict[str, Any], bugs: set[str]) -> None:
        self.ns = netsuite
        self.settings = settings
        self.bugs = bugs
        self._ids: dict[tuple[str, str], str | None] = {}
        self._lock = threading.Lock()

    def lookup(self, table: str, name: str, column: str = "itemid") -> str | None:
        key = (table, name)
        with self._lock:
            if key in self._ids:
                return self._ids[key]
        rows = self.ns.query(f"SELECT id FROM {table} WHERE {column} = {text(name)}")
        found = str(rows[0]["id"]) if rows else None
        with self._lock:
            self._ids[key] = found
        return found

    # -- the order -----------------------------------------------------------------------

    def push(self, order: dict[str, Any]) -> str | None:
        s = self.settings
        currency = order["currency"]
        subsidiary = s["subsidiaries"].get(currency, s["default_subsidiary"])
        currency_id = self.lookup("currency", currency, column="symbol")
        if currency_id is None:
            raise CannotMap(f"currency {currency} does not exist in NetSuite")
        ref = order.get("number") or str(order["id"])
        body: dict[str, Any] = {
            "externalId": f"woo-{ref}",
            "otherRefNum": ref,
            "subsidiary": {"id": subsidiary},
            "currency": {"id": currency_id},
            "billingAddress": address(order.get("billing") or {}),
            "shippingAddress": address(order.get("shipping") or {}),
            "orderStatus": "B",
        }
        if order.get("date_created"):
            body["tranDate"] = order["date_created"][:10]
        if order.get("customer_note"):
            body["memo"] = order["customer_note"]
        lines = self.item_lines(order) + self.fee_lines(order)
        self.tax(order, subsidiary, body, lines)
        body["item"] = {"items": lines}
        self.shipping(order, body)
        self.discount(order, body)
        body["entity"] = {"id": self.customer(order, subsidiary, currency_id)}
        return self.ns.upsert("salesOrder", body["externalId"], body, replace="item")

    def item_lines(self, order: dict[str, Any]) -> list[dict[str, Any]]:
        lines = []
        for line in order.get("line_items", []):
            sku = (line.get("sku") or "").strip()
            item = self.lookup("item", sku) if sku else None
            if item is None:
                raise CannotMap(f"SKU {sku or '(none)'} of '{line.get('name')}' has no "
                                "NetSuite item")
            quantity = line["quantity"]
            rate = (Decimal(line["subtotal"]) / quantity).quantize(Decimal("0.00000001"))
            lines.append({
                "item": {"id": item},
                "quantity": quantity,
                "rate": number(rate),
                "price": CUSTOM_PRICE,
                "description": line.get("name", ""),
                "_taxes": [t["id"] for t in line.get("taxes", []) if Decimal(t["total"] or 0)],
            })
        return lines

    def fee_lines(self, order: dict[str, Any]) -> list[dict[str, Any]]:
        if not order.get("fee_lines"):
            return []
        item = self.lookup("item", self.settings["fee_item"])
        if item is None:
            raise CannotMap(f"the fee item '{self.settings['fee_item']}' does not exist")
        return [
            {
                "item": {"id": item},
                "quantity": 1,
                "rate": number(fee["total"]),
                "price": CUSTOM_PRICE,
                "description": fee.get("name", ""),
                "_taxes": [t["id"] for t in fee.get("taxes", []) if Decimal(t["total"] or 0)],
            }
            for fee in order["fee_lines"]
        ]

    def tax_code(self, rate_code: str) -> str:
        if "fixed-tax" in self.bugs:
            name = self.settings["hard_coded_tax_code"]  # BUG: whatever WooCommerce charged
        else:
            head, _, tail = rate_code.rpartition("-")
            key = head if tail.isdigit() else rate_code
            name = self.settings["tax_codes"].get(key)
            if name is None:
                raise CannotMap(f"WooCommerce tax rate {rate_code} has no NetSuite tax code")
        code = self.lookup("salestaxitem", name)
        if code is None:
            raise CannotMap(f"tax code '{name}' does not exist in NetSuite")
        return code

    def tax(self, order: dict[str, Any], subsidiary: str, body: dict[str, Any],
            lines: list[dict[str, Any]]) -> None:
        codes = {t["rate_id"]: self.tax_code(t["rate_code"]) for t in order.get("tax_lines", [])}
        # A tax code belongs to one subsidiary: Canada's untaxed lines take its own code.
        exempt_name = self.settings.get("exempt_tax_codes", {}).get(
            subsidiary, self.settings["exempt_tax_code"]
        )
        exempt = self.lookup("salestaxitem", exempt_name)
        per_line = subsidiary in self.settings["line_tax_subsidiaries"]
        shipping_codes = [
            codes[t["id"]]
            for line in order.get("shipping_lines", [])
            for t in line.get("taxes", [])
            if Decimal(t["total"] or 0) and t["id"] in codes
        ]
        if shipping_codes:
            body["shippingTaxCode"] = {"id": shipping_codes[0]}
        for line in lines:
            taxed = [codes[rate] for rate in line.pop("_taxes") if rate in codes]
            if per_line:
                code = taxed[0] if taxed else exempt
                if code is not None:
                    line["taxCode"] = {"id": code}
            else:
                line["isTaxable"] = bool(taxed)
        if per_line:
            return
        used = sorted(set(codes.values()))
        if len(used) > 1:
            raise CannotMap(f"the order has {len(used)} tax rates; one tax code is allowed")
        if used:
            body["taxItem"] = {"id": used[0]}
        elif exempt is not None:
            body["taxItem"] = {"id": exempt}
            body["isTaxable"] = False

    def shipping(self, order: dict[str, Any], body: dict[str, Any]) -> None:
        lines = order.get("shipping_lines", [])
        if not lines:
            return
        method = lines[0]["method_id"]
        name = self.settings["shipping_methods"].get(method)
        if name is None:
            if "drop-shipping" in self.bugs:
                return  # BUG: the order lands without its shipping
            raise CannotMap(f"shipping method {method} is not mapped to a NetSuite ship method")
        ship = self.lookup("shipitem", name)
        if ship is None:
            raise CannotMap(f"ship method '{name}' does not exist in NetSuite")
        body["shipMethod"] = {"id": ship}
        body["shippingCost"] = number(order["shipping_total"])

    def discount(self, order: dict[str, Any], body: dict[str, Any]) -> None:
        if not Decimal(order.get("discount_total") or 0):
            return
        item = self.lookup("item", self.settings["discount_item"])
        if item is None:
            raise CannotMap(f"the discount item '{self.settings['discount_item']}' is missing")
        body["discountItem"] = {"id": item}
        body["discountRate"] = number(-Decimal(order["discount_total"]))

    # -- the customer --------------------------------------------------------------------

    def customer(self, order: dict[str, Any], subsidiary: str, currency_id: str) -> str:
        billing = order.get("billing") or {}
        typed = billing.get("email") or ""
        if not typed.strip():
            raise CannotMap("the order has no billing email to find the customer by")
        if "email-case" in self.bugs:
            email = typed.strip()  # BUG: WooCommerce keeps the capitals the buyer typed
            where = f"email = {text(email)}"
        else:
            email = typed.strip().lower()
            where = f"LOWER(email) = {text(email)}"
        rows = self.ns.query(
            f"SELECT id FROM customer WHERE {where} AND isinactive = 'F' ORDER BY id"
        )
        if len(rows) > 1:
            ids = ", ".join(str(row["id"]) for row in rows)
            raise CannotMap(f"{len(rows)} customers have the email {email} (ids {ids})")
        if rows:
            return str(rows[0]["id"])
        if order.get("customer_id"):
            external_id = f"woo-customer-{order['customer_id']}"
        else:
            external_id = "woo-guest-" + hashlib.sha256(email.encode()).hexdigest()[:16]
        company = (billing.get("company") or "").strip()
        new: dict[str, Any] = {
            "externalId": external_id,
            "isPerson": not company,
            "email": email,
            "subsidiary": {"id": subsidiary},
            "currency": {"id": currency_id},
            "addressBook": {"items": [{"defaultBilling": True, "defaultShipping": True,
                                       "addressBookAddress": address(billing)}]},
        }
        if billing.get("phone"):
            new["phone"] = billing["phone"]
        if company:
            new["companyName"] = company
        else:
            new["firstName"] = billing.get("first_name") or "-"
            new["lastName"] = billing.get("last_name") or "-"
        created = self.ns.upsert("customer", external_id, new)
        if created:
            return created
        rows = self.ns.query(f"SELECT id FROM customer WHERE externalid = {text(external_id)}")
        return str(rows[0]["id"])


class Handler(BaseHTTPRequestHandler):
    server: ConnectorServer

    def log_message(self, format: str, *args: Any) -> None:
        log.info("%s - %s", self.address_string(), format % args)

    def answer(self, status: int, payload: dict[str, Any]) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))  # raw bytes first
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if kind == "application/x-www-form-urlencoded" and PING.match(raw.strip()):
            self.answer(200, {"ok": True, "ping": True})
            return
        expected = base64.b64encode(
            hmac.new(self.server.secret, raw, hashlib.sha256).digest()
        ).decode()
        given = self.headers.get("X-WC-Webhook-Signature") or ""
        if not hmac.compare_digest(expected, given):
            self.answer(401, {"ok": False, "error": "invalid webhook signature"})
            return
        topic = self.headers.get("X-WC-Webhook-Topic") or ""
        if topic not in ("order.created", "order.updated"):
            self.answer(200, {"ok": True, "ignored": topic})
            return
        delivery = self.headers.get("X-WC-Webhook-Delivery-ID") or ""
        if not self.server.first_time(delivery):
            self.answer(200, {"ok": True, "duplicate": delivery})
            return
        order = json.loads(raw)
        if "ack-only" in self.server.bugs:
            self.answer(200, {"ok": True, "queued": order.get("id")})  # BUG: nothing is queued
            return
        if order.get("status") not in self.server.settings["sync_statuses"]:
            self.answer(200, {"ok": True, "skipped": f"status {order.get('status')} not synced"})
            return
        try:
            sales_order = self.server.mapper.push(order)
        except CannotMap as problem:
            self.answer(422, {"ok": False, "error": str(problem)})
            return
        except NetSuiteRefused as refused:
            self.answer(502, {"ok": False, "error": f"NetSuite refused: {refused}"})
            return
        self.answer(200, {"ok": True, "salesOrder": sales_order})


class ConnectorServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], secret: str, mapper: Mapper,
                 settings: dict[str, Any], bugs: set[str]) -> None:
        super().__init__(address, Handler)
        self.secret = secret.encode()
        self.mapper = mapper
        self.settings = settings
        self.bugs = bugs
        self._deliveries: set[str] = set()
        self._lock = threading.Lock()

    def first_time(self, delivery_id: str) -> bool:
        if not delivery_id:
            return True
        with self._lock:
            seen = delivery_id in self._deliveries
            self._deliveries.add(delivery_id)
            return not seen


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--secret", default=os.environ.get("WOO_WEBHOOK_SECRET"))
    parser.add_argument("--settings", default=str(Path(__file__).with_name("settings.json")))
    parser.add_argument("--bug", action="append", choices=BUGS, default=[])
    args = parser.parse_args(argv)
    if not args.secret:
        parser.error("--secret (or WOO_WEBHOOK_SECRET) is required")
    bugs = set(args.bug) | {b for b in os.environ.get("CONNECTOR_BUGS", "").split(",") if b}
    unknown = bugs - set(BUGS)
    if unknown:
        parser.error(f"unknown bug {sorted(unknown)[0]!r}; known: {', '.join(BUGS)}")
    settings = json.loads(Path(args.settings).read_text())
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    mapper = Mapper(NetSuite.from_env(), settings, bugs)
    server = ConnectorServer((args.host, args.port), args.secret, mapper, settings, bugs)
    print(f"listening on http://{args.host}:{server.server_port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()

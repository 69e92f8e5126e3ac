"""A scheduled WooCommerce -> NetSuite sync, written the way a store's developer writes one.

Each run pulls the orders modified since the last run (`modified_after`, page by page),
upserts each as a Sales Order by externalId (the mapper of ../webhook_connector), and writes
back to the order: the Sales Order's internal id in its meta, and a note with the Sales
Order's number when the order is first exported. An order cancelled after it was exported
has its Sales Order closed. The cursor (the newest `date_modified_gmt` seen) is kept in a
small JSON file between runs.

  python sync.py [--state FILE]            one poll, then exit (what cron runs)
  python sync.py --every 30 [--state FILE] poll every 30 s until stopped

Settings: WOO_URL, WOO_CONSUMER_KEY, WOO_CONSUMER_SECRET; NETSUITE_ACCOUNT,
NETSUITE_CONSUMER_KEY/SECRET, NETSUITE_TOKEN_ID/SECRET (NETSUITE_BASE_URL for another host);
PULL_PER_PAGE (default 20). It also carries four classic bugs, off by default
(`--bug NAME` or CONNECTOR_BUGS=a,b):

  last-page          counts the pages with integer division: the last, partial page is lost
  no-modified-after  ignores its cursor: re-reads every order and exports each as new again
  no-write-back      never writes back to the store
  wrong-id           writes back the customer's internal id instead of the Sales Order's

Exit 0 when every order went through, 1 when one could not (the reason on stderr).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import requests

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "webhook_connector"))  # the shared mapper and client

from connector import CannotMap, Mapper  # noqa: E402
from ns_client import NetSuite, NetSuiteRefused, text  # noqa: E402
from woo_client import StoreRefused, Woo  # noqa: E402

BUGS = ("last-page", "no-modified-after", "no-write-back", "wrong-id")


class Sync:
    def __init__(self, woo: Woo, netsuite: NetSuite, settings: dict[str, Any],
                 bugs: set[str]) -> None:
        self.woo = woo
        self.ns = netsuite
        self.settings = settings
        self.bugs = bugs
        self.mapper = Mapper(netsuite, settings, set())
        self.per_page = int(os.environ.get("PULL_PER_PAGE") or 20)

    # -- reading the store ---------------------------------------------------------------

    def changed_orders(self, cursor: str | None) -> list[dict[str, Any]]:
        """Every order modified after `cursor`, oldest change first."""
        query: dict[str, str] = {"orderby": "modified", "order": "asc", "dates_are_gmt": "true"}
        if cursor and "no-modified-after" not in self.bugs:
            query["modified_after"] = cursor
        # How many changed: the headers alone (X-WP-Total), then the pages.
        total = int(self.woo.call("HEAD", "/orders", params={**query, "per_page": "1"})
                    .headers.get("X-WP-Total") or 0)
        pages = -(-total // self.per_page)  # rounded up: a partial last page is a page
        if "last-page" in self.bugs:
            pages = total // self.per_page  # BUG: the last, partial page is dropped
        orders: list[dict[str, Any]] = []
        for page in range(1, pages + 1):
            params = {**query, "per_page": str(self.per_page), "page": str(page)}
            orders += self.woo.call("GET", "/orders", params=params).json()
        return orders

    # -- one run -------------------------------------------------------------------------

    def run(self, cursor: str | None) -> tuple[str | None, int]:
        """Pull, push, write back; the new cursor and how many orders failed."""
        failed = 0
        newest = cursor
        known = None if "no-modified-after" in self.bugs else cursor
        for order in self.changed_orders(cursor):
            modified = order.get("date_modified_gmt") or ""
            try:
                self.take(order, first_time=known is None or order["date_created_gmt"] > known)
            except (CannotMap, NetSuiteRefused, StoreRefused) as problem:
                failed += 1
                print(f"order {order.get('id')}: {problem}", file=sys.stderr)
            newest = max(newest or "", modified) or None
        return newest, failed

    def take(self, order: dict[str, Any], *, first_time: bool) -> None:
        status = order.get("status")
        if status == "cancelled" and self.settings.get("cancelled") == "close":
            self.close(order)
            return
        if status not in self.settings["sync_statuses"]:
            return
        sales_order = self.mapper.push(order) or self.find(order)
        if sales_order is None:
            raise CannotMap(f"NetSuite took order {order['id']} but it cannot be found")
        if "no-write-back" not in self.bugs:
            self.write_back(order, sales_order, first_time=first_time)

    def find(self, order: dict[str, Any]) -> str | None:
        ref = order.get("number") or str(order["id"])
        rows = self.ns.query(
            "SELECT id FROM transaction WHERE type = 'SalesOrd' "
            f"AND externalid = {text('woo-' + ref)}"
        )
        return str(rows[0]["id"]) if rows else None

    def write_back(self, order: dict[str, Any], sales_order: str, *, first_time: bool) -> None:
        query = f"SELECT tranid, entity FROM transaction WHERE id = {int(sales_order)}"
        row = self.ns.query(query)[0]
        written = str(row["entity"]) if "wrong-id" in self.bugs else sales_order  # BUG: wrong id
        key = self.settings["sales_order_meta_key"]
        current = {m.get("key"): str(m.get("value")) for m in order.get("meta_data", [])}
        if current.get(key) != written:
            self.woo.update_order(order["id"], {"meta_data": [{"key": key, "value": written}]})
        if first_time:
            self.woo.add_note(order["id"], self.settings["note"].format(tranid=row["tranid"]))

    def close(self, order: dict[str, Any]) -> None:
        """Close every line of the Sales Order of an order cancelled after it was exported."""
        sales_order = next((str(m["value"]) for m in order.get("meta_data", [])
                            if m.get("key") == self.settings["sales_order_meta_key"]), None)
        if not sales_order:
            return  # never exported: nothing to close
        record = self.ns._call("GET", f"record/v1/salesOrder/{sales_order}",
                               params={"expandSubResources": "true"}).json()
        lines = [{"line": line["line"], "isClosed": True}
                 for line in record.get("item", {}).get("items", []) if not line.get("isClosed")]
        if lines:
            self.ns._call("PATCH", f"record/v1/salesOrder/{sales_order}",
                          json={"item": {"items": lines}})


def load_cursor(path: Path) -> str | None:
    try:
        return json.loads(path.read_text()).get("modified_after")
    except (OSError, ValueError):
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--state", default=".pull_state.json", help="where the cursor is kept")
    parser.add_argument("--every", type=float, default=0, help="poll every N seconds")
    parser.add_argument("--settings", default=str(HERE / "settings.json"))
    parser.add_argument("--bug", action="append", choices=BUGS, default=[])
    args = parser.parse_args(argv)
    bugs = set(args.bug) | {b for b in os.environ.get("CONNECTOR_BUGS", "").split(",") if b}
    unknown = bugs - set(BUGS)
    if unknown:
        parser.error(f"unknown bug {sorted(unknown)[0]!r}; known: {', '.join(BUGS)}")
    sync = Sync(Woo.from_env(), NetSuite.from_env(), json.loads(Path(args.settings).read_text()),
                bugs)
    state = Path(args.state)
    if args.every:
        print(f"polling {sync.woo.api} every {args.every:g} s", flush=True)
    while True:
        try:
            cursor, failed = sync.run(load_cursor(state))
        except (StoreRefused, requests.RequestException) as problem:
            print(f"the store could not be read: {problem}", file=sys.stderr)
            cursor, failed = load_cursor(state), 1
        if cursor:
            state.write_text(json.dumps({"modified_after": cursor}))
        if not args.every:
            return 1 if failed else 0
        time.sleep(args.every)


if __name__ == "__main__":
    sys.exit(main())

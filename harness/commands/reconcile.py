"""`harness reconcile`: the orders a store really has against the Sales Orders NetSuite holds.

The classic failure is silent: orders stop landing and nothing says so. Reconciliation asks
both systems: WooCommerce's REST API (or an export of its orders) for the orders of a period,
and NetSuite, in one SuiteQL query per batch, for the Sales Orders carrying their externalId or
PO #. Orders missing, duplicated or landed with another total are listed, and orders per day in
both systems show when a sync stalled.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from ipaddress import ip_address
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import requests

from harness.connector.interpret import render, syncs
from harness.connector.refdata import sql_text
from harness.mapping import BILLING_PARTS, PLAIN_FIELDS
from harness.mapping import Mapping as ConnectorMapping
from harness.woo.invariants import MAX_AMOUNT
from harness.woo.limits import MAX_ID, JsonLimitError, read_json
from harness.woo.store import store_auth
from harness.woo.wire import shown

ORDERS_PATH = "/wp-json/wc/v3/orders"
# WordPress caps per_page at 100 (reference woocommerce-orders 8, INFERRED).
PER_PAGE = 100
# Keeps each SuiteQL statement well below NetSuite's statement size limits.
BATCH = 400
KEY_ENV = "WOOCOMMERCE_CONSUMER_KEY"
SECRET_ENV = "WOOCOMMERCE_CONSUMER_SECRET"
CENT = Decimal("0.01")
TINY = Decimal("1e-8")  # the most decimals WooCommerce keeps (DECIMAL(26,8))


class ReconcileError(Exception):
    """The store or the export could not be read; the message says what to fix."""


class UnreadableExport(ReconcileError):
    """The export file itself cannot be read (missing, not JSON, past the reading limits)."""


class QueryClient(Protocol):
    def suiteql_all(self, q: str) -> list[dict[str, str]]: ...


@dataclass(frozen=True)
class StoreOrder:
    """What reconciliation needs of one WooCommerce order."""

    id: int
    number: str
    status: str
    total: Decimal
    currency: str
    created: date | None
    external_id: str
    other_ref_num: str


@dataclass(frozen=True)
class NetSuiteOrder:
    id: str
    tranid: str
    external_id: str
    other_ref_num: str
    total: Decimal | None


@dataclass(frozen=True)
class Different:
    order: StoreOrder
    netsuite: NetSuiteOrder

    @property
    def difference(self) -> Decimal:
        return (self.netsuite.total or Decimal(0)) - self.order.total


@dataclass(frozen=True)
class DayCount:
    day: date
    store: int
    netsuite: int


@dataclass
class Reconciliation:
    """The outcome: per-order findings and per-day counts (store dates)."""

    since: date
    until: date | None
    orders: int = 0
    not_synced: int = 0  # in statuses the mapping does not push
    matched: int = 0
    missing: list[StoreOrder] = field(default_factory=list)
    duplicated: list[tuple[StoreOrder, list[NetSuiteOrder]]] = field(default_factory=list)
    different: list[Different] = field(default_factory=list)
    days: list[DayCount] = field(default_factory=list)

    @property
    def stalled_since(self) -> date | None:
        """The first day of the trailing run of days where the store had orders and NetSuite
        none of them: the moment a sync stopped silently."""
        start: date | None = None
        for day in self.days:
            if day.store and not day.netsuite:
                start = start or day.day
            elif day.store:
                start = None
        return start

    @property
    def ok(self) -> bool:
        return not self.missing

    def to_json(self) -> dict[str, Any]:
        def order(o: StoreOrder) -> dict[str, Any]:
            return {
                "number": o.number,
                "id": o.id,
                "status": o.status,
                "total": format(o.total, "f"),
                "externalId": o.external_id,
                "created": o.created.isoformat() if o.created else None,
            }

        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat() if self.until else None,
            "orders": self.orders,
            "not_synced": self.not_synced,
            "matched": self.matched,
            "missing": [order(o) for o in self.missing],
            "duplicated": [
                {**order(o), "sales_orders": [n.id for n in found]} for o, found in self.duplicated
            ],
            "different": [
                {
                    **order(d.order),
                    "sales_order": d.netsuite.id,
                    "netsuite_total": format(d.netsuite.total, "f")
                    if d.netsuite.total is not None
                    else None,
                }
                for d in self.different
            ],
            "days": [
                {"day": d.day.isoformat(), "store": d.store, "netsuite": d.netsuite}
                for d in self.days
            ],
            "stalled_since": self.stalled_since.isoformat() if self.stalled_since else None,
        }


# -- the store side ----------------------------------------------------------------------------


def _money(value: Any) -> Decimal | None:
    """An amount as a store or NetSuite writes it (a decimal string or a number), or None
    for anything else: not a number, not finite, or past what an order can hold."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    try:
        amount = Decimal(value.strip() if isinstance(value, str) else repr(value))
    except (InvalidOperation, ValueError):
        return None
    if not amount.is_finite() or abs(amount) > MAX_AMOUNT or amount != amount.quantize(TINY):
        return None
    return amount


def _store_id(value: Any) -> int | None:
    """A WooCommerce id: an integer (exports may write it as a string of digits)."""
    if isinstance(value, str) and value.strip().isdecimal() and len(value.strip()) <= 19:
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_ID:
        return value
    return None


def order_problems(raw: Mapping[str, Any]) -> list[str]:
    """Why the fields reconciliation reads cannot be, as `field: problem (got X, expected Y)`."""
    problems = []
    if _store_id(raw.get("id")) is None:
        problems.append(f"id: not an id (got {shown(raw.get('id'))}, expected an integer >= 0)")
    if "total" in raw and _money(raw.get("total")) is None:
        problems.append(
            f"total: not a money amount (got {shown(raw.get('total'))}, expected a decimal "
            f'string like "12.50", at most {MAX_AMOUNT:,})'
        )
    for name in ("number", "status", "currency"):
        value = raw.get(name, "")
        if isinstance(value, bool) or not isinstance(value, str | int):
            problems.append(f"{name}: not a string (got {shown(value)}, expected a string)")
    return problems


def check_orders(raw_orders: Sequence[Mapping[str, Any]], source: str) -> None:
    """`ReconcileError` naming each order (position, number) that cannot be reconciled."""
    found = [
        f"order {index} (number {shown(raw.get('number') or raw.get('id'))}): {problem}"
        for index, raw in enumerate(raw_orders)
        for problem in order_problems(raw)
    ]
    if found:
        more = f"\n... and {len(found) - 10} more" if len(found) > 10 else ""
        raise ReconcileError(
            f"{source}: orders that cannot be reconciled:\n" + "\n".join(found[:10]) + more
        )


def _created(raw: Mapping[str, Any]) -> date | None:
    text = raw.get("date_created") or raw.get("date_created_gmt")
    if not isinstance(text, str) or not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def _template_values(raw: Mapping[str, Any]) -> dict[str, Any]:
    billing = raw.get("billing") if isinstance(raw.get("billing"), dict) else {}
    assert isinstance(billing, dict)
    values: dict[str, Any] = {name: raw.get(name, "") for name in PLAIN_FIELDS}
    values["number"] = raw.get("number") or str(raw.get("id", ""))
    for part in BILLING_PARTS:
        values[f"billing_{part}"] = billing.get(part, "")
    return values


def store_order(raw: Mapping[str, Any], mapping: ConnectorMapping) -> StoreOrder:
    """One order as the REST API or an export gives it; references from the mapping."""
    values = _template_values(raw)
    return StoreOrder(
        id=_store_id(raw.get("id")) or 0,
        number=str(values["number"]),
        status=str(raw.get("status", "")),
        total=_money(raw.get("total")) or Decimal(0),
        currency=str(raw.get("currency", "")),
        created=_created(raw),
        external_id=render(mapping.order.external_id, values),
        other_ref_num=render(mapping.order.other_ref_num, values),
    )


def _store_error(response: requests.Response) -> ReconcileError:
    try:
        body = read_json(response.content)
    except ValueError:  # not JSON, or past the reading limits
        body = {}
    said = body.get("message") if isinstance(body, dict) else None
    code = body.get("code") if isinstance(body, dict) else None
    detail = f"{code}: {said}" if code and said else (said or response.reason or "no detail")
    hint = ""
    if response.status_code in (401, 403):
        hint = (
            f" Check {KEY_ENV} and {SECRET_ENV} (a key with read access, WooCommerce > "
            "Settings > Advanced > REST API)."
        )
    return ReconcileError(
        f"the store answered {response.status_code} to GET {urlsplit(response.url).path}: "
        f"{detail}.{hint}"
    )


def fetch_store_orders(
    store_url: str,
    key: str,
    secret: str,
    *,
    since: date,
    until: date | None = None,
    session: requests.Session | None = None,
    timeout: float = 30.0,
) -> list[dict[str, Any]]:
    """Every order created in [since, until] (all statuses), page by page (X-WP-TotalPages)."""
    parts = urlsplit(store_url)
    local_http = parts.scheme == "http" and _on_this_machine(parts.hostname)
    if parts.scheme != "https" and not local_http:
        # Basic auth over plain HTTP would send the secret in clear; WooCommerce then wants
        # OAuth 1.0a signatures instead (reference woocommerce-orders 8).
        raise ReconcileError(
            f"--store {store_url!r}: expected an https:// URL (the consumer key and secret go "
            "in HTTP Basic auth, which WooCommerce accepts only over HTTPS), or an http:// URL "
            "on this machine such as `harness woo serve` prints"
        )
    # Over HTTP the request is signed (OAuth 1.0a), as WooCommerce requires; the secret stays.
    auth = store_auth(store_url, key, secret)
    http = session or requests.Session()
    url = store_url.rstrip("/") + ORDERS_PATH
    params: dict[str, str | int] = {
        "per_page": PER_PAGE,
        "after": datetime.combine(since, time.min).isoformat(),
        "status": "any",
        "orderby": "date",
        "order": "asc",
    }
    if until is not None:
        params["before"] = datetime.combine(until, time.max).isoformat(timespec="seconds")
    orders: list[dict[str, Any]] = []
    page, pages = 1, 1
    while page <= pages:
        try:
            response = http.get(url, params={**params, "page": page}, auth=auth, timeout=timeout)
        except requests.RequestException as exc:
            raise ReconcileError(f"the store at {store_url} did not answer: {exc}") from None
        if response.status_code != 200:
            raise _store_error(response)
        try:
            batch = read_json(response.content)
        except ValueError as exc:  # not JSON, or JSON past the reading limits
            raise ReconcileError(
                f"the store answered page {page} of {url} with something that is not JSON "
                f"it can read ({exc})"
            ) from None
        if not isinstance(batch, list):
            kind = type(batch).__name__
            raise ReconcileError(
                f"the store answered page {page} with a JSON {kind}, expected a list of orders"
            )
        orders.extend(item for item in batch if isinstance(item, dict))
        pages = _total_pages(response, pages)
        page += 1
    check_orders(orders, f"the store at {store_url}")
    return orders


def _on_this_machine(host: str | None) -> bool:
    """A loopback host: `localhost` or a loopback address."""
    if host is None:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def _total_pages(response: requests.Response, current: int) -> int:
    value = response.headers.get("X-WP-TotalPages", "")
    return int(value) if value.isdecimal() and len(value) < 10 else current


def load_order_export(path: str | Path) -> list[dict[str, Any]]:
    """Orders from an export file: a JSON list of REST v3 orders (or one order)."""
    source = Path(path)
    try:
        document = read_json(source.read_bytes())
    except OSError as exc:
        raise UnreadableExport(
            f"{source}: cannot read the export ({exc.strerror or exc})"
        ) from None
    except JsonLimitError as exc:
        raise UnreadableExport(f"{source}: cannot read the export: {exc}") from None
    except UnicodeDecodeError as exc:
        raise UnreadableExport(f"{source}: not JSON (not UTF-8 text: {exc.reason})") from None
    except ValueError as exc:
        raise UnreadableExport(f"{source}: not JSON ({exc})") from None
    items = document if isinstance(document, list) else [document]
    orders = [item for item in items if isinstance(item, dict) and "id" in item]
    if len(orders) != len(items):
        raise ReconcileError(
            f"{source}: expected a JSON list of WooCommerce orders (objects with an id); "
            f"{len(items) - len(orders)} of {len(items)} entries are not"
        )
    check_orders(orders, str(source))
    return orders


def in_period(order: StoreOrder, since: date, until: date | None) -> bool:
    if order.created is None:
        return True
    return order.created >= since and (until is None or order.created <= until)


# -- the NetSuite side -------------------------------------------------------------------------


def _batches(values: Sequence[StoreOrder], size: int) -> Iterable[Sequence[StoreOrder]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def find_sales_orders(client: QueryClient, orders: Sequence[StoreOrder]) -> list[NetSuiteOrder]:
    """The Sales Orders carrying any of the orders' externalIds or PO #s (one query a batch)."""
    found: dict[str, NetSuiteOrder] = {}
    for batch in _batches(list(orders), BATCH):
        eids = sorted({o.external_id for o in batch if o.external_id})
        refs = sorted({o.other_ref_num for o in batch if o.other_ref_num})
        conditions = []
        if eids:
            conditions.append(f"externalid IN ({', '.join(sql_text(e) for e in eids)})")
        if refs:
            conditions.append(f"otherrefnum IN ({', '.join(sql_text(r) for r in refs)})")
        if not conditions:
            continue
        rows = client.suiteql_all(
            "SELECT id, tranid, externalid, otherrefnum, foreigntotal FROM transaction "
            f"WHERE type = 'SalesOrd' AND ({' OR '.join(conditions)}) ORDER BY id"
        )
        for row in rows:
            total = row.get("foreigntotal")
            found[str(row["id"])] = NetSuiteOrder(
                id=str(row["id"]),
                tranid=str(row.get("tranid") or ""),
                external_id=str(row.get("externalid") or ""),
                other_ref_num=str(row.get("otherrefnum") or ""),
                total=_money(total) if total not in (None, "") else None,
            )
    return list(found.values())


# -- the comparison ----------------------------------------------------------------------------


def reconcile(
    raw_orders: Iterable[Mapping[str, Any]],
    client: QueryClient,
    mapping: ConnectorMapping,
    *,
    since: date,
    until: date | None = None,
) -> Reconciliation:
    """Compare the store's orders of the period with what NetSuite holds (`ReconcileError`
    for orders that cannot be reconciled)."""
    raw_orders = list(raw_orders)
    check_orders(raw_orders, "the store's orders")
    everything = [store_order(raw, mapping) for raw in raw_orders]
    period = [o for o in everything if in_period(o, since, until)]
    synced = [o for o in period if syncs(mapping, o.status)]
    result = Reconciliation(since, until, orders=len(period), not_synced=len(period) - len(synced))
    sales_orders = find_sales_orders(client, synced) if synced else []
    by_eid: dict[str, list[NetSuiteOrder]] = {}
    by_ref: dict[str, list[NetSuiteOrder]] = {}
    for so in sales_orders:
        by_eid.setdefault(so.external_id, []).append(so)
        by_ref.setdefault(so.other_ref_num, []).append(so)
    landed_days: dict[date, int] = {}
    store_days: dict[date, int] = {}
    for order in synced:
        # Either reference number claims a Sales Order for the order: a connector without
        # externalId discipline leaves duplicates that share only the PO #.
        mine = {so.id: so for so in by_eid.get(order.external_id, []) if order.external_id}
        if order.other_ref_num:
            mine |= {so.id: so for so in by_ref.get(order.other_ref_num, [])}
        if order.created is not None:
            store_days[order.created] = store_days.get(order.created, 0) + 1
        if not mine:
            result.missing.append(order)
            continue
        result.matched += 1
        if order.created is not None:
            landed_days[order.created] = landed_days.get(order.created, 0) + 1
        found = sorted(mine.values(), key=lambda so: int(so.id) if so.id.isdigit() else 0)
        if len(found) > 1:
            result.duplicated.append((order, found))
        first = found[0]
        # Both sides are rounded at the currency's precision; a cent apart is a real difference.
        if first.total is None or abs(first.total - order.total) >= CENT:
            result.different.append(Different(order, first))
    result.days = [
        DayCount(day, store_days[day], landed_days.get(day, 0)) for day in sorted(store_days)
    ]
    return result


# -- the two sides, as the command names them --------------------------------------------------


def read_store_orders(
    store_url: str | None,
    orders_file: str | Path | None,
    *,
    since: date,
    until: date | None = None,
    env: Mapping[str, str] = os.environ,
) -> list[dict[str, Any]]:
    """The store's orders: from `store_url` (with the consumer key and secret in `env`) or
    from the export in `orders_file`."""
    if store_url is not None:
        key, secret = env.get(KEY_ENV, ""), env.get(SECRET_ENV, "")
        if not key or not secret:
            raise ReconcileError(f"--store needs {KEY_ENV} and {SECRET_ENV} set")
        return fetch_store_orders(store_url, key, secret, since=since, until=until)
    assert orders_file is not None
    return load_order_export(orders_file)


@contextmanager
def query_client(target: str) -> Iterator[QueryClient]:
    """A NetSuite client for reading: `live` from NETSUITE_* (an `AuthConfigError` says what
    is missing), `sim` a fresh embedded sandbox."""
    if target == "live":
        from harness.netsuite.client import NetSuiteClient

        yield NetSuiteClient.from_env()
        return
    from harness.targets.sim import SimTarget

    with SimTarget() as embedded:
        yield embedded.client()

"""The store's side of `harness reconcile`: a WooCommerce store's orders of a period, read
page by page through its REST API, or from an export file, and checked for the fields
reconciliation reads (each order that cannot be reconciled is named with its field)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from ipaddress import ip_address
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from harness.woo.invariants import MAX_AMOUNT
from harness.woo.limits import MAX_ID, JsonLimitError, read_json
from harness.woo.store import store_auth
from harness.woo.wire import shown

ORDERS_PATH = "/wp-json/wc/v3/orders"
# WordPress caps per_page at 100 (reference woocommerce-orders 8, INFERRED).
PER_PAGE = 100
KEY_ENV = "WOOCOMMERCE_CONSUMER_KEY"
SECRET_ENV = "WOOCOMMERCE_CONSUMER_SECRET"
TINY = Decimal("1e-8")  # the most decimals WooCommerce keeps (DECIMAL(26,8))


class ReconcileError(Exception):
    """The store or the export could not be read; the message says what to fix."""


class UnreadableExport(ReconcileError):
    """The export file itself cannot be read (missing, not JSON, past the reading limits)."""


def money_amount(value: Any) -> Decimal | None:
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


def store_id(value: Any) -> int | None:
    """A WooCommerce id: an integer (exports may write it as a string of digits)."""
    if isinstance(value, str) and value.strip().isdecimal() and len(value.strip()) <= 19:
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_ID:
        return value
    return None


def order_problems(raw: Mapping[str, Any]) -> list[str]:
    """Why the fields reconciliation reads cannot be, as `field: problem (got X, expected Y)`."""
    problems = []
    if store_id(raw.get("id")) is None:
        problems.append(f"id: not an id (got {shown(raw.get('id'))}, expected an integer >= 0)")
    if "total" in raw and money_amount(raw.get("total")) is None:
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
    local_http = parts.scheme == "http" and on_this_machine(parts.hostname)
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


def on_this_machine(host: str | None) -> bool:
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

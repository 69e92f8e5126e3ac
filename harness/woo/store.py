"""A WooCommerce REST API v3 client for a staging store: create, read, delete orders.

Authentication follows the store's URL scheme (reference woocommerce-orders.md section 8):
HTTP Basic with the consumer key and secret over HTTPS; one-legged OAuth 1.0a over plain
HTTP, HMAC-SHA256, signed into the query string (the body is not signed). Errors come back
as `WooStoreError` with WooCommerce's `code`, `message` and status, never with the secret.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, cast
from urllib.parse import urlsplit

import requests
from requests.auth import AuthBase, HTTPBasicAuth
from requests_oauthlib import OAuth1

from harness.woo.limits import read_json
from harness.woo.order import WooOrder

API_PREFIX = "/wp-json/wc/v3"
DEFAULT_TIMEOUT = 30.0
RUN_TAG = "_harness_run"
MAX_PER_PAGE = 100  # WordPress core's cap on per_page (INFERRED, reference section 8)
ExchangeHook = Callable[
    [requests.PreparedRequest, "requests.Response | BaseException", float], None
]


class WooStoreError(Exception):
    """The store refused a request (or could not be reached); names what and why."""

    def __init__(self, status: int, code: str, message: str, *, method: str, path: str) -> None:
        self.status = status
        self.code = code
        self.message = message
        self.method = method
        self.path = path
        where = f"{method} {path}"
        super().__init__(
            f"{where} -> {status} {code}: {message}" if status else f"{where}: {message}"
        )


def store_auth(url: str, consumer_key: str, consumer_secret: str) -> AuthBase:
    """Basic over HTTPS, OAuth 1.0a (HMAC-SHA256, query string) over HTTP."""
    if not consumer_key or not consumer_secret:
        raise WooStoreError(
            0,
            "woocommerce_rest_authentication_error",
            "consumer key and consumer secret are both required",
            method="-",
            path=url,
        )
    if urlsplit(url).scheme == "https":
        return HTTPBasicAuth(consumer_key, consumer_secret)
    # Signing key = consumer secret + "&" (no token): requests-oauthlib's one-legged form.
    signer = OAuth1(
        consumer_key,
        client_secret=consumer_secret,
        signature_method="HMAC-SHA256",
        signature_type="QUERY",
    )
    return cast(AuthBase, signer)


class WooStore:
    """One store's `/wp-json/wc/v3` API."""

    def __init__(
        self,
        url: str,
        consumer_key: str,
        consumer_secret: str,
        *,
        session: requests.Session | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        verify: bool | str = True,
        on_exchange: ExchangeHook | None = None,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise WooStoreError(
                0, "invalid_url", f"store URL {url!r} is not http(s)://host", method="-", path=url
            )
        self.url = url.rstrip("/")
        self.api = self.url + API_PREFIX
        self.session = session or requests.Session()
        self.auth = store_auth(self.url, consumer_key, consumer_secret)
        self.timeout = timeout
        self.verify = verify
        self.on_exchange = on_exchange
        self._secret = consumer_secret

    def __repr__(self) -> str:
        return f"WooStore({self.url!r})"

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
    ) -> requests.Response:
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        headers = {"Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json; charset=utf-8"
        prepared = self.session.prepare_request(
            requests.Request(
                method,
                self.api + path,
                params=dict(params or {}),
                data=data,
                headers=headers,
                auth=self.auth,
            )
        )
        started = time.perf_counter()
        try:
            response = self.session.send(prepared, timeout=self.timeout, verify=self.verify)
        except requests.RequestException as exc:
            if self.on_exchange:
                self.on_exchange(prepared, exc, time.perf_counter() - started)
            message = str(exc).replace(self._secret, "***")
            raise WooStoreError(0, "unreachable", message, method=method, path=path) from None
        if self.on_exchange:
            self.on_exchange(prepared, response, time.perf_counter() - started)
        if response.status_code >= 400:
            raise _error(response, method, path, self._secret)
        return response

    # -- orders ----------------------------------------------------------------------------

    def create_order(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """`POST /orders` -> the created order (201)."""
        return _object(self.request("POST", "/orders", body=payload))

    def get_order(self, order_id: int | str) -> dict[str, Any]:
        return _object(self.request("GET", f"/orders/{order_id}"))

    def update_order(self, order_id: int | str, changes: Mapping[str, Any]) -> dict[str, Any]:
        """`PUT /orders/<id>` with the fields to change -> the updated order."""
        return _object(self.request("PUT", f"/orders/{order_id}", body=changes))

    def delete_order(self, order_id: int | str, *, force: bool = True) -> dict[str, Any]:
        """`DELETE /orders/<id>?force=true`: gone for good (false: moved to the trash)."""
        params = {"force": "true" if force else "false"}
        return _object(self.request("DELETE", f"/orders/{order_id}", params=params))

    def orders(self, **params: Any) -> Iterator[dict[str, Any]]:
        """Every order the filters match, page by page (`X-WP-TotalPages`)."""
        page = 1
        query = {"per_page": MAX_PER_PAGE, **params}
        while True:
            response = self.request("GET", "/orders", params={**query, "page": page})
            items = _json_of(response)
            if not isinstance(items, list):
                raise WooStoreError(
                    response.status_code,
                    "invalid_json",
                    "expected a JSON array of orders",
                    method="GET",
                    path="/orders",
                )
            yield from items
            said = response.headers.get("X-WP-TotalPages", "").strip()
            pages = int(said) if said.isdecimal() and len(said) < 10 else 1
            if page >= pages or not items:
                return
            page += 1


def _json_of(response: requests.Response) -> Any:
    """The answer's JSON read within the limits (`read_json`); None when it is not JSON or is
    past them (nested too deep, a number too long): a store's answer is input like any file."""
    try:
        return read_json(response.content)
    except ValueError:
        return None


def _object(response: requests.Response) -> dict[str, Any]:
    value = _json_of(response)
    if not isinstance(value, dict):
        raise WooStoreError(
            response.status_code,
            "invalid_json",
            f"expected a JSON object, got {response.text[:200]!r}",
            method=response.request.method or "",
            path=response.url,
        )
    return value


def _error(response: requests.Response, method: str, path: str, secret: str) -> WooStoreError:
    """WooCommerce's `{"code", "message", "data": {"status"}}`, or the raw text."""
    body = _json_of(response)
    if isinstance(body, dict) and "code" in body:
        code, message = str(body.get("code")), str(body.get("message", ""))
    else:
        code, message = f"http_{response.status_code}", response.text[:300]
    return WooStoreError(
        response.status_code, code, message.replace(secret, "***"), method=method, path=path
    )


# -- an order as a create request ------------------------------------------------------------


def _money(value: Decimal) -> str:
    return format(value, "f")


@dataclass(frozen=True)
class CreateOptions:
    """How a WooOrder becomes `POST /orders`: tag, payment, how lines name products."""

    run_id: str | None = None
    set_paid: bool | None = None  # None: paid when the order has a payment date
    line_items_by: Literal["sku", "product_id"] = "sku"


def create_payload(order: WooOrder, options: CreateOptions | None = None) -> dict[str, Any]:
    """The REST create body that makes a store order like `order`.

    Lines name products by SKU (stable across stores; product ids are not) unless told
    otherwise; the store computes taxes itself from its own tax settings, so the prices sent
    are the pre-discount `subtotal` and post-discount `total` of each line, and coupons are
    sent by code. Meta `_harness_run` tags the order for cleanup.
    """
    opts = options or CreateOptions()
    wire = order.to_wire()
    lines = []
    for line in order.line_items:
        entry: dict[str, Any] = {"quantity": line.quantity}
        if opts.line_items_by == "sku" and line.sku:
            entry["sku"] = line.sku
        else:
            entry["product_id"] = line.product_id
            if line.variation_id:
                entry["variation_id"] = line.variation_id
        entry["subtotal"] = _money(line.subtotal)
        entry["total"] = _money(line.total)
        lines.append(entry)
    payload: dict[str, Any] = {
        "status": order.status,
        "currency": order.currency,
        "customer_id": order.customer_id,
        "customer_note": order.customer_note,
        "payment_method": order.payment_method,
        "payment_method_title": order.payment_method_title,
        "transaction_id": order.transaction_id,
        "billing": wire.get("billing", {}),
        "shipping": wire.get("shipping", {}),
        "line_items": lines,
        "shipping_lines": [
            {
                "method_id": s.method_id,
                "method_title": s.method_title,
                **({"instance_id": s.instance_id} if s.instance_id else {}),
                "total": _money(s.total),
            }
            for s in order.shipping_lines
        ],
        "fee_lines": [
            {
                "name": f.name,
                "total": _money(f.total),
                "tax_class": f.tax_class,
                "tax_status": f.tax_status,
            }
            for f in order.fee_lines
        ],
        "coupon_lines": [{"code": c.code} for c in order.coupon_lines],
        "set_paid": opts.set_paid if opts.set_paid is not None else order.date_paid is not None,
    }
    if opts.run_id:
        payload["meta_data"] = [{"key": RUN_TAG, "value": opts.run_id}]
    return payload

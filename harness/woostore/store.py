"""`EmbeddedStore`: one WooCommerce store, in-process and over HTTP.

The in-process side is what a test (or a pull-style driver) does as the shop itself: `place`
an order as a checkout would, read `orders()`, an order's `notes()` and meta, change a status.
The HTTP side is the REST API a connector polls and writes back to: `serve_http()` on a
loopback port (waitress, HTTP/1.1), or `intercept()` to answer every `requests` call to the
store's own host without a socket.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests

from harness.woo.order import WooOrder
from harness.woo.webhook import DeliveryAttempt
from harness.woostore.app import API, StoreApp
from harness.woostore.auth import ApiKey, Authenticator
from harness.woostore.catalogue import StoreData, load_store_data
from harness.woostore.clock import Clock, wall_clock
from harness.woostore.hooks import HookRecord, Hooks
from harness.woostore.orderbook import OrderBook, OrderNote
from harness.woostore.wire import Request
from harness.wsgi import LoopbackServer, intercepting

if TYPE_CHECKING:
    import responses

# The demo store's REST API key: fakes made for the embedded store (WooCommerce's shapes,
# `ck_`/`cs_` and 40 hex digits).
DEMO_CONSUMER_KEY = "ck_" + "5e1f0c2b7a8d4e6f9a3b" + "0c1d2e3f4a5b6c7d8e9f"
DEMO_CONSUMER_SECRET = "cs_" + "9b8e1d33a0f4c5d6e7f8" + "a9b0c1d2e3f4a5b6c7d8"


class EmbeddedStore:
    """A WooCommerce store with the catalogue's products, customers, coupons, taxes and
    shipping methods, and the orders placed in it."""

    def __init__(
        self,
        catalogue: str | Path | StoreData | None = None,
        *,
        clock: Clock | None = None,
        keys: Sequence[ApiKey] | None = None,
        utc_offset: timedelta = timedelta(0),
        first_order_id: int = 1001,
        basic_over_loopback_http: bool = True,
        webhook_timeout: float = 60.0,
    ) -> None:
        self.data = catalogue if isinstance(catalogue, StoreData) else load_store_data(catalogue)
        self.url = self.data.url
        self.host = urlsplit(self.url).netloc
        self.keys = list(keys) if keys else [ApiKey(DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET)]
        self.clock = clock or wall_clock
        self.book = OrderBook(
            self.data, self.clock, utc_offset=utc_offset, first_order_id=first_order_id
        )
        self.hooks = Hooks(self.clock, timeout=webhook_timeout)
        self.auth = Authenticator(self.keys, basic_over_loopback_http=basic_over_loopback_http)
        self.app = StoreApp(self.data, self.book, self.hooks, self.auth, utc_offset=utc_offset)

    @property
    def consumer_key(self) -> str:
        return self.keys[0].consumer_key

    @property
    def consumer_secret(self) -> str:
        return self.keys[0].consumer_secret

    def __repr__(self) -> str:
        return f"EmbeddedStore({self.url!r}, {len(self.book.orders)} orders)"

    def reset(self) -> None:
        """Back to a store that never took an order: no orders, notes or webhooks, and the
        ids from the start again (the catalogue and the keys stay)."""
        self.book.clear()
        self.hooks.clear()

    # -- the shop side ----------------------------------------------------------------------

    def place(self, order: WooOrder, *, keep_id: bool = False) -> WooOrder:
        """Take `order` as a checkout does: the store's next id and number (`keep_id`: the
        order's own, which no order of the store may have), a new order key, the store's item
        and meta ids, today's dates (on the store's clock); its status and everything else as
        given. Webhooks on `order.created` are sent."""
        with self.book.lock:
            stored, events = self.book.place(order, keep_id=keep_id)
            placed = self.book.woo_order(stored.id)
        self.app.publish(events, self.url)
        return placed

    def replace(self, order_id: int, order: WooOrder) -> WooOrder:
        """A shop manager editing the order until it is `order` (lines, addresses, totals,
        status) and saving it: `date_modified` moves, a status change leaves its note, meta
        that `order` does not name (a connector's write-back) stays; `order.updated` is sent."""
        with self.book.lock:
            if order_id not in self.book.orders:
                raise KeyError(f"the store has no order {order_id}")
            _, events = self.book.replace(order_id, order)
            changed = self.book.woo_order(order_id)
        self.app.publish(events, self.url)
        return changed

    def order(self, order_id: int) -> WooOrder:
        """The order as `GET /orders/<id>` shows it; KeyError for an id the store lacks."""
        with self.book.lock:
            if order_id not in self.book.orders:
                raise KeyError(f"the store has no order {order_id}")
            return self.book.woo_order(order_id)

    def orders(self) -> list[WooOrder]:
        """Every order, the trashed ones too, oldest first."""
        with self.book.lock:
            return [self.book.woo_order(order_id) for order_id in sorted(self.book.orders)]

    def notes(self, order_id: int) -> list[OrderNote]:
        """The order's notes, oldest first (the REST list shows newest first)."""
        with self.book.lock:
            if order_id not in self.book.orders:
                raise KeyError(f"the store has no order {order_id}")
            return list(self.book.orders[order_id].notes)

    def set_status(self, order_id: int, status: str) -> WooOrder:
        """A shop manager changing the status (a note and `order.updated`, as WooCommerce)."""
        with self.book.lock:
            if order_id not in self.book.orders:
                raise KeyError(f"the store has no order {order_id}")
            _, events = self.book.set_status(order_id, status)
            changed = self.book.woo_order(order_id)
        self.app.publish(events, self.url)
        return changed

    def add_webhook(
        self,
        delivery_url: str,
        *,
        topic: str = "order.created",
        secret: str = "",
        name: str = "",
    ) -> HookRecord:
        """What `POST /webhooks` does (without the ping): deliveries on `topic` from now on."""
        body: dict[str, Any] = {"delivery_url": delivery_url, "topic": topic}
        if secret:
            body["secret"] = secret
        if name:
            body["name"] = name
        return self.hooks.create(body, source_url=f"{self.url}/")

    def deliveries(self) -> list[DeliveryAttempt]:
        """Every webhook request the store sent (pings and deliveries), in order per webhook."""
        return self.hooks.attempts()

    # -- the API side -----------------------------------------------------------------------

    def client_environment(self, base_url: str | None = None) -> dict[str, str]:
        """The settings a client needs: `WOO_URL`, `WOO_CONSUMER_KEY`, `WOO_CONSUMER_SECRET`,
        and the same key under the names `harness reconcile` reads."""
        return {
            "WOO_URL": base_url or self.url,
            "WOO_CONSUMER_KEY": self.consumer_key,
            "WOO_CONSUMER_SECRET": self.consumer_secret,
            "WOOCOMMERCE_CONSUMER_KEY": self.consumer_key,
            "WOOCOMMERCE_CONSUMER_SECRET": self.consumer_secret,
        }

    def handle(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None = None,
        body: bytes | str | None = b"",
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """Answer one request in-process: (status, headers, body)."""
        request = Request.from_url(method, url, headers, body, remote_addr="127.0.0.1")
        return self.app.handle(request).encoded()

    def serve_http(self, host: str = "127.0.0.1", port: int = 0) -> LoopbackServer:
        """Serve the API over HTTP/1.1 on `host:port` (0: any free port), started."""
        return LoopbackServer(self.app, host, port, threads=16).start()

    def _callback(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        body = request.body
        if body is not None and not isinstance(body, bytes | str):
            body = b"".join(body)
        status, headers, data = self.handle(
            request.method or "GET", request.url or "", dict(request.headers), body
        )
        merged: dict[str, str] = {}
        for name, value in headers:
            merged[name] = f"{merged[name]}, {value}" if name in merged else value
        return status, merged, data

    @contextmanager
    def intercept(
        self, mock: responses.RequestsMock | None = None
    ) -> Iterator[responses.RequestsMock]:
        """Answer every `requests` call to the store's host from this store; without `mock`
        other hosts pass through to the network, with the caller's mock that mock decides."""
        with intercepting(self.host, self._callback, mock) as active:
            yield active

    @property
    def api_url(self) -> str:
        return self.url + API

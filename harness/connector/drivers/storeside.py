"""The store a pull-style connector polls: the embedded WooCommerce store, its clock, and what
the connector asked of it.

The driver is the shop: it places each scenario's order as a checkout would, and later edits
it as a shop manager would. The store's clock stands still while a connector works and moves
on before each of the shop's changes to a second no change had, so every change is later than
everything the connector has seen (a connector that pulls `modified_after` the newest
`date_modified_gmt` it saw never misses one). For a connector the harness runs it moves a
minute from a fixed moment, so an order's dates are the same in every run (cassettes record
them); for a poller the user started it is the wall clock, so a cursor the poller kept from an
earlier run stays behind this run's orders. Every request the connector makes is kept
(`StoreTraffic`): which orders each list answered with, and what it wrote to which order; and
copied into the scenario's call log while one is set, as evidence.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qs, urlsplit
from wsgiref.types import StartResponse, WSGIEnvironment

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from harness.connector.drivers.observe import record_wsgi_exchange
from harness.netsuite.calllog import CallLog
from harness.netsuite.redact import register_secret
from harness.push import StoreAfter
from harness.woo.generate import STORE_UTC_OFFSET
from harness.woo.order import WooOrder
from harness.woostore import EmbeddedStore, ManualClock
from harness.woostore.catalogue import StoreData, load_store_data
from harness.wsgi import LoopbackServer, request_body, request_url

# Where the store's clock starts (store time, GMT) for a connector the harness runs: the same
# dates in every run (cassettes record an order's tranDate). It moves `STEP` before each of
# the shop's changes, so a run of a thousand changes stays on one day. A poller the user
# started sees the store in real time instead (its cursor may come from an earlier run).
EPOCH = "2024-06-20T16:00:00+00:00"
STEP = timedelta(minutes=1)
_ORDER_PATH = re.compile(r"/wp-json/wc/v3/orders(?:/(\d+))?(?:/(notes)(?:/\d+)?)?/?$", re.I)
_WRITES = ("POST", "PUT", "PATCH", "DELETE")


@lru_cache(maxsize=8)
def store_data(catalogue: str | None = None) -> StoreData:
    """The `store:` section of a catalogue (the demo one by default), read once."""
    return load_store_data(catalogue)


@dataclass(frozen=True)
class StoreRequest:
    """One request of the connector: which order it touched, which orders a list held."""

    when: float
    method: str
    path: str
    query: Mapping[str, list[str]]
    status: int
    order_id: int | None = None  # /orders/<id>[/notes]
    listed: tuple[int, ...] = ()  # GET /orders: the ids of the page

    @property
    def writes(self) -> bool:
        return self.method in _WRITES and self.order_id is not None and self.status < 300

    def describe(self) -> str:
        query = "&".join(f"{k}={v[-1]}" for k, v in self.query.items()
                         if not k.startswith(("oauth_", "consumer_")))
        return f"{self.method} {self.path}{'?' + query if query else ''} -> {self.status}"


class StoreTraffic:
    """A WSGI app in front of the store that keeps every request (thread-safe)."""

    def __init__(self, store: EmbeddedStore) -> None:
        self.store = store
        self.requests: list[StoreRequest] = []
        self.calllog: CallLog | None = None
        self._lock = threading.Lock()

    def since(self, mark: int) -> list[StoreRequest]:
        with self._lock:
            return list(self.requests[mark:])

    def __len__(self) -> int:
        with self._lock:
            return len(self.requests)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        body = request_body(environ)
        inner = dict(environ)
        inner["wsgi.input"] = io.BytesIO(body)
        answer: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            answer["status"], answer["headers"] = status, headers
            return start_response(status, headers, exc_info)

        started = time.perf_counter()
        content = b"".join(self.store.app(inner, capture))
        status = int(str(answer.get("status", "500")).split(" ", 1)[0])
        self.keep(str(environ.get("REQUEST_METHOD", "GET")), request_url(environ), status,
                  content)
        calllog = self.calllog
        if calllog is not None:
            record_wsgi_exchange(calllog, environ, body, answer, content,
                                 time.perf_counter() - started)
        return [content]

    def keep(self, method: str, url: str, status: int, content: bytes) -> None:
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        path = parts.path
        if "rest_route" in query:  # a site without pretty permalinks
            path = "/wp-json" + query.pop("rest_route")[-1]
        match = _ORDER_PATH.search(path)
        order_id = int(match[1]) if match and match[1] else None
        listed: tuple[int, ...] = ()
        if match and order_id is None and method.upper() == "GET" and status == 200:
            listed = _ids(content)
        with self._lock:
            self.requests.append(StoreRequest(time.monotonic(), method.upper(), path, query,
                                              status, order_id, listed))


def _wall_second() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _ids(content: bytes) -> tuple[int, ...]:
    try:
        page = json.loads(content)
    except ValueError:
        return ()
    if not isinstance(page, list):
        return ()
    return tuple(int(o["id"]) for o in page if isinstance(o, dict) and str(o.get("id")).isdigit())


class InProcessAdapter(BaseAdapter):
    """A `requests` transport that hands each request to a WSGI app in this process: no
    socket, so no other interception (a mocked NetSuite, a cassette recorder) sees it."""

    def __init__(self, app: StoreTraffic) -> None:
        super().__init__()
        self.app = app

    def send(  # type: ignore[override]  # the transport options do not apply in-process
        self, request: requests.PreparedRequest, **kwargs: Any
    ) -> requests.Response:
        url = request.url or ""
        parts = urlsplit(url)
        body = request.body or b""
        data = body.encode("utf-8") if isinstance(body, str) else bytes(body)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        environ: dict[str, Any] = {
            "REQUEST_METHOD": request.method or "GET",
            "REQUEST_URI": target,
            "PATH_INFO": parts.path or "/",
            "QUERY_STRING": parts.query,
            "SERVER_NAME": parts.hostname or "localhost",
            "SERVER_PORT": str(parts.port or (443 if parts.scheme == "https" else 80)),
            "HTTP_HOST": parts.netloc,
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.url_scheme": parts.scheme or "http",
            "wsgi.input": io.BytesIO(data),
            "CONTENT_LENGTH": str(len(data)),
        }
        for name, value in request.headers.items():
            key = name.upper().replace("-", "_")
            if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                environ[key] = value
            else:
                environ[f"HTTP_{key}"] = value
        answer: dict[str, Any] = {}

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            answer["status"], answer["headers"] = status, headers
            return lambda data: None

        content = b"".join(self.app(environ, start))
        response = requests.Response()
        response.status_code = int(str(answer["status"]).split(" ", 1)[0])
        merged: dict[str, str] = {}
        for name, value in answer["headers"]:
            merged[name] = f"{merged[name]}, {value}" if name in merged else value
        response.headers = CaseInsensitiveDict(merged)
        response._content = content
        response.url = url
        response.request = request
        response.encoding = "utf-8"
        return response

    def close(self) -> None:
        """Nothing to release."""


class StoreSide:
    """The store, its clock and its traffic; served over HTTP for a connector in another
    process (`serve`), or reached in-process (`session`)."""

    def __init__(self, catalogue: str | None = None, *, real_time: bool = False) -> None:
        # real time: a poller the user started, which may keep its cursor from an earlier
        # run (or read its own clock), sees the orders of this run dated now.
        self.real_time = real_time
        self.clock = ManualClock(_wall_second() if real_time else EPOCH)
        self.store = EmbeddedStore(store_data(catalogue), clock=self.clock,
                                   utc_offset=STORE_UTC_OFFSET)
        register_secret(self.store.consumer_key)
        register_secret(self.store.consumer_secret)
        self.traffic = StoreTraffic(self.store)
        self.server: LoopbackServer | None = None
        self.statuses: dict[int, list[str]] = {}  # order id -> the statuses the shop gave it
        self._tmp: tempfile.TemporaryDirectory[str] | None = None

    @property
    def state_dir(self) -> str:
        """A folder of the run's own (empty at its start) for a connector's cursor file."""
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="harness-pull-")
        return self._tmp.name

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve the store on `host:port` (once); its URL."""
        if self.server is None:
            self.server = LoopbackServer(self.traffic, host, port, threads=16).start()
        return self.server.url

    def session(self) -> requests.Session:
        """A session that reaches the store in-process, as its REST API key's user."""
        session = requests.Session()
        # In-process: no proxy, CA bundle or .netrc applies, and reading them on every
        # request was a fifth of a poll.
        session.trust_env = False
        session.mount(self.store.url, InProcessAdapter(self.traffic))
        session.auth = (self.store.consumer_key, self.store.consumer_secret)
        return session

    def environment(self) -> dict[str, str]:
        """`WOO_URL`, `WOO_CONSUMER_KEY`, `WOO_CONSUMER_SECRET` for a connector process."""
        return self.store.client_environment(self.server.url if self.server else None)

    def reset(self) -> None:
        """A store without orders for the next scenario; its clock keeps moving forward."""
        self.store.reset()
        self.statuses.clear()

    def deliver(self, order: WooOrder) -> WooOrder:
        """The shop's next change: `order` placed (its first version) or the stored order
        edited to it. A status the shop did not change stays as the connector left it."""
        self._tick()
        history = self.statuses.get(order.id)
        if history is None:
            self.statuses[order.id] = [order.status]
            return self.store.place(order, keep_id=True)
        if order.status == history[-1]:
            wire = order.to_wire()
            wire["status"] = self.store.order(order.id).status
            order = WooOrder.parse(wire, dp=order.dp)
        else:
            history.append(order.status)
        return self.store.replace(order.id, order)

    def _tick(self) -> None:
        """Move the clock on for the shop's next change, to a second no change had: a
        minute on, or (real time) the wall clock's next second, waited for if need be."""
        if not self.real_time:
            self.clock.advance(STEP.total_seconds())
            return
        last = self.clock()
        while (now := _wall_second()) <= last:
            time.sleep(max(0.01, 1 - datetime.now(UTC).microsecond / 1e6))
        self.clock.set(now)

    def after(self, order_id: int) -> StoreAfter | None:
        """The order as the store holds it now, its notes, the statuses the shop gave it."""
        try:
            order = self.store.order(order_id)
            notes = tuple(note.note for note in self.store.notes(order_id))
        except KeyError:
            return None
        return StoreAfter(order, notes, tuple(self.statuses.get(order_id, ())))

    def close(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

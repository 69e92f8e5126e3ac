"""Shared pieces of the embedded store's tests: orders made from catalogue scenarios, a
webhook receiver, and a client that talks to a store the way connectors do."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from wsgiref.types import StartResponse, WSGIEnvironment

import requests

from harness.catalogue.spec import load_catalogue
from harness.woo.generate import generate
from harness.woo.order import WooOrder
from harness.woostore import EmbeddedStore
from harness.wsgi import LoopbackServer, request_body, request_headers

API = "/wp-json/wc/v3"


def scenario_order(name: str, seed: int = 0) -> WooOrder:
    """The order the catalogue scenario `name` makes (what a checkout would have taken)."""
    return generate(load_catalogue().get(name), seed)


def place(store: EmbeddedStore, *names: str) -> list[WooOrder]:
    return [store.place(scenario_order(name)) for name in names]


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """A webhook endpoint on a loopback port that answers `status` and keeps what it got."""

    status: int = 200
    received: list[Received] = field(default_factory=list)
    server: LoopbackServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, environ: WSGIEnvironment, start: StartResponse) -> Iterable[bytes]:
        with self._lock:
            self.received.append(Received(request_headers(environ), request_body(environ)))
        start(f"{self.status} X", [("Content-Type", "text/plain"), ("Content-Length", "2")])
        return [b"ok"]

    def start(self) -> str:
        self.server = LoopbackServer(self, threads=2).start()
        return self.server.url + "/hook"

    @property
    def url(self) -> str:
        assert self.server is not None, "the receiver is not started"
        return self.server.url + "/hook"

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()

    def of_topic(self, topic: str) -> list[Received]:
        return [r for r in self.received if r.headers.get("X-Wc-Webhook-Topic") == topic]


class Api:
    """A store's REST API over `requests` with HTTP Basic (the store's own https URL, answered
    in-process by `store.intercept()`)."""

    def __init__(self, store: EmbeddedStore, base: str | None = None) -> None:
        self.base = (base or store.url) + API
        self.auth = (store.consumer_key, store.consumer_secret)

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("auth", self.auth)
        return requests.request(method, self.base + path, timeout=10, **kwargs)

    def get(self, path: str, **params: Any) -> requests.Response:
        return self.call("GET", path, params=params)

    def put(self, path: str, body: Any) -> requests.Response:
        return self.call("PUT", path, json=body)

    def post(self, path: str, body: Any) -> requests.Response:
        return self.call("POST", path, json=body)

    def delete(self, path: str, **params: Any) -> requests.Response:
        return self.call("DELETE", path, params=params)


def error_of(response: requests.Response) -> tuple[int, str, str]:
    """(status, code, message) of a WooCommerce error, checking its shape on the way."""
    body = response.json()
    assert set(body) == {"code", "message", "data"}, body
    assert body["data"]["status"] == response.status_code
    return response.status_code, body["code"], body["message"]

"""A plain WooCommerce REST API v3 client: requests + requests-oauthlib, configured from WOO_*.

What a store's developer writes: over HTTPS the REST key as HTTP Basic, over plain HTTP
one-legged OAuth 1.0a in the query (as WooCommerce's own clients do). Nothing here knows
about any test harness.
"""

from __future__ import annotations

import os
from typing import Any

import requests
from requests_oauthlib import OAuth1

TIMEOUT = (5.0, 60.0)


class StoreRefused(Exception):
    """The store answered an error: its status and WooCommerce's code and message."""

    def __init__(self, method: str, path: str, response: requests.Response) -> None:
        try:
            body = response.json()
            said = f"{body.get('code')}: {body.get('message')}"
        except ValueError:
            said = response.text[:200]
        super().__init__(f"{method} {path} -> {response.status_code} {said}")
        self.status = response.status_code


class Woo:
    def __init__(self, url: str, key: str, secret: str) -> None:
        self.api = url.rstrip("/") + "/wp-json/wc/v3"
        self.session = requests.Session()
        if url.lower().startswith("https://"):
            self.session.auth = (key, secret)
        else:
            self.session.auth = OAuth1(key, client_secret=secret, signature_type="query",
                                       signature_method="HMAC-SHA256")

    @classmethod
    def from_env(cls) -> Woo:
        missing = [n for n in ("WOO_URL", "WOO_CONSUMER_KEY", "WOO_CONSUMER_SECRET")
                   if not os.environ.get(n)]
        if missing:
            raise SystemExit(f"set {', '.join(missing)} (the store and its REST API key)")
        return cls(os.environ["WOO_URL"], os.environ["WOO_CONSUMER_KEY"],
                   os.environ["WOO_CONSUMER_SECRET"])

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        response = self.session.request(method, self.api + path, timeout=TIMEOUT, **kwargs)
        if response.status_code >= 400:
            raise StoreRefused(method, path, response)
        return response

    def update_order(self, order_id: int, body: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = self.call("PUT", f"/orders/{order_id}", json=body).json()
        return result

    def add_note(self, order_id: int, note: str) -> None:
        self.call("POST", f"/orders/{order_id}/notes", json={"note": note})

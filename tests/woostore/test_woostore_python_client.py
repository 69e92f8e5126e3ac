"""The official Python client (`woocommerce` on PyPI, WooCommerce's own), unmodified, against
`harness woo serve`-style HTTP: it signs every request with OAuth 1.0a (HMAC-SHA256, an
8-digit nonce hashed with HMAC-SHA1) in the query string, as its README shows."""

from __future__ import annotations

import pytest
from woocommerce import API  # type: ignore[import-untyped]
from woostore_helpers import place

from harness.woostore import EmbeddedStore, ManualClock
from harness.wsgi import LoopbackServer


@pytest.fixture
def wcapi(store: EmbeddedStore, served: LoopbackServer) -> API:
    # As the client's README: API(url=..., consumer_key=..., consumer_secret=..., version=...)
    return API(url=served.url, consumer_key=store.consumer_key,
               consumer_secret=store.consumer_secret, version="wc/v3", timeout=10)


@pytest.fixture
def orders(store: EmbeddedStore, clock: ManualClock) -> list[int]:
    placed = []
    for name in ("existing-customer", "new-customer", "tax-california", "guest-checkout"):
        placed.append(place(store, name)[0].id)
        clock.advance(minutes=10)
    return placed


def test_lists_pages_and_filters(wcapi: API, orders: list[int]) -> None:
    first = wcapi.get("orders", params={"per_page": 3, "order": "asc"})
    assert first.status_code == 200, first.text
    assert [o["id"] for o in first.json()] == orders[:3]
    assert first.headers["X-WP-TotalPages"] == "2"
    second = wcapi.get("orders", params={"per_page": 3, "order": "asc", "page": 2})
    assert [o["id"] for o in second.json()] == orders[3:]
    recent = wcapi.get("orders", params={"modified_after": "2024-06-20T10:15:00",
                                         "status": "any", "orderby": "modified"})
    assert recent.status_code == 200, recent.text
    assert [o["id"] for o in recent.json()] == [orders[3], orders[2]]


def test_writes_back_meta_and_status(wcapi: API, store: EmbeddedStore, clock: ManualClock,
                                     orders: list[int]) -> None:
    clock.advance(hours=1)
    answer = wcapi.put(f"orders/{orders[0]}", {
        "status": "completed",
        "meta_data": [{"key": "_netsuite_sales_order", "value": "SO-9001"}],
    })
    assert answer.status_code == 200, answer.text
    assert store.order(orders[0]).meta("_netsuite_sales_order") == "SO-9001"
    assert store.order(orders[0]).status == "completed"
    note = wcapi.post(f"orders/{orders[0]}/notes", {"note": "Synced to NetSuite as SO-9001"})
    assert note.status_code == 201
    changed = wcapi.get("orders", params={"modified_after": "2024-06-20T11:00:00"}).json()
    assert [o["id"] for o in changed] == [orders[0]]


def test_reads_errors(wcapi: API, store: EmbeddedStore, served: LoopbackServer) -> None:
    missing = wcapi.get("orders/424242")
    assert missing.status_code == 404
    assert missing.json()["code"] == "woocommerce_rest_shop_order_invalid_id"
    too_many = wcapi.get("orders", params={"per_page": 500})
    assert too_many.json()["code"] == "rest_invalid_param"
    wrong = API(url=served.url, consumer_key=store.consumer_key, consumer_secret="cs_wrong",
                version="wc/v3", timeout=10)
    refused = wrong.get("orders")
    assert refused.status_code == 401
    assert refused.json()["message"] == "Invalid signature - provided signature does not match."

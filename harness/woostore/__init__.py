"""The embedded WooCommerce store: the REST API v3 a pull-style connector polls and writes
back to, holding the catalogue's products, customers, coupons, taxes and shipping methods and
the orders placed in it (`EmbeddedStore`; `harness woo serve` serves it over HTTP)."""

from __future__ import annotations

from harness.woostore.auth import ApiKey
from harness.woostore.clock import ManualClock
from harness.woostore.orderbook import OrderNote
from harness.woostore.store import DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET, EmbeddedStore

__all__ = [
    "DEMO_CONSUMER_KEY",
    "DEMO_CONSUMER_SECRET",
    "ApiKey",
    "EmbeddedStore",
    "ManualClock",
    "OrderNote",
]

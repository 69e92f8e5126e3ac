"""Paths the `harness` command's tests share."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).parent / "data"
# The reference WooCommerce examples, next to the checkout (absent on some machines).
REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "woocommerce"

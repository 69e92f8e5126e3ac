"""woo-netsuite-harness: prove WooCommerce orders land in NetSuite as correct Sales Orders."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]

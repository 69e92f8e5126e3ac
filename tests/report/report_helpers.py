"""Results for report tests, built from real runs of the demo catalogue."""

from __future__ import annotations

from harness.catalogue.orders import scenario_orders
from harness.catalogue.spec import load_catalogue
from harness.runner import RunConfig, ScenarioResult, run_catalogue
from harness.woo.order import WooOrder

NAMES = ("new-customer", "unknown-sku", "role-without-salesorder-create", "pending-not-synced")


def demo_results() -> tuple[list[ScenarioResult], dict[str, WooOrder]]:
    results = run_catalogue(RunConfig(), NAMES)
    return results, scenario_orders(load_catalogue(), NAMES, 0)


def with_hostile_name(order: WooOrder) -> WooOrder:
    """The same order, bought by someone whose name is markup."""
    wire = order.to_wire()
    wire["billing"]["first_name"] = "<script>alert('pwned')</script>"
    wire["line_items"][0]["name"] = 'Hoodie <img src=x onerror="alert(1)">'
    return WooOrder.parse(wire)

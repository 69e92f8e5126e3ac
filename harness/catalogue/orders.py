"""The WooCommerce order each scenario pushed, rebuilt for reports.

Generation is deterministic (scenario name + run seed), so the report can show the very order
a worker process pushed without shipping it back from the worker.
"""

from __future__ import annotations

from collections.abc import Iterable

from harness.catalogue.spec import Catalogue
from harness.woo.generate import apply_update, generate
from harness.woo.order import WooOrder


def scenario_orders(catalogue: Catalogue, names: Iterable[str], seed: int) -> dict[str, WooOrder]:
    """Scenario name -> the order as last pushed (after its updates)."""
    orders: dict[str, WooOrder] = {}
    for name in names:
        spec = catalogue.get(name)
        order = generate(spec, seed)
        for step, update in enumerate(spec.updates, start=1):
            order = apply_update(order, update, step)
        orders[name] = order
    return orders

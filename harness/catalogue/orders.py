"""The WooCommerce orders a scenario pushes, in order, and the last one, rebuilt for reports.

Generation is deterministic (scenario name + run seed), so the report can show the very order
a worker process pushed without shipping it back from the worker.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from harness.catalogue.spec import Catalogue, Resend, ScenarioSpec
from harness.woo.generate import SpecMemo, apply_update, make_order
from harness.woo.order import WooOrder
from harness.woo.orderspec import OrderSpec, OrderUpdate

_VERSIONS: SpecMemo[tuple[WooOrder, ...]] = SpecMemo()


def _with_updates(spec: OrderSpec, seed: int) -> Iterator[WooOrder]:
    order = make_order(spec, seed)
    yield order
    for step, update in enumerate(spec.updates, start=1):
        order = apply_update(order, update, step)
        yield order


def _resent(spec: ScenarioSpec, resend: Resend, seed: int, step: int) -> WooOrder:
    """The order as the re-send finds it: made again from the changed spec (same id, number,
    customer and dates, since those come from the scenario's name and the seed), its updates
    applied again, then modified once more, later than every earlier delivery."""
    *_, order = _with_updates(spec.resent(resend), seed)
    return apply_update(order, OrderUpdate(), step)


def _versions(spec: OrderSpec, seed: int) -> Iterator[WooOrder]:
    versions = _with_updates(spec, seed)
    order = next(versions)
    yield order
    for order in versions:  # the last one is the one a re-send starts from
        yield order
    if isinstance(spec, ScenarioSpec):
        first = len(spec.updates) + 1
        for step, resend in enumerate(spec.resend, start=first):
            if not resend.unchanged:
                order = _resent(spec, resend, seed, step)
            yield order


def order_versions(spec: OrderSpec, seed: int) -> tuple[WooOrder, ...]:
    """Every version of the order a spec pushes: as placed, after each of its `updates` (as
    WooCommerce's order.updated deliveries carry them), then after each of a scenario's
    `resend` changes (an `unchanged` one is the very same delivery again).

    Versions asked for again are kept (`SpecMemo`): read them, never change them; what is
    handed to a connector is a copy (`handed_out`)."""
    versions = _VERSIONS.kept(spec, seed)
    if versions is None:
        versions = tuple(_versions(spec, seed))
        _VERSIONS.made(spec, seed, versions)
    return versions


def pushed_orders(spec: OrderSpec, seed: int) -> Iterator[WooOrder]:
    """`order_versions`, as handed to a connector (`handed_out`)."""
    return handed_out(order_versions(spec, seed))


def handed_out(versions: Iterable[WooOrder]) -> Iterator[WooOrder]:
    """Each version a deep copy of its own (an unchanged re-send: the same copy again): what
    a connector does to one reaches no later one, nor the versions verified."""
    copies: dict[int, WooOrder] = {}
    for order in versions:
        copy = copies.get(id(order))
        if copy is None:
            copy = copies[id(order)] = order.deep_copy()
        yield copy


def scenario_orders(catalogue: Catalogue, names: Iterable[str], seed: int) -> dict[str, WooOrder]:
    """Scenario name -> the order as last pushed (after its updates and re-sends)."""
    orders: dict[str, WooOrder] = {}
    for name in names:
        *_, orders[name] = pushed_orders(catalogue.get(name), seed)
    return orders

"""An order asked for again is kept (`SpecMemo`) and handed out as deep copies: the copies are
byte for byte the order made afresh, what one holder does to its order reaches no other, and
an order asked for once is not kept at all."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from pydantic import BaseModel

from harness.catalogue.spec import DEFAULT_CATALOGUE, load_catalogue
from harness.woo import generate as generate_module
from harness.woo.generate import SpecMemo, generate, make_order
from harness.woo.order import MetaData, WooOrder
from harness.woo.orderspec import OrderSpec

CATALOGUE = load_catalogue(DEFAULT_CATALOGUE)


@pytest.fixture(autouse=True)
def kept_orders(monkeypatch: pytest.MonkeyPatch) -> SpecMemo[WooOrder]:
    """A memo of this test's own."""
    memo: SpecMemo[WooOrder] = SpecMemo()
    monkeypatch.setattr(generate_module, "_ORDERS", memo)
    return memo


def wire_bytes(order: WooOrder) -> str:
    return json.dumps(order.to_wire())


def afresh(spec: OrderSpec, seed: int) -> str:
    return wire_bytes(make_order(spec, seed))


@pytest.mark.parametrize("seed", [0, 7])
def test_every_order_handed_out_is_the_one_made_afresh(
    seed: int, kept_orders: SpecMemo[WooOrder]
) -> None:
    for spec in CATALOGUE.scenarios:
        first, second, third = (generate(spec, seed) for _ in range(3))
        fresh = make_order(spec, seed)
        assert len({id(first), id(second), id(third)}) == 3
        assert wire_bytes(first) == wire_bytes(second) == wire_bytes(third) == afresh(spec, seed)
        assert third.dp == fresh.dp and third.model_fields_set == fresh.model_fields_set
        assert third.check_invariants() == []
    assert len(kept_orders) == len(CATALOGUE.scenarios)


def test_an_order_asked_for_once_is_not_kept(kept_orders: SpecMemo[WooOrder]) -> None:
    spec = CATALOGUE.get("multi-item")
    for seed in range(5):
        generate(spec, seed)
    assert len(kept_orders) == 0 and kept_orders.kept(spec, 0) is None
    generate(spec, 0)
    kept = kept_orders.kept(spec, 0)
    assert kept is not None and wire_bytes(kept) == afresh(spec, 0)


def test_changing_an_order_handed_out_changes_no_later_one() -> None:
    spec = CATALOGUE.get("multi-item")
    for _ in range(3):  # as made, as kept, as copied from what was kept
        taken = generate(spec, 3)
        taken.status = "cancelled"
        taken.billing.email = "someone-else@example.com"
        taken.line_items[0].quantity = Decimal(99)
        taken.line_items.pop()
        taken.meta_data.append(MetaData(id=1, key="_mine", value="x"))
        taken.shipping.city = "Elsewhere"
    later = generate(spec, 3)
    assert wire_bytes(later) == afresh(spec, 3)
    assert later.status != "cancelled" and later.meta("_mine") is None
    assert later.shipping.city != "Elsewhere"


def test_another_spec_or_seed_is_made_on_its_own() -> None:
    spec = CATALOGUE.get("multi-item")
    generate(spec, 3), generate(spec, 3)
    edited = spec.model_copy(update={"status": "on-hold"})
    other = generate(edited, 3)
    assert other.status == "on-hold" and generate(spec, 3).status == spec.status
    assert wire_bytes(other) == afresh(edited, 3)
    assert wire_bytes(generate(spec, 4)) != wire_bytes(generate(spec, 3))


def test_an_order_kept_for_a_spec_gone_is_not_taken_for_a_new_one_at_its_id(
    kept_orders: SpecMemo[WooOrder],
) -> None:
    """A spec's id may be reused once it is gone: what is kept under it is another's."""
    spec, gone = CATALOGUE.get("multi-item"), CATALOGUE.get("guest-checkout")
    kept_orders._seen[(id(spec), 5)] = gone
    kept_orders._kept[(id(spec), 5)] = (gone, make_order(gone, 5))
    assert kept_orders.kept(spec, 5) is None
    assert wire_bytes(generate(spec, 5)) == afresh(spec, 5)
    assert len(kept_orders) == 1  # seen for the first time: not kept (the other's remains)


def test_what_is_kept_and_seen_is_bounded(kept_orders: SpecMemo[WooOrder]) -> None:
    kept_orders.limit = 3
    spec = CATALOGUE.get("guest-checkout")
    for seed in range(10):
        generate(spec, seed), generate(spec, seed)
        assert len(kept_orders) <= 3 and len(kept_orders._seen) <= 3


def mutable_parts(value: object) -> list[object]:
    """Every list, dict and model inside `value` (itself included)."""
    if isinstance(value, BaseModel):
        inner = [value.__dict__, value.__pydantic_extra__ or {}, value.__pydantic_private__ or {}]
        return [value, *(part for held in inner for part in mutable_parts(held))]
    if isinstance(value, list):
        return [value, *(part for item in value for part in mutable_parts(item))]
    if isinstance(value, dict):
        return [value, *(part for item in value.values() for part in mutable_parts(item))]
    return []


def with_plugin_keys(order: WooOrder) -> WooOrder:
    wire = order.to_wire()
    wire["_plugin"] = {"tags": ["a", {"b": [1, 2.5]}], "when": None}
    wire["line_items"][0]["_bundle"] = [{"child": {"sku": "X"}}]
    return WooOrder.parse(wire, dp=order.dp)


@pytest.mark.parametrize("name", [spec.name for spec in CATALOGUE.scenarios][::4])
def test_a_deep_copy_is_pydantics_and_shares_nothing_mutable(name: str) -> None:
    order = with_plugin_keys(generate(CATALOGUE.get(name), 1))
    copied = order.deep_copy()
    assert copied == order.model_copy(deep=True)
    assert copied.to_wire() == order.to_wire() and copied.dp == order.dp
    assert copied.model_fields_set == order.model_fields_set
    assert copied.model_extra == order.model_extra
    originals, copies = mutable_parts(order), mutable_parts(copied)  # both kept alive
    assert not {id(part) for part in originals} & {id(part) for part in copies}
    copied.model_extra["_plugin"]["tags"][1]["b"].append(3)  # type: ignore[index]
    assert order.to_wire()["_plugin"]["tags"][1]["b"] == [1, 2.5]

"""Each (spec, seed) is made once per process and handed out as a deep copy: the copies are
byte for byte the order made afresh, and what one holder does to its copy reaches no other."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from pydantic import BaseModel

from harness.catalogue.spec import DEFAULT_CATALOGUE, load_catalogue
from harness.woo import generate as generate_module
from harness.woo.generate import generate
from harness.woo.order import MetaData, WooOrder

CATALOGUE = load_catalogue(DEFAULT_CATALOGUE)


def wire_bytes(order: WooOrder) -> str:
    return json.dumps(order.to_wire())


def made_afresh(spec: object, seed: int, monkeypatch: pytest.MonkeyPatch) -> WooOrder:
    with monkeypatch.context() as patch:
        patch.setattr(generate_module, "_MADE", {})
        return generate(spec, seed)  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", [0, 7])
def test_a_handed_out_order_is_the_one_made_afresh(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    for spec in CATALOGUE.scenarios:
        first, again = generate(spec, seed), generate(spec, seed)
        fresh = made_afresh(spec, seed, monkeypatch)
        assert first is not again
        assert wire_bytes(first) == wire_bytes(again) == wire_bytes(fresh), spec.name
        assert first.dp == fresh.dp and first.model_fields_set == fresh.model_fields_set
        assert again.check_invariants() == []


def test_changing_a_handed_out_order_changes_no_later_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    spec = CATALOGUE.get("multi-item")
    taken = generate(spec, 3)
    taken.status = "cancelled"
    taken.billing.email = "someone-else@example.com"
    taken.line_items[0].quantity = Decimal(99)
    taken.line_items.pop()
    taken.meta_data.append(MetaData(id=1, key="_mine", value="x"))
    later = generate(spec, 3)
    assert wire_bytes(later) == wire_bytes(made_afresh(spec, 3, monkeypatch))
    assert later.status != "cancelled" and later.meta("_mine") is None
    later.shipping.city = "Elsewhere"
    assert generate(spec, 3).shipping.city != "Elsewhere"


def test_another_spec_or_seed_is_made_on_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = CATALOGUE.get("multi-item")
    generate(spec, 3)
    edited = spec.model_copy(update={"status": "on-hold"})
    other = generate(edited, 3)
    assert other.status == "on-hold" and generate(spec, 3).status == spec.status
    assert wire_bytes(other) == wire_bytes(made_afresh(edited, 3, monkeypatch))
    assert wire_bytes(generate(spec, 4)) != wire_bytes(generate(spec, 3))


def test_the_orders_kept_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(generate_module, "_MADE", {})
    monkeypatch.setattr(generate_module, "_MADE_LIMIT", 3)
    spec = CATALOGUE.get("guest-checkout")
    for seed in range(10):
        generate(spec, seed)
        assert len(generate_module._MADE) <= 3


def test_an_order_kept_for_a_spec_gone_is_not_taken_for_a_new_one_at_its_id(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A spec's id may be reused once it is gone: the order kept under it is another's."""
    spec, gone = CATALOGUE.get("multi-item"), CATALOGUE.get("guest-checkout")
    made: dict[tuple[int, int], object] = {(id(spec), 5): (gone, generate(gone, 5))}
    monkeypatch.setattr(generate_module, "_MADE", made)
    assert wire_bytes(generate(spec, 5)) == wire_bytes(made_afresh(spec, 5, monkeypatch))


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

"""A scenario's pushed versions are made once per (spec, seed) and every iteration gets deep
copies of its own: byte for byte the versions made afresh, an unchanged re-send still the very
same delivery again, and nothing one holder does reaching a later iteration."""

from __future__ import annotations

import json

import pytest

from harness.catalogue import orders as orders_module
from harness.catalogue.orders import pushed_orders, scenario_orders
from harness.catalogue.spec import load_catalogue
from harness.woo import generate as generate_module
from harness.woo.order import WooOrder

CATALOGUE = load_catalogue()
CHANGED = [s.name for s in CATALOGUE.scenarios if s.updates or s.resend]


def wires(versions: list[WooOrder]) -> list[str]:
    return [json.dumps(order.to_wire()) for order in versions]


def made_afresh(name: str, seed: int, monkeypatch: pytest.MonkeyPatch) -> list[WooOrder]:
    with monkeypatch.context() as patch:
        patch.setattr(orders_module, "_MADE", {})
        patch.setattr(generate_module, "_MADE", {})
        return list(pushed_orders(CATALOGUE.get(name), seed))


def test_the_catalogue_has_updates_resends_and_an_unchanged_resend() -> None:
    spec = CATALOGUE.get
    assert any(spec(name).updates for name in CHANGED)
    assert any(not r.unchanged for name in CHANGED for r in spec(name).resend)
    assert any(r.unchanged for name in CHANGED for r in spec(name).resend)


@pytest.mark.parametrize("name", CHANGED)
def test_every_iteration_gets_the_versions_made_afresh(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = list(pushed_orders(CATALOGUE.get(name), 5))
    again = list(pushed_orders(CATALOGUE.get(name), 5))
    fresh = made_afresh(name, 5, monkeypatch)
    assert wires(first) == wires(again) == wires(fresh)
    assert len(first) == 1 + len(CATALOGUE.get(name).updates) + len(CATALOGUE.get(name).resend)
    assert not {id(o) for o in first} & {id(o) for o in again}
    for index, spec_resend in enumerate(CATALOGUE.get(name).resend, start=len(first) - len(
        CATALOGUE.get(name).resend
    )):
        # an unchanged re-send is the very same delivery again, as made afresh
        assert (first[index] is first[index - 1]) == (fresh[index] is fresh[index - 1])
        assert (first[index] is first[index - 1]) == spec_resend.unchanged


def test_what_a_connector_does_to_a_version_reaches_no_later_iteration(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    name = "ship-method-changed-after-landing"
    for order in pushed_orders(CATALOGUE.get(name), 2):
        order.status = "cancelled"
        order.shipping_lines.clear()
        order.billing.email = "changed@example.com"
    assert wires(list(pushed_orders(CATALOGUE.get(name), 2))) == wires(
        made_afresh(name, 2, monkeypatch)
    )
    last = scenario_orders(CATALOGUE, [name], 2)[name]
    last.line_items.clear()
    assert scenario_orders(CATALOGUE, [name], 2)[name].line_items


def test_another_spec_at_a_reused_id_or_another_seed_is_made_on_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    spec, gone = CATALOGUE.get("on-hold-then-processing"), CATALOGUE.get("guest-checkout")
    stale = (gone, tuple(pushed_orders(gone, 4)))
    monkeypatch.setattr(orders_module, "_MADE", {(id(spec), 4): stale})
    ours = list(pushed_orders(spec, 4))
    assert wires(ours) == wires(made_afresh(spec.name, 4, monkeypatch))
    assert wires(list(pushed_orders(spec, 5))) != wires(ours)


def test_the_versions_kept_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(orders_module, "_MADE", {})
    monkeypatch.setattr(orders_module, "_MADE_LIMIT", 2)
    spec = CATALOGUE.get("on-hold-then-processing")
    for seed in range(6):
        list(pushed_orders(spec, seed))
        assert len(orders_module._MADE) <= 2

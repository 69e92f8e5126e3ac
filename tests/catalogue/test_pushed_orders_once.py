"""A scenario's pushed versions asked for again are kept and every iteration gets deep copies
of its own: byte for byte the versions made afresh, an unchanged re-send still the very same
delivery again, and nothing one holder does reaching a later iteration."""

from __future__ import annotations

import json

import pytest

from harness.catalogue import orders as orders_module
from harness.catalogue.orders import pushed_orders, scenario_orders
from harness.catalogue.spec import load_catalogue
from harness.woo.generate import SpecMemo
from harness.woo.order import WooOrder

CATALOGUE = load_catalogue()
CHANGED = [s.name for s in CATALOGUE.scenarios if s.updates or s.resend]


def wires(versions: list[WooOrder]) -> list[str]:
    return [json.dumps(order.to_wire()) for order in versions]


def made_afresh(name: str, seed: int, monkeypatch: pytest.MonkeyPatch) -> list[WooOrder]:
    with monkeypatch.context() as patch:
        patch.setattr(orders_module, "_VERSIONS", SpecMemo())
        return list(pushed_orders(CATALOGUE.get(name), seed))


@pytest.fixture(autouse=True)
def kept_versions(monkeypatch: pytest.MonkeyPatch) -> SpecMemo[tuple[WooOrder, ...]]:
    """A memo of this test's own."""
    memo: SpecMemo[tuple[WooOrder, ...]] = SpecMemo()
    monkeypatch.setattr(orders_module, "_VERSIONS", memo)
    return memo


def test_the_catalogue_has_updates_resends_and_an_unchanged_resend() -> None:
    spec = CATALOGUE.get
    assert any(spec(name).updates for name in CHANGED)
    assert any(not r.unchanged for name in CHANGED for r in spec(name).resend)
    assert any(r.unchanged for name in CHANGED for r in spec(name).resend)


@pytest.mark.parametrize("name", CHANGED)
def test_every_iteration_gets_the_versions_made_afresh(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = CATALOGUE.get(name)
    first, second, third = (list(pushed_orders(spec, 5)) for _ in range(3))
    fresh = made_afresh(name, 5, monkeypatch)
    assert wires(first) == wires(second) == wires(third) == wires(fresh)
    assert len(first) == 1 + len(spec.updates) + len(spec.resend)
    ids = [{id(o) for o in versions} for versions in (first, second, third)]
    assert not ids[0] & ids[1] and not ids[1] & ids[2] and not ids[0] & ids[2]
    start = len(first) - len(spec.resend)
    for index, resend in enumerate(spec.resend, start=start):
        for versions in (first, second, third, fresh):
            # an unchanged re-send is the very same delivery again
            assert (versions[index] is versions[index - 1]) == resend.unchanged


def test_what_a_connector_does_to_a_version_reaches_no_later_iteration(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    name = "ship-method-changed-after-landing"
    for _ in range(3):  # as made, as kept, as copied from what was kept
        for order in pushed_orders(CATALOGUE.get(name), 2):
            order.status = "cancelled"
            order.shipping_lines.clear()
            order.billing.email = "changed@example.com"
    assert wires(list(pushed_orders(CATALOGUE.get(name), 2))) == wires(
        made_afresh(name, 2, monkeypatch)
    )
    for _ in range(3):
        last = scenario_orders(CATALOGUE, [name], 2)[name]
        assert last.line_items
        last.line_items.clear()


def test_versions_asked_for_once_are_not_kept(
    kept_versions: SpecMemo[tuple[WooOrder, ...]],
) -> None:
    spec = CATALOGUE.get("on-hold-then-processing")
    for seed in range(4):
        list(pushed_orders(spec, seed))
    assert len(kept_versions) == 0
    list(pushed_orders(spec, 0))
    assert len(kept_versions) == 1


def test_another_spec_at_a_reused_id_or_another_seed_is_made_on_its_own(
    monkeypatch: pytest.MonkeyPatch, kept_versions: SpecMemo[tuple[WooOrder, ...]]
) -> None:
    spec, gone = CATALOGUE.get("on-hold-then-processing"), CATALOGUE.get("guest-checkout")
    kept_versions._seen[(id(spec), 4)] = gone
    kept_versions._kept[(id(spec), 4)] = (gone, tuple(pushed_orders(gone, 4)))
    ours = list(pushed_orders(spec, 4))
    assert wires(ours) == wires(made_afresh(spec.name, 4, monkeypatch))
    assert wires(list(pushed_orders(spec, 5))) != wires(ours)


def test_the_versions_kept_are_bounded(kept_versions: SpecMemo[tuple[WooOrder, ...]]) -> None:
    kept_versions.limit = 2
    spec = CATALOGUE.get("on-hold-then-processing")
    for seed in range(6):
        list(pushed_orders(spec, seed)), list(pushed_orders(spec, seed))
        assert len(kept_versions) <= 2


class _Trimming:
    """A connector object (as a pytest `connector` fixture may return) that changes what it
    is handed: it drops a line and pushes nothing."""

    def __init__(self) -> None:
        self.handed: list[WooOrder] = []

    def push(self, order: WooOrder) -> None:
        order.line_items.pop()
        self.handed.append(order)


@pytest.mark.parametrize("seeded_before", [False, True])
def test_the_order_verified_is_the_one_made_not_the_one_a_connector_changed(
    seeded_before: bool,
) -> None:
    from harness.mapping import load_mapping
    from harness.netsuite.calllog import CallLog
    from harness.runner.core import land
    from harness.targets.sim import SimTarget

    spec = CATALOGUE.get("multi-item")
    if seeded_before:
        list(pushed_orders(spec, 1))  # asked for before: the versions are kept
    connector = _Trimming()
    calllog = CallLog()
    with SimTarget() as target:
        landing = land(spec, connector, target.client(calllog=calllog), calllog,
                       load_mapping(), seed=1)
    (handed,) = connector.handed
    assert len(landing.order.line_items) == len(handed.line_items) + 1
    assert wires([landing.order]) == wires(list(pushed_orders(spec, 1)))
    assert landing.verdict.outcome == "not-pushed"  # not "invalid-order": the order is valid

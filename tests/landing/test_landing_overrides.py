"""Item overrides end to end: the connector and the expectation read `items.products` and
`items.variations` each with code of its own, so a connector misreading them is caught."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from landing_helpers import ClientFactory

from harness.catalogue.spec import ScenarioSpec
from harness.connector import reference
from harness.connector.reference import ReferenceConnector
from harness.landing.compare import render_diff
from harness.landing.verdict import Verdict
from harness.landing.verify import verify
from harness.mapping import Mapping
from harness.netsuite.calllog import CallLog
from harness.woo.generate import generate
from harness.woo.order import LineItem
from harness.woo.orderspec import TaxSpec

SpecOf = Callable[[str], ScenarioSpec]


@pytest.fixture
def overridden(mapping: Mapping) -> Mapping:
    """Product 102 (the hoodie) sells as MUG-WHT, its variation 1022 as BEANIE-GRY."""
    items = mapping.items.model_copy(
        update={"products": {102: "MUG-WHT"}, "variations": {1022: "BEANIE-GRY"}}
    )
    return mapping.model_copy(update={"items": items})


def _land(make_client: ClientFactory, spec: SpecOf, mapping: Mapping) -> Verdict:
    """Push both hoodie variations (untaxed) with the reference connector and verify them."""
    scenario = spec("variations").model_copy(update={"tax": TaxSpec()})
    order = generate(scenario, 4)
    log = CallLog()
    push = ReferenceConnector(make_client(None, log), mapping).push(order)
    return verify(order, mapping, make_client(None, log), log, push, scenario=scenario.name)


def test_overridden_items_land_as_expected(
    make_client: ClientFactory, spec: SpecOf, overridden: Mapping
) -> None:
    verdict = _land(make_client, spec, overridden)
    assert verdict.outcome == "landed", render_diff(verdict.mismatches)


def test_a_connector_ignoring_variation_overrides_is_caught(
    make_client: ClientFactory,
    spec: SpecOf,
    overridden: Mapping,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def product_or_sku(line: LineItem, mapping: Mapping) -> str:
        """A wrong reading: the variation's own override is never looked at."""
        return mapping.items.products.get(line.product_id, (line.sku or "").strip())

    monkeypatch.setattr(reference, "item_name_for", product_or_sku)
    verdict = _land(make_client, spec, overridden)
    assert verdict.outcome == "landed-wrong"
    assert [(m.field, m.expected, m.actual) for m in verdict.mismatches] == [
        ("lines[BEANIE-GRY].item", "BEANIE-GRY (105)", "MUG-WHT (104)")
    ], render_diff(verdict.mismatches)
    assert verdict.diagnosis is not None and verdict.diagnosis.category == "item-mapping"

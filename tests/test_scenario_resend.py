"""Catalogue scenarios that change their order after it landed and send it again (`resend`),
and scenarios that run with mapping options of their own (`mapping`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from harness.catalogue.orders import pushed_orders, scenario_orders
from harness.catalogue.spec import Catalogue, ScenarioSpec, load_catalogue
from harness.connector.reference import ReferenceConnector
from harness.landing.verdict import Verdict
from harness.mapping import Mapping, load_mapping
from harness.netsuite.calllog import CallLog
from harness.push import PushResult
from harness.recording.metadata import fingerprint
from harness.runner import land, run_scenario
from harness.runner.core import configured, scenario_mapping
from harness.targets.sim import SimTarget
from harness.woo.order import WooOrder
from harness.yamlfile import ConfigFileError

BASE: dict[str, Any] = {
    "name": "resend-check",
    "description": "A scenario to validate.",
    "customer": {"kind": "new"},
    "billing": {"country": "US", "state": "CA"},
    "lines": [{"sku": "MUG-WHT", "price": "12.00"}],
    "shipping": {"method_id": "flat_rate", "title": "Flat rate", "cost": "8.00"},
    "expect": "landed",
}
PICKUP = {"method_id": "local_pickup", "title": "Local pickup"}


def spec(**fields: Any) -> ScenarioSpec:
    return ScenarioSpec.model_validate({**BASE, **fields})


# --- the scenario fields, validated ---------------------------------------------------------


def test_a_resend_names_what_changed_or_says_unchanged() -> None:
    assert spec(resend=["unchanged"]).resend[0].unchanged
    changed = spec(resend=[{"shipping": PICKUP}]).resend[0]
    assert changed.changes() == {"shipping": changed.shipping}


@pytest.mark.parametrize(
    ("resend", "message"),
    [
        ([{}], "name what changed before the order was sent again"),
        (["again"], "expected 'unchanged' or a mapping of what changed"),
        ([{"unchanged": True, "shipping": PICKUP}], "either 'unchanged' or names what changed"),
        ([{"shipping": {"method_id": "", "title": "x"}}], "resend.0.shipping.method_id"),
        ([{"lines": []}], "resend.0.lines"),
        ([{"colour": "red"}], "resend.0.colour"),
        ([{"currency": "cad"}], "resend.0.currency"),
    ],
)
def test_a_bad_resend_is_refused_naming_the_field(resend: list[Any], message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        spec(resend=resend)
    assert message in str(refused.value)


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"send": {"async": "sometimes"}}, "mapping.send.async"),
        ({"customer": {"match": "phone"}}, "mapping.customer.match"),
        ({"sync": {"statuses": []}}, "mapping.sync"),
    ],
)
def test_bad_mapping_options_are_refused_naming_the_field(
    mapping: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        spec(mapping=mapping)
    assert message in str(refused.value)


def test_a_catalogue_file_with_a_bad_resend_names_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump({"scenarios": [{**BASE, "resend": [{"shiping": PICKUP}]}]}))
    with pytest.raises(ConfigFileError) as refused:
        load_catalogue(path)
    text = str(refused.value)
    assert str(path) in text and "resend.0.shiping" in text


def test_scenarios_without_the_new_fields_keep_their_fingerprints() -> None:
    """Cassettes recorded before `resend` and `mapping` existed stay fresh."""
    plain = spec()
    assert "resend" not in plain.model_dump() and "mapping" not in plain.model_dump()
    assert fingerprint(plain) != fingerprint(spec(resend=["unchanged"]))
    assert fingerprint(plain) != fingerprint(spec(mapping={"send": {"async": True}}))


# --- the orders a scenario pushes -----------------------------------------------------------


def test_a_resent_order_is_the_same_order_changed_and_modified_later() -> None:
    first, second = pushed_orders(spec(resend=[{"shipping": PICKUP}]), seed=3)
    same = ("id", "number", "customer_id", "order_key", "date_created_gmt")
    assert [getattr(second, f) for f in same] == [getattr(first, f) for f in same]
    assert second.billing == first.billing and second.line_items == first.line_items
    assert [line.method_id for line in first.shipping_lines] == ["flat_rate"]
    assert [line.method_id for line in second.shipping_lines] == ["local_pickup"]
    assert second.shipping_total == 0 and first.shipping_total == 8
    assert second.date_modified_gmt is not None and first.date_modified_gmt is not None
    assert second.date_modified_gmt > first.date_modified_gmt
    assert second.check_invariants() == []


def test_a_resent_line_carries_its_new_sku_and_price_and_the_totals_follow() -> None:
    tee = {"sku": "TEE-RED-S", "price": "19.50"}
    first, second = pushed_orders(spec(resend=[{"lines": [tee]}]), seed=3)
    assert [line.sku for line in second.line_items] == ["TEE-RED-S"]
    assert second.total - first.total == pytest.approx(7.5)
    assert second.check_invariants() == []


def test_an_unchanged_resend_is_the_very_same_delivery() -> None:
    first, second = pushed_orders(spec(resend=["unchanged"]), seed=3)
    assert second.to_wire() == first.to_wire()


def test_updates_come_first_and_a_resend_keeps_them() -> None:
    edited = spec(
        status="on-hold", updates=[{"status": "processing"}], resend=[{"shipping": PICKUP}]
    )
    versions = list(pushed_orders(edited, seed=3))
    assert [order.status for order in versions] == ["on-hold", "processing", "processing"]
    assert versions[-1].shipping_lines[0].method_id == "local_pickup"
    stamps = [order.date_modified_gmt for order in versions]
    assert stamps == sorted(stamps) and len(set(stamps)) == 3


def test_reports_show_the_order_as_last_sent() -> None:
    catalogue = Catalogue.model_validate({"scenarios": [BASE | {"resend": [{"shipping": PICKUP}]}]})
    order = scenario_orders(catalogue, ["resend-check"], seed=3)["resend-check"]
    assert order.shipping_lines[0].method_id == "local_pickup"


# --- the landing core ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "sales_order_puts"),
    [
        ("ship-method-changed-after-landing", 2),
        ("line-item-changed-after-landing", 2),
        ("resent-with-same-idempotency-key", 2),  # the second refused: a duplicate key
        ("customer-moved-to-another-subsidiary", 1),  # the customer is refused first
    ],
)
def test_the_catalogues_resend_scenarios_meet_their_expectation(
    name: str, sales_order_puts: int
) -> None:
    with SimTarget() as target:
        result = run_scenario(load_catalogue().get(name), 0, target, load_mapping())
    assert result.met, result.verdict
    order_path = "/services/rest/record/v1/salesOrder/eid:"
    puts = [c for c in result.calls if c["method"] == "PUT" and order_path in str(c["path"])]
    assert len(puts) == sales_order_puts


class FirstVersionOnly:
    """A connector that lands an order once and ignores every later delivery of it."""

    name = "first-only"

    def __init__(self, inner: ReferenceConnector) -> None:
        self.inner = inner
        self.first: PushResult | None = None

    def push(self, order: WooOrder) -> PushResult:
        if self.first is None:
            self.first = self.inner.push(order)
        return self.first


class NewOrderEveryTime(ReferenceConnector):
    """A connector without idempotency: every delivery creates another Sales Order."""

    def _send_order(self, external_id: str, body: dict[str, Any]) -> str | None:
        del external_id
        anonymous = {key: value for key, value in body.items() if key != "externalId"}
        return self.client.create("salesOrder", anonymous)


def _land(name: str, make: Any) -> Verdict:
    scenario = load_catalogue().get(name)
    mapping = load_mapping()
    with SimTarget() as target:
        calllog = CallLog()
        client = target.client(None, calllog)
        landing = land(scenario, make(client, mapping), client, calllog, mapping, scenario=name)
    return landing.verdict


def test_a_connector_that_ignores_the_resend_is_caught_by_the_updated_order() -> None:
    verdict = _land(
        "ship-method-changed-after-landing",
        lambda client, mapping: FirstVersionOnly(ReferenceConnector(client, mapping)),
    )
    assert verdict.outcome == "landed-wrong"
    assert "shipMethod" in {mismatch.field for mismatch in verdict.mismatches}


def test_a_connector_that_duplicates_on_resend_is_caught_by_the_order_count() -> None:
    verdict = _land("line-item-changed-after-landing", NewOrderEveryTime)
    assert verdict.outcome == "landed-wrong"
    counted = [m for m in verdict.mismatches if m.field == "orders.count"]
    assert counted and counted[0].actual == 2


# --- mapping options of a scenario ----------------------------------------------------------


def test_a_scenarios_mapping_options_apply_over_the_runs_mapping() -> None:
    mapping = load_mapping()
    assert scenario_mapping(mapping, spec()) is mapping
    changed = scenario_mapping(
        mapping, spec(mapping={"send": {"async": True}, "customer": {"match": "external-id"}})
    )
    assert changed.send.asynchronous and changed.customer.match == "external-id"
    # Everything else stays the run's own.
    assert changed.customer.on_multiple_matches == mapping.customer.on_multiple_matches
    assert changed.tax == mapping.tax


def test_the_reference_connector_takes_a_scenarios_mapping_other_connectors_keep_theirs() -> None:
    mapping = load_mapping()
    changed = Mapping.model_validate({**mapping.model_dump(by_alias=True), "send": {"async": True}})
    with SimTarget() as target:
        client = target.client(None, CallLog())
        reference = ReferenceConnector(client, mapping)
        taken = configured(reference, changed)
        assert isinstance(taken, ReferenceConnector) and taken.mapping is changed
        assert configured(reference, mapping) is reference
        other = FirstVersionOnly(reference)
        assert configured(other, changed) is other

"""A store's connector that broke meets no scenario's expectation, whatever its traceback
names: a crash is no answer about the order (harness.landing.findings.crash).

The connectors here are what a store developer's code looks like when it breaks: a function
with a typo, a script whose module is missing. Before, a `NameError` naming `item_id` met the
`unknown-sku` scenario's `item-mapping`, and a script that could not start met the pending
order's `sync-rule`: green rows for a connector that never ran."""

from __future__ import annotations

import shlex
import socket
import sys
from pathlib import Path

import pytest

from harness.catalogue.spec import Catalogue
from harness.connector.external import ObservedServer, connector_from_spec
from harness.mapping import Mapping
from harness.runner import run_scenario
from harness.targets.sim import SimTarget

TYPO = """
def push(order):
    for line in order["line_items"]:
        sku = line["sku"]
        print(item_id)  # meant sku
"""
# The store's sync, deployed without one of its dependencies.
MISSING_MODULE = "import woocommerce_netsuite_sync_lib\n"
# A store's code meeting a shipping method it has no map for: the KeyError is that cause.
UNMAPPED = """
SHIP_ITEMS = {"flat_rate": "UPS Ground"}

def push(order):
    for line in order["shipping_lines"]:
        SHIP_ITEMS[line["method_id"]]
"""


@pytest.mark.parametrize("scenario", ["unknown-sku", "new-customer", "pending-not-synced"])
def test_a_function_with_a_typo_meets_no_expectation(
    scenario: str, target: SimTarget, catalogue: Catalogue, mapping: Mapping, tmp_path: Path
) -> None:
    (tmp_path / "typo_sync.py").write_text(TYPO)
    factory = connector_from_spec(f"python:{tmp_path / 'typo_sync.py'}:push")
    result = run_scenario(catalogue.get(scenario), 0, target, mapping, factory)
    diagnosis = result.verdict.diagnosis
    assert not result.met and diagnosis is not None, result.verdict
    assert diagnosis.category == "connector-crash"
    assert "(NameError)" in diagnosis.summary and "item_id" in diagnosis.summary
    assert "Fix the connector" in diagnosis.hint


@pytest.mark.parametrize("scenario", ["pending-not-synced", "address-line-too-long"])
def test_a_script_that_cannot_start_meets_no_expectation(
    scenario: str, served: ObservedServer, target: SimTarget, catalogue: Catalogue,
    mapping: Mapping, tmp_path: Path,
) -> None:
    script = tmp_path / "sync.py"
    script.write_text(MISSING_MODULE)
    line = f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}"
    factory = connector_from_spec(f"command:{line}", observe=served, timeout=10)
    result = run_scenario(catalogue.get(scenario), 0, target, mapping, factory)
    diagnosis = result.verdict.diagnosis
    assert not result.met and diagnosis is not None, result.verdict
    assert diagnosis.category == "connector-crash"
    assert "(ModuleNotFoundError)" in diagnosis.summary


def test_a_key_error_on_a_value_the_store_cannot_map_is_that_cause(
    target: SimTarget, catalogue: Catalogue, mapping: Mapping, tmp_path: Path
) -> None:
    (tmp_path / "unmapped_sync.py").write_text(UNMAPPED)
    factory = connector_from_spec(f"python:{tmp_path / 'unmapped_sync.py'}:push")
    unmapped = run_scenario(
        catalogue.get("unmapped-shipping-method"), 0, target, mapping, factory
    )
    assert unmapped.met, unmapped.verdict  # `shipping`: the method has no ship item
    # The same KeyError where every value maps is the code's own: a crash.
    (tmp_path / "other_sync.py").write_text(UNMAPPED.replace('"flat_rate"', '"other"'))
    broken = connector_from_spec(f"python:{tmp_path / 'other_sync.py'}:push")
    crashed = run_scenario(catalogue.get("new-customer"), 0, target, mapping, broken)
    assert crashed.verdict.diagnosis is not None
    assert crashed.verdict.diagnosis.category == "connector-crash"


def test_a_webhook_nobody_answers_meets_no_expectation(
    served: ObservedServer, target: SimTarget, catalogue: Catalogue, mapping: Mapping
) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    factory = connector_from_spec(
        f"webhook:http://127.0.0.1:{port}/hook", secret="s3cr3t", observe=served, timeout=1
    )
    result = run_scenario(catalogue.get("unknown-sku"), 0, target, mapping, factory)
    diagnosis = result.verdict.diagnosis
    assert not result.met and diagnosis is not None, result.verdict
    assert diagnosis.category == "connector-crash"
    assert "could not be reached" in diagnosis.summary

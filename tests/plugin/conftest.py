"""Helpers for testing the pytest plugin with `pytester`: a tiny catalogue, inner test files,
and the embedded sandbox served over HTTP as a stand-in for a NetSuite account."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from harness.sandbox.serve import HttpServer, Sandbox

# Four scenarios in the demo account's terms: two that land, two that must not.
TINY_CATALOGUE = """\
scenarios:
  - name: mug-for-jane
    description: Jane Doe buys one mug in California.
    customer: {kind: existing, email: jane.doe@example.com, first_name: Jane, last_name: Doe,
               user_id: 12, address_1: 500 Market St, city: San Francisco, postcode: "94105"}
    billing: {country: US, state: CA}
    lines:
      - {sku: MUG-WHT, price: "12.00", name: White Mug, product_id: 104, quantity: 1}
    tax: {rates: [{id: 1, country: US, state: CA, name: State Tax, percent: "7.25",
                   shipping: false}]}
    shipping: {method_id: flat_rate, title: Flat rate, instance_id: "1", cost: "8.00"}
    expect: landed
  - name: mug-for-someone-new
    description: A first-time customer buys two mugs; the customer is created.
    customer: {kind: new}
    billing: {country: US, state: CA}
    lines:
      - {sku: MUG-WHT, price: "12.00", name: White Mug, product_id: 104, quantity: 2}
    shipping: {method_id: flat_rate, title: Flat rate, instance_id: "1", cost: "8.00"}
    expect: landed
  - name: sku-nobody-knows
    description: A product whose SKU is no NetSuite item.
    customer: {kind: new}
    billing: {country: US, state: CA}
    lines:
      - {sku: NO-SUCH-SKU, price: "5.00", name: Mystery, product_id: 999, quantity: 1}
    expect: item-mapping
  - name: pending-order
    description: An unpaid order; the mapping does not sync pending orders.
    customer: {kind: new}
    billing: {country: US, state: CA}
    status: pending
    lines:
      - {sku: MUG-WHT, price: "12.00", name: White Mug, product_id: 104, quantity: 1}
    expect: sync-rule
"""
TINY_NAMES = ["mug-for-jane", "mug-for-someone-new", "sku-nobody-knows", "pending-order"]

# Written as test_tiny_suite.py: a basename the outer run has not imported (pytest imports
# rootdir-less test modules by basename, and scenarios/test_catalogue.py is one).
CATALOGUE_TEST = """
def test_scenario(scenario, land):
    verdict = land(scenario)
    assert verdict.met(scenario.expect), verdict
"""


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Inner runs must not see a developer's NetSuite account or catalogue."""
    for name in list(os.environ):
        if name.startswith("NETSUITE_") or name == "HARNESS_CATALOGUE":
            monkeypatch.delenv(name)


@pytest.fixture
def tiny(pytester: pytest.Pytester) -> Path:
    """The tiny catalogue, written into the inner project."""
    path = pytester.path / "tiny.yaml"
    path.write_text(TINY_CATALOGUE, encoding="utf-8")
    return path


def outcomes(result: pytest.RunResult) -> dict[str, int]:
    """Counts of what ran (deselected tests did not)."""
    return {k: v for k, v in result.parseoutcomes().items() if v and k != "deselected"}


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@dataclass
class ServedAccount:
    """The demo account served over HTTP, with the environment a client of it needs."""

    sandbox: Sandbox
    server: HttpServer
    env: dict[str, str]

    def sales_orders(self) -> list[dict[str, str]]:
        from harness.netsuite.client import NetSuiteClient

        client = NetSuiteClient.from_env()
        return client.suiteql_all(
            "SELECT id, externalid FROM transaction WHERE type = 'SalesOrd' ORDER BY id"
        )

    def customers_named(self, email: str) -> list[dict[str, str]]:
        from harness.netsuite.client import NetSuiteClient

        client = NetSuiteClient.from_env()
        return client.suiteql_all(f"SELECT id FROM customer WHERE LOWER(email) = '{email}'")

    stopped: bool = False

    def stop(self) -> None:
        if not self.stopped:
            self.server.stop()
            self.stopped = True


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[ServedAccount]:
    """A NetSuite account for record/live runs: the embedded sandbox on a loopback port."""
    sandbox = Sandbox()
    server = sandbox.serve_http()
    env = sandbox.client_environment(server.url)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    account = ServedAccount(sandbox, server, env)
    yield account
    account.stop()
    sandbox.close()

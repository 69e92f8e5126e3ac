"""The scenario catalogue: which orders to make and what NetSuite should do with each.

A scenario is an order spec (`harness.woo.orderspec`) plus its expectation (`landed`, or the
diagnosis category it must end in) and the NetSuite-side settings it needs (role, credential).
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from harness.data import data_file
from harness.landing.verdict import CATEGORIES, Category
from harness.woo.orderspec import (
    DEFAULT_STORE_URL,
    CustomerSpec,
    LineSpec,
    OrderSpec,
    ShippingSpec,
    TaxRateSpec,
    _Spec,
)
from harness.yamlfile import load_model

DEFAULT_CATALOGUE = data_file("catalogue.yaml")
CATALOGUE_ENV = "HARNESS_CATALOGUE"

Expectation = Literal["landed"] | Category
EXPECTATIONS: tuple[str, ...] = ("landed", *CATEGORIES)
"""`landed`, or the diagnosis category (DESIGN section 3) the scenario must end in."""


class TargetSpec(_Spec):
    """Knobs of the NetSuite side a scenario needs, named as in the account profile."""

    role: str | None = None  # the NetSuite role the connector must act as
    credential: str | None = None  # the TBA credential (of that role) to sign with


class ScenarioSpec(OrderSpec):
    """One catalogue scenario: the order to make and what NetSuite should do with it."""

    expect: Expectation
    target: TargetSpec = Field(default_factory=TargetSpec)


class StoreSpec(_Spec):
    """The demo store's catalogue data; scenarios reuse it through YAML anchors."""

    name: str
    url: str = DEFAULT_STORE_URL
    products: list[LineSpec] = Field(default_factory=list)
    tax_rates: list[TaxRateSpec] = Field(default_factory=list)
    shipping_methods: list[ShippingSpec] = Field(default_factory=list)
    customers: list[CustomerSpec] = Field(default_factory=list)


class Catalogue(_Spec):
    """The scenario catalogue (the demo store's: `harness/data/catalogue.yaml`)."""

    store: StoreSpec | None = None
    scenarios: list[ScenarioSpec] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _store_url_for_every_scenario(cls, data: Any) -> Any:
        """Scenarios that name no store URL are orders of the catalogue's store."""
        if not isinstance(data, dict):
            return data
        store, scenarios = data.get("store"), data.get("scenarios")
        url = store.get("url") if isinstance(store, dict) else None
        if not isinstance(url, str) or not isinstance(scenarios, list):
            return data
        filled = [
            {"store_url": url, **entry} if isinstance(entry, dict) else entry for entry in scenarios
        ]
        return {**data, "scenarios": filled}

    @field_validator("scenarios")
    @classmethod
    def _unique_names(cls, scenarios: list[ScenarioSpec]) -> list[ScenarioSpec]:
        seen: dict[str, int] = {}
        for index, scenario in enumerate(scenarios):
            if scenario.name in seen:
                raise ValueError(
                    f"scenario names must be unique: {scenario.name!r} is both "
                    f"scenarios.{seen[scenario.name]} and scenarios.{index}"
                )
            seen[scenario.name] = index
        return scenarios

    @property
    def names(self) -> list[str]:
        return [scenario.name for scenario in self.scenarios]

    def get(self, name: str) -> ScenarioSpec:
        """The scenario called `name`; a `KeyError` suggests the closest names."""
        for scenario in self.scenarios:
            if scenario.name == name:
                return scenario
        close = difflib.get_close_matches(name, self.names, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise KeyError(f"no scenario named {name!r} in the catalogue{hint}")

    def __len__(self) -> int:
        return len(self.scenarios)


def catalogue_path(path: str | Path | None = None) -> Path:
    """Precedence: the argument, then `$HARNESS_CATALOGUE`, then the repo's catalogue."""
    if path is not None:
        return Path(path)
    from_env = os.environ.get(CATALOGUE_ENV, "").strip()
    return Path(from_env) if from_env else DEFAULT_CATALOGUE


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Load and validate the catalogue; a bad entry raises `ConfigFileError` (`file:line: ...`)."""
    return load_model(catalogue_path(path), Catalogue)

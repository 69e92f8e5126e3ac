"""The scenario catalogue: which orders to make and what NetSuite should do with each.

A scenario is an order spec (`harness.woo.orderspec`) plus its expectation (`landed`, or the
diagnosis category it must end in), the NetSuite-side settings it needs (role, credential),
the mapping options it runs with, and the changes after which the order is sent again.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
    model_validator,
)

from harness.data import data_file
from harness.landing.verdict import CATEGORIES, Category
from harness.woo.orderspec import (
    DEFAULT_STORE_URL,
    AddressSpec,
    CurrencyCode,
    CustomerSpec,
    LineSpec,
    OrderSpec,
    ShippingSpec,
    TaxRateSpec,
    TaxSpec,
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


RESEND_CHANGES = ("shipping", "lines", "billing", "currency", "tax")


class Resend(_Spec):
    """The order changed in WooCommerce after it landed, and was sent again.

    Each field given replaces the order's own (`shipping`: another shipping method, `lines`:
    the order's lines as they now are, `billing`: a new billing address, `currency`, `tax`:
    the tax rates WooCommerce now applies); the order keeps its id, number and customer.
    `unchanged` (written as the plain word) is the same delivery again, as a retried webhook
    sends it.
    """

    unchanged: bool = False
    shipping: ShippingSpec | None = None
    lines: list[LineSpec] | None = Field(default=None, min_length=1)
    billing: AddressSpec | None = None
    currency: CurrencyCode | None = None
    tax: TaxSpec | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if data == "unchanged":
            return {"unchanged": True}
        if isinstance(data, str):
            raise ValueError(
                f"expected 'unchanged' or a mapping of what changed ({', '.join(RESEND_CHANGES)}),"
                f" got {data!r}"
            )
        return data

    @model_validator(mode="after")
    def _says_what_changed(self) -> Resend:
        changed = self.changes()
        if self.unchanged and changed:
            raise ValueError(
                f"a re-send is either 'unchanged' or names what changed, not both "
                f"(it names {', '.join(changed)})"
            )
        if not self.unchanged and not changed:
            raise ValueError(
                f"name what changed before the order was sent again ({', '.join(RESEND_CHANGES)}),"
                " or write 'unchanged' for the same delivery again"
            )
        return self

    def changes(self) -> dict[str, Any]:
        """The order spec's fields this re-send replaces."""
        return {
            name: getattr(self, name)
            for name in RESEND_CHANGES
            if getattr(self, name) is not None
        }


class SendChange(_Spec):
    """The mapping's `send` section, as a scenario sets it."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    asynchronous: bool = Field(alias="async")


class CustomerChange(_Spec):
    """The mapping's `customer.match`, as a scenario sets it."""

    match: Literal["email", "external-id"]


class SyncChange(_Spec):
    """The mapping's `sync.cancelled`, as a scenario sets it."""

    cancelled: Literal["keep", "close"]


class MappingChanges(_Spec):
    """Mapping options a scenario runs with, over the run's mapping (the connector it
    configures and the expectation both read them)."""

    send: SendChange | None = None
    customer: CustomerChange | None = None
    sync: SyncChange | None = None

    @model_serializer(mode="wrap")
    def _sync_unwritten(self, handler: SerializerFunctionWrapHandler) -> Any:
        """No `sync` change is left out of a dump, so a scenario written before the option
        existed keeps its fingerprint."""
        data = handler(self)
        if self.sync is None and isinstance(data, dict):
            data.pop("sync", None)
        return data

    def overrides(self) -> dict[str, dict[str, Any]]:
        """The options set, as the mapping file spells them (`{"send": {"async": true}}`)."""
        return self.model_dump(mode="python", by_alias=True, exclude_none=True)


Driver = Literal["pull"]
"""`pull`: the scenario's order goes through the embedded store, where a pull-style connector
polls it and writes back (a connector driven any other way cannot run the scenario)."""


class ScenarioSpec(OrderSpec):
    """One catalogue scenario: the order to make and what NetSuite should do with it."""

    expect: Expectation
    target: TargetSpec = Field(default_factory=TargetSpec)
    mapping: MappingChanges = Field(default_factory=MappingChanges)
    resend: list[Resend] = Field(default_factory=list)
    driver: Driver | None = None

    @model_serializer(mode="wrap")
    def _defaults_unwritten(self, handler: SerializerFunctionWrapHandler) -> Any:
        """Fields left at their default are left out of a dump, so a scenario written before
        they existed keeps its fingerprint (and the cassettes recorded for it stay fresh)."""
        data = handler(self)
        if isinstance(data, dict):
            if not self.resend:
                data.pop("resend", None)
            if not self.mapping.overrides():
                data.pop("mapping", None)
            if self.driver is None:
                data.pop("driver", None)
        return data

    @property
    def needs_store(self) -> bool:
        """Whether the order must go through the embedded store (`driver: pull`)."""
        return self.driver == "pull"

    def resent(self, resend: Resend) -> ScenarioSpec:
        """This scenario's order spec as the re-send finds the order (the rest unchanged)."""
        return self.model_copy(update=resend.changes())


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

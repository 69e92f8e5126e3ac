"""Which connector can run which scenario: a `driver: pull` scenario's order goes through the
embedded store, so it needs a connector that polls the store (a `pull:` spec, or the
reference connector, which then runs as a poller); any other connector skips it, saying why.
"""

from __future__ import annotations

import unittest

from harness.catalogue.spec import ScenarioSpec
from harness.connector.drivers.pull import ReferencePullConnector
from harness.connector.reference import ReferenceConnector
from harness.push import Connector
from harness.woo.order import WooOrder
from harness.woo.orderspec import OrderSpec


class ScenarioSkipped(unittest.SkipTest):
    """A scenario the connector under test cannot run (pytest reports it as skipped)."""


def _polls_the_store(spec: str) -> bool:
    return spec.strip().lower() in ("reference", "") or spec.strip().lower().startswith("pull:")


def _poller_of_the_user(spec: str) -> bool:
    """`pull:` or `pull:URL`: a poller the user started (not one the harness runs)."""
    kind, _, rest = spec.strip().partition(":")
    return kind.lower() == "pull" and not rest.strip().lower().startswith("command:")


def cannot_run(connector_spec: str | None, scenario: ScenarioSpec) -> str | None:
    """Why the connector `connector_spec` names cannot run `scenario` (None: it can)."""
    spec = connector_spec or ""
    if scenario.needs_store and not _polls_the_store(spec):
        return (
            f"goes through the store (driver: pull) and {spec} is not a pull-style "
            "connector; run it with the reference connector or pull:command:..., pull:"
        )
    credential = scenario.target.credential
    if credential is not None and _poller_of_the_user(spec):
        return (
            f"acts as credential {credential!r}, and a poller you started keeps the token it "
            "was started with; run it with pull:command:... (given each scenario's token)"
        )
    return None


def driven(connector: Connector, what: WooOrder | OrderSpec) -> Connector:
    """`connector` as the scenario needs it driven: through the embedded store for a
    `driver: pull` scenario (the reference connector as a poller); raises `ScenarioSkipped`
    for a connector that cannot poll the store."""
    if not isinstance(what, ScenarioSpec) or not what.needs_store:
        return connector
    if getattr(connector, "kind", None) == "pull" or isinstance(connector, ReferencePullConnector):
        return connector
    if isinstance(connector, ReferenceConnector):
        return ReferencePullConnector(connector)
    name = getattr(connector, "name", type(connector).__name__)
    raise ScenarioSkipped(
        f"scenario {what.name} goes through the store (driver: pull) and the connector "
        f"{name!r} does not poll it; run it with the reference connector or a pull: connector"
    )

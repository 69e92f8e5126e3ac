"""Run catalogue scenarios through a connector we don't own, against the embedded sandbox.

The sandbox answers in-process for the harness and a Python-function connector, and over
HTTP on a loopback port for connectors in other processes (webhook receivers, commands);
their NetSuite exchanges are copied into each scenario's call log. One driver factory serves
the whole run, as one store webhook serves a whole store, and is closed at the end.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from harness.catalogue.spec import load_catalogue
from harness.connector.drivers.watch import DEFAULT_TIMEOUT
from harness.connector.external import (
    DriverFactory,
    ExternalConnectorError,
    ObservedServer,
    connector_from_spec,
    serve_for_connectors,
    split_spec,
)
from harness.mapping import load_mapping
from harness.runner import RunConfig, ScenarioResult, SimTarget, run_scenario

REFERENCE = "reference"


def check_spec(spec: str, options: Mapping[str, Any]) -> None:
    """Refuse at once what `harness run` cannot drive (before any scenario runs)."""
    if spec == REFERENCE:
        return
    kind, _ = split_spec(spec)
    if kind == "store":
        # The store numbers the orders it creates, and a run verifies the scenario's own
        # order; store connectors are driven through the library (StoreConnector).
        raise ExternalConnectorError(
            "harness run cannot drive a store: connector yet (the store renumbers each order); "
            "use webhook:, command: or python:, or StoreConnector from the library"
        )
    connector_from_spec(spec, **options).close()  # checks the spec and every option


def run_external(
    config: RunConfig,
    names: Sequence[str],
    spec: str,
    options: Mapping[str, Any],
    *,
    port: int = 0,
    on_result: Callable[[ScenarioResult], None] | None = None,
) -> list[ScenarioResult]:
    """The named scenarios, one after the other, through the connector `spec` names.

    The sandbox is served on 127.0.0.1:`port` (0: any free port); a connector that runs on
    its own (a webhook receiver) is started with NETSUITE_BASE_URL pointing there."""
    check_spec(spec, options)
    catalogue = load_catalogue(config.catalogue)
    mapping = load_mapping(config.mapping)
    results: list[ScenarioResult] = []
    with SimTarget(config.account) as target, serve_for_connectors(
        target, port=port
    ) as server:
        factory = connector_from_spec(spec, observe=server, **options)
        try:
            for name in names:
                result = run_scenario(catalogue.get(name), config.seed, target, mapping, factory)
                results.append(result)
                if on_result is not None:
                    on_result(result)
        finally:
            server.observe(None)
            factory.close()
    return results


@contextmanager
def connector_session(
    spec: str | None,
    *,
    secret: str | None = None,
    observe: ObservedServer | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Iterator[DriverFactory | None]:
    """One driver factory for a whole test session (None for the reference connector).

    With `observe` (sim: the sandbox served over HTTP), connectors in other processes reach
    the sandbox there and their exchanges land in each test's call log; without it (live,
    record) connectors reach the account the NETSUITE_* environment names."""
    if spec is None or spec == REFERENCE:
        yield None
        return
    kind, _ = split_spec(spec)
    options: dict[str, Any] = {"timeout": timeout, "observe": observe}
    if kind == "webhook":
        options["secret"] = secret or os.environ.get("WOO_WEBHOOK_SECRET")
    factory = connector_from_spec(spec, **options)
    try:
        yield factory
    finally:
        factory.close()

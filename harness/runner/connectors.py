"""The catalogue through a connector we don't own, in every target, and where a connector
in another process reaches NetSuite (the served sandbox, or the recording proxy)."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterator, Sequence
from collections.abc import Mapping as Settings
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from harness.catalogue.spec import load_catalogue
from harness.connector.drivers.pyfunc import importable_from
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
from harness.runner.accounts import run_on_account
from harness.runner.core import ScenarioResult, run_scenario
from harness.runner.pool import RunConfig, run_catalogue
from harness.targets.account import AccountTarget
from harness.targets.proxy import ForwardingApp
from harness.targets.sim import SimTarget

REFERENCE = "reference"

# The connectors each worker process can drive against a sandbox of its own: ours, a Python
# function (called in the worker), a command (started by it, pointed at its sandbox), and a
# pull command (`pull:command:`, started per change against the worker's own store).
_SHARED_BY_WORKERS = {"python", "command"}


def catalogue_folder(catalogue: str | Path | None) -> Path | None:
    """The directory of a run's own catalogue, where its project's connector may live (None:
    the demo catalogue, which ships with the package)."""
    return Path(catalogue).resolve().parent if catalogue else None


def check_spec(spec: str, options: Settings[str, Any]) -> None:
    """Refuse at once a connector `harness run` cannot drive (before any scenario runs)."""
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


def one_at_a_time(
    spec: str, *, on_account: bool = False, port: int = 0, store_port: int | None = None
) -> str | None:
    """Why landings through `spec` cannot be spread over worker processes (None: they can).
    Each worker lands in a sandbox of its own (and a pull command's store of its own), so
    the connector must be one the worker starts and points there itself."""
    if on_account:
        return "live, record and replay land one scenario at a time, on the one account"
    kind, rest = (REFERENCE, "") if spec == REFERENCE else split_spec(spec)
    if kind == "webhook":
        return "a webhook: connector is one receiver, sending to one sandbox"
    pull_command = kind == "pull" and rest.lower().startswith("command:")
    if kind == "pull" and not pull_command:
        return "a pull: poller you started polls one store"
    if pull_command and store_port:
        return f"--store-port {store_port} is one port, and each worker serves its own store"
    if (kind == "command" or pull_command) and port:
        return f"--sandbox-port {port} is one port, and each worker serves its own sandbox"
    shared = kind in _SHARED_BY_WORKERS | {REFERENCE} or pull_command
    return None if shared else f"a {kind}: connector is one"


@contextmanager
def external_factory(
    config: RunConfig, target: SimTarget, *, port: int = 0
) -> Iterator[DriverFactory]:
    """`config.connector` (one we don't own) for landings in `target`: a connector in another
    process reaches the sandbox served on 127.0.0.1:`port`, a Python function has its
    requests answered in-process; either way each landing's exchanges reach its call log."""
    with connector_endpoint(target, port=port) as server:
        assert server is not None
        with importable_from(catalogue_folder(config.catalogue)):
            factory = connector_from_spec(
                config.connector, observe=server, **config.connector_options
            )
        try:
            yield factory
        finally:
            server.observe(None)
            factory.close()


def run_external(
    config: RunConfig,
    names: Sequence[str],
    spec: str,
    options: Settings[str, Any],
    *,
    account: AccountTarget | None = None,
    port: int = 0,
    on_result: Callable[[ScenarioResult], None] | None = None,
    on_leftover: Callable[[str], None] | None = None,
    seeds: Sequence[int] | None = None,
    workers: int = 1,
) -> list[ScenarioResult]:
    """The named scenarios through the connector `spec` names, in the embedded sandbox (no
    `account`) or on `account` (live, record, replay).

    With `seeds` (embedded sandbox only), every scenario runs at every seed, each result
    carrying its seed; results come back by scenario, then seed. With `workers` > 1, the
    landings are spread over that many processes, each with its own sandbox and connector,
    where the connector allows it (`one_at_a_time`); otherwise they run one after the other.

    A connector in another process reaches NetSuite on 127.0.0.1:`port` (0: any free port;
    see `connector_endpoint`); one that runs on its own (a webhook receiver) is started with
    NETSUITE_BASE_URL pointing there. A `python:module:function` is also looked up in the
    catalogue's directory (after the current directory, before `sys.path`)."""
    with importable_from(catalogue_folder(config.catalogue)):
        check_spec(spec, options)
    if account is not None and seeds is not None:
        raise ValueError("seeds: a seed sweep runs in the embedded sandbox (no account)")
    if split_spec(spec)[0] == "pull":
        options = {"store_catalogue": config.catalogue, **options}
    if account is not None:
        with connector_endpoint(account, port=port) as endpoint:
            factory = connector_from_spec(spec, observe=endpoint, **options)
            try:
                return run_on_account(
                    account,
                    config,
                    names,
                    connector_factory=factory,
                    on_result=on_result,
                    on_leftover=on_leftover,
                )
            finally:
                if endpoint is not None:
                    endpoint.observe(None)
                factory.close()
    config = dataclasses.replace(config, connector=spec, connector_options=dict(options))
    if workers > 1 and one_at_a_time(spec, port=port, store_port=options.get("store_port")) is None:
        return run_catalogue(config, names, workers=workers, seeds=seeds, on_result=on_result)
    catalogue = load_catalogue(config.catalogue)
    mapping = load_mapping(config.mapping)
    results: list[ScenarioResult] = []
    with SimTarget(config.account) as target, external_factory(config, target, port=port) as f:
        for seed in [None] if seeds is None else seeds:
            for name in names:
                scenario = catalogue.get(name)
                run_seed = config.seed if seed is None else seed
                result = run_scenario(scenario, run_seed, target, mapping, f)
                if seed is not None:
                    result = result.in_sweep(seed, every_call=config.every_call)
                results.append(result)
                if on_result is not None:
                    on_result(result)
    position = {name: index for index, name in enumerate(names)}
    return sorted(results, key=lambda result: position[result.scenario])  # stable: by seed


@contextmanager
def connector_endpoint(
    target: SimTarget | AccountTarget, *, port: int = 0
) -> Iterator[ObservedServer | None]:
    """Where a connector in another process reaches NetSuite, its exchanges copied into each
    scenario's call log: the embedded sandbox served over HTTP (sim), or the recording proxy
    that sends its requests on through the cassette recorder (record, replay). None for live:
    the connector reaches the account itself, with its own configuration."""
    if isinstance(target, SimTarget):
        with serve_for_connectors(target, port=port) as served:
            yield served
        return
    if not target.settings.uses_cassettes:
        yield None
        return
    app = ForwardingApp(target)
    with ObservedServer(app, port=port) as proxy:
        app.public_url = proxy.url
        yield proxy


@contextmanager
def connector_session(
    spec: str | None,
    *,
    secret: str | None = None,
    observe: ObservedServer | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Iterator[DriverFactory | None]:
    """One driver factory for a whole session of landings (None: the reference connector).

    With `observe` (sim: the sandbox served over HTTP), connectors in other processes reach
    the sandbox there and their exchanges land in each scenario's call log; without it (live,
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

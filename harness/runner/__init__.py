"""Scenarios end to end: `land` is the one landing core (order -> connector -> target ->
verify -> Verdict) that `harness run`, `harness land`, the pytest plugin and the benchmarks
call; around it, the catalogue in worker processes, on an account, or through a connector we
don't own. May import every library layer below it (see the README), never `cli`,
`commands` or `pytest_support`.

Names load on first use: a caller that needs only the seed and selector parsing (the CLI
building its options, `harness --help`) does not pay for the sandbox, SuiteQL and the
connectors behind the landing core."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "clean_up": "harness.runner.accounts",
    "record_command": "harness.runner.accounts",
    "run_on_account": "harness.runner.accounts",
    "REFERENCE": "harness.runner.connectors",
    "catalogue_folder": "harness.runner.connectors",
    "check_spec": "harness.runner.connectors",
    "connector_endpoint": "harness.runner.connectors",
    "connector_session": "harness.runner.connectors",
    "one_at_a_time": "harness.runner.connectors",
    "run_external": "harness.runner.connectors",
    "ConnectorFactory": "harness.runner.core",
    "Landing": "harness.runner.core",
    "RunCaches": "harness.runner.core",
    "ScenarioResult": "harness.runner.core",
    "land": "harness.runner.core",
    "run_scenario": "harness.runner.core",
    "RunConfig": "harness.runner.pool",
    "WorkerDiedError": "harness.runner.pool",
    "run_catalogue": "harness.runner.pool",
    "SeedsError": "harness.runner.selection",
    "SelectorError": "harness.runner.selection",
    "exact_selector": "harness.runner.selection",
    "format_seeds": "harness.runner.selection",
    "parse_seeds": "harness.runner.selection",
    "repeated_seeds": "harness.runner.selection",
    "select": "harness.runner.selection",
}

__all__ = [
    "REFERENCE",
    "ConnectorFactory",
    "Landing",
    "RunCaches",
    "RunConfig",
    "ScenarioResult",
    "SeedsError",
    "SelectorError",
    "WorkerDiedError",
    "catalogue_folder",
    "check_spec",
    "clean_up",
    "connector_endpoint",
    "connector_session",
    "exact_selector",
    "format_seeds",
    "land",
    "one_at_a_time",
    "parse_seeds",
    "record_command",
    "repeated_seeds",
    "run_catalogue",
    "run_external",
    "run_on_account",
    "run_scenario",
    "select",
]

if TYPE_CHECKING:
    from harness.runner.accounts import clean_up, record_command, run_on_account
    from harness.runner.connectors import (
        REFERENCE,
        catalogue_folder,
        check_spec,
        connector_endpoint,
        connector_session,
        one_at_a_time,
        run_external,
    )
    from harness.runner.core import (
        ConnectorFactory,
        Landing,
        RunCaches,
        ScenarioResult,
        land,
        run_scenario,
    )
    from harness.runner.pool import RunConfig, WorkerDiedError, run_catalogue
    from harness.runner.selection import (
        SeedsError,
        SelectorError,
        exact_selector,
        format_seeds,
        parse_seeds,
        repeated_seeds,
        select,
    )


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'harness.runner' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value

"""Scenarios end to end: `land` is the one landing core (order -> connector -> target ->
verify -> Verdict) that `harness run`, `harness land`, the pytest plugin and the benchmarks
call; around it, the catalogue in worker processes, on an account, or through a connector we
don't own. May import every library layer below it (see the README), never `cli`,
`commands` or `pytest_support`."""

from __future__ import annotations

from harness.runner.accounts import clean_up, record_command, run_on_account
from harness.runner.connectors import (
    REFERENCE,
    catalogue_folder,
    check_spec,
    connector_endpoint,
    connector_session,
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
from harness.runner.pool import RunConfig, run_catalogue
from harness.runner.selection import (
    SeedsError,
    SelectorError,
    exact_selector,
    format_seeds,
    parse_seeds,
    repeated_seeds,
    select,
)

__all__ = [
    "REFERENCE",
    "ConnectorFactory",
    "Landing",
    "RunCaches",
    "RunConfig",
    "ScenarioResult",
    "SeedsError",
    "SelectorError",
    "catalogue_folder",
    "check_spec",
    "clean_up",
    "connector_endpoint",
    "connector_session",
    "exact_selector",
    "format_seeds",
    "land",
    "parse_seeds",
    "record_command",
    "repeated_seeds",
    "run_catalogue",
    "run_external",
    "run_on_account",
    "run_scenario",
    "select",
]

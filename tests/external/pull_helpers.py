"""Helpers for the pull-style tests: the example pull connector as a command or as a poller."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from external_helpers import REPO

from harness.catalogue.spec import Catalogue
from harness.connector.external import DriverFactory, ObservedServer, connector_from_spec
from harness.mapping import Mapping as OrderMapping
from harness.runner import ScenarioResult, run_scenario
from harness.targets.sim import SimTarget

SYNC = REPO / "examples" / "pull_connector" / "sync.py"
COMMAND = (
    f"pull:command:{shlex.quote(sys.executable)} {shlex.quote(str(SYNC))} "
    "--state {state_dir}/cursor.json"
)
LANDING_TIMEOUT = 5.0


def pull_command(
    served: ObservedServer, bugs: Sequence[str] = (), timeout: float = LANDING_TIMEOUT,
    **options: Any,
) -> DriverFactory:
    """The example as `pull:command:`, run once per change, with `bugs` switched on."""
    env = {"CONNECTOR_BUGS": ",".join(bugs), **options.pop("env", {})}
    return connector_from_spec(COMMAND, observe=served, timeout=timeout, poll_interval=0.02,
                               env=env, **options)


def run(name: str, factory: DriverFactory, target: SimTarget, catalogue: Catalogue,
        mapping: OrderMapping) -> ScenarioResult:
    try:
        return run_scenario(catalogue.get(name), 0, target, mapping, factory)
    finally:
        factory.close()


@contextmanager
def poller(store_url: str, netsuite_env: Mapping[str, str], state: str,
           bugs: Sequence[str] = (), every: float = 0.05) -> Iterator[subprocess.Popen[str]]:
    """The example polling `store_url` on its own schedule, as a user starts it."""
    from harness.woostore import DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET

    env = {**os.environ, **netsuite_env, "WOO_URL": store_url,
           "WOO_CONSUMER_KEY": DEMO_CONSUMER_KEY, "WOO_CONSUMER_SECRET": DEMO_CONSUMER_SECRET,
           "CONNECTOR_BUGS": ",".join(bugs)}
    process = subprocess.Popen(
        [sys.executable, str(SYNC), "--every", str(every), "--state", state],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("polling "):
            raise RuntimeError(f"the example poller did not start (said {line!r})")
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()

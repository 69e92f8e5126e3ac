"""A connector run as a command per order: stdin or {order_file}, NETSUITE_* env, exit codes,
output caps and timeouts that kill the whole process group."""

from __future__ import annotations

import os
import shlex
import sys
import time
from pathlib import Path

import pytest
from external_helpers import EXAMPLE

from harness.catalogue.spec import Catalogue
from harness.connector.drivers.command import CommandConnector, run_command
from harness.connector.external import (
    DriverFactory,
    ExternalConnectorError,
    ObservedServer,
    connector_from_spec,
)
from harness.mapping import Mapping
from harness.runner import run_scenario
from harness.targets.sim import SimTarget
from harness.woo.generate import generate

PUSH_ONCE = f"{shlex.quote(sys.executable)} {shlex.quote(str(EXAMPLE / 'push_once.py'))}"


def command(line: str, served: ObservedServer, **options: object) -> DriverFactory:
    options = {"observe": served, "timeout": 0.5, "poll_interval": 0.02, **options}
    return connector_from_spec(f"command:{line}", **options)


def python_code(code: str) -> str:
    return f"{shlex.quote(sys.executable)} -c {shlex.quote(code)}"


def test_the_order_on_stdin_lands(
    served: ObservedServer, target: SimTarget, catalogue: Catalogue, mapping: Mapping
) -> None:
    factory = command(PUSH_ONCE, served)
    result = run_scenario(catalogue.get("coupon-percent"), 0, target, mapping, factory)
    assert result.verdict.outcome == "landed", result.verdict
    run = factory.connectors[0].runs[0]  # type: ignore[attr-defined]
    assert run.exit_code == 0 and '"salesOrder"' in run.stdout
    assert any(c["method"] == "PUT" and "salesOrder/eid:" in c["path"] for c in result.calls)


def test_the_order_file_placeholder_passes_a_path_and_removes_the_file(
    served: ObservedServer, target: SimTarget, catalogue: Catalogue, mapping: Mapping
) -> None:
    factory = command(f"{PUSH_ONCE} {{order_file}}", served)
    result = run_scenario(catalogue.get("new-customer"), 0, target, mapping, factory)
    assert result.verdict.outcome == "landed", result.verdict
    connector = factory.connectors[0]
    assert isinstance(connector, CommandConnector)
    path = Path(connector.runs[0].argv[-1])
    assert path.name.startswith("order-") and path.suffix == ".json"
    assert not path.exists()
    factory.close()


def test_each_scenario_runs_with_its_own_credential(
    served: ObservedServer, target: SimTarget, catalogue: Catalogue, mapping: Mapping
) -> None:
    # The scenario's token has a role without Sales Order create: NetSuite must refuse it.
    factory = command(PUSH_ONCE, served)
    result = run_scenario(catalogue.get("role-without-salesorder-create"), 0, target, mapping,
                          factory)
    assert result.met and result.verdict.outcome == "rejected", result.verdict
    run = factory.connectors[0].runs[0]  # type: ignore[attr-defined]
    assert run.exit_code == 3 and "NetSuite refused" in run.stderr


def test_a_failing_command_is_diagnosed_from_its_stderr(
    served: ObservedServer, target: SimTarget, catalogue: Catalogue, mapping: Mapping
) -> None:
    factory = command(PUSH_ONCE, served)
    result = run_scenario(catalogue.get("unknown-sku"), 0, target, mapping, factory)
    assert result.met and result.verdict.outcome == "rejected"
    answer = factory.answers[0]
    assert answer.status == 2 and not answer.ok
    assert answer.text.startswith("exited 2; stderr: cannot map the order: SKU HOODIE-PNK-XL")


def test_the_command_sees_the_target_in_its_environment(
    served: ObservedServer, target: SimTarget, catalogue: Catalogue, mapping: Mapping
) -> None:
    code = "import os; print(os.environ['NETSUITE_BASE_URL'], os.environ['NETSUITE_ACCOUNT'],"
    code += " os.environ['WOO_WEBHOOK_TOPIC'], os.environ['NETSUITE_TOKEN_SECRET'])"
    factory = command(python_code(code), served)
    connector = factory(target.client(), mapping)
    push = connector.push(generate(catalogue.get("new-customer"), 0))
    run = factory.connectors[0].runs[0]  # type: ignore[attr-defined]
    url, account, topic, secret = run.stdout.split()
    assert (url, account, topic) == (served.url, target.sandbox.account_id, "order.created")
    assert secret == "***"  # the token secret reached the program, never the log
    assert push.status == "not-landed" and "exited 0" in (push.said or "")


def test_a_command_past_its_timeout_is_killed_with_its_children(
    served: ObservedServer, target: SimTarget, catalogue: Catalogue, mapping: Mapping
) -> None:
    code = (
        "import subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        "print(child.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    factory = command(python_code(code), served, command_timeout=1.0)
    connector = factory(target.client(), mapping)
    started = time.perf_counter()
    push = connector.push(generate(catalogue.get("new-customer"), 0))
    assert time.perf_counter() - started < 10
    run = factory.connectors[0].runs[0]  # type: ignore[attr-defined]
    assert run.timed_out and run.exit_code is None
    assert push.status == "failed" and "was killed after 1 s" in (push.said or "")
    grandchild = int(run.stdout.split()[0])
    deadline = time.monotonic() + 5
    while _alive(grandchild) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(grandchild)


def _alive(pid: int) -> bool:
    """Running, as opposed to gone or a zombie waiting for a reaper."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def test_output_is_kept_up_to_the_cap() -> None:
    code = "import sys; sys.stdout.write('x' * 100000); sys.stderr.write('e' * 10)"
    run = run_command(shlex.split(python_code(code)), stdin=b"", env=dict(os.environ),
                      timeout=10, output_cap=1000)
    assert run.exit_code == 0
    assert len(run.stdout) == 1000 and run.stdout_cut == 99000
    assert run.stderr == "e" * 10 and run.stderr_cut == 0


def test_a_program_that_ignores_its_input_still_reports_its_exit_code() -> None:
    code = "import sys; sys.exit(4)"
    run = run_command(shlex.split(python_code(code)), stdin=b"x" * 1_000_000,
                      env=dict(os.environ), timeout=10)
    assert run.exit_code == 4


def test_a_program_that_does_not_exist_did_not_run(
    served: ObservedServer, target: SimTarget, catalogue: Catalogue, mapping: Mapping,
    tmp_path: Path,
) -> None:
    factory = command(str(tmp_path / "no-such-connector"), served)
    push = factory(target.client(), mapping).push(generate(catalogue.get("new-customer"), 0))
    assert push.status == "failed"
    assert "did not run: could not start" in (push.said or "")


@pytest.mark.parametrize("line", ["", "'unbalanced"])
def test_a_command_that_cannot_be_split_is_refused_at_once(
    line: str, served: ObservedServer
) -> None:
    with pytest.raises(ExternalConnectorError, match="command"):
        command(line, served)


def test_a_program_that_never_reads_its_input_is_judged_by_its_exit() -> None:
    """Writing the order (and flushing the pipe on close) to a program that has already
    exited fails with EPIPE; that is the program's business, not a crash of the harness."""
    for _ in range(5):
        run = run_command(["true"], stdin=b"x" * 1_000_000, env=os.environ, timeout=10)
        assert run.exit_code == 0

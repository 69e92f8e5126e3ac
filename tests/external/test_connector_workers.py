"""`--workers` with a connector we don't own: a `python:` or `command:` connector is driven in
each worker process against that worker's own sandbox, with the verdicts of one process; a
connector that is one thing the workers would have to share lands one scenario at a time,
and the run says so."""

from __future__ import annotations

import os
import shlex
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from external_helpers import EXAMPLE, REPO

from harness.cli.main import main
from harness.runner import RunConfig, run_external
from harness.runner.connectors import one_at_a_time

NAMES = ["new-customer", "coupon-percent", "unknown-sku", "pending-not-synced"]
PUSH_ONCE = f"command:{shlex.quote(sys.executable)} {shlex.quote(str(EXAMPLE / 'push_once.py'))}"


def _pid_connector(folder: Path) -> tuple[str, Path]:
    """The example's push function, as a store's developer would wrap it, noting which
    process called it."""
    pids = folder / "pids.txt"
    (folder / "pid_connector.py").write_text(textwrap.dedent(f"""
        import os
        import sys

        sys.path.insert(0, {str(EXAMPLE)!r})
        from push_once import push as push_once


        def push(order):
            with open({str(pids)!r}, "a") as noted:
                noted.write(f"{{os.getpid()}}\\n")
            return push_once(order)
    """))
    return f"python:{folder / 'pid_connector.py'}:push", pids


def test_a_python_connector_in_two_workers_gives_the_verdicts_of_one_process(
    tmp_path: Path,
) -> None:
    spec, pids = _pid_connector(tmp_path)
    seeds = (1, 2, 3)
    serial = run_external(RunConfig(), NAMES, spec, {"timeout": 2}, seeds=seeds)
    called_serially = set(pids.read_text().split())
    pids.unlink()
    parallel = run_external(RunConfig(), NAMES, spec, {"timeout": 2}, seeds=seeds, workers=2)

    assert [(r.scenario, r.seed) for r in parallel] == [(n, s) for n in NAMES for s in seeds]
    assert [r.verdict.to_json() for r in parallel] == [r.verdict.to_json() for r in serial]
    assert [r.met for r in parallel] == [True] * len(NAMES) * len(seeds)
    assert called_serially == {str(os.getpid())}
    workers = set(pids.read_text().split())
    assert str(os.getpid()) not in workers and 1 <= len(workers) <= 2  # in the workers


def test_harness_run_spreads_a_command_connector_over_its_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    temp = tmp_path / "temp"  # where the workers' command runs keep their order files
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    started_by = tmp_path / "started-by.txt"  # the process that started each run of it
    noting = f"echo $PPID >> {shlex.quote(str(started_by))}; exec {PUSH_ONCE[len('command:'):]}"
    result = CliRunner().invoke(main, [
        "run", "--connector", f"command:sh -c {shlex.quote(noting)}",
        "-k", "new-customer or unknown-sku", "--seeds", "1..2", "--workers", "2",
        "--landing-timeout", "5", "--report-dir", str(tmp_path),
    ])
    assert result.exit_code == 0, result.output
    assert "4/4 landings met their expectation" in result.output
    assert "one at a time" not in result.output
    workers = set(started_by.read_text().split())
    assert str(os.getpid()) not in workers and 1 <= len(workers) <= 2  # in the workers
    assert list(temp.iterdir()) == []  # each worker cleaned up after its connector as it left


def test_a_webhook_connector_with_workers_is_told_to_land_one_at_a_time(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, [
        "run", "--connector", "webhook:http://127.0.0.1:9/hook", "--webhook-secret", "s",
        "-k", "pending-not-synced", "--workers", "2", "--report-dir", str(tmp_path),
    ])
    said = " ".join(result.output.split())
    assert "--workers 2: a webhook: connector is one receiver, sending to one sandbox; " \
        "landings run one at a time" in said, result.output


def test_a_connector_that_ends_its_worker_stops_the_run_naming_what_has_no_verdict(
    tmp_path: Path,
) -> None:
    ending = "import os\n\ndef push(order):\n    os._exit(1)\n"
    (tmp_path / "ending_connector.py").write_text(ending)
    result = CliRunner().invoke(main, [
        "run", "--connector", f"python:{tmp_path / 'ending_connector.py'}:push",
        "-k", "new-customer", "--seeds", "1..2", "--workers", "2",
        "--report-dir", str(tmp_path / "reports"),
    ])
    said = " ".join(result.output.split())
    assert result.exit_code == 1, result.output
    assert "Error: a worker process ended abruptly" in said
    assert "no verdict for 2 landing(s): new-customer[seed=1], new-customer[seed=2]" in said
    assert "bug in the harness" not in said


@pytest.mark.parametrize(
    ("spec", "on_account", "port", "reason"),
    [
        ("reference", False, 0, None),
        ("reference", False, 8765, None),
        ("python:shop:push", False, 8765, None),
        ("command:python push.py", False, 0, None),
        ("command:python push.py", False, 8765, "--sandbox-port 8765 is one port"),
        ("webhook:http://127.0.0.1:8080/hook", False, 0, "one receiver"),
        ("pull:command:python sync.py", False, 0, None),
        ("pull:command:python sync.py", False, 8765, "--sandbox-port 8765 is one port"),
        ("pull:", False, 0, "a pull: poller you started polls one store"),
        ("pull:http://127.0.0.1:8766", False, 0, "a pull: poller you started polls one store"),
        ("reference", True, 0, "on the one account"),
        ("python:shop:push", True, 0, "on the one account"),
    ],
)
def test_which_connectors_the_workers_can_share(
    spec: str, on_account: bool, port: int, reason: str | None
) -> None:
    said = one_at_a_time(spec, on_account=on_account, port=port)
    assert (said is None) if reason is None else (said is not None and reason in said)


def test_a_pull_command_on_a_fixed_store_port_lands_one_at_a_time() -> None:
    said = one_at_a_time("pull:command:python sync.py", store_port=8766)
    assert said is not None and "--store-port 8766 is one port" in said


def test_a_pull_command_in_two_workers_polls_a_store_of_each(tmp_path: Path) -> None:
    """The example pull connector, run once per change as cron runs it, by each worker against
    the store and sandbox of its own."""
    started_by = tmp_path / "started-by.txt"
    sync = REPO / "examples" / "pull_connector" / "sync.py"
    run_it = (f"echo $PPID >> {shlex.quote(str(started_by))}; exec {shlex.quote(sys.executable)} "
              f"{shlex.quote(str(sync))} --state {{state_dir}}/cursor.json")
    spec = f"pull:command:sh -c {shlex.quote(run_it)}"
    names = ["pulled-order-written-back", "new-customer"]
    results = run_external(RunConfig(), names, spec, {"timeout": 5}, seeds=(1, 2), workers=2)
    assert [(r.scenario, r.seed, r.met) for r in results] == [
        (name, seed, True) for name in names for seed in (1, 2)
    ], [r.verdict for r in results]
    workers = set(started_by.read_text().split())
    assert str(os.getpid()) not in workers and 1 <= len(workers) <= 2  # in the workers

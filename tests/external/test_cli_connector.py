"""`harness run --connector ...`: the catalogue through a connector we don't own."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from external_helpers import EXAMPLE

from harness.cli.main import main

PUSH_ONCE = f"command:{shlex.quote(sys.executable)} {shlex.quote(str(EXAMPLE / 'push_once.py'))}"


def harness(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_run_drives_a_command_connector_and_reports(tmp_path: Path) -> None:
    code, output = harness("run", "--connector", PUSH_ONCE, "-k", "coupon-percent",
                           "--landing-timeout", "2", "--report-dir", str(tmp_path))
    assert code == 0, output
    report = json.loads((tmp_path / "harness-report.json").read_text())
    [row] = report["results"]
    assert row["verdict"]["outcome"] == "landed"
    assert any("salesOrder/eid:" in call["path"] for call in row["calls"])


def test_run_fails_when_the_connector_does_not_land_the_order(tmp_path: Path) -> None:
    command = f"command:{shlex.quote(sys.executable)} -c pass"
    code, output = harness("run", "--connector", command, "-k", "new-customer",
                           "--landing-timeout", "0.2", "--report-dir", str(tmp_path))
    assert code == 1, output
    assert "not-pushed" in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--connector", "webhook:http://127.0.0.1:9/hook"], "needs the webhook secret"),
        (["--connector", "store:https://staging.example"], "cannot drive a store"),
        (["--connector", "smtp:x"], "is not one of webhook:URL"),
        (["--connector", "command:true", "--landing-query", "SELECT 1"], "names no placeholder"),
    ],
)
def test_run_refuses_an_unusable_connector_before_any_scenario(
    args: list[str], message: str, tmp_path: Path
) -> None:
    code, output = harness("run", *args, "--report-dir", str(tmp_path))
    assert code != 0 and message in output
    assert not (tmp_path / "harness-report.json").exists()


def test_an_external_connector_runs_against_the_sim_target_only(tmp_path: Path) -> None:
    code, output = harness("run", "--connector", "command:true", "--target", "replay",
                           "--report-dir", str(tmp_path))
    assert code == 2 and "--target sim only" in output

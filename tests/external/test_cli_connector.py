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
    # Every report says which connector was tested, where.
    spec = PUSH_ONCE
    assert (report["connector"], report["target"], report["account"]) == (
        spec, "sim", "1234567_SB1"
    )
    junit = (tmp_path / "harness-junit.xml").read_text()
    assert '<property name="connector" value="command:' in junit
    assert '<property name="account" value="1234567_SB1"' in junit
    html = (tmp_path / "harness-report.html").read_text()
    assert "connector command:" in html and "account 1234567_SB1" in html
    assert "connector command:" in " ".join(output.split())


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


def test_a_connector_that_writes_nothing_is_not_pushed_in_replay_at_once(
    tmp_path: Path,
) -> None:
    """The repo's cassettes hold the writes the reference connector made; a command that
    makes none of them is not-pushed, judged when it exits, not after a landing timeout."""
    code, output = harness("run", "--connector", "command:true", "--target", "replay",
                           "-k", "new-customer or tax-california", "--landing-timeout", "30",
                           "--report-dir", str(tmp_path))
    assert code == 1, output
    report = json.loads((tmp_path / "harness-report.json").read_text())
    assert [row["verdict"]["outcome"] for row in report["results"]] == ["not-pushed"] * 2
    assert all(row["seconds"] < 10 for row in report["results"])
    summary = report["results"][0]["verdict"]["diagnosis"]["summary"]
    assert "made none of the" in summary and "write(s) recorded for it" in summary

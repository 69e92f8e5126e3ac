"""`harness run`: the catalogue, the exit code, the table and the three reports."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from cli_helpers import record_scenarios
from click.testing import CliRunner

from harness.catalogue.spec import catalogue_path
from harness.cli.main import main


def _run(runner: CliRunner, tmp_path: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(main, ["run", "--report-dir", str(tmp_path / "out"), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def test_selected_scenarios_meet_expectations_and_exit_0(
    runner: CliRunner, tmp_path: Path
) -> None:
    code, output = _run(runner, tmp_path, "-k", "tax-")
    assert code == 0, output
    assert "tax-california" in output and "tax-new-york-city" in output
    assert re.search(r"(\d+)/\1 scenarios met their expectation", output)
    out = tmp_path / "out"
    report = json.loads((out / "harness-report.json").read_text())
    assert {r["scenario"] for r in report["results"]} >= {"tax-california", "tax-exempt-b2b"}
    assert report["summary"]["not_met"] == 0
    suite = ET.parse(out / "harness-junit.xml").getroot()
    assert suite.get("failures") == "0"
    html = (out / "harness-report.html").read_text()
    assert html.count('<tr class="met"') == report["summary"]["scenarios"]
    for name in ("harness-report.html", "harness-report.json", "harness-junit.xml"):
        assert name in output


def _catalogue_expecting_wrongly(tmp_path: Path) -> Path:
    """The demo catalogue, but `unknown-sku` claims it lands."""
    text = catalogue_path().read_text()
    head, tail = text.split("- name: unknown-sku", 1)
    tail = tail.replace("expect: item-mapping", "expect: landed", 1)
    path = tmp_path / "catalogue.yaml"
    path.write_text(head + "- name: unknown-sku" + tail)
    return path


def test_a_missed_expectation_exits_1_and_is_a_junit_failure(
    runner: CliRunner, tmp_path: Path
) -> None:
    catalogue = _catalogue_expecting_wrongly(tmp_path)
    code, output = _run(runner, tmp_path, "--catalogue", str(catalogue), "-k", "unknown-sku")
    assert code == 1
    assert "0/1 scenarios met their expectation" in output
    suite = ET.parse(tmp_path / "out" / "harness-junit.xml").getroot()
    assert suite.get("failures") == "1"
    html = (tmp_path / "out" / "harness-report.html").read_text()
    assert 'class="missed"' in html and "HOODIE-PNK-XL" in html


def test_no_matching_scenario_is_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    code, output = _run(runner, tmp_path, "-k", "no-such-scenario")
    assert code == 2
    flat = " ".join(output.split())
    assert "Invalid value for -k: no scenario name matches 'no-such-scenario'" in flat
    assert "new-customer" in flat  # names it could have matched


def test_k_takes_pytest_expressions(runner: CliRunner, tmp_path: Path) -> None:
    code, output = _run(runner, tmp_path, "-k", "tax and not exempt and not include")
    assert code == 0, output
    report = json.loads((tmp_path / "out" / "harness-report.json").read_text())
    names = sorted(row["scenario"] for row in report["results"])
    assert names == [
        "fee-negative-untaxed-shipping", "gift-card-not-taxable", "tax-california",
        "tax-new-york-city",
    ]


def test_a_k_expression_pytest_cannot_parse_is_a_usage_error(
    runner: CliRunner, tmp_path: Path
) -> None:
    code, output = _run(runner, tmp_path, "-k", "tax and")
    assert code == 2 and "-k 'tax and'" in output


def test_a_broken_catalogue_names_file_and_line(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "catalogue.yaml"
    path.write_text("store: {name: x}\nscenarios:\n  - name: 3\n")
    code, output = _run(runner, tmp_path, "--catalogue", str(path))
    assert code == 2
    assert "catalogue.yaml:" in output
    assert "Traceback" not in output


def test_bad_arguments_are_usage_errors(runner: CliRunner, tmp_path: Path) -> None:
    code, output = _run(runner, tmp_path, "--target", "moon")
    assert code == 2 and "'moon' is not one of" in output
    code, output = _run(runner, tmp_path, "--workers", "0")
    assert code == 2
    code, output = _run(runner, tmp_path, "--target", "live", "--account", "x.yaml")
    assert code == 2 and "--account" in output


def test_live_without_credentials_says_what_to_set(
    runner: CliRunner, tmp_path: Path, monkeypatch: object
) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    for name in ("NETSUITE_ACCOUNT", "NETSUITE_CONSUMER_KEY", "NETSUITE_TOKEN_ID"):
        monkeypatch.delenv(name, raising=False)
    code, output = _run(runner, tmp_path, "--target", "live", "-k", "new-customer")
    assert code == 2
    assert "NETSUITE_ACCOUNT" in output


def test_live_refuses_a_production_account(
    runner: CliRunner, tmp_path: Path, monkeypatch: object
) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setenv("NETSUITE_ACCOUNT", "1234567")
    code, output = _run(runner, tmp_path, "--target", "live", "-k", "new-customer")
    assert code == 2
    assert "production account" in output and "--allow-production" in output


def test_replay_without_cassettes_reports_each_scenario_unplayed(
    runner: CliRunner, tmp_path: Path
) -> None:
    code, _output = _run(
        runner, tmp_path, "--target", "replay", "--cassettes", str(tmp_path / "none"),
        "-k", "new-customer",
    )
    assert code == 1
    report = json.loads((tmp_path / "out" / "harness-report.json").read_text())
    (result,) = report["results"]
    assert result["met"] is False
    summary = result["verdict"]["diagnosis"]["summary"]
    assert "No recorded answer for scenario new-customer" in summary
    # The advice names what the user has: the scenario and a harness command, not a test
    # file of the harness's own repository.
    assert "No cassette for scenario 'new-customer'" in summary
    assert "scenarios/test_catalogue.py" not in summary
    assert "harness run --target record -k new-customer" in summary


def test_replay_plays_cassettes_recorded_against_an_account(
    runner: CliRunner, tmp_path: Path
) -> None:
    cassettes = tmp_path / "cassettes"
    record_scenarios(cassettes, ["new-customer", "unknown-sku"])
    folder = cassettes / "scenarios" / "test_catalogue"
    assert (folder / "test_scenario[new-customer].yaml").is_file()
    for name, outcome in (("new-customer", "landed"), ("unknown-sku", "rejected")):
        code, output = _run(
            runner, tmp_path, "--target", "replay", "--cassettes", str(cassettes), "-k", name
        )
        assert code == 0, output
        report = json.loads((tmp_path / "out" / "harness-report.json").read_text())
        assert [(r["scenario"], r["verdict"]["outcome"]) for r in report["results"]] == [
            (name, outcome)
        ]

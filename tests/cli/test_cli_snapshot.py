"""`harness sandbox snapshot`: the embedded sandbox, served over HTTP, snapshotted and loaded."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from harness.cli.main import main
from harness.sandbox.account import demo_profile, load_profile
from harness.sandbox.serve import Sandbox


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    box = Sandbox()
    server = box.serve_http()
    env = box.client_environment(server.url)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    yield env
    server.stop()
    box.close()


def _snapshot(runner: CliRunner, path: Path, *args: str) -> str:
    result = runner.invoke(main, ["sandbox", "snapshot", "--out", str(path), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_snapshot_mirrors_the_accounts_reference_data(
    runner: CliRunner, tmp_path: Path, served: dict[str, str]
) -> None:
    path = tmp_path / "mirror.yaml"
    output = _snapshot(runner, path)
    demo = demo_profile()
    mirror = load_profile(path)
    assert "10 items" in output and "3 ship items" in output
    assert mirror.account_id == demo.account_id
    assert [(s.id, s.name, s.country, s.currency) for s in mirror.subsidiaries] == [
        (s.id, s.name, s.country, s.currency) for s in demo.subsidiaries
    ]
    assert [(c.symbol, c.exchangeRate, c.isBaseCurrency) for c in mirror.currencies] == [
        (c.symbol, c.exchangeRate, c.isBaseCurrency) for c in demo.currencies
    ]
    assert [
        (i.itemId, i.type, i.basePrice, i.currencyPrices, i.subsidiaries, i.isInactive,
         i.isTaxable) for i in mirror.items
    ] == [
        (i.itemId, i.type, i.basePrice, i.currencyPrices, i.subsidiaries, i.isInactive,
         i.isTaxable) for i in demo.items
    ]
    assert [(s.itemId, s.defaultCost, s.subsidiaries) for s in mirror.shipItems] == [
        (s.itemId, s.defaultCost, s.subsidiaries) for s in demo.shipItems
    ]
    assert [(t.itemId, t.rate, t.state, t.isExempt) for t in mirror.taxItems] == [
        (t.itemId, t.rate, t.state, t.isExempt) for t in demo.taxItems
    ]
    assert {c.email for c in mirror.customers} == {c.email for c in demo.customers}
    assert [loc.name for loc in mirror.locations] == [loc.name for loc in demo.locations]


def test_credentials_are_never_copied(
    runner: CliRunner, tmp_path: Path, served: dict[str, str]
) -> None:
    path = tmp_path / "mirror.yaml"
    _snapshot(runner, path)
    text = path.read_text()
    for key in ("NETSUITE_CONSUMER_KEY", "NETSUITE_CONSUMER_SECRET", "NETSUITE_TOKEN_ID",
                "NETSUITE_TOKEN_SECRET"):
        assert served[key] not in text
    mirror = load_profile(path)
    assert {c.name for c in mirror.credentials.tba} == {"integration", "administrator"}
    assert "FAKE" in text


def test_the_sandbox_runs_the_catalogue_on_a_snapshot(
    runner: CliRunner, tmp_path: Path, served: dict[str, str]
) -> None:
    path = tmp_path / "mirror.yaml"
    _snapshot(runner, path, "--customers", "5")
    out = tmp_path / "reports"
    result = runner.invoke(main, ["run", "--account", str(path), "-k", "tax-",
                                  "--report-dir", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "harness-report.json").read_text())
    assert report["summary"]["not_met"] == 0 and report["summary"]["scenarios"] >= 3


def test_customers_can_be_left_out(
    runner: CliRunner, tmp_path: Path, served: dict[str, str]
) -> None:
    path = tmp_path / "mirror.yaml"
    _snapshot(runner, path, "--customers", "0")
    assert load_profile(path).customers == []


def test_without_credentials_it_says_what_is_missing(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in ("NETSUITE_ACCOUNT", "NETSUITE_CONSUMER_KEY", "NETSUITE_CONSUMER_SECRET",
                "NETSUITE_TOKEN_ID", "NETSUITE_TOKEN_SECRET", "NETSUITE_CLIENT_ID"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("NETSUITE_ACCOUNT", "1234567_SB1")
    result = runner.invoke(main, ["sandbox", "snapshot", "--out", str(tmp_path / "x.yaml")])
    assert result.exit_code == 2
    assert "NETSUITE_* settings" in result.output and "no credentials" in result.output
    assert not (tmp_path / "x.yaml").exists()

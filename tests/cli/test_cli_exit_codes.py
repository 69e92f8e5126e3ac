"""Every command's exit code, as docs/cli.md promises: 0 all well, 1 it ran and found a
problem, 2 it could not start with what it was given (a wrong option, an input it cannot
read, settings it needs). A CI job tells a broken connector (1) from a broken setup (2)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_helpers import DATA
from click.testing import CliRunner

from harness.catalogue.spec import catalogue_path
from harness.cli.main import main
from harness.sandbox.serve import Sandbox

CREDENTIALS = (
    "NETSUITE_ACCOUNT", "NETSUITE_CONSUMER_KEY", "NETSUITE_CONSUMER_SECRET", "NETSUITE_TOKEN_ID",
    "NETSUITE_TOKEN_SECRET", "NETSUITE_CLIENT_ID", "NETSUITE_CERTIFICATE_ID",
    "NETSUITE_PRIVATE_KEY", "NETSUITE_BASE_URL", "WOOCOMMERCE_CONSUMER_KEY",
    "WOOCOMMERCE_CONSUMER_SECRET",
)


@pytest.fixture(autouse=True)
def _no_account(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No NETSUITE_* settings from the machine running the tests; reports in tmp_path."""
    for name in CREDENTIALS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def _code(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def broken_catalogue(tmp_path: Path) -> Path:
    """The demo catalogue, but `unknown-sku` claims it lands (so it cannot be met)."""
    text = catalogue_path().read_text()
    head, tail = text.split("- name: unknown-sku", 1)
    path = tmp_path / "catalogue.yaml"
    path.write_text(head + "- name: unknown-sku" + tail.replace("expect: item-mapping",
                                                                 "expect: landed", 1))
    return path


# -- harness run ------------------------------------------------------------------------------


def test_run_exit_codes(broken_catalogue: Path) -> None:
    assert _code("run", "-k", "tax-california")[0] == 0
    assert _code("run", "--catalogue", str(broken_catalogue), "-k", "unknown-sku")[0] == 1
    code, output = _code("run", "-k", "nomatch")
    assert code == 2 and "Invalid value for -k: no scenario name matches 'nomatch'" in _flat(
        output)
    code, output = _code("run", "--target", "live", "-k", "tax-california")
    assert code == 2 and "NETSUITE_ACCOUNT" in output
    code, output = _code("run", "--catalogue", "missing.yaml")
    assert code == 2 and "does not exist" in output


# -- harness land ------------------------------------------------------------------------------


def test_land_exit_codes() -> None:
    assert _code("land", str(DATA / "order-lands.json"))[0] == 0
    assert _code("land", str(DATA / "order-unknown-sku.json"))[0] == 1
    assert _code("land", "missing.json")[0] == 2
    code, output = _code("land", str(DATA / "order-lands.json"), "--target", "live")
    assert code == 2 and "NETSUITE_ACCOUNT" in output


# -- harness explain ---------------------------------------------------------------------------


def test_explain_exit_codes(tmp_path: Path) -> None:
    found = tmp_path / "connector.log"
    found.write_text("ERROR Invalid shipmethod reference key 4115 for entity 33676.\n")
    assert _code("explain", str(found))[0] == 0
    nothing = tmp_path / "quiet.log"
    nothing.write_text("all orders synced\n")
    assert _code("explain", str(nothing))[0] == 1
    assert _code("explain", "missing.log")[0] == 2
    empty = tmp_path / "empty.log"
    empty.write_text("")
    assert _code("explain", str(empty))[0] == 2


# -- harness reconcile ------------------------------------------------------------------------


def test_reconcile_exit_codes(tmp_path: Path) -> None:
    order = json.loads((DATA / "order-lands.json").read_text())
    none = tmp_path / "none.json"
    none.write_text("[]")
    since = ("--since", "2000-01-01", "--target", "sim")
    assert _code("reconcile", "--orders", str(none), *since)[0] == 0
    one = tmp_path / "one.json"
    one.write_text(json.dumps([order]))
    assert _code("reconcile", "--orders", str(one), *since)[0] == 1  # a fresh sandbox: missing
    bad = tmp_path / "bad.json"
    bad.write_text("not json")
    code, output = _code("reconcile", "--orders", str(bad), *since)
    assert code == 2 and "Invalid value for --orders: " in output and "not JSON" in output
    shape = tmp_path / "shape.json"
    shape.write_text('{"not": "an order"}')
    assert _code("reconcile", "--orders", str(shape), *since)[0] == 2
    code, output = _code("reconcile", "--store", "https://shop.example", *since)
    assert code == 2 and "WOOCOMMERCE_CONSUMER_KEY" in output
    code, output = _code("reconcile", "--orders", str(none), "--since", "2000-01-01")
    assert code == 2 and "NETSUITE_ACCOUNT" in output  # live is the default target


# -- harness doctor ---------------------------------------------------------------------------


def test_doctor_exit_codes() -> None:
    assert _code("doctor", "--target", "sim")[0] == 0
    failing = ("doctor", "--credential", "woo-integration-view-only")
    assert _code(*failing)[0] == 1
    code, output = _code("doctor", "--target", "live")
    assert code == 2 and "NETSUITE_ACCOUNT" in output
    assert _code("doctor", "--admin-token", "a:b")[0] == 2


# -- harness cassettes check ------------------------------------------------------------------


def test_cassettes_check_exit_codes(tmp_path: Path) -> None:
    folder = tmp_path / "tapes"
    folder.mkdir()
    assert _code("cassettes", "check", str(folder))[0] == 0
    (folder / "broken.yaml").write_text("interactions: [1, 2\n")
    assert _code("cassettes", "check", str(folder))[0] == 1
    assert _code("cassettes", "check", str(tmp_path / "none"))[0] == 2


# -- harness sandbox snapshot / serve ---------------------------------------------------------


@pytest.fixture
def served() -> Iterator[dict[str, str]]:
    box = Sandbox()
    server = box.serve_http()
    yield box.client_environment(server.url)
    server.stop()
    box.close()


def test_snapshot_exit_codes(
    served: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = str(tmp_path / "mine.yaml")
    code, output = _code("sandbox", "snapshot", "--out", out)
    assert code == 2 and "NETSUITE_* settings" in output
    for key, value in served.items():
        monkeypatch.setenv(key, value)
    assert _code("sandbox", "snapshot", "--out", out)[0] == 0
    monkeypatch.setenv("NETSUITE_TOKEN_SECRET", "0" * 64)  # NetSuite refuses the login
    code, output = _code("sandbox", "snapshot", "--out", out)
    assert code == 1 and "NetSuite refused a snapshot query" in output


def test_serve_exit_codes(tmp_path: Path) -> None:
    assert _code("sandbox", "serve", "--faults", "5xx=2")[0] == 2
    assert _code("sandbox", "serve", "--account", "missing.yaml")[0] == 2
    # Stopped the way a CI job stops it: exit 0.
    env = {k: v for k, v in os.environ.items() if k not in CREDENTIALS}
    serving = subprocess.Popen(
        [sys.executable, "-m", "harness.cli", "sandbox", "serve"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        assert serving.stdout is not None
        first = serving.stdout.readline()
        assert first.startswith("NETSUITE_"), first + serving.stderr.read()
        serving.send_signal(signal.SIGTERM)
        assert serving.wait(timeout=30) == 0
    finally:
        if serving.poll() is None:
            serving.kill()

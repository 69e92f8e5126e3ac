"""Record, then replay, a connector in another process and language: `harness run --target
record` against `harness sandbox serve` (the stand-in for a real NetSuite account, here with
credentials nobody has seen before), then `--target replay` with that account gone.

The cassettes must hold none of the credentials, replay must be green offline, and a
connector changed since the recording (or one that stopped writing) must be red.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from harness.cli.main import main
from harness.sandbox.account import DEMO_PROFILE

NODE_CONNECTOR = (
    Path(__file__).resolve().parents[2] / "examples" / "node_connector" / "push_once.js"
)
SCENARIOS = "new-customer or tax-new-york-city or role"
pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")


def _random_profile(folder: Path) -> Path:
    """The demo account with fresh 64-hex TBA keys and tokens (one integration, two roles)."""
    text = DEMO_PROFILE.read_text(encoding="utf-8")
    fresh: dict[str, str] = {}

    def replace(match: re.Match[str]) -> str:
        old = match.group(2)
        fresh.setdefault(old, secrets.token_hex(32))
        return f"{match.group(1)}{fresh[old]}"

    text = re.sub(
        r"((?:consumerKey|consumerSecret|tokenId|tokenSecret): )([0-9a-f]{64})", replace, text
    )
    path = folder / "account.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def account(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """`harness sandbox serve` on a loopback port; the NETSUITE_* settings it prints."""
    profile = _random_profile(tmp_path_factory.mktemp("account"))
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "harness.cli",
            "sandbox",
            "serve",
            "--port",
            "0",
            "--account",
            str(profile),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    settings: dict[str, str] = {}
    while "NETSUITE_BASE_URL" not in settings:
        line = process.stdout.readline()
        assert line, process.stderr.read() if process.stderr else "no output"
        key, _, value = line.strip().partition("=")
        settings[key] = value
    try:
        yield settings
    finally:
        process.terminate()
        process.wait(timeout=10)


def harness(env: dict[str, str], *args: str) -> tuple[int, str]:
    """`harness ...` with exactly the NETSUITE_* settings in `env` (none of the caller's)."""
    clean = {name: None for name in os.environ if name.startswith("NETSUITE_")}
    result = CliRunner().invoke(main, list(args), env={**clean, **env})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def recorded(account: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("recorded")
    code, output = harness(
        account,
        "run",
        "--target",
        "record",
        "--cassettes",
        str(folder / "tapes"),
        "--connector",
        f"command:node {shlex.quote(str(NODE_CONNECTOR))}",
        "-k",
        SCENARIOS,
        "--report-dir",
        str(folder / "reports"),
    )
    assert code == 0, output
    assert "3/3 scenarios met their expectation" in output
    return folder


def replay(recorded: Path, *extra: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    return harness(
        env or {},
        "run",
        "--target",
        "replay",
        "--cassettes",
        str(recorded / "tapes"),
        "--connector",
        f"command:node {shlex.quote(str(NODE_CONNECTOR))}",
        "-k",
        SCENARIOS,
        "--report-dir",
        str(recorded / "replayed"),
        *extra,
    )


def test_no_credential_reaches_a_cassette(account: dict[str, str], recorded: Path) -> None:
    credentials = [
        value for name, value in account.items() if name.endswith(("_KEY", "_SECRET", "_TOKEN_ID"))
    ]
    assert len(credentials) == 6  # one integration, two roles' tokens
    files = sorted((recorded / "tapes").rglob("*.yaml"))
    assert len(files) == 3
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert "interactions: []" not in text
        for value in credentials:
            assert value not in text and value.upper() not in text, path
        assert account["NETSUITE_ACCOUNT"] not in text and "127.0.0.1" not in text


def test_replay_is_green_offline(recorded: Path) -> None:
    code, output = replay(recorded)
    assert code == 0, output
    assert "3/3 scenarios met their expectation" in output


def test_a_changed_connector_is_red_with_the_nearest_request(
    recorded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONNECTOR_BUGS", "fixed-tax")
    code, output = replay(recorded)
    assert code == 1, output
    text = " ".join(output.split())
    assert "no recorded interaction matches this request" in text
    assert "'NY-NYC'" in text and "'CA-STATE'" in text
    assert "harness run --target record -k tax-new-york-city" in text


def test_a_connector_that_stopped_writing_is_not_pushed(
    recorded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONNECTOR_BUGS", "ack-only")
    code, output = replay(recorded, "-k", "new-customer")
    assert code == 1, output
    report = json.loads((recorded / "replayed" / "harness-report.json").read_text())
    [row] = report["results"]
    assert row["verdict"]["outcome"] == "not-pushed"


def test_live_deletes_what_a_connector_made_out_of_sight(
    account: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """live: the connector reaches the account itself; the harness still deletes the Sales
    Order each scenario made."""
    code, output = harness(
        account,
        "run",
        "--target",
        "live",
        "--connector",
        f"command:node {shlex.quote(str(NODE_CONNECTOR))}",
        "-k",
        "tax-california",
        "--report-dir",
        str(tmp_path),
    )
    assert code == 0, output
    from harness.netsuite.client import NetSuiteClient

    for name, value in account.items():
        monkeypatch.setenv(name, value)
    client = NetSuiteClient.from_env()
    left = client.suiteql_all("SELECT id FROM transaction WHERE externalid = 'woo-1942884'")
    assert left == []

"""No false greens in replay, for the user's own connector: a connector that writes nothing
fails every landing (`not-pushed`), a changed one fails with the nearest-request diff, an
unchanged one passes, whatever the connector does with the errors it gets.

The connectors are written the way a store's developer writes them (plain requests or
Node.js, no harness imports): in-process (`python:`) and in another process and language
(`command:node ...`, reaching NetSuite through the harness's loopback recording proxy).
"""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

import pytest

from tests.plugin.conftest import CATALOGUE_TEST, ServedAccount, outcomes
from tests.plugin.test_recording import forget_the_account

REPO = Path(__file__).resolve().parents[2]
PYTHON_EXAMPLE = REPO / "examples" / "webhook_connector"
NODE_CONNECTOR = REPO / "examples" / "node_connector" / "push_once.js"
LANDING = ["new-customer", "tax-new-york-city"]

# The example's own push function, with a switch that changes what it sends (every line
# a cent dearer): a connector someone edited since the cassettes were recorded.
EDITED_CONNECTOR = f"""
import os, sys
sys.path.insert(0, {str(PYTHON_EXAMPLE)!r})
import push_once

def push(order):
    if os.environ.get("EDITED"):
        for line in order["line_items"]:
            line["subtotal"] = str(float(line["subtotal"]) + 0.01 * line["quantity"])
    return push_once.push(order)
"""

needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")


def run(pytester: pytest.Pytester, target: str, connector: str) -> pytest.RunResult:
    return pytester.runpytest_inprocess(
        f"--ns-target={target}",
        "--ns-cassettes=tapes",
        f"--ns-connector={connector}",
        "-k",
        " or ".join(LANDING),
        "-p",
        "no:randomly",
    )


def record_then_forget(
    pytester: pytest.Pytester, served: ServedAccount, monkeypatch: pytest.MonkeyPatch, spec: str
) -> None:
    pytester.makepyfile(test_tiny_suite=CATALOGUE_TEST)
    recorded = run(pytester, "record", spec)
    assert outcomes(recorded) == {"passed": len(LANDING)}, recorded.stdout.str()
    forget_the_account(monkeypatch, served)


def test_a_python_connector_replays_strictly(
    pytester: pytest.Pytester, served: ServedAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(edited_connector=EDITED_CONNECTOR)
    spec = f"python:{pytester.path / 'edited_connector.py'}:push"
    record_then_forget(pytester, served, monkeypatch, spec)

    unchanged = run(pytester, "replay", spec)
    assert outcomes(unchanged) == {"passed": len(LANDING)}, unchanged.stdout.str()

    monkeypatch.setenv("CONNECTOR_BUGS", "ack-only")  # says ok, writes nothing
    noop = run(pytester, "replay", spec)
    assert outcomes(noop) == {"failed": len(LANDING)}, noop.stdout.str()
    assert noop.stdout.str().count("not-pushed") >= len(LANDING)
    assert "made none of the" in noop.stdout.str()

    monkeypatch.delenv("CONNECTOR_BUGS")
    monkeypatch.setenv("EDITED", "1")
    edited = run(pytester, "replay", spec)
    assert outcomes(edited) == {"failed": len(LANDING)}, edited.stdout.str()
    text = edited.stdout.str()
    assert "no recorded interaction matches this request" in text
    assert "rate: recorded" in text or "$.item" in text


@needs_node
def test_a_node_command_connector_replays_strictly(
    pytester: pytest.Pytester, served: ServedAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = f"command:node {shlex.quote(str(NODE_CONNECTOR))}"
    record_then_forget(pytester, served, monkeypatch, spec)

    unchanged = run(pytester, "replay", spec)
    assert outcomes(unchanged) == {"passed": len(LANDING)}, unchanged.stdout.str()

    monkeypatch.setenv("CONNECTOR_BUGS", "ack-only")
    noop = run(pytester, "replay", spec)
    assert outcomes(noop) == {"failed": len(LANDING)}, noop.stdout.str()
    assert "made none of the" in noop.stdout.str()

    monkeypatch.setenv("CONNECTOR_BUGS", "fixed-tax")  # CA-STATE whatever was charged
    changed = run(pytester, "replay", spec)
    text = changed.stdout.str()
    assert outcomes(changed) == {"passed": 1, "failed": 1}, text
    assert "no recorded interaction matches this request" in text
    assert (
        "itemid = 'NY-NYC'\", this request \"SELECT id FROM salestaxitem WHERE itemid = 'CA-STATE'"
        in text
    )


def test_a_second_role_without_its_token_is_skipped_before_any_cassette(
    pytester: pytest.Pytester, served: ServedAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    """record/live: the scenario acting as the view-only role needs that role's token; without
    it the test is skipped at collection, with the reason, and no (empty) cassette is written."""
    for name in [n for n in served.env if "VIEW_ONLY" in n]:
        monkeypatch.delenv(name)
    pytester.makepyfile(test_tiny_suite=CATALOGUE_TEST)
    result = pytester.runpytest_inprocess(
        "--ns-target=record", "--ns-cassettes=tapes", "-k", "role", "-rs"
    )
    assert outcomes(result) == {"skipped": 1}, result.stdout.str()
    result.stdout.fnmatch_lines(["*acts as credential 'woo-integration-view-only'*"])
    result.stdout.fnmatch_lines(["*NETSUITE_WOO_INTEGRATION_VIEW_ONLY_TOKEN_ID*"])
    assert not list((pytester.path / "tapes").rglob("*.yaml"))


def test_a_second_role_with_its_token_records_and_replays(
    pytester: pytest.Pytester, served: ServedAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_tiny_suite=CATALOGUE_TEST)
    recorded = pytester.runpytest_inprocess(
        "--ns-target=record", "--ns-cassettes=tapes", "-k", "role"
    )
    assert outcomes(recorded) == {"passed": 1}, recorded.stdout.str()
    forget_the_account(monkeypatch, served)
    replayed = pytester.runpytest_inprocess(
        "--ns-target=replay", "--ns-cassettes=tapes", "-k", "role"
    )
    assert outcomes(replayed) == {"passed": 1}, replayed.stdout.str()

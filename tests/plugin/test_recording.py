"""record against the sandbox served over HTTP, replay with it stopped and no credentials:
cassettes per test, scrubbed; a missing cassette or a replay miss says how to record; stale
cassettes warn (or fail when strict); interactions never played are listed."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.plugin.conftest import CATALOGUE_TEST, TINY_NAMES, ServedAccount, outcomes
from tests.plugin.test_live import tba_environment

EXTRA_CALL = """
import os

def test_scenario(scenario, land, netsuite):
    verdict = land(scenario)
    assert verdict.met(scenario.expect), verdict
    if os.environ.get("EXTRA_CALL"):
        netsuite.suiteql_all("SELECT id FROM item")
"""


def forget_the_account(monkeypatch: pytest.MonkeyPatch, served: ServedAccount) -> None:
    """Replay runs with the account stopped and no NETSUITE_* settings at all."""
    served.stop()
    for name in served.env:
        monkeypatch.delenv(name)


def record(pytester: pytest.Pytester, tiny: Path, *args: str) -> pytest.RunResult:
    result = pytester.runpytest_inprocess(
        "--ns-target=record", f"--ns-catalogue={tiny}", "--ns-cassettes=tapes", *args
    )
    assert outcomes(result) == {"passed": len(TINY_NAMES)}, result.stdout.str()
    return result


def replay(pytester: pytest.Pytester, tiny: Path, *args: str) -> pytest.RunResult:
    return pytester.runpytest_inprocess(
        "--ns-target=replay", f"--ns-catalogue={tiny}", "--ns-cassettes=tapes", *args
    )


def test_record_then_replay_without_the_account(
    pytester: pytest.Pytester, tiny: Path, served: ServedAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_tiny_suite=CATALOGUE_TEST)
    record(pytester, tiny)
    tapes = sorted((pytester.path / "tapes").rglob("*.yaml"))
    assert [path.name for path in tapes] == sorted(
        f"test_scenario[{name}].yaml" for name in TINY_NAMES
    )
    secrets = [value for name, value in served.env.items() if "SECRET" in name or "KEY" in name]
    for path in tapes:
        text = path.read_text(encoding="utf-8")
        assert not [secret for secret in secrets if secret in text], path
        assert "1234567_SB1" not in text and "127.0.0.1" not in text
    assert served.sales_orders() == [], "record runs delete what they created"

    forget_the_account(monkeypatch, served)
    result = replay(pytester, tiny)
    assert outcomes(result) == {"passed": len(TINY_NAMES)}, result.stdout.str()
    assert "never played" not in result.stdout.str()
    result.stdout.fnmatch_lines(
        ["netsuite: connector=reference target=replay * account=1234567_SB1 *"]
    )


def test_a_missing_cassette_names_the_scenario_and_the_command(
    pytester: pytest.Pytester, tiny: Path
) -> None:
    pytester.makepyfile(test_tiny_suite=CATALOGUE_TEST)
    result = replay(pytester, tiny, "-k", "mug-for-jane", "--ns-seed=3")
    assert outcomes(result) == {"errors": 1}
    result.stdout.fnmatch_lines(
        [
            "No cassette for test test_tiny_suite.py::test_scenario[[]mug-for-jane[]] "
            "(scenario 'mug-for-jane'): * does not exist.",
            "Record it against a NetSuite sandbox with:",
            '    pytest --ns-target=record --ns-cassettes=* --ns-seed=3 --ns-catalogue=* '
            '"test_tiny_suite.py::test_scenario[[]mug-for-jane[]]"',
        ]
    )
    assert "Traceback" not in result.stdout.str()
    # Said once: not again as "During handling of the above exception". The short
    # summary repeats the message (whole when the CI variable is set), so count above it.
    errors_section = result.stdout.str().split("short test summary info")[0]
    assert errors_section.count("No cassette for test") == 1
    assert "During handling" not in result.stdout.str()


def test_a_path_value_written_with_a_space_warns_how_to_write_it(
    pytester: pytest.Pytester, tiny: Path, tmp_path: Path
) -> None:
    pytester.makepyfile(test_tiny_suite=CATALOGUE_TEST)
    pytester.makeini("[pytest]\n")
    elsewhere = tmp_path / "elsewhere" / "tapes"
    elsewhere.mkdir(parents=True)
    spaced = pytester.runpytest_inprocess(
        "--ns-target=replay", f"--ns-catalogue={tiny}", "--ns-cassettes", str(elsewhere),
        "-k", "mug-for-jane",
    )
    spaced.stdout.fnmatch_lines(
        [
            f"*PytestConfigWarning: --ns-cassettes {elsewhere}: pytest chose its rootdir*"
            f"Write --ns-cassettes={elsewhere}",
        ]
    )
    joined = pytester.runpytest_inprocess(
        "--ns-target=replay", f"--ns-catalogue={tiny}", f"--ns-cassettes={elsewhere}",
        "-k", "mug-for-jane",
    )
    assert "PytestConfigWarning" not in joined.stdout.str()
    joined.stdout.fnmatch_lines([f"rootdir: {pytester.path}*"])
    # The cassette's test id is the project's own, not one seen from a moved rootdir.
    joined.stdout.fnmatch_lines(
        ["No cassette for test test_tiny_suite.py::test_scenario[[]mug-for-jane[]] *"]
    )


def test_a_replay_miss_shows_the_difference_and_how_to_record_again(
    pytester: pytest.Pytester, tiny: Path, served: ServedAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_tiny_suite=CATALOGUE_TEST)
    record(pytester, tiny)
    forget_the_account(monkeypatch, served)
    # Another seed makes other orders: their requests were never recorded.
    result = replay(pytester, tiny, "-k", "mug-for-jane", "--ns-seed=1")
    assert outcomes(result) == {"failed": 1}
    result.stdout.fnmatch_lines(
        [
            "*Replay of test test_tiny_suite.py::test_scenario[[]mug-for-jane[]] (scenario "
            "'mug-for-jane'): no recorded interaction matches this request.",
            "*If the change is intended, record it again:",
            "*pytest --ns-target=record *",
        ]
    )


def test_a_stale_cassette_warns_and_fails_when_strict(
    pytester: pytest.Pytester, tiny: Path, served: ServedAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_tiny_suite=CATALOGUE_TEST)
    record(pytester, tiny)
    forget_the_account(monkeypatch, served)
    text = tiny.read_text(encoding="utf-8")
    tiny.write_text(text.replace("Jane Doe buys one mug", "Jane Doe buys a mug"), "utf-8")

    result = replay(pytester, tiny, "-k", "mug-for-jane")
    assert outcomes(result) == {"passed": 1, "warnings": 1}
    result.stdout.fnmatch_lines(
        [
            "*StaleCassetteWarning: stale cassette for test_tiny_suite.py::test_scenario*",
            "*= netsuite scenarios =*",
            "stale cassette *test_scenario[[]mug-for-jane[]].yaml *",
            "  - scenario 'mug-for-jane' spec changed since recording *",
        ]
    )

    strict = replay(pytester, tiny, "-k", "mug-for-jane", "--ns-strict-cassettes")
    assert outcomes(strict) == {"errors": 1}
    strict.stdout.fnmatch_lines(
        [
            "stale cassette for test_tiny_suite.py::test_scenario[[]mug-for-jane[]]: *",
            "  - scenario 'mug-for-jane' spec changed since recording *",
            "record it again with:",
            "(failing: --ns-strict-cassettes)",
        ]
    )


def test_interactions_never_played_are_listed(
    pytester: pytest.Pytester, tiny: Path, served: ServedAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_tiny_suite=EXTRA_CALL)
    monkeypatch.setenv("EXTRA_CALL", "1")
    record(pytester, tiny)
    forget_the_account(monkeypatch, served)
    monkeypatch.delenv("EXTRA_CALL")
    result = replay(pytester, tiny, "-k", "mug-for-jane")
    assert outcomes(result) == {"passed": 1}
    result.stdout.fnmatch_lines(
        [
            "1 recorded interactions never played in *test_scenario[[]mug-for-jane[]].yaml "
            "(test_tiny_suite.py::test_scenario[[]mug-for-jane[]]):",
            "  - POST /services/rest/query/v1/suiteql",
        ]
    )


def test_replay_lets_no_request_reach_the_network(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    hits: list[str] = []

    class Counting(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Counting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        monkeypatch.setenv("PROBE_URL", f"http://127.0.0.1:{server.server_address[1]}/probe")
        pytester.makepyfile(
            """
            import os, requests

            def test_probe(netsuite):
                if os.environ.get("PROBE"):
                    requests.get(os.environ["PROBE_URL"], timeout=5)
            """
        )
        tba_environment(monkeypatch, "1234567_SB1")
        recorded = pytester.runpytest_inprocess("--ns-target=record", "--ns-cassettes=tapes")
        assert outcomes(recorded) == {"passed": 1}
        monkeypatch.setenv("PROBE", "1")
        result = pytester.runpytest_inprocess("--ns-target=replay", "--ns-cassettes=tapes")
        assert outcomes(result) == {"failed": 1}
        result.stdout.fnmatch_lines(["*no recorded interaction matches this request*"])
        assert hits == []
    finally:
        server.shutdown()
        server.server_close()

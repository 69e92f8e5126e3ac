"""`harness sandbox serve --faults`: the served sandbox answers with the planned faults."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest
import requests
from click.testing import CliRunner

from harness.cli.main import main


def _serve(*args: str) -> Iterator[dict[str, str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "harness.cli", "sandbox", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert process.stdout is not None
        env: dict[str, str] = {}
        while "NETSUITE_BASE_URL" not in env:
            line = process.stdout.readline()
            assert line, process.stderr.read() if process.stderr else "server ended"
            key, _, value = line.strip().partition("=")
            env[key] = value
        yield env
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def maintenance() -> Iterator[dict[str, str]]:
    yield from _serve("--faults", "5xx=1,seed=3")


def test_every_request_meets_the_maintenance_page(maintenance: dict[str, str]) -> None:
    url = maintenance["NETSUITE_BASE_URL"] + "/services/rest/record/v1/customer/1001"
    answer = requests.get(url, timeout=10)
    assert answer.status_code == 503
    assert "scheduled maintenance" in answer.text.lower()


def test_a_bad_fault_plan_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["sandbox", "serve", "--faults", "5xx=lots"])
    assert result.exit_code == 2
    assert "--faults" in result.output and "5xx=lots" in result.output

"""The `harness` command starts without loading the landing core: building its options
(`--seeds` parsing, `--repeat`'s bound) needs only `harness.runner.selection`, so
`harness --help`, `harness explain` and every other verb skip the sandbox, SuiteQL (sqlglot)
and the connectors until a run needs them. A run in the embedded sandbox never loads vcrpy:
only cassettes need it. What only some runs need loads when they need it: PyJWT with an
OAuth 2.0 token, filelock with a budget shared across processes, `responses` (and the asyncio
`unittest.mock` brings) with an interception, the TLS front with HTTPS. Neither the command
nor the pytest plugin loads what signs requests (requests, oauthlib, cryptography, PyJWT)
before something is sent: the plugin is loaded by every pytest run where the harness is
installed, in every xdist worker."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import harness.recording
import harness.runner

HEAVY = (
    "harness.runner.core",
    "harness.runner.pool",
    "harness.sandbox.serve",
    "sqlglot",
    "vcr",
    "harness.recording.recorder",
)
SIGNING = ("requests", "oauthlib", "cryptography", "jwt")
WHEN_NEEDED = ("jwt", "filelock", "responses", "asyncio", "unittest.mock", "harness.sandbox.tls")


def _loaded_after(code: str, watched: tuple[str, ...] = HEAVY) -> list[str]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    return [name for name in json.loads(done.stdout.splitlines()[-1]) if name in watched]


def test_importing_the_cli_leaves_the_landing_core_unloaded() -> None:
    assert _loaded_after("import harness.cli.main") == []


def test_the_command_and_the_plugin_start_without_what_signs_requests(tmp_path: Path) -> None:
    assert _loaded_after("import harness.cli.main", SIGNING) == []
    (tmp_path / "test_plain.py").write_text("def test_plain():\n    assert True\n")
    plain_project = (
        "import pytest\n"
        f"assert pytest.main(['-q', {str(tmp_path)!r}]) == 0"
    )
    watched = (*SIGNING, *HEAVY, "harness.plugin")
    assert _loaded_after(plain_project, watched) == ["harness.plugin"]  # loaded, and only it
    assert "cryptography" in _loaded_after("import harness.netsuite.credentials", SIGNING)


def test_a_runner_name_loads_its_module_on_first_use() -> None:
    assert _loaded_after("from harness.runner import parse_seeds") == []
    assert "harness.runner.pool" in _loaded_after("from harness.runner import run_catalogue")


def test_every_runner_name_resolves() -> None:
    for name in harness.runner.__all__:
        assert getattr(harness.runner, name) is not None, name


def test_an_unknown_runner_name_is_an_attribute_error() -> None:
    try:
        harness.runner.no_such_name  # noqa: B018
    except AttributeError as exc:
        assert "no_such_name" in str(exc)
    else:
        raise AssertionError("harness.runner.no_such_name resolved")


def test_a_run_in_the_sandbox_leaves_vcrpy_unloaded(tmp_path: Path) -> None:
    run = (
        "from harness.cli.main import main\n"
        f"main(['run', '-k', 'guest-checkout', '--report-dir', {str(tmp_path)!r}], "
        "standalone_mode=False)"
    )
    loaded = _loaded_after(run, (*HEAVY, *WHEN_NEEDED))
    assert "harness.sandbox.serve" in loaded  # it landed in the sandbox
    assert "vcr" not in loaded and "harness.recording.recorder" not in loaded
    assert "vcr" in _loaded_after("from harness.recording import Recorder")
    # TBA only, one process: no token to sign, no budget shared with another process.
    assert "jwt" not in loaded and "filelock" not in loaded
    # The sandbox intercepts every other `requests` call to its host (a connector's own).
    assert "responses" in loaded


def test_the_served_sandbox_loads_only_what_it_serves_with() -> None:
    """`harness sandbox serve` over plain HTTP, answering a request: no interception, no TLS,
    no token signing, no budget shared with another process."""
    served = (
        "import requests\n"
        "import harness.cli.sandbox\n"
        "from harness.sandbox.serve import Sandbox\n"
        "server = Sandbox().serve_http(port=0)\n"
        "answer = requests.get(server.url + '/services/rest/record/v1/salesorder/1', timeout=30)\n"
        "server.stop()\n"
        "assert answer.status_code == 401, answer.text"
    )
    assert _loaded_after(served, WHEN_NEEDED) == []


def test_a_pytest_landing_in_the_sandbox_leaves_vcrpy_unloaded(tmp_path: Path) -> None:
    """vcrpy loads httpx and rich behind it: a fifth of a one-landing pytest run's CPU."""
    (tmp_path / "test_one.py").write_text(
        "import pytest\n\n"
        "@pytest.mark.scenario('guest-checkout')\n"
        "def test_one(land):\n    assert land()\n"
    )
    landing = (
        "import pytest\n"
        f"assert pytest.main(['-q', '-p', 'no:cacheprovider', {str(tmp_path)!r}]) == 0"
    )
    loaded = _loaded_after(landing)
    assert "harness.sandbox.serve" in loaded  # it landed in the sandbox
    assert "vcr" not in loaded and "harness.recording.recorder" not in loaded


def test_every_recording_name_resolves() -> None:
    for name in harness.recording.__all__:
        assert getattr(harness.recording, name) is not None, name

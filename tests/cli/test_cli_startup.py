"""The `harness` command starts without loading the landing core: building its options
(`--seeds` parsing, `--repeat`'s bound) needs only `harness.runner.selection`, so
`harness --help`, `harness explain` and every other verb skip the sandbox, SuiteQL (sqlglot)
and the connectors until a run needs them."""

from __future__ import annotations

import json
import subprocess
import sys

import harness.runner

HEAVY = ("harness.runner.core", "harness.runner.pool", "harness.sandbox.serve", "sqlglot")


def _loaded_after(code: str) -> list[str]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    return [name for name in json.loads(done.stdout) if name in HEAVY]


def test_importing_the_cli_leaves_the_landing_core_unloaded() -> None:
    assert _loaded_after("import harness.cli.main") == []


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

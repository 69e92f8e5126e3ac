"""The controller rewrites the test modules once for all xdist workers (tests/rewrite_cache.py):
what it writes is what pytest itself then uses."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests import rewrite_cache

FAILING = "def test_compares():\n    left, right = 1, 2\n    assert left == right\n"


def _project(pytester: pytest.Pytester) -> pytest.Config:
    pytester.makeini("[pytest]\ntestpaths = checks\n")
    checks = pytester.mkpydir("checks")
    (checks / "conftest.py").write_text("VALUE = 1\n")
    (checks / "test_compare.py").write_text(FAILING)
    (checks / "helper.py").write_text("assert True\n")  # not a test module: pytest leaves it
    return pytester.parseconfigure(pytester.path)


@pytest.fixture
def writes_bytecode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)


@pytest.mark.usefixtures("writes_bytecode")
def test_the_modules_pytest_rewrites_are_cached_and_pytest_uses_them(
    pytester: pytest.Pytester,
) -> None:
    config = _project(pytester)
    found = sorted(p.name for p in rewrite_cache.rewritten_modules(config))
    assert found == ["conftest.py", "test_compare.py"]

    assert rewrite_cache.warm(config, workers=2) == 2
    cached = {p: rewrite_cache.cached_path(p) for p in rewrite_cache.rewritten_modules(config)}
    written = {p: (pyc.stat().st_ino, pyc.stat().st_mtime_ns) for p, pyc in cached.items()}

    run = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    run.assert_outcomes(failed=1)
    run.stdout.fnmatch_lines(["*assert 1 == 2*"])  # the rewritten assertion explains itself
    # pytest took the cached files as they were: none was rewritten and replaced.
    assert {p: (pyc.stat().st_ino, pyc.stat().st_mtime_ns) for p, pyc in cached.items()} == written
    assert rewrite_cache.warm(config, workers=2) == 0  # nothing stale: nothing to do


@pytest.mark.usefixtures("writes_bytecode")
def test_every_module_of_a_plugin_package_is_rewritten_too(pytester: pytest.Pytester) -> None:
    config = _project(pytester)
    package = pytester.mkpydir("aplugin")
    (package / "core.py").write_text("def check(x):\n    assert x\n")
    found = {p.relative_to(pytester.path).as_posix() for p in
             rewrite_cache.rewritten_modules(config, [package])}
    assert found == {"checks/conftest.py", "checks/test_compare.py", "aplugin/__init__.py",
                     "aplugin/core.py"}
    assert rewrite_cache.warm(config, workers=1, packages=[package]) == 4


def test_only_what_the_run_collects_is_rewritten(pytester: pytest.Pytester) -> None:
    _project(pytester)
    other = pytester.mkpydir("other")
    (other / "test_other.py").write_text("def test_(): pass\n")
    named = pytester.parseconfigure("checks/test_compare.py::test_compares")
    assert [p.name for p in rewrite_cache.rewritten_modules(named)] == ["test_compare.py"]
    folder = pytester.parseconfigure("other")
    assert [p.name for p in rewrite_cache.rewritten_modules(folder)] == ["test_other.py"]


@pytest.mark.usefixtures("writes_bytecode")
def test_a_changed_module_is_rewritten_again(pytester: pytest.Pytester) -> None:
    config = _project(pytester)
    rewrite_cache.warm(config, workers=1)
    module = pytester.path / "checks" / "test_compare.py"
    module.write_text(FAILING.replace("1, 2", "3, 4"))
    assert rewrite_cache.warm(config, workers=1) == 1
    run = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    run.stdout.fnmatch_lines(["*assert 3 == 4*"])


@pytest.mark.usefixtures("writes_bytecode")
def test_a_module_that_does_not_parse_is_left_to_the_workers(pytester: pytest.Pytester) -> None:
    config = _project(pytester)
    broken = pytester.path / "checks" / "test_broken.py"
    broken.write_text("def test_(:\n")
    assert rewrite_cache.warm(config, workers=2) == 2  # the two others
    assert not rewrite_cache.cached_path(broken).exists()


def test_nothing_is_written_where_pytest_writes_no_bytecode(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _project(pytester)
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    assert rewrite_cache.warm(config, workers=2) == 0
    assert not any(Path(pytester.path).rglob("*.pyc"))


@pytest.mark.usefixtures("writes_bytecode")
@pytest.mark.parametrize("missing", ["_read_pyc", "_rewrite_test", "_write_pyc"])
def test_without_pytests_own_functions_nothing_is_written(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    config = _project(pytester)
    monkeypatch.delattr(f"_pytest.assertion.rewrite.{missing}")
    assert rewrite_cache.warm(config, workers=1) == 0
    assert not any(Path(pytester.path).rglob("*.pyc"))
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(failed=1)

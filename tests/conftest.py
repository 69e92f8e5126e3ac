"""The whole suite's settings: the Hypothesis profiles exist before `--hypothesis-profile` is
read (tests/hypothesis_budget.py); a YAML file is parsed once per content
(tests/yaml_parsed_once.py); `-n auto` starts a worker more than there are CPUs, after the
test modules' assertions are rewritten once for them all (tests/rewrite_cache.py); the longest
tests start first; what collection built is left out of the garbage collector's full passes;
a `pytester` run loads the harness's plugin alone.

Every module of the harness is imported first (when pytest is configured, in every process that
runs tests), before any `pytester` run takes its snapshot of `sys.modules`: a module an inner
run imported lazily would be dropped after it and imported again by the next, with new classes
and new state. The plugin then no longer catches the error class a re-imported recorder raises,
and a re-imported driver reads a `python:` connector's project folders from another context
variable than the one the plugin set. Which modules the rest of the suite happens to import
first no longer decides whether a test passes: every directory passes on its own, in any order."""

from __future__ import annotations

import gc
import importlib
import os
import pkgutil
from pathlib import Path

import pytest

import harness
import tests.hypothesis_budget  # noqa: F401  (registers the ci-long profile)
from tests import rewrite_cache
from tests.longest_first import rank
from tests.yaml_parsed_once import install


def pytest_configure(config: pytest.Config) -> None:
    """Every harness module imported, then YAML parsed once per content: in every process
    that runs tests (not in an xdist controller, which runs none)."""
    if _hands_tests_to_workers(config):
        return
    for module in pkgutil.walk_packages(harness.__path__, "harness."):
        importlib.import_module(module.name)
    install()  # after: every module that reads YAML is patched


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """`-n auto`: a worker per CPU, and one more. Much of the suite waits on processes its
    tests start (the documented examples, connectors, pytester runs, npm, Chromium), time in
    which a worker per CPU leaves a CPU idle: on 2 CPUs, 3 workers took 86-88% of the time
    of 2 (bench/README.md). `PYTEST_XDIST_AUTO_NUM_WORKERS`, when set, still decides."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # pytest-xdist's own hook reads it
    return _cpus() + 1


def pytest_xdist_setupnodes(config: pytest.Config) -> None:
    """Before the workers start, the assertions of the test modules and of the harness (a
    plugin package, which pytest rewrites too) are rewritten once, a process per CPU, instead
    of by every worker (tests/rewrite_cache.py): in a fresh clone that was 5 CPU-seconds a
    worker."""
    rewrite_cache.warm(config, _cpus(), packages=[Path(harness.__file__).parent])


def _cpus() -> int:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return cpus or 1


def _hands_tests_to_workers(config: pytest.Config) -> bool:
    """This process is an xdist controller: its workers run the tests."""
    return (
        not hasattr(config, "workerinput")
        and config.getoption("dist", "no") != "no"
        and bool(config.getoption("tx", None))
        and not config.getoption("collectonly")
    )


@pytest.fixture(autouse=True)
def _pytester_runs_load_only_the_harness(request: pytest.FixtureRequest) -> None:
    """A `pytester` run (in this process or another) loads the harness's plugin and what its
    arguments name (`-p xdist`), not every plugin installed: Faker's, anyio's and
    Hypothesis's have nothing to do with what these tests check, and finding and loading
    them cost each run more than a small inner test suite. The entry point a user's pytest
    loads the harness by is exercised where a project runs pytest in a process of its own
    (tests/test_init.py, tests/test_wheel_install.py)."""
    if "pytester" not in request.fixturenames:
        return
    request.getfixturevalue("pytester")  # first: it clears PYTEST_ADDOPTS
    monkeypatch = request.getfixturevalue("monkeypatch")
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    monkeypatch.setenv("PYTEST_ADDOPTS", "-p harness.plugin")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest tests first; every other test keeps its place."""
    items.sort(key=lambda item: rank(item.nodeid))  # stable


def pytest_collection_finish(session: pytest.Session) -> None:
    """The modules, test items and fixtures collection made live for the whole run: frozen,
    the collector's full passes no longer walk them again for every few thousand objects the
    tests make (a third less collector time; what the tests make is collected as before)."""
    gc.collect()
    gc.freeze()

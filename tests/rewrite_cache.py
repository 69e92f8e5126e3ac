"""Rewrite the test modules' assertions once, before the xdist workers start.

pytest rewrites the `assert` statements of every test module and conftest it imports, and
keeps the result in `__pycache__` (`*-pytest-<version>.pyc`). In a fresh clone there is no such
file yet, and the xdist workers, started together, each rewrite all ~180 modules themselves:
5 CPU-seconds apiece, the largest share of the suite's start in a fresh clone (CI's every
run). Here the controller rewrites the modules whose cached code is missing or stale, spread
over a process per CPU, before it starts the workers; they then find every module rewritten.
The same goes for the modules of a plugin package (the harness), which pytest rewrites whole.

It uses pytest's own functions for it (private, the same in pytest 8 and 9: the value
`_rewrite_test` returns first is what `_write_pyc` takes). Where they are missing or fail,
nothing is written and the workers rewrite the modules as before: a slower start, never a
different result, since pytest checks every cached file against its source before using it.
"""

from __future__ import annotations

import fnmatch
import os
import sys
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import pytest

_SKIPPED_DIRS = {"__pycache__", "node_modules"}

_config: pytest.Config | None = None  # the controller's, inherited by the forked rewriters


def rewritten_modules(config: pytest.Config, packages: Iterable[Path] = ()) -> Iterator[Path]:
    """The files pytest rewrites: the conftests and test modules (`python_files`) the run
    collects (its arguments: paths, node ids, or else `testpaths`), and every module of
    `packages` (plugins it rewrites whole)."""
    patterns = [*config.getini("python_files"), "conftest.py"]
    for arg in config.args:
        top = config.invocation_params.dir / arg.split("::")[0]
        for path in _python_files(top) if top.is_dir() else [top]:
            if any(fnmatch.fnmatch(path.name, pattern) for pattern in patterns):
                yield path
    for package in packages:
        yield from _python_files(package)


def _python_files(top: Path) -> Iterator[Path]:
    for folder, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if d not in _SKIPPED_DIRS and not d.startswith(".")]
        yield from (Path(folder, name) for name in files if name.endswith(".py"))


def warm(config: pytest.Config, workers: int, packages: Iterable[Path] = ()) -> int:
    """Rewrite, in `workers` processes, every module of `rewritten_modules` whose cached
    rewrite is missing or stale; returns how many were written (0 when pytest would write
    none either)."""
    if sys.dont_write_bytecode or config.getoption("assertmode") != "rewrite":
        return 0
    global _config
    _config = config
    try:
        from _pytest.assertion.rewrite import _read_pyc

        modules = rewritten_modules(config, packages)
        stale = [str(path) for path in modules if _read_pyc(path, cached_path(path)) is None]
        if workers <= 1 or len(stale) <= 1:
            return sum(map(_rewrite, stale))
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork")) as pool:
            return sum(pool.map(_rewrite, stale, chunksize=max(1, len(stale) // (workers * 4))))
    except Exception:  # another pytest's private functions, or no process to fork: as before
        return 0
    finally:
        _config = None


def cached_path(path: Path) -> Path:
    """Where pytest keeps the rewritten code of `path`."""
    from _pytest.assertion.rewrite import PYC_TAIL, get_cache_dir

    return get_cache_dir(path) / (path.name[:-3] + PYC_TAIL)


def _rewrite(file: str) -> bool:
    """One module rewritten and cached as pytest itself does it; False if it could not be."""
    try:
        from _pytest.assertion import assertstate_key
        from _pytest.assertion.rewrite import _rewrite_test, _write_pyc, try_makedirs

        assert _config is not None
        path = Path(file)
        pyc = cached_path(path)
        if not try_makedirs(pyc.parent):
            return False
        source_key, code = _rewrite_test(path, _config)
        state: Any = _config.stash[assertstate_key]
        return bool(_write_pyc(state, code, source_key, pyc))
    except Exception:  # a syntax error, or another pytest: its workers will say or do it
        return False

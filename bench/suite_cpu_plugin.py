"""A pytest plugin for `bench_suite_cpu.py`: the CPU each test costs, its own and that of the
processes it starts, and what each pytest process spends before its first test.

Loaded with `-p suite_cpu_plugin` (bench/ on PYTHONPATH) in the controller and in every xdist
worker; each process appends JSON lines to a file of its own in `$SUITE_CPU_DIR`. A test's
own CPU is its process's (threads included) from setup to teardown; its children's is what
the processes it started and waited for used (`RUSAGE_CHILDREN`, which the kernel adds up
through grandchildren too). A process that a test leaves running uncollected is not counted.
"""

from __future__ import annotations

import json
import os
import resource
import time
from collections.abc import Generator
from pathlib import Path
from typing import IO, Any

import pytest

_out: IO[str] | None = None
_before_first_test: float | None = None


def _write(record: dict[str, Any]) -> None:
    global _out
    if _out is None:
        folder = Path(os.environ["SUITE_CPU_DIR"])
        _out = (folder / f"{os.getpid()}.jsonl").open("a", encoding="utf-8")
    _out.write(json.dumps(record) + "\n")
    _out.flush()


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, None, None]:
    global _before_first_test
    if _before_first_test is None:
        _before_first_test = time.process_time()
    own, children, wall = time.process_time(), _children_cpu(), time.perf_counter()
    yield
    _write({
        "test": item.nodeid,
        "own": time.process_time() - own,
        "children": _children_cpu() - children,
        "wall": time.perf_counter() - wall,
    })


def pytest_unconfigure(config: pytest.Config) -> None:
    worker = hasattr(config, "workerinput")
    _write({
        "process": "worker" if worker else "controller",
        "before_first_test": _before_first_test,
        "total": time.process_time(),
    })
    if _out is not None:
        _out.close()

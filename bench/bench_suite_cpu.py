"""Where `make test`'s CPU goes: the tests' own, the processes they start, the xdist workers'
start, the controller; and the wall time that CPU allows on this machine's cores.

`--durations` shows wall time, which on a loaded machine mostly measures who waited for whom;
a suite on two cores cannot end sooner than its CPU over two. This runs the suite as
`make test` does (`pytest -n auto --dist worksteal -q`, bytecode kept) with
`suite_cpu_plugin.py` in every process, then prints the split and the files that cost most.

    .venv/bin/python bench/bench_suite_cpu.py [--top 25] [-- PYTEST_ARGS...]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchlib import THIS_TREE, print_header, table, tree_environment

HERE = Path(__file__).resolve().parent


def run_suite(pytest_args: Sequence[str], folder: Path) -> tuple[float, float, str]:
    """(wall, CPU of every process, pytest's last line) of one run of the suite."""
    env = tree_environment(THIS_TREE)
    env["PYTHONPATH"] = os.pathsep.join([str(THIS_TREE), str(HERE)])
    env["SUITE_CPU_DIR"] = str(folder)
    argv = [sys.executable, "-m", "pytest", "-n", "auto", "--dist", "worksteal", "-q",
            "-p", "suite_cpu_plugin", *pytest_args]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    done = subprocess.run(argv, cwd=THIS_TREE, env=env, capture_output=True, text=True,
                          check=False)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"the suite exited {done.returncode}:\n{done.stdout[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    return wall, cpu, last


def read_records(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for path in folder.glob("*.jsonl")
            for line in path.read_text(encoding="utf-8").splitlines()]


def split(records: list[dict[str, Any]], total: float) -> list[tuple[str, float]]:
    """The suite's CPU, part by part; `other` is what no part names (workers' teardown,
    pytest's reports between tests, processes left to end by themselves)."""
    tests = [r for r in records if "test" in r]
    processes = [r for r in records if "process" in r]
    own = sum(r["own"] for r in tests)
    children = sum(r["children"] for r in tests)
    workers = [r for r in processes if r["process"] == "worker"]
    start = sum(r["before_first_test"] or r["total"] for r in workers)
    controller = sum(r["total"] for r in processes if r["process"] == "controller")
    named = [
        ("the tests, in the workers", own),
        ("the processes the tests start", children),
        (f"{len(workers)} workers starting and collecting", start),
        ("the controller", controller),
    ]
    return [*named, ("other", total - sum(cpu for _, cpu in named))]


def by_file(records: list[dict[str, Any]]) -> list[tuple[str, int, float, float]]:
    """(file, tests, own CPU, children's CPU), costliest first."""
    files: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    for record in records:
        if "test" in record:
            entry = files[record["test"].split("::")[0]]
            entry[0] += 1
            entry[1] += record["own"]
            entry[2] += record["children"]
    rows = [(name, int(n), own, kids) for name, (n, own, kids) in files.items()]
    return sorted(rows, key=lambda row: row[2] + row[3], reverse=True)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--top", type=int, default=25, help="files listed, costliest first")
    parser.add_argument("pytest_args", nargs="*", help="after --: passed to pytest")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        wall, total, last = run_suite(args.pytest_args, Path(scratch))
        records = read_records(Path(scratch))
    cores = os.cpu_count() or 1
    print_header("Where the suite's CPU goes")
    print(f"`pytest -n auto --dist worksteal` {' '.join(args.pytest_args)}: {last}\n")
    parts = split(records, total)
    rows = [(name, f"{cpu:.1f} s", f"{cpu / total:.0%}") for name, cpu in parts]
    rows.append(("**all of it**", f"**{total:.1f} s**", "100%"))
    print(table(["part", "CPU", "share"], rows))
    print(f"\nWall {wall:.1f} s. On {cores} cores this CPU needs at least "
          f"**{total / cores:.1f} s** of wall, however the tests are spread.\n")
    files = by_file(records)
    shown = [(name, n, f"{own:.2f} s", f"{kids:.2f} s", f"{own + kids:.2f} s")
             for name, n, own, kids in files[: args.top]]
    print(table(["file", "tests", "own CPU", "processes started", "together"], shown))


if __name__ == "__main__":
    main()

"""How long `make test` takes before its first test runs: the xdist controller and workers
starting, importing and collecting the whole suite, in a fresh copy of the tree (no bytecode,
no rewritten assertions: what CI's clean checkout starts from) and again with the caches that
run left (what a developer's second run starts from).

Each round copies the tree (and `--against`'s) without caches, then runs
`pytest -n auto -q -k <no test's name>` there twice, with this interpreter and bytecode kept,
as `make test` runs; rounds alternate between the trees. Medians of wall time and of the CPU
time of every process involved.

    .venv/bin/python bench/bench_suite_start.py [--rounds 3] [--against OTHER_TREE]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from benchlib import median, print_header, tree_environment, trees, trees_table

HERE = Path(__file__).resolve().parent
NO_TEST = "no_test_is_named_this"
LEFT_OUT = shutil.ignore_patterns(
    ".git", ".venv", "__pycache__", "node_modules", "reports", ".hypothesis", "*_cache"
)


def fresh_copy(tree: Path, where: Path) -> Path:
    """`tree` as a clean checkout has it: sources only, no caches."""
    shutil.copytree(tree, where, ignore=LEFT_OUT, symlinks=True)
    return where


def start(copy: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of the suite's start in `copy`: every test collected, none run."""
    env = tree_environment(copy)
    argv = [sys.executable, "-m", "pytest", "-n", "auto", "-q", "-k", NO_TEST]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    done = subprocess.run(argv, cwd=copy, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 5:  # 5: no test was selected, as asked
        raise SystemExit(f"pytest in {copy} exited {done.returncode}:\n{done.stdout[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="fresh copies per tree")
    parser.add_argument("--against", default=None, help="another checkout, run alternately")
    args = parser.parse_args(argv)
    compared = trees(args.against)
    times: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for round_number in range(args.rounds):
        for label, tree in compared:
            with tempfile.TemporaryDirectory() as scratch:
                copy = fresh_copy(tree, Path(scratch) / f"tree{round_number}")
                times.setdefault(("fresh copy", label), []).append(start(copy))
                times.setdefault(("second run", label), []).append(start(copy))
    print_header("The suite's start: every test collected by the xdist workers, none run")
    print(f"Medians of {args.rounds} rounds.\n")
    rows = []
    for start_kind in ("fresh copy", "second run"):
        walls = [median([w for w, _ in times[start_kind, label]]) for label, _ in compared]
        cpus = [median([c for _, c in times[start_kind, label]]) for label, _ in compared]
        cells = [f"{w:.2f} s / {c:.2f} s" for w, c in zip(walls, cpus, strict=True)]
        rows.append((start_kind, cells, walls))
    labels = [f"{label}: wall / CPU" for label, _ in compared]
    print(trees_table("start", labels, rows, "wall, this tree vs the other"))


if __name__ == "__main__":
    main()

"""The catalogue x N seeds (1,000 landings by default): wall time with 1 and 2 workers.

Two ways to spread the landings over worker processes, both measured:

- `run_catalogue` per seed (the public API `harness run` uses): every call loads the
  catalogue, mapping and account profile again and, with workers, starts a new process pool;
- long-lived workers: one pool for the whole run, each worker building its sandbox once and
  landing seed after seed (what a run of many seeds could do).

Each worker's peak resident memory (`ru_maxrss`) is reported too, and every landing's verdict
is checked against its scenario's expectation.

`--seeds` measures the seed sweep as shipped instead, against `run_catalogue` per seed in the
same run: `run_catalogue(..., seeds=...)` (one pool of long-lived workers for every seed), and
`harness run --seeds A..B` end to end in a process of its own (start-up, landings, summary
and the three reports).

    .venv/bin/python bench/bench_catalogue.py [--landings 1000] [--workers 1 2]
    .venv/bin/python bench/bench_catalogue.py --seeds [--landings 1000] [--workers 2]
    .venv/bin/python bench/bench_catalogue.py --command [--rounds 3] [--against OTHER_TREE]
    .venv/bin/python bench/bench_catalogue.py --command --connector SPEC [--workers 1 2]
    .venv/bin/python bench/bench_catalogue.py --pytest [--workers 1 2] [--against OTHER_TREE]

`--command` times only `harness run --seeds A..B --workers N` (the CLI path the target is
about), round after round; with `--against`, the same command of another checkout of the
project in alternate rounds, so both sides see the same load. `--connector` sweeps through a
connector of yours instead (`python:`, `command:`, ...; the scenarios it cannot run are
deselected, and `landings` counts what ran); `--workers 1 2` alternates worker counts.
`--pytest` times the pytest side the same way: `pytest scenarios/ --ns-seeds A..B -n N`
(`--workers 1`: one process, no xdist).

Target: 1,000 landings in at most 10 s with 2 workers on a 2-core machine (3 s for a sweep).
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
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from benchlib import cpu_all, print_header, table, tree_environment

from harness.catalogue.spec import Catalogue, load_catalogue
from harness.mapping import Mapping, load_mapping
from harness.runner import RunCaches, RunConfig, run_catalogue, run_scenario
from harness.targets.sim import SimTarget

TARGET_SECONDS = 10.0
TARGET_LANDINGS = 1000


@dataclass(frozen=True)
class Batch:
    """What one run produced: its landings, how many met expectations, worker peaks."""

    seconds: float
    cpu: float
    landings: int
    met: int
    peak_kib: dict[int, int]  # worker pid -> ru_maxrss (KiB on Linux)


def maxrss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def children_maxrss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def with_api(names: Sequence[str], seeds: Sequence[int], workers: int) -> Batch:
    began, cpu = time.perf_counter(), cpu_all()
    landings = met = 0
    for seed in seeds:
        results = run_catalogue(RunConfig(seed=seed), names, workers=workers)
        landings += len(results)
        met += sum(result.met for result in results)
    seconds = time.perf_counter() - began
    peak = maxrss_kib() if workers <= 1 else children_maxrss_kib()
    return Batch(seconds, cpu_all() - cpu, landings, met, {0: peak})


# -- long-lived workers ------------------------------------------------------------------


@dataclass
class Worker:
    """What a worker builds once: the catalogue, the mapping and an intercepting sandbox."""

    catalogue: Catalogue
    mapping: Mapping
    target: SimTarget
    caches: RunCaches

    @classmethod
    def start(cls) -> Worker:
        target = SimTarget()
        target.__enter__()
        return cls(load_catalogue(), load_mapping(), target, RunCaches())

    def land(self, names: Sequence[str], seeds: Sequence[int]) -> tuple[int, int, int, int]:
        """(landings, met, pid, peak KiB) for every scenario at every seed."""
        landings = met = 0
        for seed in seeds:
            for name in names:
                landings += 1
                spec = self.catalogue.get(name)
                met += run_scenario(spec, seed, self.target, self.mapping, caches=self.caches).met
        return landings, met, os.getpid(), maxrss_kib()


_worker: Worker | None = None


def _start_worker() -> None:
    global _worker
    _worker = Worker.start()


def _land_seeds(names: Sequence[str], seeds: Sequence[int]) -> tuple[int, int, int, int]:
    assert _worker is not None, "the pool's initializer starts the worker"
    return _worker.land(names, seeds)


def with_pool(names: Sequence[str], seeds: Sequence[int], workers: int) -> Batch:
    began, cpu = time.perf_counter(), cpu_all()
    if workers <= 1:
        worker = Worker.start()
        try:
            landings, met, pid, peak = worker.land(names, seeds)
        finally:
            worker.target.__exit__()
        return Batch(time.perf_counter() - began, cpu_all() - cpu, landings, met, {pid: peak})
    chunks = [list(seeds[i :: workers * 2]) for i in range(workers * 2)]
    peaks: dict[int, int] = {}
    landings = met = 0
    with ProcessPoolExecutor(max_workers=workers, initializer=_start_worker) as pool:
        for count, ok, pid, peak in pool.map(_land_seeds, [names] * len(chunks), chunks):
            landings, met = landings + count, met + ok
            peaks[pid] = max(peaks.get(pid, 0), peak)
    return Batch(time.perf_counter() - began, cpu_all() - cpu, landings, met, peaks)


# -- the seed sweep as shipped -------------------------------------------------------------


def with_sweep(names: Sequence[str], seeds: Sequence[int], workers: int) -> Batch:
    """`run_catalogue(..., seeds=...)`: every seed in one pool of long-lived workers."""
    began, cpu = time.perf_counter(), cpu_all()
    results = run_catalogue(RunConfig(), names, workers=workers, seeds=seeds)
    seconds = time.perf_counter() - began
    peak = maxrss_kib() if workers <= 1 else children_maxrss_kib()
    met = sum(result.met for result in results)
    return Batch(seconds, cpu_all() - cpu, len(results), met, {0: peak})


def with_command(
    names: Sequence[str],
    seeds: Sequence[int],
    workers: int,
    tree: str | None = None,
    connector: str = "reference",
) -> Batch:
    """`harness run --seeds A..B --workers N` in a process of its own, reports included;
    `tree`: the project checkout whose `harness` runs (default: this one)."""
    root = Path(tree or Path(__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": str(root)}
    with tempfile.TemporaryDirectory() as reports:
        command = [
            sys.executable,
            "-m",
            "harness.cli",
            "run",
            "--seeds",
            f"{seeds[0]}..{seeds[-1]}",
            "--workers",
            str(workers),
            "--report-dir",
            reports,
            "--connector",
            connector,
        ]
        report = Path(reports) / "harness-report.json"
        return timed_process(command, root, env, report, counted="scenarios")


def timed_process(
    command: list[str], root: Path, env: dict[str, str], report: Path, *, counted: str
) -> Batch:
    """`command` run to its end in `root`: its wall and CPU, and the landings and met of the
    JSON report it wrote (`counted`: the summary's key for the landings)."""
    began, cpu = time.perf_counter(), cpu_all()
    subprocess.run(command, check=False, capture_output=True, cwd=root, env=env)
    seconds = time.perf_counter() - began
    summary = json.loads(report.read_text())["summary"]
    peak = children_maxrss_kib()
    return Batch(seconds, cpu_all() - cpu, summary[counted], summary["met"], {0: peak})


def with_pytest(
    names: Sequence[str],
    seeds: Sequence[int],
    workers: int,
    tree: str | None = None,
    connector: str = "reference",
) -> Batch:
    """`pytest scenarios/ --ns-seeds A..B -n N` in a process of its own (`-n 1`: no xdist),
    the pytest side of a seed sweep; `tree`: the project checkout whose plugin runs."""
    root = Path(tree or Path(__file__).resolve().parent.parent)
    with tempfile.TemporaryDirectory() as reports:
        report = Path(reports) / "landings.json"
        command = [
            sys.executable, "-m", "pytest", "scenarios/", "-q", "-p", "no:cacheprovider",
            "--ns-seeds", f"{seeds[0]}..{seeds[-1]}", "-n", str(workers if workers > 1 else 0),
            f"--ns-connector={connector}", f"--ns-report={report}",
        ]
        return timed_process(command, root, tree_environment(root), report, counted="landings")


def sweep_main(names: Sequence[str], seeds: Sequence[int], workers_list: Sequence[int]) -> None:
    """Per worker count: run_catalogue per seed, then the sweep (library, then the command)."""
    ways = (
        ("run_catalogue per seed", with_api),
        ("run_catalogue(seeds=...)", with_sweep),
        ("harness run --seeds", with_command),
    )
    rows = []
    for workers in workers_list:
        for how, run in ways:
            batch = run(names, seeds, workers)
            rows.append(
                (
                    how,
                    workers,
                    batch.landings,
                    f"{batch.seconds:.1f} s",
                    f"{batch.seconds / batch.landings * 1000:.1f} s",
                    f"{batch.cpu / batch.landings * 1000:.1f} ms",
                    f"{batch.met}/{batch.landings}",
                )
            )
    print_header("The catalogue × seeds: a seed sweep against run_catalogue per seed")
    print(f"{len(names)} scenarios × {len(seeds)} seeds ({seeds[0]}..{seeds[-1]}), wall time.\n")
    headers = ["how", "workers", "landings", "wall", "per 1,000", "CPU per landing", "met"]
    print(table(headers, rows))
    print(
        "\n`harness run --seeds` includes its start-up, the summary and writing the JSON, "
        "JUnit and HTML reports of every landing."
    )


def command_main(
    names: Sequence[str],
    seeds: Sequence[int],
    workers_list: Sequence[int],
    rounds: int,
    against: str | None,
    connector: str,
    pytest: bool = False,
) -> None:
    """`harness run --seeds` alone (`pytest`: `pytest --ns-seeds`), `rounds` times
    (alternating with `against`'s tree, and between worker counts)."""
    run = with_pytest if pytest else with_command
    trees = [("this tree", None)] + ([(f"{against}", against)] if against else [])
    rows = []
    for round_number in range(1, rounds + 1):
        for (label, tree), workers in [(t, w) for t in trees for w in workers_list]:
            load = os.getloadavg()[0]
            batch = run(names, seeds, workers, tree, connector)
            rows.append(
                (
                    round_number,
                    label,
                    workers,
                    batch.landings,
                    f"{batch.seconds:.2f} s",
                    f"{batch.cpu:.1f} s",
                    f"{batch.cpu / batch.landings * 1000:.1f} ms",
                    f"{batch.met}/{batch.landings}",
                    f"{load:.1f}",
                )
            )
    print_header("`pytest --ns-seeds` end to end" if pytest else "`harness run --seeds` end to end")
    print(f"{len(names)} scenarios × {len(seeds)} seeds, --connector {connector}.\n")
    headers = [
        "round", "tree", "workers", "landings", "wall", "CPU", "CPU per landing", "met", "load"
    ]
    print(table(headers, rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--landings", type=int, default=TARGET_LANDINGS)
    parser.add_argument("--workers", type=int, nargs="+", default=None)
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument(
        "--seeds", action="store_true", help="the seed sweep as shipped vs run_catalogue per seed"
    )
    parser.add_argument(
        "--command", action="store_true", help="only `harness run --seeds`, round after round"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--against", default=None, help="another checkout, run alternately")
    parser.add_argument("--connector", default="reference", help="with --command: whose")
    parser.add_argument(
        "--pytest", action="store_true", help="as --command, through `pytest --ns-seeds`"
    )
    args = parser.parse_args()

    names = [spec.name for spec in load_catalogue().scenarios]
    rounds = -(-args.landings // len(names))
    seeds = list(range(args.first_seed, args.first_seed + rounds))
    if args.command or args.pytest:
        command_main(
            names, seeds, args.workers or [2], args.rounds, args.against, args.connector,
            pytest=args.pytest,
        )
        return
    if args.seeds:
        sweep_main(names, seeds, args.workers or [2])
        return
    args.workers = args.workers or [1, 2]
    rows = []
    two_worker_best: float | None = None
    for workers in args.workers:
        for how, run in (("run_catalogue per seed", with_api), ("long-lived workers", with_pool)):
            batch = run(names, seeds, workers)
            per_thousand = batch.seconds / batch.landings * 1000
            if workers == 2:
                best = two_worker_best if two_worker_best is not None else per_thousand
                two_worker_best = min(best, per_thousand)
            peaks = ", ".join(f"{kib / 1024:.0f}" for kib in sorted(batch.peak_kib.values()))
            rows.append(
                (
                    how,
                    workers,
                    batch.landings,
                    f"{batch.seconds:.1f} s",
                    f"{per_thousand:.1f} s",
                    f"{batch.seconds / batch.landings * 1000:.1f} ms",
                    f"{batch.cpu / batch.landings * 1000:.1f} ms",
                    f"{batch.met}/{batch.landings}",
                    peaks,
                )
            )

    print_header("The catalogue × seeds: wall time and memory per worker")
    print(f"{len(names)} scenarios × {rounds} seeds ({seeds[0]}..{seeds[-1]}), wall time.\n")
    headers = [
        "spread by",
        "workers",
        "landings",
        "wall",
        "per 1,000",
        "per landing",
        "CPU per landing",
        "met expectation",
        "peak RSS per worker (MiB)",
    ]
    print(table(headers, rows))
    if two_worker_best is not None:
        met = "met" if two_worker_best <= TARGET_SECONDS else "NOT met"
        print(
            f"\nTarget 1,000 landings ≤ {TARGET_SECONDS:.0f} s with 2 workers: {met} "
            f"(best {two_worker_best:.1f} s per 1,000)."
        )
    print(
        "\nCPU per landing counts every process (workers included): on an otherwise idle machine "
        "the wall time is about CPU / workers."
    )
    print(
        "\nPeak RSS of `run_catalogue` with 2 workers is the largest of its pool processes "
        "(RUSAGE_CHILDREN); with 1 worker it is this process."
    )


if __name__ == "__main__":
    main()

"""The catalogue in the embedded sandbox, spread over long-lived worker processes."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack
from dataclasses import dataclass, field
from multiprocessing import util
from typing import Any

from harness.catalogue.spec import load_catalogue
from harness.mapping import load_mapping
from harness.runner.core import ConnectorFactory, RunCaches, ScenarioResult, run_scenario
from harness.targets.sim import SimTarget

# One landing to do: a scenario, and its seed in a seed sweep (None: the run seed).
Job = tuple[str, int | None]

# At most this many landings go to a worker at once: a sweep of a thousand landings then
# ends with every worker busy until the last few, not one finishing a long batch alone.
MAX_BATCH = 16


class WorkerDiedError(RuntimeError):
    """A worker process ended in the middle of a run (killed, out of memory, or a connector
    that ended the process it ran in): the landings it held have no verdict."""

    def __init__(self, unlanded: Sequence[Job]) -> None:
        self.unlanded = list(unlanded)
        named = [name if seed is None else f"{name}[seed={seed}]" for name, seed in unlanded]
        shown = ", ".join(named[:5]) + (f" and {len(named) - 5} more" if len(named) > 5 else "")
        super().__init__(
            "a worker process ended abruptly (killed, out of memory, or a connector that ends "
            "the process it runs in: os._exit, a crash in native code); no verdict for "
            f"{len(named)} landing(s): {shown}. Land one of them alone (-k NAME, --seed S) "
            "to see which ends it"
        )


@dataclass(frozen=True)
class RunConfig:
    """Everything a worker process needs to rebuild the run (picklable). `every_call`: a
    seed sweep keeps the calls of every landing, not only of those that missed. `connector`:
    "reference", or a connector we don't own that each worker drives itself, with
    `connector_options` (see `harness.runner.connectors.one_at_a_time` for which can)."""

    catalogue: str | None = None
    mapping: str | None = None
    account: str | None = None
    seed: int = 0
    every_call: bool = False
    connector: str = "reference"
    connector_options: dict[str, Any] = field(default_factory=dict)


class _Worker:
    """What one worker process keeps for the whole run: catalogue, mapping, one sandbox, and
    the connector under test: ours, with the account's reference data learnt once, or one we
    don't own, driven against this worker's own sandbox."""

    def __init__(self, config: RunConfig, *, own_process: bool = False) -> None:
        self.config = config
        self._kept = _KeptForTheRun(own_process)
        self.catalogue = load_catalogue(config.catalogue)
        self.mapping = load_mapping(config.mapping)
        self.caches: RunCaches | None = None
        self.factory: ConnectorFactory | None = None
        with ExitStack() as opened:
            self.target = opened.enter_context(SimTarget(config.account))
            if config.connector == "reference":
                self.caches = RunCaches()
            else:  # imported here: connectors.py imports this module
                from harness.runner.connectors import external_factory

                self.factory = opened.enter_context(external_factory(config, self.target))
            self._open = opened.pop_all()  # built: kept open until `close`

    def run(self, jobs: Sequence[Job]) -> list[ScenarioResult]:
        return [self.land(name, seed) for name, seed in jobs]

    def land(self, name: str, seed: int | None) -> ScenarioResult:
        spec = self.catalogue.get(name)
        run_seed = self.config.seed if seed is None else seed
        result = run_scenario(
            spec, run_seed, self.target, self.mapping, self.factory, caches=self.caches
        )
        self._kept.after_landing()
        return result if seed is None else result.in_sweep(seed, every_call=self.config.every_call)

    def close(self) -> None:
        self._open.close()
        self._kept.end()


class _KeptForTheRun:
    """After a worker's first landing, what it keeps for the run (modules, catalogue, the
    sandbox, and what the first landing made: modules loaded on first use, caches, prepared
    statements) is frozen out of the collector's full passes, which walk all of it again
    while the heap is still growing: 3.7% of the instructions of a catalogue's first 39
    landings (bench/README.md). A pool worker is a process of ours and stays so; in the
    caller's process the freeze is undone when the run ends, and a caller that froze objects
    itself (a test session) is left as it was."""

    def __init__(self, own_process: bool) -> None:
        self._pending = own_process or gc.get_freeze_count() == 0
        self._undo = not own_process
        self._froze = False

    def after_landing(self) -> None:
        if self._pending:
            self._pending = False
            gc.freeze()
            self._froze = True

    def end(self) -> None:
        if self._froze and self._undo:
            self._froze = False
            gc.unfreeze()


_worker: _Worker | None = None


def _start_worker(config: RunConfig) -> None:
    global _worker
    _worker = _Worker(config, own_process=True)
    # A pool's worker leaves by `os._exit`, past `atexit`; multiprocessing runs this on the
    # way out, so what a connector left behind (a command's order folders) goes with it.
    util.Finalize(_worker, _worker.close, exitpriority=10)


def _run_in_worker(jobs: Sequence[Job]) -> list[ScenarioResult]:
    assert _worker is not None, "the pool's initializer builds the worker first"
    return _worker.run(jobs)


def run_catalogue(
    config: RunConfig,
    names: Sequence[str],
    *,
    workers: int = 1,
    seeds: Sequence[int] | None = None,
    on_result: Callable[[ScenarioResult], None] | None = None,
) -> list[ScenarioResult]:
    """Run the named scenarios, in `workers` processes; results come back in `names` order.

    With `seeds` (a seed sweep), every scenario runs at every seed, all in the same worker
    processes, and each result carries its seed; results come back by scenario, then seed.
    Without, each scenario runs once at the run seed (`config.seed`).

    Each worker process builds its sandbox once and runs many small batches, so a slow
    scenario doesn't leave the other workers idle at the end."""
    # Handed out seed by seed, so every batch mixes quick and slow scenarios alike.
    jobs: list[Job] = (
        [(name, None) for name in names]
        if seeds is None
        else [(name, seed) for seed in seeds for name in names]
    )
    results: dict[Job, ScenarioResult] = {}

    def collect(batch: Iterable[ScenarioResult]) -> None:
        for result in batch:
            results[result.scenario, result.seed] = result
            if on_result is not None:
                on_result(result)

    if workers <= 1 or len(jobs) <= 1:
        worker = _Worker(config)
        try:
            for job in jobs:
                collect([worker.land(*job)])
        finally:
            worker.close()
    else:
        with ProcessPoolExecutor(
            max_workers=workers, initializer=_start_worker, initargs=(config,)
        ) as pool:
            try:
                for batch in pool.map(_run_in_worker, _batches(jobs, workers)):
                    collect(batch)
            except BrokenProcessPool:
                raise WorkerDiedError([job for job in jobs if job not in results]) from None
    if seeds is None:
        return [results[name, None] for name in names]
    return [results[name, seed] for name in names for seed in seeds]


def _batches(jobs: list[Job], workers: int) -> list[list[Job]]:
    """At least four batches per worker, of at most MAX_BATCH landings each."""
    size = max(1, min(MAX_BATCH, -(-len(jobs) // (workers * 4))))
    return [jobs[i : i + size] for i in range(0, len(jobs), size)]

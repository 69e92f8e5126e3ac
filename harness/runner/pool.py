"""The catalogue in the embedded sandbox, spread over long-lived worker processes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from harness.catalogue.spec import load_catalogue
from harness.mapping import load_mapping
from harness.runner.core import RunCaches, ScenarioResult, run_scenario
from harness.targets.sim import SimTarget


@dataclass(frozen=True)
class RunConfig:
    """Everything a worker process needs to rebuild the run (picklable)."""

    catalogue: str | None = None
    mapping: str | None = None
    account: str | None = None
    seed: int = 0


class _Worker:
    """What one worker process keeps for the whole run: catalogue, mapping and one sandbox."""

    def __init__(self, config: RunConfig) -> None:
        self.config = config
        self.catalogue = load_catalogue(config.catalogue)
        self.mapping = load_mapping(config.mapping)
        self.target = SimTarget(config.account).__enter__()
        self.caches = RunCaches()

    def run(self, names: Sequence[str]) -> list[ScenarioResult]:
        return [
            run_scenario(
                self.catalogue.get(name),
                self.config.seed,
                self.target,
                self.mapping,
                caches=self.caches,
            )
            for name in names
        ]


_worker: _Worker | None = None


def _start_worker(config: RunConfig) -> None:
    global _worker
    _worker = _Worker(config)


def _run_in_worker(names: Sequence[str]) -> list[ScenarioResult]:
    assert _worker is not None, "the pool's initializer builds the worker first"
    return _worker.run(names)


def run_catalogue(
    config: RunConfig,
    names: Sequence[str],
    *,
    workers: int = 1,
    on_result: Callable[[ScenarioResult], None] | None = None,
) -> list[ScenarioResult]:
    """Run the named scenarios, in `workers` processes; results come back in `names` order.

    Each worker process builds its sandbox once and runs many small batches, so a slow
    scenario doesn't leave the other workers idle at the end.
    """
    results: dict[str, ScenarioResult] = {}

    def collect(batch: Iterable[ScenarioResult]) -> None:
        for result in batch:
            results[result.scenario] = result
            if on_result is not None:
                on_result(result)

    if workers <= 1 or len(names) <= 1:
        catalogue = load_catalogue(config.catalogue)
        mapping = load_mapping(config.mapping)
        caches = RunCaches()
        with SimTarget(config.account) as target:
            for name in names:
                spec = catalogue.get(name)
                collect([run_scenario(spec, config.seed, target, mapping, caches=caches)])
    else:
        chunks = _chunks(list(names), workers * 4)
        with ProcessPoolExecutor(
            max_workers=workers, initializer=_start_worker, initargs=(config,)
        ) as pool:
            for batch in pool.map(_run_in_worker, chunks):
                collect(batch)
    return [results[name] for name in names]


def _chunks(items: list[str], count: int) -> list[list[str]]:
    size = max(1, -(-len(items) // max(1, count)))
    return [items[i : i + size] for i in range(0, len(items), size)]

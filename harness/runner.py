"""Run scenarios end to end: generate the order, push it through a connector, verify it.

The runner is what `harness run`, the pytest plugin and the benchmarks share. A target
gives NetSuite clients (one per credential, as the scenario's role demands) and isolates
scenarios from each other; the embedded sandbox resets in milliseconds, so every scenario
starts from the demo account as the profile describes it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import responses

from harness.catalogue.spec import Catalogue, ScenarioSpec, load_catalogue
from harness.connector.refdata import KnownRefs
from harness.connector.reference import ReferenceConnector
from harness.landing.refdata import AccountRefs, ReferenceData
from harness.landing.verdict import Verdict
from harness.landing.verify import verify
from harness.mapping import Mapping, load_mapping
from harness.netsuite.auth import tba_auth
from harness.netsuite.calllog import CallLog
from harness.netsuite.client import NetSuiteClient
from harness.push import Connector
from harness.sandbox.serve import Sandbox
from harness.woo.generate import apply_update, generate

ConnectorFactory = Callable[[NetSuiteClient, Mapping], Connector]


@dataclass
class RunCaches:
    """The account's reference data as learnt by one run: items, ship items, tax codes,
    subsidiaries, currencies (never customers), shared by its landings so a catalogue run
    asks NetSuite for each of them once rather than once per order."""

    connector: KnownRefs = field(default_factory=dict)
    landing: AccountRefs = field(default_factory=AccountRefs)


class Target(Protocol):
    """Where orders land: gives clients per credential and isolates scenarios."""

    name: str

    def client(
        self, credential: str | None = None, calllog: CallLog | None = None
    ) -> NetSuiteClient: ...

    def isolate(self) -> None: ...


class SimTarget:
    """The embedded sandbox, answering in-process (every `requests` call to its host)."""

    name = "sim"

    def __init__(self, account: str | Path | None = None) -> None:
        self.sandbox = Sandbox(account)
        self._stack = ExitStack()
        self._mock: responses.RequestsMock | None = None
        self._credentials = {c.name: c for c in self.sandbox.profile.credentials.tba}
        self._default = self.sandbox.profile.credentials.tba[0].name

    def __enter__(self) -> SimTarget:
        self._mock = self._stack.enter_context(self.sandbox.intercept())
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def client(
        self, credential: str | None = None, calllog: CallLog | None = None
    ) -> NetSuiteClient:
        name = credential or self._default
        if name not in self._credentials:
            known = ", ".join(sorted(self._credentials))
            raise KeyError(f"credential {name!r} is not in the account profile (known: {known})")
        c = self._credentials[name]
        auth = tba_auth(
            self.sandbox.account_id, c.consumerKey, c.consumerSecret, c.tokenId, c.tokenSecret
        )
        secrets = (c.consumerSecret, c.tokenSecret)
        return NetSuiteClient(self.sandbox.base_url, auth, calllog=calllog, secrets=secrets)

    def isolate(self) -> None:
        self.sandbox.reset()
        if self._mock is not None:
            # `responses` keeps every request and answer it served: over a long run that is
            # every client and order; nobody reads them here.
            self._mock.calls.reset()
            for registered in self._mock.registered():
                registered.calls.reset()


@dataclass(frozen=True)
class ScenarioResult:
    """One scenario's verdict, whether it met its expectation, and its API calls."""

    scenario: str
    expected: str
    verdict: Verdict
    seconds: float
    calls: tuple[dict[str, Any], ...] = ()

    @property
    def met(self) -> bool:
        return self.verdict.met(self.expected)

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "expected": self.expected,
            "met": self.met,
            "seconds": round(self.seconds, 4),
            "verdict": self.verdict.to_json(),
            "calls": list(self.calls),
        }


def run_scenario(
    spec: ScenarioSpec,
    seed: int,
    target: Target,
    mapping: Mapping,
    connector_factory: ConnectorFactory | None = None,
    caches: RunCaches | None = None,
) -> ScenarioResult:
    """Push one scenario's order (and its updates) and verify where it landed.

    Without `connector_factory`, the reference connector pushes; `caches` lets the scenarios
    of one run share what they learnt about the account's reference data."""
    started = time.perf_counter()
    target.isolate()
    calllog = CallLog()
    client = target.client(spec.target.credential, calllog)
    if connector_factory is not None:
        connector = connector_factory(client, mapping)
    else:
        connector = ReferenceConnector(client, mapping, known=caches.connector if caches else None)
    order = generate(spec, seed)
    push = connector.push(order)
    for step, update in enumerate(spec.updates, start=1):
        order = apply_update(order, update, step)
        push = connector.push(order)
    # Read back with the account's default integration role: the scenario's role may be the
    # very thing under test, and verification must see what landed regardless.
    reader = target.client(None, calllog)
    lookups = ReferenceData(reader, account=caches.landing) if caches else None
    verdict = verify(order, mapping, reader, calllog, push, scenario=spec.name, lookups=lookups)
    calls = tuple(call.to_dict() for call in calllog.calls)
    return ScenarioResult(spec.name, spec.expect, verdict, time.perf_counter() - started, calls)


def select(catalogue: Catalogue, selector: str | None = None) -> list[ScenarioSpec]:
    """Scenarios whose name contains `selector` (all of them without one)."""
    return [spec for spec in catalogue.scenarios if not selector or selector in spec.name]


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


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def iter_specs(catalogue: Catalogue) -> Iterator[ScenarioSpec]:
    yield from catalogue.scenarios

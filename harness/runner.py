"""Run scenarios end to end: generate the order, push it through a connector, verify it.

`land` is the one landing core; `harness run`, `harness land`, the pytest plugin and the
benchmarks all call it. A target (`harness.targets`) gives NetSuite clients (one per
credential, as the scenario's role demands) and isolates scenarios from each other; the
embedded sandbox resets in milliseconds, so every scenario starts from the account profile.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from collections.abc import Mapping as Settings
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from harness.catalogue.spec import Catalogue, ScenarioSpec, load_catalogue
from harness.connector.drivers.watch import DEFAULT_TIMEOUT
from harness.connector.external import (
    DriverFactory,
    ExternalConnectorError,
    ObservedServer,
    connector_from_spec,
    serve_for_connectors,
    split_spec,
)
from harness.connector.refdata import KnownRefs
from harness.connector.reference import ReferenceConnector
from harness.landing.refdata import AccountRefs, ReferenceData
from harness.landing.verdict import Diagnosis, Verdict
from harness.landing.verify import verify
from harness.mapping import Mapping, load_mapping
from harness.netsuite.calllog import Call, CallLog
from harness.netsuite.client import NetSuiteClient
from harness.netsuite.errors import NetSuiteError
from harness.push import Connector, PushResult
from harness.recording import Recorder, RecordingError, ReplayMark, SkippedWritesError
from harness.recording.paths import scenario_nodeid
from harness.targets.account import AccountTarget
from harness.targets.base import Target
from harness.targets.cleanup import delete_created
from harness.targets.scenario import activate
from harness.targets.sim import SimTarget
from harness.woo.generate import apply_update, generate
from harness.woo.order import WooOrder
from harness.woo.orderspec import OrderSpec

ConnectorFactory = Callable[[NetSuiteClient, Mapping], Connector]


@dataclass
class RunCaches:
    """The account's reference data as learnt by one run: items, ship items, tax codes,
    subsidiaries, currencies (never customers), shared by its landings so a catalogue run
    asks NetSuite for each of them once rather than once per order."""

    connector: KnownRefs = field(default_factory=dict)
    landing: AccountRefs = field(default_factory=AccountRefs)


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


@dataclass(frozen=True)
class Landing:
    """One order pushed and verified: the verdict, the order as last pushed, and the calls
    this landing made (the connector's and the read-back's)."""

    verdict: Verdict
    order: WooOrder
    seconds: float
    calls: tuple[Call, ...] = ()


def land(
    what: WooOrder | OrderSpec,
    connector: Connector,
    reader: NetSuiteClient,
    calllog: CallLog,
    mapping: Mapping,
    *,
    seed: int = 0,
    scenario: str | None = None,
    lookups: ReferenceData | None = None,
    replay: Recorder | None = None,
) -> Landing:
    """Push an order through `connector` and verify where it landed: the one landing core.

    An order spec is generated with `seed`, pushed, then pushed again after each of its
    `updates` (as WooCommerce's order.updated deliveries would). A given order whose own
    numbers do not add up is not pushed: verification explains it as `invalid-order`.
    `reader` reads back, best with the account's default role: the connector's role may be
    the very thing under test. `calllog` is the one both clients write to; only this
    landing's part of it is evidence.

    With `replay` (a cassette answering), the verdict comes only from what this run did: a
    request of the connector's that the cassette cannot answer raises its `ReplayMissError`
    even if the connector swallowed it; a connector that made none of the writes still
    recorded is `not-pushed` (nothing is read back: the cassette's answers describe writes
    this run never made); one that made some but passed over others raises
    `SkippedWritesError`."""
    started = time.perf_counter()
    first_call = len(calllog)
    mark = replay.mark() if replay is not None else None
    push: PushResult | None
    if isinstance(what, WooOrder):
        order = what
        push = None if order.check_invariants() else connector.push(order)
    else:
        order = generate(what, seed)
        push = connector.push(order)
        for step, update in enumerate(what.updates, start=1):
            order = apply_update(order, update, step)
            push = connector.push(order)
    unpushed = _replay_after_push(replay, mark, order, scenario)
    if unpushed is not None:
        verdict = unpushed
    else:
        evidence = CallLog(calls=calllog.calls[first_call:], redactor=calllog.redactor)
        verdict = verify(order, mapping, reader, evidence, push, scenario=scenario, lookups=lookups)
        _replay_after_verify(replay, mark)
    calls = tuple(calllog.calls[first_call:])
    return Landing(verdict, order, time.perf_counter() - started, calls)


def _replay_after_push(
    replay: Recorder | None, mark: ReplayMark | None, order: WooOrder, scenario: str | None
) -> Verdict | None:
    """The connector's misses raised; `not-pushed` when it made none of the recorded writes."""
    if replay is None or mark is None:
        return None
    report = replay.report_since(mark)
    if report.misses:
        raise report.misses[0]
    if report.writes_played or not report.unplayed_writes:
        return None
    writes = ", ".join(report.unplayed_writes)
    number = order.number or str(order.id)
    summary = (
        f"Order #{number} was not sent to NetSuite: the connector made none of the "
        f"{len(report.unplayed_writes)} write(s) recorded for it ({writes})."
    )
    hint = (
        "Check the connector's own log for why it sent nothing. If it is meant to skip this "
        f"order now, record the scenario again: {replay.record_command}"
    )
    diagnosis = Diagnosis("sync-rule", summary, hint, report.unplayed_writes)
    return Verdict(order=number, outcome="not-pushed", scenario=scenario, diagnosis=diagnosis)


def _replay_after_verify(replay: Recorder | None, mark: ReplayMark | None) -> None:
    """Misses of the read-back raised; writes the connector passed over raised."""
    if replay is None or mark is None:
        return
    report = replay.report_since(mark)
    if report.misses:
        raise report.misses[0]
    if report.skipped_writes:
        skipped = ", ".join(report.skipped_writes)
        raise SkippedWritesError(
            f"Replay of {replay.path}: the code under test made some of the recorded writes "
            f"but passed over {skipped}. The answers it read back describe writes this run "
            f"never made. If the change is intended, record it again:\n"
            f"    {replay.record_command}",
            list(report.skipped_writes),
        )


def run_scenario(
    spec: ScenarioSpec,
    seed: int,
    target: Target,
    mapping: Mapping,
    connector_factory: ConnectorFactory | None = None,
    caches: RunCaches | None = None,
    replay: Recorder | None = None,
) -> ScenarioResult:
    """One catalogue scenario on a fresh target: its role's client pushes, the default
    role reads back. Without `connector_factory`, the reference connector pushes; `caches`
    lets the scenarios of one run share what they learnt about the account's reference data;
    `replay` is the cassette answering, if one is (see `land`)."""
    started = time.perf_counter()
    target.isolate()
    calllog = CallLog()
    client = target.client(spec.target.credential, calllog)
    if connector_factory is not None:
        connector = connector_factory(client, mapping)
    else:
        connector = ReferenceConnector(client, mapping, known=caches.connector if caches else None)
    reader = target.client(None, calllog)
    lookups = ReferenceData(reader, account=caches.landing) if caches else None
    landing = land(
        spec,
        connector,
        reader,
        calllog,
        mapping,
        seed=seed,
        scenario=spec.name,
        lookups=lookups,
        replay=replay,
    )
    calls = tuple(call.to_dict() for call in landing.calls)
    return ScenarioResult(
        spec.name, spec.expect, landing.verdict, time.perf_counter() - started, calls
    )


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


# ----------------------------------------------------------------------------- accounts


def _unplayed(spec: ScenarioSpec, problem: str, seconds: float) -> ScenarioResult:
    """A scenario the cassettes could not answer: not met, and saying why."""
    diagnosis = Diagnosis(
        "transport",
        f"No recorded answer for scenario {spec.name}: {problem}",
        "Record the scenario again (the command is in the message), then replay.",
        (problem,),
    )
    verdict = Verdict(order="?", outcome="not-pushed", scenario=spec.name, diagnosis=diagnosis)
    return ScenarioResult(spec.name, spec.expect, verdict, seconds)


def clean_up(target: AccountTarget, result: ScenarioResult) -> list[str]:
    """Delete what `result`'s calls created, newest first; what could not be, one line each."""
    return delete_created(target.client(), [Call(**call) for call in result.calls])


def record_command(name: str) -> str:
    """How `harness run` records one scenario again."""
    return f"harness run --target record -k {name}"


def run_on_account(
    target: AccountTarget,
    config: RunConfig,
    names: Sequence[str],
    *,
    on_result: Callable[[ScenarioResult], None] | None = None,
    on_leftover: Callable[[str], None] | None = None,
) -> list[ScenarioResult]:
    """The named scenarios, one after the other, against an account or its cassettes.

    Each scenario's records are deleted after it (newest first) unless the target keeps
    them. Cassettes are the pytest plugin's own (`scenario_nodeid`), so one recorded with
    `pytest --ns-target=record scenarios/test_catalogue.py` replays here, and the other way."""
    catalogue = load_catalogue(config.catalogue)
    mapping = load_mapping(config.mapping)
    settings = target.settings
    results: list[ScenarioResult] = []
    for name in names:
        spec = catalogue.get(name)
        started = time.perf_counter()
        try:
            with activate(
                target,
                CallLog(),
                nodeid=scenario_nodeid(name),
                record_command=record_command(name),
                scenario=spec,
                mapping=mapping,
            ) as active:
                result = run_scenario(spec, config.seed, target, mapping, replay=active.replay)
        except RecordingError as exc:
            result = _unplayed(spec, str(exc), time.perf_counter() - started)
        if settings.uses_account and not settings.keep_records:
            try:
                leftovers = clean_up(target, result)
            except NetSuiteError as exc:
                leftovers = [f"cleanup after {name}: {exc}"]
            for line in leftovers:
                if on_leftover is not None:
                    on_leftover(line)
        results.append(result)
        if on_result is not None:
            on_result(result)
    return results


# ----------------------------------------------------------------------------- external


REFERENCE = "reference"


def check_spec(spec: str, options: Settings[str, Any]) -> None:
    """Refuse at once a connector `harness run` cannot drive (before any scenario runs)."""
    if spec == REFERENCE:
        return
    kind, _ = split_spec(spec)
    if kind == "store":
        # The store numbers the orders it creates, and a run verifies the scenario's own
        # order; store connectors are driven through the library (StoreConnector).
        raise ExternalConnectorError(
            "harness run cannot drive a store: connector yet (the store renumbers each order); "
            "use webhook:, command: or python:, or StoreConnector from the library"
        )
    connector_from_spec(spec, **options).close()  # checks the spec and every option


def run_external(
    config: RunConfig,
    names: Sequence[str],
    spec: str,
    options: Settings[str, Any],
    *,
    port: int = 0,
    on_result: Callable[[ScenarioResult], None] | None = None,
) -> list[ScenarioResult]:
    """The named scenarios, one after the other, through the connector `spec` names.

    The sandbox is served on 127.0.0.1:`port` (0: any free port); a connector that runs on
    its own (a webhook receiver) is started with NETSUITE_BASE_URL pointing there."""
    check_spec(spec, options)
    catalogue = load_catalogue(config.catalogue)
    mapping = load_mapping(config.mapping)
    results: list[ScenarioResult] = []
    with SimTarget(config.account) as target, serve_for_connectors(target, port=port) as server:
        factory = connector_from_spec(spec, observe=server, **options)
        try:
            for name in names:
                result = run_scenario(catalogue.get(name), config.seed, target, mapping, factory)
                results.append(result)
                if on_result is not None:
                    on_result(result)
        finally:
            server.observe(None)
            factory.close()
    return results


@contextmanager
def connector_session(
    spec: str | None,
    *,
    secret: str | None = None,
    observe: ObservedServer | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Iterator[DriverFactory | None]:
    """One driver factory for a whole session of landings (None: the reference connector).

    With `observe` (sim: the sandbox served over HTTP), connectors in other processes reach
    the sandbox there and their exchanges land in each scenario's call log; without it (live,
    record) connectors reach the account the NETSUITE_* environment names."""
    if spec is None or spec == REFERENCE:
        yield None
        return
    kind, _ = split_spec(spec)
    options: dict[str, Any] = {"timeout": timeout, "observe": observe}
    if kind == "webhook":
        options["secret"] = secret or os.environ.get("WOO_WEBHOOK_SECRET")
    factory = connector_from_spec(spec, **options)
    try:
        yield factory
    finally:
        factory.close()

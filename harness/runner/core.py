"""The one landing core: an order or an order spec pushed through a connector into a
target and verified (`land`), and one catalogue scenario end to end (`run_scenario`)."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from harness.catalogue.orders import handed_out, order_versions
from harness.catalogue.spec import ScenarioSpec
from harness.connector.refdata import KnownRefs
from harness.connector.reference import ReferenceConnector
from harness.landing.refdata import AccountRefs, ReferenceData
from harness.landing.verdict import Diagnosis, Verdict
from harness.landing.verify import verify
from harness.mapping import Mapping
from harness.netsuite.calllog import Call, CallLog, CallRecords
from harness.netsuite.client import NetSuiteClient
from harness.push import Connector, PushResult
from harness.runner.drivers import driven
from harness.targets.base import Target
from harness.woo.order import WooOrder
from harness.woo.orderspec import OrderSpec

if TYPE_CHECKING:  # vcrpy loads only where a cassette answers
    from harness.recording import Recorder, ReplayMark

ConnectorFactory = Callable[[NetSuiteClient, Mapping], Connector]


@dataclass
class RunCaches:
    """The account's reference data as learnt by one run: items, ship items, tax codes,
    subsidiaries, currencies (never customers), shared by its landings so a catalogue run
    asks NetSuite for each of them once rather than once per order.

    What a connector learnt is kept per credential: a role that may not view items must not
    find them through the lookups of another, as NetSuite would refuse its own."""

    connectors: dict[str | None, KnownRefs] = field(default_factory=dict)
    landing: AccountRefs = field(default_factory=AccountRefs)

    def connector(self, credential: str | None) -> KnownRefs:
        """What connectors acting as `credential` (None: the default) learnt so far."""
        return self.connectors.setdefault(credential, {})


class _ReadWhenAsked:
    """A result's calls: kept as given (a log's `CallRecords`, redacted when first read) and
    turned into the plain tuple of their dicts the first time anyone asks. A run that only
    counts verdicts never redacts them; a report, a pickle or a print gets them redacted."""

    def __set_name__(self, owner: type, name: str) -> None:
        self._slot = f"_{name}"

    def __get__(self, instance: object | None, owner: type) -> tuple[dict[str, Any], ...]:
        if instance is None:
            return ()  # the field's default
        held = instance.__dict__[self._slot]
        if not isinstance(held, tuple):
            held = instance.__dict__[self._slot] = tuple(held)
        return held

    def __set__(self, instance: object, value: Sequence[dict[str, Any]]) -> None:
        instance.__dict__[self._slot] = value


@dataclass(frozen=True)
class ScenarioResult:
    """One scenario's verdict, whether it met its expectation, and its API calls.

    `seed` is set in a run of several seeds (a seed sweep), where one scenario has a result
    per seed; `name` then tells them apart (`new-customer[seed=3]`). `calls_kept` is False
    for a sweep's landing that met its expectation (see `in_sweep`)."""

    scenario: str
    expected: str
    verdict: Verdict
    seconds: float
    calls: _ReadWhenAsked = _ReadWhenAsked()
    seed: int | None = None
    calls_kept: bool = True

    @property
    def met(self) -> bool:
        return self.verdict.met(self.expected)

    @property
    def name(self) -> str:
        """The scenario's name, with its seed in a seed sweep."""
        return self.scenario if self.seed is None else f"{self.scenario}[seed={self.seed}]"

    def in_sweep(self, seed: int, *, every_call: bool = False) -> ScenarioResult:
        """This result as one landing of a seed sweep at `seed`. A landing that met its
        expectation lets its calls go unread (never redacted, copied or written): a sweep of
        a thousand landings would otherwise carry megabytes of calls nobody reads, and
        `harness run -k SCENARIO --seed SEED` lands it again with them. A missed one keeps
        them: they are its evidence; with `every_call`, every landing keeps them."""
        if self.met and not every_call:
            return dataclasses.replace(self, seed=seed, calls=(), calls_kept=False)
        return dataclasses.replace(self, seed=seed)

    def to_json(self) -> dict[str, Any]:
        """The report's entry; `calls` is null where they were not kept (`in_sweep`)."""
        seeded = {} if self.seed is None else {"seed": self.seed, "name": self.name}
        return {
            "scenario": self.scenario,
            **seeded,
            "expected": self.expected,
            "met": self.met,
            "seconds": round(self.seconds, 4),
            "verdict": self.verdict.to_json(),
            "calls": list(self.calls) if self.calls_kept else None,
        }


@dataclass(frozen=True)
class Landing:
    """One order pushed and verified: the verdict, the order as last pushed, and the calls
    this landing made (the connector's and the read-back's)."""

    verdict: Verdict
    order: WooOrder
    seconds: float
    calls: Sequence[Call] = ()


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
    `updates` (as WooCommerce's order.updated deliveries would) and, for a catalogue scenario,
    after each of its `resend` changes; the last version is the one verified, and exactly one
    Sales Order must hold it. A scenario's `mapping` options apply to the expectation and to a
    connector that can take them (`with_mapping`, as the reference connector). A given order
    whose own numbers do not add up is not pushed: verification explains it as
    `invalid-order`.
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
    # The connector is handed copies: what it does to them is not what is verified.
    if isinstance(what, WooOrder):
        order = what
        push = None if order.check_invariants() else connector.push(order.deep_copy())
    else:
        mapping = scenario_mapping(mapping, what)
        connector = driven(configured(connector, mapping), what)
        versions = order_versions(what, seed)
        for handed in handed_out(versions):
            push = connector.push(handed)
        order = versions[-1]
    unpushed = _replay_after_push(replay, mark, order, scenario)
    if unpushed is not None:
        verdict = unpushed
    else:
        evidence = calllog.since(first_call)
        verdict = verify(order, mapping, reader, evidence, push, scenario=scenario, lookups=lookups)
        _replay_after_verify(replay, mark)
    calls = calllog.records(first_call)
    return Landing(verdict, order, time.perf_counter() - started, calls)


def scenario_mapping(mapping: Mapping, spec: WooOrder | OrderSpec) -> Mapping:
    """`mapping` with a catalogue scenario's own options (`mapping:` in its entry) over it."""
    overrides = spec.mapping.overrides() if isinstance(spec, ScenarioSpec) else {}
    if not overrides:
        return mapping
    data = mapping.model_dump(mode="python", by_alias=True)
    for section, values in overrides.items():
        data[section] = {**(data.get(section) or {}), **values}
    return type(mapping).model_validate(data)


def configured(connector: Connector, mapping: Mapping) -> Connector:
    """The connector configured by `mapping`, if it can be (`with_mapping`); others keep
    their own configuration."""
    with_mapping = getattr(connector, "with_mapping", None)
    if mapping is getattr(connector, "mapping", mapping) or not callable(with_mapping):
        return connector
    configured_connector: Connector = with_mapping(mapping)
    return configured_connector


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
    from harness.recording import SkippedWritesError
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
    calllog: CallLog | None = None,
) -> ScenarioResult:
    """One catalogue scenario on a fresh target: its role's client pushes, the default
    role reads back. Without `connector_factory`, the reference connector pushes; `caches`
    lets the scenarios of one run share what they learnt about the account's reference data;
    `replay` is the cassette answering, if one is (see `land`); `calllog` (a fresh one by
    default) lets a caller see the calls made even when the landing ends in an exception."""
    started = time.perf_counter()
    target.isolate()
    calllog = calllog if calllog is not None else CallLog()
    client = target.client(spec.target.credential, calllog)
    if connector_factory is not None:
        connector = connector_factory(client, mapping)
    else:
        known = caches.connector(spec.target.credential) if caches else None
        connector = ReferenceConnector(client, mapping, known=known)
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
    calls = (
        landing.calls.as_dicts()
        if isinstance(landing.calls, CallRecords)
        else tuple(call.to_dict() for call in landing.calls)
    )
    return ScenarioResult(
        spec.name, spec.expect, landing.verdict, time.perf_counter() - started, calls
    )

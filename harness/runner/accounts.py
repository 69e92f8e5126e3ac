"""The catalogue on a NetSuite account (live, record) or its cassettes (replay), one
scenario at a time, each scenario's records deleted after it."""

from __future__ import annotations

import shlex
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from harness.catalogue.spec import ScenarioSpec, load_catalogue
from harness.landing.verdict import Diagnosis, Verdict
from harness.mapping import load_mapping
from harness.netsuite.calllog import Call, CallLog, RecordRef
from harness.netsuite.errors import NetSuiteError
from harness.recording.paths import scenario_nodeid
from harness.runner.core import ConnectorFactory, ScenarioResult, run_scenario
from harness.runner.pool import RunConfig
from harness.targets.account import AccountTarget
from harness.targets.cleanup import created_records, delete_newest_first
from harness.targets.scenario import activate


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


def clean_up(
    target: AccountTarget, result: ScenarioResult | None, calls: Iterable[Call] = ()
) -> list[str]:
    """Delete what `result`'s calls (or, for a landing cut short, `calls`) created, newest
    first, and the Sales Order it found (a connector that reached the account itself made
    calls the harness never saw); what could not be deleted, one line each."""
    made = (Call(**call) for call in result.calls) if result is not None else calls
    records = created_records(made)
    found = result.verdict.sales_order_id if result is not None else None
    if found and not any(r.record_type.lower() == "salesorder" for r in records):
        records.append(RecordRef("salesOrder", found))
    return delete_newest_first(target.client(), records) if records else []


def record_command(name: str, cassettes: Path, connector: str | None = None) -> str:
    """How `harness run` records one scenario again, into the same cassettes."""
    parts = ["harness", "run", "--target", "record", "-k", name, "--cassettes", str(cassettes)]
    if connector:
        parts += ["--connector", connector]
    return shlex.join(parts)


def run_on_account(
    target: AccountTarget,
    config: RunConfig,
    names: Sequence[str],
    *,
    connector_factory: ConnectorFactory | None = None,
    on_result: Callable[[ScenarioResult], None] | None = None,
    on_leftover: Callable[[str], None] | None = None,
) -> list[ScenarioResult]:
    """The named scenarios, one after the other, against an account or its cassettes,
    through the reference connector or `connector_factory`'s.

    Each scenario's records are deleted after it (newest first) unless the target keeps
    them. Cassettes are the pytest plugin's own (`scenario_nodeid`), so one recorded with
    `pytest --ns-target=record scenarios/test_catalogue.py` replays here, and the other way."""
    from harness.recording import RecordingError  # vcrpy: only a run on an account loads it

    catalogue = load_catalogue(config.catalogue)
    mapping = load_mapping(config.mapping)
    settings = target.settings
    results: list[ScenarioResult] = []
    cleans_up = settings.uses_account and not settings.keep_records

    def tidy(name: str, result: ScenarioResult | None, calls: Iterable[Call] = ()) -> None:
        try:
            leftovers = clean_up(target, result, calls)
        except NetSuiteError as exc:
            leftovers = [f"cleanup after {name}: {exc}"]
        for line in leftovers:
            if on_leftover is not None:
                on_leftover(line)

    for name in names:
        spec = catalogue.get(name)
        started = time.perf_counter()
        calllog = CallLog()
        try:
            with activate(
                target,
                CallLog(),
                nodeid=scenario_nodeid(name),
                record_command=record_command(
                    name, settings.cassettes, getattr(connector_factory, "spec", None)
                ),
                scenario=spec,
                mapping=mapping,
            ) as active:
                result = run_scenario(
                    spec,
                    config.seed,
                    target,
                    mapping,
                    connector_factory,
                    replay=active.replay,
                    calllog=calllog,
                )
        except RecordingError as exc:
            result = _unplayed(spec, str(exc), time.perf_counter() - started)
        except BaseException:
            # The run stops (a lock wait timed out, Ctrl-C, ...): what this scenario had
            # created so far is deleted all the same.
            if cleans_up:
                try:
                    tidy(name, None, list(calllog.calls))
                except Exception as exc:  # the first failure is the one to report
                    if on_leftover is not None:
                        on_leftover(f"cleanup after {name}: {exc}")
            raise
        if cleans_up:
            tidy(name, result)
        results.append(result)
        if on_result is not None:
            on_result(result)
    return results

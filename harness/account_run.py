"""`harness run` against a NetSuite account (live, record) or its cassettes (replay).

The embedded sandbox resets between scenarios; an account cannot, so here every scenario's
records are deleted after it (newest first) unless asked to keep them, exactly as the pytest
plugin does. Cassettes are the plugin's own: the scenario `new-customer` replays
`scenarios/test_catalogue.py::test_scenario[new-customer]`, so a cassette recorded with
`pytest --ns-target=record scenarios/test_catalogue.py` replays here, and the other way round.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Literal

from harness.catalogue.spec import ScenarioSpec, load_catalogue
from harness.landing.verdict import Diagnosis, Verdict
from harness.mapping import load_mapping
from harness.netsuite.calllog import Call, CallLog
from harness.netsuite.client import NetSuiteClient
from harness.netsuite.errors import NetSuiteError
from harness.pytest_support.cleanup import created_records, delete_newest_first
from harness.pytest_support.options import NsConfig, OptionError
from harness.pytest_support.targets import RunTarget, activate, prepare
from harness.recording import RecordingError
from harness.runner import RunConfig, ScenarioResult, run_scenario

AccountMode = Literal["live", "record", "replay"]
CATALOGUE_TEST = "scenarios/test_catalogue.py::test_scenario"


def scenario_nodeid(name: str) -> str:
    """The pytest node id the catalogue suite gives a scenario (and its cassette)."""
    return f"{CATALOGUE_TEST}[{name}]"


class AccountTarget:
    """A NetSuite account, or its cassettes, as the runner's `Target`.

    It signs with the one credential in the environment: a scenario's own profile credential
    only exists in the embedded sandbox."""

    def __init__(self, run: RunTarget) -> None:
        self.run = run
        self.name: str = run.config.target

    def client(
        self, credential: str | None = None, calllog: CallLog | None = None
    ) -> NetSuiteClient:
        del credential
        return self.run.client(calllog if calllog is not None else CallLog())

    def isolate(self) -> None:
        """Nothing to reset: `run_on_account` deletes each scenario's records instead."""


def prepare_account(
    mode: AccountMode,
    *,
    mapping: str | None = None,
    cassettes: Path = Path("cassettes"),
    allow_production: bool = False,
    env: Mapping[str, str] | None = None,
) -> RunTarget:
    """Check the settings for `mode` (raises `OptionError` with what to set)."""
    config = NsConfig(target=mode, cassettes=cassettes, allow_production=allow_production)
    account = load_mapping(mapping).account if mode == "replay" else None
    try:
        return prepare(config, env, default_account=account)
    except OptionError as exc:
        raise OptionError(_command_words(str(exc))) from None


def _command_words(message: str) -> str:
    """The pytest option names in a message, as `harness run` spells them."""
    for pytest_word, command_word in (
        ("--ns-target=", "--target "),
        ("--ns-allow-production", "--allow-production"),
        ("--ns-account / ", ""),
        ("--ns-account, ", ""),
        ("--ns-account", "NETSUITE_ACCOUNT"),
    ):
        message = message.replace(pytest_word, command_word)
    return message


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


def cleanup(run: RunTarget, result: ScenarioResult) -> list[str]:
    """Delete what `result`'s calls created, newest first; what could not be, one line each."""
    calls = [Call(**call) for call in result.calls]
    records = created_records(calls)
    if not records:
        return []
    return delete_newest_first(run.client(CallLog()), records)


def run_on_account(
    run: RunTarget,
    config: RunConfig,
    names: Sequence[str],
    *,
    keep_records: bool = False,
    on_result: Callable[[ScenarioResult], None] | None = None,
    on_leftover: Callable[[str], None] | None = None,
) -> list[ScenarioResult]:
    """Run the named scenarios one after the other against `run`'s account or cassettes."""
    catalogue = load_catalogue(config.catalogue)
    mapping = load_mapping(config.mapping)
    target = AccountTarget(run)
    results: list[ScenarioResult] = []
    for name in names:
        spec = catalogue.get(name)
        started = time.perf_counter()
        try:
            with activate(
                run, CallLog(), nodeid=scenario_nodeid(name), scenario=spec, mapping=mapping
            ):
                result = run_scenario(spec, config.seed, target, mapping)
        except RecordingError as exc:
            result = _unplayed(spec, str(exc), time.perf_counter() - started)
        if run.config.target != "replay" and not keep_records:
            try:
                leftovers = cleanup(run, result)
            except NetSuiteError as exc:
                leftovers = [f"cleanup after {name}: {exc}"]
            for line in leftovers:
                if on_leftover is not None:
                    on_leftover(line)
        results.append(result)
        if on_result is not None:
            on_result(result)
    return results

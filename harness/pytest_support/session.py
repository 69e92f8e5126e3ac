"""`NsSession`: the one object that owns the plugin's state for a pytest run."""

from __future__ import annotations

import json
import os
import sys
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.pytest_support.options import SPELLING, NsConfig, OptionError
from harness.pytest_support.results import CassetteNote, LandingRecord, RunResults
from harness.targets.account import AccountTarget, prepare_account
from harness.targets.namespace import run_prefix
from harness.targets.scenario import ActiveTarget, activate, describe_stale
from harness.targets.settings import TargetConfigError
from harness.targets.sim import SimTarget, check_profile

if TYPE_CHECKING:
    from harness.catalogue.spec import Catalogue, ScenarioSpec
    from harness.connector.external import DriverFactory, ObservedServer
    from harness.mapping import Mapping as ConnectorMapping
    from harness.netsuite.calllog import CallLog
    from harness.netsuite.client import NetSuiteClient
    from harness.pytest_support.lander import Landed
    from harness.sandbox.account import AccountProfile
    from harness.sandbox.serve import Sandbox


class StaleCassetteWarning(UserWarning):
    """A replayed cassette was recorded for another scenario, mapping or harness version."""


class LeftoverRecordWarning(UserWarning):
    """A record the run created could not be deleted at teardown."""


class TargetFailure(Exception):
    """The test cannot use its target (no cassette, a replay miss, a leaked secret, a stale
    cassette under --ns-strict-cassettes); the message says what to do and is shown as is."""


def record_command(config: NsConfig, nodeid: str) -> str:
    """The command that records `nodeid` with this run's scenario-shaping settings."""
    parts = ["pytest", "--ns-target=record"]
    if config.sources.get("cassettes") != "default":
        parts.append(f"--ns-cassettes={config.cassettes}")
    if config.seeds is not None:
        from harness.runner.selection import format_seeds

        parts.append(f"--ns-seeds={format_seeds(config.seeds)}")
    elif config.seed:
        parts.append(f"--ns-seed={config.seed}")
    for name in ("catalogue", "mapping"):
        value = getattr(config, name)
        if value is not None:
            parts.append(f"--ns-{name}={value}")
    parts.append(f'"{nodeid}"')
    return " ".join(parts)


@contextmanager
def failing_cleanly() -> Iterator[None]:
    """A target problem fails the test with its own message, not a traceback."""
    import pytest

    try:
        yield
    except TargetFailure as exc:
        problem = str(exc)
    else:
        return
    # Raised while the target's own failure is being handled: said once, not chained to it.
    raise pytest.fail.Exception(problem, pytrace=False) from None


def acting_client(
    target: ActiveTarget, default: NetSuiteClient, credential: str | None
) -> NetSuiteClient:
    """A client of `target` acting as `credential` (None: `default`). A scenario about a role
    only means something when it acts as that role: without its credential the test is
    skipped, with the reason."""
    import pytest

    try:
        return target.client(credential) if credential else default
    except TargetConfigError as exc:
        pytest.skip(str(exc))


def _mapping_account(config: NsConfig) -> str | None:
    """The account the mapping was written for: what replay maps cassettes back to."""
    from harness.mapping import load_mapping
    from harness.yamlfile import ConfigFileError

    try:
        return load_mapping(config.mapping).account
    except ConfigFileError as exc:
        raise OptionError(f"the mapping cannot be used:\n{exc}") from None


@dataclass
class NsSession:
    """Resolved settings, the run's target, its namespace, and what its tests found.

    `account` is the NetSuite account (or its cassettes) of a live/record/replay run; a sim
    run's target is the per-process sandbox, handed to `target()` by each test."""

    config: NsConfig
    account: AccountTarget | None
    prefix: str
    results: RunResults = field(default_factory=RunResults)
    _catalogue: Catalogue | None = field(default=None, repr=False)
    _sim_profile: AccountProfile | None = field(default=None, repr=False)
    rootdir: Path | None = None  # pytest's rootdir: where `python:` connectors are also found

    @classmethod
    def start(
        cls,
        config: NsConfig,
        *,
        prefix: str | None = None,
        env: Mapping[str, str] | None = None,
        rootdir: Path | None = None,
    ) -> NsSession:
        """Check the settings and prepare the target (raises OptionError)."""
        from harness.netsuite import logfilter
        from harness.netsuite.redact import register_environment

        register_environment(os.environ if env is None else env)  # masked in every output
        logfilter.install()  # caplog, report sections, live logs and --log-file: redacted
        settings = config.target_settings()
        try:
            if settings.kind == "sim":
                check_profile(settings, SPELLING)
                account = None
            else:
                default = _mapping_account(config) if settings.kind == "replay" else None
                account = prepare_account(settings, SPELLING, env, default_account=default)
        except TargetConfigError as exc:
            raise OptionError(str(exc)) from None
        prefix = run_prefix(config.target) if prefix is None else prefix
        return cls(config, account, prefix, rootdir=rootdir)

    @contextmanager
    def importable(self) -> Iterator[None]:
        """`python:module:function` connectors are also found in the project: the rootdir and
        the catalogue's directory (after the current directory, before `sys.path`)."""
        from harness.connector.drivers.pyfunc import importable_from

        catalogue = self.config.catalogue
        with importable_from(self.rootdir, catalogue.parent if catalogue else None):
            yield

    def catalogue(self) -> Catalogue:
        """The scenario catalogue, loaded on first use (raises OptionError naming the file)."""
        if self._catalogue is None:
            from harness.catalogue.spec import load_catalogue
            from harness.yamlfile import ConfigFileError

            try:
                self._catalogue = load_catalogue(self.config.catalogue)
            except (ConfigFileError, OSError) as exc:
                raise OptionError(f"the scenario catalogue cannot be used:\n{exc}") from None
        return self._catalogue

    def not_runnable(self, items: Iterable[Any]) -> Iterator[tuple[Any, str]]:
        """The scenario-parametrized tests that cannot run on this run's target, and why: on
        an account, a second role whose token is not set (or was never recorded); in the
        embedded sandbox, a credential or role the account profile does not hold."""
        from harness.pytest_support.selection import scenario_of
        from harness.targets.scenario import not_runnable, profile_lacks

        for item in items:
            name = scenario_of(item)
            if name is None:
                continue
            spec = self.catalogue().get(name)
            if self.account is not None:
                reason = not_runnable(self.account, spec, item.nodeid)
                if reason is not None:
                    yield item, f"scenario {name} {reason}"
            elif spec.target.credential or spec.target.role:
                profile = self._profile()
                reason = profile_lacks(profile, spec) if profile is not None else None
                if reason is not None:
                    yield item, f"scenario {name}: {reason}"

    def _profile(self) -> AccountProfile | None:
        """sim: the account profile the embedded sandbox loads, read once (None: it cannot be
        read; the `sandbox` fixture then fails with the file's own message)."""
        if self._sim_profile is None:
            from harness.sandbox.account import profile_from
            from harness.yamlfile import ConfigFileError

            try:
                self._sim_profile = profile_from(self.config.account)
            except ConfigFileError:
                return None
        return self._sim_profile

    def require_account(self) -> AccountTarget:
        """The account of a live/record/replay run."""
        if self.account is None:
            raise TargetFailure(f"--ns-target={self.config.target} has no NetSuite account")
        return self.account

    @contextmanager
    def connectors(self, endpoint: ObservedServer | None) -> Iterator[DriverFactory | None]:
        """--ns-connector's driver factory (None: the reference connector); a connector that
        cannot be driven fails as a TargetFailure naming the option."""
        from harness.connector.external import ExternalConnectorError, LandingQueryError
        from harness.runner import connector_session

        spec = self.config.connector
        session = connector_session(spec, secret=self.config.webhook_secret, observe=endpoint)
        try:
            with self.importable():
                factory = session.__enter__()
        except (ExternalConnectorError, LandingQueryError) as exc:
            raise TargetFailure(f"--ns-connector {spec}: {exc}") from None
        try:
            yield factory
        finally:
            session.__exit__(None, None, None)

    def landed(self, nodeid: str, landed: Landed, *, seed: int | None = None) -> LandingRecord:
        """Keep one landing for the summary and the report (`seed`: the test's, in a sweep)."""
        # Through JSON once: what a worker sends and what the report holds are plain data.
        verdict = json.loads(json.dumps(landed.verdict.to_json(), default=str))
        record = LandingRecord(
            nodeid=nodeid,
            scenario=landed.scenario.name if landed.scenario else landed.verdict.scenario,
            expected=landed.expected,
            met=landed.met,
            seconds=landed.seconds,
            verdict=verdict,
            calls=landed.calls,
            seed=seed,
        )
        self.results.landings.append(record)
        return record

    def cassette(self, nodeid: str, path: Path, *, stale: list[str], unplayed: list[str]) -> None:
        if stale or unplayed:
            self.results.cassettes.append(
                CassetteNote(nodeid, str(path), tuple(stale), tuple(unplayed))
            )

    @contextmanager
    def target(
        self,
        calllog: CallLog,
        *,
        nodeid: str,
        sandbox: Sandbox | None,
        scenario: ScenarioSpec | None,
        mapping: ConnectorMapping,
        call_failed: Callable[[], bool] = lambda: False,
    ) -> Iterator[ActiveTarget]:
        """One test's target (see `targets.activate`), its problems raised as TargetFailure.

        A replay miss that already failed the test (`call_failed()`) is not raised again.
        In the embedded sandbox, without cassettes, vcrpy is not loaded."""
        from harness.recording.errors import RecordingError

        if sandbox is not None:
            target: SimTarget | AccountTarget = SimTarget(sandbox=sandbox)
        elif self.account is not None:
            target = self.account
        else:
            raise ValueError("sandbox: the sim target needs the embedded sandbox")
        context = activate(
            target,
            calllog,
            nodeid=nodeid,
            record_command=record_command(self.config, nodeid),
            scenario=scenario,
            mapping=mapping,
        )
        try:
            active = context.__enter__()
        except RecordingError as exc:
            raise TargetFailure(str(exc)) from None
        recorder = active.recorder
        try:
            if active.stale and recorder is not None:
                message = describe_stale(
                    nodeid, recorder.path, active.stale, record_command(self.config, nodeid)
                )
                if self.config.strict_cassettes:
                    raise TargetFailure(message + "\n(failing: --ns-strict-cassettes)")
                warnings.warn(StaleCassetteWarning(message), stacklevel=1)
            yield active
        except BaseException:
            context.__exit__(*sys.exc_info())
            raise
        try:
            context.__exit__(None, None, None)
        except RecordingError as exc:
            if not (_replay_missed(exc) and call_failed()):
                raise TargetFailure(str(exc)) from None
        finally:
            if recorder is not None:
                self.cassette(nodeid, recorder.path, stale=active.stale, unplayed=recorder.unplayed)

    def clean_up(self, nodeid: str, calllog: CallLog) -> None:
        """record/live: delete what the test created, newest first (or keep and list it)."""
        if self.account is None or not self.config.uses_account:
            return
        from harness.targets.cleanup import created_records, delete_newest_first

        created = created_records(calllog.calls)
        if not created:
            return
        if self.config.keep_records:
            self.results.kept_records.extend(f"{record} ({nodeid})" for record in created)
            return
        for problem in delete_newest_first(self.account.client(), created):
            self.results.leftover_records.append(f"{problem} ({nodeid})")
            warnings.warn(LeftoverRecordWarning(f"left in NetSuite: {problem}"), stacklevel=1)

    def describe(self) -> str:
        """One line for the test session header."""
        config = self.config
        parts = [
            f"connector={config.connector or 'reference'}",
            f"target={config.target}",
            _seed_setting(config),
        ]
        account = self.account.account_id if self.account else config.account
        if account:
            parts.append(f"account={account}")
        if config.uses_cassettes:
            parts.append(f"cassettes={config.cassettes}")
        if config.shard:
            parts.append(f"shard={config.shard}")
        if self.prefix:
            parts.append(f"namespace={self.prefix}")
        return "netsuite: " + " ".join(parts)

    def report_settings(self) -> dict[str, Any]:
        config = self.config
        return {
            "connector": config.connector or "reference",
            "target": config.target,
            "seed": config.seed,
            **({} if config.seeds is None else {"seeds": list(config.seeds)}),
            "account": self.account.account_id if self.account else config.account,
            "shard": str(config.shard) if config.shard else None,
            "prefix": self.prefix,
        }


def _seed_setting(config: NsConfig) -> str:
    """`seed=N`, or the seeds of a sweep (`seeds=1..29`)."""
    if config.seeds is None:
        return f"seed={config.seed}"
    from harness.runner.selection import format_seeds

    return f"seeds={format_seeds(config.seeds)}"


def _replay_missed(error: BaseException) -> bool:
    """A request the cassette could not answer (vcrpy is loaded only to tell)."""
    from harness.recording.recorder import ReplayMissError

    return isinstance(error, ReplayMissError)

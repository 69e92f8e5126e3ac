"""How one run reaches NetSuite (`RunTarget`) and how one test uses it (`activate`).

- sim: the embedded sandbox answers in-process; every test starts from the profile's data.
- replay: the test's cassette answers; nothing reaches the network; no credentials needed.
- record: a NetSuite account (or the sandbox served over HTTP) answers and the cassette is
  rewritten whole; the account's secrets are scrubbed and the file scanned again.
- live: a NetSuite account answers; nothing is recorded.

record and live refuse a production account unless explicitly allowed, before any test runs.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from harness.pytest_support.options import NsConfig, OptionError

if TYPE_CHECKING:
    from harness.catalogue.spec import ScenarioSpec
    from harness.mapping import Mapping as ConnectorMapping
    from harness.netsuite.calllog import CallLog
    from harness.netsuite.client import NetSuiteClient
    from harness.netsuite.credentials import Credentials
    from harness.netsuite.governance import ConcurrencyBudget
    from harness.recording import Recorder
    from harness.sandbox.serve import Sandbox

ACCOUNT_ENV = "NETSUITE_ACCOUNT"
BASE_URL_ENV = "NETSUITE_BASE_URL"
# Replay needs a signer but no real secret: matching ignores OAuth signatures, nonces, tokens.
_REPLAY_PLACEHOLDER_KEY = "0" * 64


def _no_sleep(seconds: float) -> None:
    """Replayed answers arrive instantly; waiting before a replayed retry proves nothing."""


@dataclass
class RunTarget:
    """Everything the run knows about its NetSuite side before the first test."""

    config: NsConfig
    account_id: str | None = None
    credentials: Credentials | None = None
    base_url_override: str | None = None
    governance: ConcurrencyBudget | None = None
    secrets: tuple[str, ...] = field(default=(), repr=False)

    @property
    def base_url(self) -> str:
        """Where record/live/replay clients send requests."""
        from harness.netsuite.auth import host_for

        if self.base_url_override:
            return self.base_url_override
        if self.credentials is not None:
            return self.credentials.base_url
        if self.account_id is None:
            raise OptionError("no NetSuite account id for this target")
        return f"https://{host_for(self.account_id)}"

    def client(self, calllog: CallLog) -> NetSuiteClient:
        """A client for the account (record/live/replay), its secrets registered with `calllog`."""
        import requests

        from harness.netsuite.auth import tba_auth
        from harness.netsuite.client import NetSuiteClient
        from harness.netsuite.retry import RetryPolicy

        session = requests.Session()
        retry = RetryPolicy(sleep=_no_sleep) if self.config.target == "replay" else None
        client = NetSuiteClient(
            self.base_url,
            None,
            session=session,
            calllog=calllog,
            retry=retry,
            governance=self.governance,
            account_id=self.account_id,
            secrets=self.secrets,
        )
        if self.credentials is not None:
            client.auth = self.credentials.build_auth(session)
        else:
            key = _REPLAY_PLACEHOLDER_KEY
            client.auth = tba_auth(self.account_id or "", key, key, key, key)
        return client


def account_from(config: NsConfig, env: Mapping[str, str]) -> str | None:
    """The NetSuite account id of a record/live/replay run: --ns-account, else the env."""
    given = config.account
    from_env = (env.get(ACCOUNT_ENV) or "").strip() or None
    if given and from_env and given != from_env:
        raise OptionError(
            f"--ns-account {given!r} and {ACCOUNT_ENV}={from_env!r} name different accounts; "
            "the credentials in the environment belong to one of them: make them agree"
        )
    return given or from_env


def check_production(config: NsConfig, account_id: str) -> None:
    """record/live against a production account only with --ns-allow-production."""
    from harness.netsuite.auth import AuthConfigError, is_production_account

    try:
        production = is_production_account(account_id)
    except AuthConfigError as exc:
        raise OptionError(f"--ns-account / {ACCOUNT_ENV}: {exc}") from None
    if production and not config.allow_production:
        raise OptionError(
            f"account {account_id!r} is a production account (no _SB<n>, _RP or TSTDRV "
            f"suffix), and --ns-target={config.target} creates and deletes records in it. "
            "Point NETSUITE_ACCOUNT at a sandbox account, or pass --ns-allow-production if "
            "you really mean to test against production."
        )


def prepare(
    config: NsConfig, env: Mapping[str, str] | None = None, *, default_account: str | None = None
) -> RunTarget:
    """Check the target's settings (raising OptionError) and gather what its tests need."""
    env = os.environ if env is None else env
    if config.target == "sim":
        if config.account is not None and not Path(config.account).is_file():
            raise OptionError(
                f"--ns-account {config.account!r}: with --ns-target=sim it names an account "
                "profile YAML, and there is no such file"
            )
        return RunTarget(config)
    from harness.netsuite.auth import AuthConfigError
    from harness.netsuite.credentials import Credentials

    account = account_from(config, env)
    base_url = (env.get(BASE_URL_ENV) or "").strip() or None
    if config.target == "replay":
        account = account or default_account
        if account is None:
            raise OptionError(
                "--ns-target=replay needs the account id the cassettes are replayed as: "
                f"--ns-account, {ACCOUNT_ENV}, or `account:` in the mapping"
            )
        try:
            credentials: Credentials | None = Credentials.from_env({**env, ACCOUNT_ENV: account})
        except AuthConfigError:
            credentials = None  # replay works without credentials
        secrets = tuple(credentials.secrets()) if credentials else ()
        return RunTarget(config, account, credentials, base_url, secrets=secrets)
    if account is None:
        raise OptionError(
            f"--ns-target={config.target} needs a NetSuite account: set {ACCOUNT_ENV} and its "
            "credentials (NETSUITE_CONSUMER_KEY, NETSUITE_CONSUMER_SECRET, NETSUITE_TOKEN_ID, "
            "NETSUITE_TOKEN_SECRET, or the OAuth 2.0 M2M variables), or pass --ns-account"
        )
    check_production(config, account)
    try:
        credentials = Credentials.from_env({**env, ACCOUNT_ENV: account})
    except AuthConfigError as exc:
        raise OptionError(f"--ns-target={config.target}: {exc}") from None
    from harness.netsuite.governance import DEFAULT_LIMIT, ConcurrencyBudget

    # One budget per process, slots shared through lock files: xdist workers together stay
    # within the account's concurrency limit.
    budget = ConcurrencyBudget(account, DEFAULT_LIMIT)
    return RunTarget(
        config, account, credentials, base_url, budget, secrets=tuple(credentials.secrets())
    )


def sandbox_client(
    sandbox: Sandbox, calllog: CallLog, credential: str | None = None
) -> NetSuiteClient:
    """A client of the embedded sandbox signing with the profile's TBA `credential`."""
    from harness.netsuite.auth import tba_auth
    from harness.netsuite.client import NetSuiteClient

    known = {c.name: c for c in sandbox.profile.credentials.tba}
    if not known:
        raise OptionError(f"the account profile of {sandbox.account_id} has no TBA credentials")
    name = credential or sandbox.profile.credentials.tba[0].name
    if name not in known:
        raise KeyError(
            f"credential {name!r} is not in the account profile (known: {', '.join(sorted(known))})"
        )
    c = known[name]
    auth = tba_auth(sandbox.account_id, c.consumerKey, c.consumerSecret, c.tokenId, c.tokenSecret)
    secrets = (c.consumerSecret, c.tokenSecret)
    return NetSuiteClient(sandbox.base_url, auth, calllog=calllog, secrets=secrets)


@dataclass
class ActiveTarget:
    """One test's NetSuite: `client()`, and the cassette it recorded or replayed."""

    run: RunTarget
    calllog: CallLog
    sandbox: Sandbox | None = None
    recorder: Recorder | None = None
    stale: list[str] = field(default_factory=list)
    clients: list[NetSuiteClient] = field(default_factory=list)

    def client(self, credential: str | None = None) -> NetSuiteClient:
        """A client for this test's target; `credential` names a profile credential (sim).

        record/live/replay sign with the one credential in the environment (or none)."""
        if self.sandbox is not None:
            made = sandbox_client(self.sandbox, self.calllog, credential)
        else:
            made = self.run.client(self.calllog)
        self.clients.append(made)
        return made


def record_command(config: NsConfig, nodeid: str) -> str:
    """The command that records `nodeid` with this run's scenario-shaping settings."""
    parts = ["pytest", "--ns-target=record"]
    if config.sources.get("cassettes") != "default":
        parts.append(f"--ns-cassettes={config.cassettes}")
    if config.seed:
        parts.append(f"--ns-seed={config.seed}")
    for name in ("catalogue", "mapping"):
        value = getattr(config, name)
        if value is not None:
            parts.append(f"--ns-{name}={value}")
    parts.append(f'"{nodeid}"')
    return " ".join(parts)


@contextmanager
def activate(
    run: RunTarget,
    calllog: CallLog,
    *,
    nodeid: str,
    sandbox: Sandbox | None = None,
    scenario: ScenarioSpec | None = None,
    mapping: ConnectorMapping | None = None,
) -> Iterator[ActiveTarget]:
    """Make the target live for one test: intercept (sim; `sandbox` already reset), or
    record/replay its cassette (record/replay), or nothing to do (live)."""
    config = run.config
    for secret in run.secrets:
        calllog.register_secret(secret)
    if config.target == "sim":
        if sandbox is None:
            raise ValueError("sandbox: the sim target needs the embedded sandbox")
        with sandbox.intercept():
            yield ActiveTarget(run, calllog, sandbox)
        return
    if config.target == "live":
        yield ActiveTarget(run, calllog)
        return
    from harness.recording import CassetteMetadata, Recorder

    metadata = CassetteMetadata.describe(
        nodeid=nodeid,
        scenario=scenario.name if scenario else None,
        scenario_spec=scenario,
        mapping=mapping,
    )
    recorder = Recorder(
        config.cassettes,
        nodeid,
        mode="replay" if config.target == "replay" else "record",
        account_id=run.account_id or "",
        base_url=run.base_url_override,
        secrets=list(run.secrets),
        metadata=metadata,
        record_command=record_command(config, nodeid),
    )
    with recorder:
        active = ActiveTarget(run, calllog, recorder=recorder)
        if config.target == "replay":
            active.stale = recorder.stale_reasons()
        yield active


def describe_stale(nodeid: str, path: Path, reasons: list[str], command: str) -> str:
    """The message of a stale cassette (warning, or failure with --ns-strict-cassettes)."""
    lines = [f"stale cassette for {nodeid}: {path}"]
    lines.extend(f"  - {reason}" for reason in reasons)
    lines.append(f"record it again with:\n    {command}")
    return "\n".join(lines)


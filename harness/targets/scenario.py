"""One scenario's (or one test's) use of a target: the sandbox intercepting (sim), its
cassette recorded or replayed (record, replay), or nothing to set up (live)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from harness.targets.account import AccountTarget
from harness.targets.sim import SimTarget

if TYPE_CHECKING:
    from harness.catalogue.spec import ScenarioSpec
    from harness.mapping import Mapping
    from harness.netsuite.calllog import CallLog
    from harness.netsuite.client import NetSuiteClient
    from harness.recording import Recorder
    from harness.sandbox.account import AccountProfile
    from harness.sandbox.serve import Sandbox


@dataclass
class ActiveTarget:
    """A target in use: `client()` with the scenario's call log, and the cassette (if any)."""

    target: SimTarget | AccountTarget
    calllog: CallLog
    recorder: Recorder | None = None
    stale: list[str] = field(default_factory=list)
    clients: list[NetSuiteClient] = field(default_factory=list)

    @property
    def sandbox(self) -> Sandbox | None:
        """The embedded sandbox (sim), where a scenario's own profile credential exists."""
        return self.target.sandbox if isinstance(self.target, SimTarget) else None

    @property
    def replay(self) -> Recorder | None:
        """The cassette answering instead of NetSuite (replay), for strict landings."""
        if self.recorder is not None and self.recorder.mode == "replay":
            return self.recorder
        return None

    def client(self, credential: str | None = None) -> NetSuiteClient:
        """A client signing with `credential` (a profile credential, sim only; record, live
        and replay sign with the one credential in the environment, or none)."""
        made = self.target.client(credential, self.calllog)
        self.clients.append(made)
        return made


@contextmanager
def activate(
    target: SimTarget | AccountTarget,
    calllog: CallLog,
    *,
    nodeid: str,
    record_command: str,
    scenario: ScenarioSpec | None = None,
    mapping: Mapping | None = None,
) -> Iterator[ActiveTarget]:
    """Make `target` answer for one scenario (sim: already isolated by the caller).

    record/replay open the cassette named after `nodeid`; `record_command` is what a stale or
    missing cassette's message tells the user to run."""
    if isinstance(target, SimTarget):
        with target:
            yield ActiveTarget(target, calllog)
        return
    for secret in target.secrets:
        calllog.register_secret(secret)
    if target.settings.kind == "live":
        yield ActiveTarget(target, calllog)
        return
    from harness.recording import CassetteMetadata, Recorder

    metadata = CassetteMetadata.describe(
        nodeid=nodeid,
        scenario=scenario.name if scenario else None,
        scenario_spec=scenario,
        mapping=mapping,
    )
    recorder = Recorder(
        target.settings.cassettes,
        nodeid,
        mode="replay" if target.settings.kind == "replay" else "record",
        account_id=target.account_id,
        base_url=target.base_url_override,
        secrets=list(target.secrets),
        metadata=metadata,
        record_command=record_command,
    )
    with recorder:
        active = ActiveTarget(target, calllog, recorder=recorder)
        if target.settings.kind == "replay":
            active.stale = recorder.stale_reasons()
        yield active


def describe_stale(nodeid: str, path: object, reasons: list[str], command: str) -> str:
    """The message of a stale cassette (a warning, or a failure when cassettes are strict)."""
    lines = [f"stale cassette for {nodeid}: {path}"]
    lines.extend(f"  - {reason}" for reason in reasons)
    lines.append(f"record it again with:\n    {command}")
    return "\n".join(lines)


def not_runnable(
    target: SimTarget | AccountTarget | AccountProfile, scenario: ScenarioSpec, nodeid: str
) -> str | None:
    """Why `scenario` cannot run on `target` (None: it can), known before anything is written.

    A scenario that acts as a second credential (a restricted role) needs that credential:
    in the embedded sandbox (a `SimTarget`, or the `AccountProfile` it will load) the profile
    must hold it, and the role the scenario names (a snapshot of an account holds only the
    credentials it made itself); on an account (record, live) its token must be set, and in
    replay the cassette it was recorded into must exist."""
    if isinstance(target, SimTarget):
        target = target.sandbox.profile
    if not isinstance(target, AccountTarget):
        return profile_lacks(target, scenario)
    credential = scenario.target.credential
    if credential is None:
        return None
    if target.settings.kind == "replay":
        from harness.recording import cassette_path

        path = cassette_path(target.settings.cassettes, nodeid)
        if path.is_file():
            return None
        return f"acts as credential {credential!r} and was never recorded ({path} is missing)"
    if target.has_credential(credential):
        return None
    from harness.netsuite.credentials import credential_variables

    token, secret = credential_variables(credential)
    return f"acts as credential {credential!r}: set {token} and {secret} to run it here"


def profile_lacks(profile: AccountProfile, scenario: ScenarioSpec) -> str | None:
    """What the embedded sandbox of `profile` lacks to act as `scenario`'s credential and role
    (None: nothing)."""
    credential, role = scenario.target.credential, scenario.target.role
    if credential is not None and credential not in {c.name for c in profile.credentials.tba}:
        return f"the account profile has no credential {credential!r}"
    if role is not None and role not in {r.name for r in profile.roles}:
        return f"the account profile has no role {role!r}"
    return None

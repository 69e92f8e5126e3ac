"""The settings of a NetSuite target, and how the caller spells them in messages.

The same checks serve `harness run --target live` and `pytest --ns-target=live`; each caller
passes its own `Spelling`, so an error names the option the user actually typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from harness.netsuite.lockfolder import DEFAULT_LOCK_TIMEOUT

TargetKind = Literal["sim", "replay", "record", "live"]
TARGET_KINDS: tuple[TargetKind, ...] = ("sim", "replay", "record", "live")
ACCOUNT_ENV = "NETSUITE_ACCOUNT"
BASE_URL_ENV = "NETSUITE_BASE_URL"


class TargetConfigError(ValueError):
    """A target setting that cannot be used; the message names the setting, the value and
    the fix, in the caller's spelling."""

    def __init__(self, setting: str, message: str) -> None:
        super().__init__(message)
        self.setting = setting


@dataclass(frozen=True)
class Spelling:
    """How one front end writes the target settings (`{}` stands for the target's name).

    `account` is the option that names a live account, if the front end has one; without it
    the account comes from `NETSUITE_ACCOUNT` alone."""

    target: str
    allow_production: str
    profile: str
    account: str | None = None
    lock_timeout: str = "a longer lock timeout"

    def target_is(self, kind: str) -> str:
        return self.target.format(kind)

    @property
    def account_sources(self) -> str:
        """Where a live account id may come from, for messages."""
        return f"{self.account} / {ACCOUNT_ENV}" if self.account else ACCOUNT_ENV


CLI_SPELLING = Spelling(
    target="--target {}",
    allow_production="--allow-production",
    profile="--account",
    lock_timeout="--lock-timeout",
)


@dataclass(frozen=True)
class TargetSettings:
    """Where a run's orders land and what it may do there.

    `account` is an account profile YAML for sim and a NetSuite account id (e.g.
    `1234567_SB1`) for the others; `cassettes` is where record writes and replay reads.
    `lock_timeout` bounds each wait for a slot of the account's concurrency budget (seconds),
    shared with every other run on the machine: a run never waits silently forever."""

    kind: TargetKind = "sim"
    account: str | None = None
    cassettes: Path = Path("cassettes")
    allow_production: bool = False
    keep_records: bool = False
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT

    @property
    def uses_account(self) -> bool:
        """record and live talk to a real NetSuite account (or one served like it)."""
        return self.kind in ("record", "live")

    @property
    def uses_cassettes(self) -> bool:
        return self.kind in ("record", "replay")

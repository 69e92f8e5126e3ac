"""What a cassette says about its own recording, and why it may no longer be trusted.

A cassette is evidence about one scenario, one mapping and one version of the harness at one
moment. Recording writes that down (fingerprints, not copies, of the scenario spec and the
mapping); replaying compares it with the current run, so a changed scenario or mapping shows up
as a reason to re-record instead of as a mysterious mismatch.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from pathlib import PurePath
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from harness.recording.account import PLACEHOLDER_ACCOUNT


def _harness_version() -> str:
    from harness import __version__

    return __version__


def fingerprint(value: Any) -> str:
    """sha256 of `value` as canonical JSON (sorted keys, no spaces): equal data, equal print.

    Accepts pydantic models, dataclasses, mappings, sequences, Decimal, dates and paths."""
    text = json.dumps(
        _plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _plain(dataclasses.asdict(value))
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((_plain(item) for item in value), key=repr)
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, Decimal | PurePath):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return _plain(value.value)
    return value


def _major(version: str) -> str:
    return version.split(".", 1)[0]


def _short(print_: str | None) -> str:
    return "none" if print_ is None else print_[:19]


class CassetteMetadata(BaseModel):
    """Written into every cassette under the `harness` key."""

    # Unknown keys are ignored so an older harness can still read a newer cassette.
    model_config = ConfigDict(frozen=True, extra="ignore")

    nodeid: str | None = None
    scenario: str | None = None
    scenario_fingerprint: str | None = None
    mapping_fingerprint: str | None = None
    harness_version: str = Field(default_factory=_harness_version)
    account_placeholder: str = PLACEHOLDER_ACCOUNT
    recorded_at: datetime | None = None

    @field_validator("recorded_at")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        # A timestamp without a zone was written by hand; the harness always writes UTC.
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    @classmethod
    def describe(
        cls,
        *,
        nodeid: str | None = None,
        scenario: str | None = None,
        scenario_spec: Any = None,
        mapping: Any = None,
    ) -> CassetteMetadata:
        """The metadata this run would record; fingerprints only of what the caller gives."""
        return cls(
            nodeid=nodeid,
            scenario=scenario,
            scenario_fingerprint=None if scenario_spec is None else fingerprint(scenario_spec),
            mapping_fingerprint=None if mapping is None else fingerprint(mapping),
        )

    def check_staleness(
        self,
        current: CassetteMetadata,
        *,
        max_age_days: float | None = None,
        now: datetime | None = None,
    ) -> list[str]:
        """Why this recording may no longer stand for `current` (empty when it still does).

        A fingerprint `current` does not know (None) is not compared."""
        reasons: list[str] = []
        if self.scenario and current.scenario and self.scenario != current.scenario:
            reasons.append(
                f"recorded for scenario {self.scenario!r}, now used for {current.scenario!r}"
            )
        name = current.scenario or self.scenario
        subject = f"scenario {name!r}" if name else "the scenario"
        for what, then, now_print in (
            (f"{subject} spec", self.scenario_fingerprint, current.scenario_fingerprint),
            ("the mapping", self.mapping_fingerprint, current.mapping_fingerprint),
        ):
            if now_print is not None and then != now_print:
                reasons.append(
                    f"{what} changed since recording ({_short(then)} then, {_short(now_print)} now)"
                )
        if _major(self.harness_version) != _major(current.harness_version):
            reasons.append(
                f"recorded by harness {self.harness_version}, this is "
                f"{current.harness_version} (major version differs)"
            )
        if max_age_days is not None:
            reasons.extend(self._age_reasons(max_age_days, now or datetime.now(UTC)))
        return reasons

    def _age_reasons(self, max_age_days: float, now: datetime) -> list[str]:
        if self.recorded_at is None:
            return ["recording date unknown (no recorded_at)"]
        age = now - self.recorded_at
        if age <= timedelta(days=max_age_days):
            return []
        return [
            f"recorded {age.days} days ago ({self.recorded_at:%Y-%m-%d}), "
            f"older than the {max_age_days:g}-day limit"
        ]

"""The store's clock: order dates come from it, so a test can say when things happened.

A pull connector finds its work through `modified_after`; to test that, a test places an order
at one moment, moves time on, changes the order and polls. `ManualClock` is that time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

Clock = Callable[[], datetime]
"""Returns the current moment, timezone-aware (UTC)."""


def wall_clock() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class ManualClock:
    """A clock that stands still until told to move (`advance`, `set`); thread-safe."""

    def __init__(self, start: datetime | str = "2024-06-20T10:00:00+00:00") -> None:
        self._lock = threading.Lock()
        self._now = _aware(start)

    def __call__(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, seconds: float = 0, **delta: float) -> datetime:
        """Move on by `seconds` (and/or `minutes=`, `hours=`, `days=`); returns the new time."""
        with self._lock:
            self._now += timedelta(seconds=seconds, **delta)
            return self._now

    def set(self, moment: datetime | str) -> None:
        with self._lock:
            self._now = _aware(moment)


def _aware(moment: datetime | str) -> datetime:
    value = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    if value.tzinfo is None:
        raise ValueError(f"clock time {moment!r} has no timezone (expected e.g. +00:00)")
    return value.astimezone(UTC).replace(microsecond=0)

"""A per-account concurrency budget shared by every process on the machine.

NetSuite counts concurrent requests per account (REST, SOAP and RESTlets together) and answers
429 beyond the limit. `pytest -n 8` runs eight workers against one account, so a per-process
semaphore is not enough: the budget is N slot lock files in a per-account directory, and a
request may only be in flight while its sender holds one of them. The operating system drops a
lock with its holder, so a crashed process frees its slots.
"""

from __future__ import annotations

import os
import random
import re
import tempfile
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from filelock import lock_descriptor, unlock_descriptor

# "Developer accounts always have a governance limit of five", and five is the base of the
# lowest service tier: the safe default when neither config nor the account says otherwise.
DEFAULT_LIMIT = 5


class GovernanceTimeout(TimeoutError):
    """No slot became free in time."""


def limit_from_governance(limits: Mapping[str, Any]) -> int:
    """The concurrency this integration may use, from `GET /system/v1/governanceLimits`.

    With `integrationLimitType: integrationSpecific` the integration has its own share;
    otherwise (`accountLimit`, `internal`) it competes for the whole account limit.
    """
    kind = limits.get("integrationLimitType")
    key = (
        "integrationConcurrencyLimit"
        if kind == "integrationSpecific"
        else "accountConcurrencyLimit"
    )
    value = limits.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(
            f"governanceLimits.{key}: expected a positive integer for "
            f"integrationLimitType {kind!r} (got {value!r})"
        )
    return value


def _slug(account_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", account_id.upper()) or "_"


class ConcurrencyBudget:
    """At most `limit` requests in flight for one account, across threads and processes.

    Use `with budget:` around one request, or `acquire()` and `release(slot)`.
    """

    def __init__(
        self,
        account_id: str,
        limit: int,
        *,
        lock_dir: str | Path | None = None,
        poll_interval: float = 0.001,
        timeout: float | None = None,
    ) -> None:
        if limit < 1:
            raise ValueError(f"limit: expected a positive integer (got {limit!r})")
        self.account_id = account_id
        self.limit = limit
        self.poll_interval = poll_interval
        self.timeout = timeout
        root = Path(lock_dir) if lock_dir else Path(tempfile.gettempdir()) / "woo-netsuite-harness"
        self.directory = root / "governance" / _slug(account_id)
        self.directory.mkdir(parents=True, exist_ok=True)
        self._paths = [self.directory / f"slot-{index}.lock" for index in range(limit)]
        self._fds: list[int] = []
        self._pid = -1
        # Slots this instance holds or is trying: a lock belongs to its descriptor, so two
        # threads sharing one descriptor must never both try it.
        self._busy: set[int] = set()
        self._guard = threading.Lock()
        # Wakes this process's waiters at once when one of its threads frees a slot; slots
        # freed by other processes are noticed by polling, at most `poll_interval` apart.
        self._freed = threading.Condition(self._guard)
        self._local = threading.local()
        self._random = random.Random()

    def _descriptors(self) -> list[int]:
        """One open descriptor per slot file, reopened in a forked child: descriptors
        inherited across fork share their lock with the parent."""
        with self._guard:
            if self._pid != os.getpid():
                self._fds = [os.open(path, os.O_RDWR | os.O_CREAT, 0o666) for path in self._paths]
                self._pid = os.getpid()
                self._busy.clear()
            return self._fds

    def _try(self, fds: list[int], index: int) -> bool:
        with self._guard:
            if index in self._busy:
                return False
            self._busy.add(index)
        # A non-blocking try costs a few microseconds, so waiting can poll often.
        if lock_descriptor(fds[index], blocking=False):
            return True
        with self._guard:
            self._busy.discard(index)
        return False

    def acquire(self, timeout: float | None = None) -> int:
        """Block until a slot is free; returns the slot to `release`."""
        limit_s = self.timeout if timeout is None else timeout
        deadline = None if limit_s is None else time.monotonic() + limit_s
        fds = self._descriptors()
        pause = min(self.poll_interval, 0.0002)
        while True:
            start = self._random.randrange(self.limit)
            for step in range(self.limit):
                index = (start + step) % self.limit
                if self._try(fds, index):
                    return index
            if deadline is not None and time.monotonic() >= deadline:
                raise GovernanceTimeout(
                    f"no concurrency slot of account {self.account_id} became free within "
                    f"{limit_s}s (limit {self.limit}, slots in {self.directory})"
                )
            with self._freed:
                self._freed.wait(pause)
            pause = min(self.poll_interval, pause * 2)

    def release(self, slot: int) -> None:
        unlock_descriptor(self._fds[slot])
        with self._freed:
            self._busy.discard(slot)
            self._freed.notify()

    def close(self) -> None:
        """Close the slot files (releasing any slot still held)."""
        with self._guard:
            fds, self._fds, self._pid = self._fds, [], -1
            self._busy.clear()
        for fd in fds:
            os.close(fd)

    def __enter__(self) -> int:
        slot = self.acquire()
        held: list[int] = getattr(self._local, "held", [])
        held.append(slot)
        self._local.held = held
        return slot

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release(self._local.held.pop())

    def __repr__(self) -> str:
        return f"ConcurrencyBudget({self.account_id!r}, limit={self.limit}, dir={self.directory})"

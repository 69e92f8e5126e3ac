"""A per-account concurrency budget shared by every process on the machine.

NetSuite counts concurrent requests per account (REST, SOAP and RESTlets together) and answers
429 beyond the limit. `pytest -n 8` runs eight workers against one account, so a per-process
semaphore is not enough: the budget is N slot lock files in a per-account directory, and a
request may only be in flight while its sender holds one of them. A crashed process releases
its slots with its file descriptors.
"""

from __future__ import annotations

import random
import re
import tempfile
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from filelock import FileLock, Timeout

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

    Use `with budget:` around one request, or `acquire()`/`release(slot)`.
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
        self._locks = [
            FileLock(self.directory / f"slot-{index}.lock", thread_local=False)
            for index in range(limit)
        ]
        # Slots this instance holds or is trying; a FileLock is re-entrant for its owner,
        # so two threads must never try the same slot object.
        self._busy: set[int] = set()
        self._guard = threading.Lock()
        self._local = threading.local()
        self._random = random.Random()

    @classmethod
    def from_governance(
        cls, account_id: str, limits: Mapping[str, Any], *, lock_dir: str | Path | None = None
    ) -> ConcurrencyBudget:
        return cls(account_id, limit_from_governance(limits), lock_dir=lock_dir)

    def _try(self, index: int) -> bool:
        with self._guard:
            if index in self._busy:
                return False
            self._busy.add(index)
        try:
            self._locks[index].acquire(blocking=False)
        except Timeout:
            with self._guard:
                self._busy.discard(index)
            return False
        return True

    def acquire(self, timeout: float | None = None) -> int:
        """Block until a slot is free; returns the slot to `release`."""
        limit_s = self.timeout if timeout is None else timeout
        deadline = None if limit_s is None else time.monotonic() + limit_s
        while True:
            start = self._random.randrange(self.limit)
            for step in range(self.limit):
                index = (start + step) % self.limit
                if self._try(index):
                    return index
            if deadline is not None and time.monotonic() >= deadline:
                raise GovernanceTimeout(
                    f"no concurrency slot of account {self.account_id} became free within "
                    f"{limit_s}s (limit {self.limit}, slots in {self.directory})"
                )
            time.sleep(self.poll_interval)

    def release(self, slot: int) -> None:
        self._locks[slot].release()
        with self._guard:
            self._busy.discard(slot)

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

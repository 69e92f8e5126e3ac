"""A per-account concurrency budget shared by every process on the machine.

NetSuite counts concurrent requests per account (REST, SOAP and RESTlets together) and answers
429 beyond the limit. `pytest -n 8` runs eight workers against one account, so a per-process
semaphore is not enough: the budget is N slot lock files in a per-account directory, and a
request may only be in flight while its sender holds one of them. The operating system drops a
lock with its holder, so a crashed process frees its slots.

The slot files live in this user's private lock folder (`harness.netsuite.lockfolder`), one
folder per account; a wait for a slot ends after `timeout` seconds with a message naming the
holders, never silently forever.
"""

from __future__ import annotations

import os
import random
import re
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from harness.netsuite.lockfolder import (
    DEFAULT_LOCK_TIMEOUT,
    LockFolderError,
    default_lock_root,
    open_lock_file,
    private_folder,
)

# "Developer accounts always have a governance limit of five", and five is the base of the
# lowest service tier: the safe default when neither config nor the account says otherwise.
DEFAULT_LIMIT = 5

__all__ = [
    "DEFAULT_LIMIT",
    "DEFAULT_LOCK_TIMEOUT",
    "ConcurrencyBudget",
    "GovernanceLockError",
    "GovernanceTimeout",
    "LockFolderError",
    "default_lock_root",
    "limit_from_governance",
]


class GovernanceLockError(Exception):
    """The concurrency budget cannot be used: no slot in time, or an untrusted lock folder."""


class GovernanceTimeout(GovernanceLockError, TimeoutError):
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


def _holder_pids(paths: list[Path]) -> set[int]:
    """The processes holding locks on `paths`, from /proc/locks (Linux); empty elsewhere."""
    try:
        inodes = {os.stat(path).st_ino for path in paths}
        with open("/proc/locks", encoding="ascii", errors="replace") as table:
            lines = table.read().splitlines()
    except OSError:
        return set()
    pids: set[int] = set()
    for line in lines:
        # "1: FLOCK  ADVISORY  WRITE 4242 08:01:1234567 0 EOF" (a waiter's line has "->")
        fields = line.split()
        if len(fields) < 6 or "->" in fields:
            continue
        try:
            pid, inode = int(fields[4]), int(fields[5].rsplit(":", 1)[1])
        except (ValueError, IndexError):
            continue
        if inode in inodes and pid > 0:
            pids.add(pid)
    return pids


class ConcurrencyBudget:
    """At most `limit` requests in flight for one account, across threads and processes.

    Use `with budget:` around one request, or `acquire()` and `release(slot)`. The slot files
    are in `<lock_dir>/governance/<ACCOUNT>/`; `lock_dir` defaults to this user's private
    lock folder (`default_lock_root`). `timeout` (seconds, None: no limit) bounds each wait;
    `timeout_option` is how the caller's user sets it, for the message.
    """

    def __init__(
        self,
        account_id: str,
        limit: int,
        *,
        lock_dir: str | Path | None = None,
        poll_interval: float = 0.001,
        timeout: float | None = DEFAULT_LOCK_TIMEOUT,
        timeout_option: str = "a longer lock timeout",
    ) -> None:
        if limit < 1:
            raise ValueError(f"limit: expected a positive integer (got {limit!r})")
        if timeout is not None and timeout < 0:
            raise ValueError(f"timeout: expected seconds >= 0 or None (got {timeout!r})")
        self.account_id = account_id
        self.limit = limit
        self.poll_interval = poll_interval
        self.timeout = timeout
        self.timeout_option = timeout_option
        root = Path(lock_dir) if lock_dir else default_lock_root()
        self.directory = private_folder(root / "governance" / _slug(account_id), below=root)
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
                opened: list[int] = []
                try:
                    for path in self._paths:
                        opened.append(open_lock_file(path))
                except BaseException:
                    for fd in opened:
                        os.close(fd)
                    raise
                self._fds = opened
                self._pid = os.getpid()
                self._busy.clear()
            return self._fds

    def _try(self, fds: list[int], index: int) -> bool:
        with self._guard:
            if index in self._busy:
                return False
            self._busy.add(index)
        # Here, not at the top: filelock loads asyncio, 40 ms of start-up for every process
        # that imports the client, most of which never share a budget across processes.
        from filelock import lock_descriptor

        locked = False
        try:
            # A non-blocking try costs a few microseconds, so waiting can poll often.
            locked = lock_descriptor(fds[index], blocking=False)
        finally:
            if not locked:  # also when interrupted: the slot must stay triable
                with self._guard:
                    self._busy.discard(index)
        return locked

    def acquire(self, timeout: float | None = None) -> int:
        """Block until a slot is free; returns the slot to `release`.

        Raises GovernanceTimeout after `timeout` seconds (default: the budget's own)."""
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
                raise GovernanceTimeout(self._timeout_message(limit_s))
            with self._freed:
                self._freed.wait(pause)
            pause = min(self.poll_interval, pause * 2)

    def _timeout_message(self, waited: float | None) -> str:
        with self._guard:
            mine = len(self._busy)
        others = _holder_pids(self._paths) - {os.getpid()}
        who = f"{self.limit - mine} by other processes"
        if others:
            listed = ", ".join(str(pid) for pid in sorted(others)[:5])
            more = ", ..." if len(others) > 5 else ""
            who = f"{self.limit - mine} by {len(others)} other process(es) (pid {listed}{more})"
        return (
            f"no concurrency slot of account {self.account_id} became free within {waited:g}s: "
            f"all {self.limit} slots are held ({who}; {mine} by this process); lock folder "
            f"{self.directory}. Another run on this account is still going or stuck: let it "
            f"finish or stop it, or wait longer ({self.timeout_option})"
        )

    def release(self, slot: int) -> None:
        from filelock import unlock_descriptor  # see _try

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

"""When a NetSuite request is sent again: the retry policy and the judgement of each outcome.

One rule: never send a request twice if the first one may have changed something that a second
one would change again. Reads, SuiteQL, `PUT eid:` and DELETE are repeatable; a POST create or a
PATCH is not repeated once it may have landed, and the caller decides what to do instead.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import Enum
from typing import Any

import requests
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from harness.netsuite.errors import NetSuiteError, RetriesExhaustedError, TransportError
from harness.netsuite.redact import Redactor

# Codes NetSuite sends when it refused a request before doing anything with it.
_REJECTED_BEFORE_PROCESSING = frozenset(
    {"CONCURRENCY_LIMIT_EXCEEDED", "SSS_REQUEST_LIMIT_EXCEEDED"}
)
_TRANSIENT = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)

Outcome = requests.Response | requests.RequestException


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try: attempts, exponential backoff with jitter, and a total time budget.

    `rng`, `sleep` and `clock` are injectable so tests run instantly and deterministically;
    without an `rng` the jitter comes from the process's own generator, which Python reseeds
    in every forked worker (one seeded per policy cost more than a landing's other setup).
    """

    max_attempts: int = 5
    base_backoff: float = 0.5
    max_backoff: float = 30.0
    jitter: float = 0.5
    total_budget: float = 120.0
    rng: random.Random | None = field(default=None, compare=False)
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic

    def backoff(self, retry: int) -> float:
        """The wait before retry number `retry` (1-based): base * 2^(retry-1), capped, minus
        up to `jitter` of itself so that parallel workers do not retry in lockstep."""
        raw = min(self.max_backoff, self.base_backoff * 2.0 ** max(retry - 1, 0))
        draw = random.random() if self.rng is None else self.rng.random()
        return raw * (1 - self.jitter * draw)

    @classmethod
    def never(cls) -> RetryPolicy:
        return cls(max_attempts=1)


class Mode(Enum):
    REPEATABLE = "repeatable"  # GET, SuiteQL, PUT eid:, DELETE
    ONCE = "once"  # POST create, PATCH: may not be sent again once it may have landed


class Decision(Enum):
    SUCCESS = "success"
    RETRY = "retry"
    FAIL = "fail"
    UNCERTAIN = "uncertain"  # a ONCE request failed after it may have been applied


@dataclass
class Operation:
    """The attempts of one logical call (including lookups made to recover it)."""

    started: float
    attempts: int = 0
    history: list[str] = field(default_factory=list)
    maybe_applied: bool = False


class Uncertain(Exception):
    """A ONCE request may have been applied; the caller decides what to do."""

    def __init__(self, error: NetSuiteError, outcome: str) -> None:
        super().__init__(outcome)
        self.error = error
        self.outcome = outcome


def judge(
    request: requests.PreparedRequest, outcome: Outcome, mode: Mode, redactor: Redactor
) -> tuple[Decision, NetSuiteError | None, str]:
    """What to do with one outcome, the error to raise or remember, and a short account."""
    if isinstance(outcome, requests.Response):
        if 200 <= outcome.status_code < 300:
            return Decision.SUCCESS, None, str(outcome.status_code)
        error = NetSuiteError.from_response(outcome, redactor=redactor)
        described = f"{error.status} {error.code}" if error.code else _short(error)
        if outcome.status_code == 429 or error.code in _REJECTED_BEFORE_PROCESSING:
            # Governance rejects a request before doing anything with it: always repeatable.
            return Decision.RETRY, error, described
        if outcome.status_code >= 500:
            decision = Decision.RETRY if mode is Mode.REPEATABLE else Decision.UNCERTAIN
            return decision, error, described
        return Decision.FAIL, error, described
    sent = not _never_sent(outcome)
    transport = TransportError(
        f"{type(outcome).__name__}: {outcome}",
        method=request.method or "",
        url=request.url or "",
        sent=sent,
        redactor=redactor,
    )
    described = type(outcome).__name__ + ("" if sent else " before sending")
    if not isinstance(outcome, _TRANSIENT) or isinstance(outcome, requests.exceptions.SSLError):
        # Certificate and configuration problems do not go away by waiting.
        return Decision.FAIL, transport, described
    if sent and mode is Mode.ONCE:
        return Decision.UNCERTAIN, transport, described
    return Decision.RETRY, transport, described


def wait_for(policy: RetryPolicy, outcome: Outcome, attempt: int) -> tuple[float, str]:
    """How long to wait before the next attempt, and where that wait came from."""
    if isinstance(outcome, requests.Response):
        retry_after = _retry_after(outcome.headers.get("Retry-After"))
        if retry_after is not None:
            return retry_after, " (Retry-After)"
    return policy.backoff(attempt), ""


def check_budget(
    policy: RetryPolicy, op: Operation, error: NetSuiteError, described: str, wait: float
) -> None:
    """Raise `RetriesExhaustedError` when another attempt after `wait` is over the policy."""
    why = None
    if op.attempts >= policy.max_attempts:
        why = f"the limit of {policy.max_attempts} attempts was reached"
    else:
        elapsed = policy.clock() - op.started
        if elapsed + wait > policy.total_budget:
            why = (
                f"waiting {wait:.2f}s more after {elapsed:.2f}s would exceed the "
                f"{policy.total_budget:g}s retry budget"
            )
    if why is not None:
        raise RetriesExhaustedError(error, [*op.history, f"{described} (last)"], why)


def maybe_applied(outcome: Outcome) -> bool:
    """Whether NetSuite may have acted on a request that ended in `outcome`."""
    if isinstance(outcome, requests.Response):
        return outcome.status_code >= 500
    return not _never_sent(outcome)


def _retry_after(value: str | None) -> float | None:
    """Seconds from a `Retry-After` header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdecimal():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _never_sent(exc: requests.RequestException) -> bool:
    """True when the failure happened while connecting, before any byte of the request."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    seen: set[int] = set()
    pending: list[Any] = [exc]
    while pending:
        current = pending.pop()
        if id(current) in seen or not isinstance(current, BaseException):
            continue
        seen.add(id(current))
        if isinstance(current, NewConnectionError | ConnectTimeoutError | ConnectionRefusedError):
            return True
        pending.extend(
            [
                *current.args,
                getattr(current, "reason", None),
                current.__cause__,
                current.__context__,
            ]
        )
    return False


def _short(error: NetSuiteError) -> str:
    """`503 with an HTML page (title: ...)` for answers without an error code."""
    prefix = f"NetSuite answered {error.status} "
    text = error.detail.removeprefix(prefix) if error.detail.startswith(prefix) else error.detail
    text = text if len(text) <= 100 else text[:97] + "..."
    return f"{error.status} {text}" if error.status else text

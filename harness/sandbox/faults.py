"""Injected faults: the slow, failing and vanishing answers a real NetSuite gives at times.

Two sources, combined:

- a `FaultPlan` of random shares, written like the CLI option
  `latency=20ms,jitter=5ms,5xx=0.05,drop=0.02,429-burst=3@0.01,seed=7`:
  - `latency` / `jitter`: every request waits latency +- a uniform jitter, inside the
    account's concurrency gate (a slow request holds its slot, so a burst gets 429s);
  - `5xx`: that share of requests is answered 503 with NetSuite's HTML maintenance page,
    without being processed (INFERRED status; the page text follows the reported message);
  - `drop`: that share of requests is processed and committed, then the answer is lost:
    in-process the client gets `requests.ConnectionError`, over HTTP the socket is closed
    without a byte (the case where a blind retry makes a second order);
  - `429-burst=N@p`: with probability p a request starts a burst of N consecutive
    429 CONCURRENCY_LIMIT_EXCEEDED answers (NetSuite's governance body);
  - `seed`: the `random.Random` seed; the same plan and the same request sequence give the
    same faults, run after run.
- the profile's targeted `faults` entries: requests matching a method, a path pattern or a
  record type get an error answer, a delay, or a dropped answer (`disconnect`: processed,
  then dropped), at most `times` times.

Every request draws the same number of random values, so one plan's sequence does not shift
when another share changes.
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal, InvalidOperation
from functools import partial
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from harness.netsuite.errors import error_detail
from harness.sandbox.wire import WAIT_ENVIRON_KEY, Response, error_response

if TYPE_CHECKING:
    from harness.sandbox.account import Fault

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

MAINTENANCE_STATUS = 503
MAINTENANCE_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>NetSuite - Scheduled Maintenance</title></head>\n"
    "<body><h1>Scheduled Maintenance</h1>\n"
    "<p>The account you are trying to access is currently unavailable while we undergo our "
    "regularly scheduled maintenance. We apologize for the inconvenience. Please try again "
    "later.</p>\n</body></html>\n"
)
_RECORD_TYPE = re.compile(r"/services/rest/record/v1/([^/?]+)", re.IGNORECASE)
_CONCURRENCY_DETAIL = "Concurrent request limit exceeded. Request blocked."


class FaultPlanError(ValueError):
    """A fault plan that does not parse; the message names the part and what was expected."""


class DroppedResponse(ConnectionAbortedError):
    """The request was processed; its answer must never reach the client.

    A `ConnectionAbortedError`, so that the WSGI server closes the connection without
    writing anything, as it does for a client gone mid-answer.
    """


def _share(key: str, raw: str) -> float:
    text = raw.strip()
    try:
        value = Decimal(text[:-1]) / 100 if text.endswith("%") else Decimal(text)
    except InvalidOperation:
        raise FaultPlanError(f"{key}={raw}: expected a share like 0.05 or 5%") from None
    if not 0 <= value <= 1:
        raise FaultPlanError(f"{key}={raw}: a share must be between 0 and 1 (or 0% and 100%)")
    return float(value)


def _milliseconds(key: str, raw: str) -> float:
    text = raw.strip().lower()
    scale = Decimal(1)
    if text.endswith("ms"):
        text = text[:-2]
    elif text.endswith("s"):
        text, scale = text[:-1], Decimal(1000)
    try:
        value = Decimal(text) * scale
    except InvalidOperation:
        raise FaultPlanError(f"{key}={raw}: expected a duration like 20ms or 0.5s") from None
    if value < 0 or value > 60_000:
        raise FaultPlanError(f"{key}={raw}: a duration must be between 0 and 60s")
    return float(value)


def _burst(raw: str) -> tuple[int, float]:
    length, at, share = raw.partition("@")
    if not at or not length.strip().isdecimal() or int(length) < 1:
        raise FaultPlanError(
            f"429-burst={raw}: expected N@share, e.g. 3@0.01 (bursts of 3 at 1% of requests)"
        )
    return int(length), _share("429-burst", share)


@dataclass(frozen=True)
class FaultPlan:
    """Random faults for every request (see the module docstring); all off by default."""

    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    error_share: float = 0.0
    drop_share: float = 0.0
    burst_length: int = 0
    burst_share: float = 0.0
    seed: int = 0

    @classmethod
    def parse(cls, text: str) -> FaultPlan:
        """`latency=20ms,jitter=5ms,5xx=0.05,drop=0.02,429-burst=3@0.01,seed=7` (any order)."""
        plan = cls()
        seen: set[str] = set()
        for part in (p.strip() for p in text.split(",")):
            if not part:
                continue
            key, equals, value = part.partition("=")
            key = key.strip().lower()
            if not equals:
                raise FaultPlanError(f"{part!r}: expected key=value")
            if key in seen:
                raise FaultPlanError(f"{key}: given twice")
            seen.add(key)
            if key == "latency":
                plan = replace(plan, latency_ms=_milliseconds(key, value))
            elif key == "jitter":
                plan = replace(plan, jitter_ms=_milliseconds(key, value))
            elif key == "5xx":
                plan = replace(plan, error_share=_share(key, value))
            elif key == "drop":
                plan = replace(plan, drop_share=_share(key, value))
            elif key == "429-burst":
                length, share = _burst(value)
                plan = replace(plan, burst_length=length, burst_share=share)
            elif key == "seed":
                if not value.strip().lstrip("-").isdecimal():
                    raise FaultPlanError(f"seed={value}: expected an integer")
                plan = replace(plan, seed=int(value))
            else:
                raise FaultPlanError(
                    f"{key}: unknown fault (expected latency, jitter, 5xx, drop, 429-burst, seed)"
                )
        return plan

    def __str__(self) -> str:
        """The plan in the form `parse` reads (only what is switched on, then the seed)."""
        parts = []
        if self.latency_ms:
            parts.append(f"latency={self.latency_ms:g}ms")
        if self.jitter_ms:
            parts.append(f"jitter={self.jitter_ms:g}ms")
        if self.error_share:
            parts.append(f"5xx={self.error_share:g}")
        if self.drop_share:
            parts.append(f"drop={self.drop_share:g}")
        if self.burst_length and self.burst_share:
            parts.append(f"429-burst={self.burst_length}@{self.burst_share:g}")
        parts.append(f"seed={self.seed}")
        return ",".join(parts)

    @property
    def is_quiet(self) -> bool:
        """No fault at all (whatever the seed)."""
        return all(not getattr(self, f.name) for f in fields(self) if f.name != "seed")


@dataclass(frozen=True)
class Decision:
    """What happens to one request: wait, then an answer instead of the app's, or a drop."""

    delay_s: float = 0.0
    answer: Response | None = None
    drop: bool = False
    reason: str = ""


def maintenance_response() -> Response:
    return (
        MAINTENANCE_STATUS,
        {"Content-Type": "text/html; charset=UTF-8"},
        MAINTENANCE_PAGE.encode("utf-8"),
    )


def _error_response(status: int, code: str, detail: str) -> Response:
    return error_response(status, [error_detail(detail, code)])


def concurrency_response() -> Response:
    """NetSuite's 429 for a request over the concurrency limit."""
    return _error_response(429, "CONCURRENCY_LIMIT_EXCEEDED", _CONCURRENCY_DETAIL)


@dataclass
class _Targeted:
    fault: Fault
    pattern: re.Pattern[str] | None
    used: int = 0

    def matches(self, method: str, path: str) -> bool:
        match = self.fault.match
        if match.method and match.method.upper() != method.upper():
            return False
        if self.pattern is not None and not self.pattern.search(path):
            return False
        if match.recordType:
            found = _RECORD_TYPE.search(path)
            if found is None or found.group(1).lower() != match.recordType.lower():
                return False
        times = self.fault.times
        return times is None or self.used < times


@dataclass
class FaultInjector:
    """Decides, deterministically, what happens to each request; thread-safe."""

    plan: FaultPlan = field(default_factory=FaultPlan)
    targeted: Sequence[Fault] = ()
    sleep: Callable[[float], None] = time.sleep

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Start the sequence again, as on a fresh sandbox."""
        with self._lock:
            self._random = random.Random(self.plan.seed)
            self._burst_left = 0
            self._targets = [
                _Targeted(f, re.compile(f.match.pathPattern) if f.match.pathPattern else None)
                for f in self.targeted
            ]

    @property
    def active(self) -> bool:
        return not self.plan.is_quiet or bool(self.targeted)

    def decide(self, method: str, path: str) -> Decision:
        with self._lock:
            plan = self.plan
            jitter, burst, error, drop = (self._random.random() for _ in range(4))
            delay = plan.latency_ms + (2 * jitter - 1) * plan.jitter_ms
            delay_s = max(0.0, delay) / 1000
            for target in self._targets:
                if target.matches(method, path):
                    target.used += 1
                    return self._targeted(target.fault, delay_s)
            if self._burst_left > 0:
                self._burst_left -= 1
                return Decision(delay_s, concurrency_response(), reason="429 burst")
            if plan.burst_length and burst < plan.burst_share:
                self._burst_left = plan.burst_length - 1
                return Decision(delay_s, concurrency_response(), reason="429 burst")
            if error < plan.error_share:
                return Decision(delay_s, maintenance_response(), reason="5xx")
            return Decision(delay_s, drop=drop < plan.drop_share, reason="drop")

    @staticmethod
    def _targeted(fault: Fault, delay_s: float) -> Decision:
        reason = f"fault {fault.name!r}"
        if fault.kind == "error":
            answer = _error_response(fault.status, fault.code, fault.detail)
            return Decision(delay_s, answer, reason=reason)
        if fault.kind == "delay":
            return Decision(delay_s + fault.delaySeconds, reason=reason)
        return Decision(delay_s, drop=True, reason=reason)

    def admit(
        self, method: str, path: str, handle: Callable[[Callable[[], None]], Response]
    ) -> Response:
        """Run `handle(wait)` under the faults decided for this request (may raise
        DroppedResponse). `wait` sleeps the request's latency; the app calls it once the
        request holds a concurrency slot, as a slow NetSuite request holds one while it runs."""
        decision = self.decide(method, path)
        if decision.answer is not None:
            self._wait(decision.delay_s)
            return decision.answer
        response = handle(partial(self._wait, decision.delay_s))
        if decision.drop:
            raise DroppedResponse(f"answer to {method} {path} dropped ({decision.reason})")
        return response

    def around(self, method: str, path: str, handle: Callable[[], Response]) -> Response:
        """`admit` for a handler without a concurrency gate: the latency comes first."""

        def waited(wait: Callable[[], None]) -> Response:
            wait()
            return handle()

        return self.admit(method, path, waited)

    def _wait(self, seconds: float) -> None:
        if seconds:
            self.sleep(seconds)

    def wsgi(self, app: WsgiApp) -> WsgiApp:
        """`app` behind these faults, for a WSGI server (a drop closes the connection).

        The latency is handed to the app in the environ (`WAIT_ENVIRON_KEY`), to be waited
        inside its concurrency gate."""

        def faulty(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
            method = str(environ.get("REQUEST_METHOD", "GET"))
            path = str(environ.get("PATH_INFO", "/"))
            decision = self.decide(method, path)
            if decision.answer is not None:
                self._wait(decision.delay_s)
                status, headers, body = decision.answer
                headers = {**headers, "Content-Length": str(len(body))}
                start_response(f"{status} {_reason(status)}", list(headers.items()))
                return [body]
            if decision.delay_s:
                environ = {**environ, WAIT_ENVIRON_KEY: partial(self._wait, decision.delay_s)}
            if not decision.drop:
                return app(environ, start_response)
            # Process (and commit) the request in full, then vanish without answering.
            b"".join(app(environ, lambda *args, **kwargs: None))
            raise DroppedResponse(f"answer to {method} {path} dropped ({decision.reason})")

        return faulty


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def injector_for(
    plan: FaultPlan | str | FaultInjector | None, targeted: Sequence[Fault] = ()
) -> FaultInjector | None:
    """The injector a sandbox uses: from a plan, its text, or ready-made; None when quiet."""
    if isinstance(plan, FaultInjector):
        return plan
    parsed = FaultPlan.parse(plan) if isinstance(plan, str) else plan or FaultPlan()
    injector = FaultInjector(parsed, targeted)
    return injector if injector.active else None

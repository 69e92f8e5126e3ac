"""Every HTTP exchange with NetSuite, timed and redacted, queryable and exportable.

When a landing check fails, the call log is the evidence: which request was sent, what NetSuite
answered, how long it took and which attempt it was. Every record read from it is redacted
(secrets never reach a `Call`, a log line, a report or a file), and bodies are capped so a run
stays small.

A sender's exchanges (`note_exchange`) are kept as they happened and redacted into a `Call`
the first time something reads them, once (`pending`): a landing that passes reads few of its
calls, and redacting every request and answer was a fifth of its cost. `since()` and
`records()` hand a log's calls on without reading them.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

from harness.netsuite.calllog.pending import (
    CallRecords,
    Entry,
    Exchange,
    RawExchange,
    as_call,
    read,
    summaries,
)
from harness.netsuite.calllog.pending import path_may_hold as _path_may_hold  # a kwarg's name
from harness.netsuite.calllog.records import Call, RecordRef, record_at
from harness.netsuite.redact import Redactor

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "Call",
    "CallLog",
    "CallLogFormatError",
    "CallRecords",
    "RecordRef",
    "record_at",
    "summaries",
]

logger = logging.getLogger("harness.netsuite.calls")

DEFAULT_MAX_BODY_BYTES = 64 * 1024


class CallLogFormatError(ValueError):
    """A JSONL call log that cannot be read back; the message names file, line and field."""


class CallLog:
    """Thread-safe, append-only record of exchanges, each redacted when first read."""

    def __init__(
        self,
        *,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        redactor: Redactor | None = None,
        calls: Iterable[Call] = (),
    ) -> None:
        self.max_body_bytes = max_body_bytes
        self.redactor = redactor or Redactor()
        self._lock = threading.Lock()
        self._calls: list[Entry] = list(calls)
        self._local = threading.local()

    def since(self, start: int) -> CallLog:
        """A log of this one's calls from index `start` on (same redactor), unread: what is
        redacted through either is redacted once for both."""
        log = CallLog(max_body_bytes=self.max_body_bytes, redactor=self.redactor)
        with self._lock:
            log._calls = self._calls[start:]
        return log

    def only(
        self,
        methods: Collection[str],
        *,
        succeeded: bool = False,
        path_may_hold: str | None = None,
    ) -> CallLog:
        """A log of this one's calls made with one of `methods` (upper case) and, with
        `succeeded`, answered 2xx; with `path_may_hold` (lower case), only those whose path
        may hold it once redacted (`salesorder`): unread, none redacted to choose them."""
        log = CallLog(max_body_bytes=self.max_body_bytes, redactor=self.redactor)
        fragment = path_may_hold
        with self._lock:
            log._calls = [
                entry
                for entry in self._calls
                if entry.method in methods
                and (entry.ok or not succeeded)
                and (fragment is None or _path_may_hold(entry, fragment))
            ]
        return log

    def records(self, start: int = 0) -> CallRecords[Call]:
        """The calls from index `start` on, each redacted when first read."""
        with self._lock:
            entries = self._calls[start:]
        return CallRecords(entries, as_call)

    # -- secrets ---------------------------------------------------------------------------

    def register_secret(self, value: str | None) -> None:
        """Mask `value` in everything recorded from now on (and in errors built with it).

        For this log only; `harness.netsuite.redact.register_secret` masks a value in every
        output of the process."""
        self.redactor.register(value)

    # -- recording -------------------------------------------------------------------------

    def append(self, call: Call) -> None:
        with self._lock:
            self._calls.append(call)
        logger.debug("%s", call.summary())

    def _keep(self, exchange: Exchange) -> None:
        with self._lock:
            self._calls.append(exchange)
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("%s", exchange.call().summary())

    def _capture(
        self,
        request: requests.PreparedRequest,
        outcome: requests.Response | BaseException,
        duration: float,
        attempt: int,
        retry_reason: str | None,
        waited_s: float,
        at: datetime | None,
    ) -> Exchange:
        """The exchange's plain values, read now (the request may be signed again later)."""
        body = request.body
        if body is not None and not isinstance(body, bytes | str):
            body = None  # a streamed upload: already sent, nothing left to show
        status: int | None = None
        headers: tuple[tuple[Any, Any], ...] = ()
        content, error = b"", None
        if isinstance(outcome, BaseException):
            error = f"{type(outcome).__name__}: {outcome}"
        else:
            status, headers = outcome.status_code, tuple(outcome.headers.items())
            content = outcome.content or b""
        raw = RawExchange(
            redactor=self.redactor,
            max_body_bytes=self.max_body_bytes,
            method=(request.method or "").upper(),
            url=request.url or "",
            request_headers=tuple(request.headers.items()),
            request_body=body,
            status=status,
            response_headers=headers,
            response_body=content,
            transport_error=error,
            duration=duration,
            attempt=attempt,
            retry_reason=retry_reason,
            waited_s=waited_s,
            at=at or datetime.now(UTC),
        )
        return Exchange(raw)

    def record_exchange(
        self,
        request: requests.PreparedRequest,
        outcome: requests.Response | BaseException,
        duration: float,
        attempt: int = 1,
        *,
        retry_reason: str | None = None,
        waited_s: float = 0.0,
        at: datetime | None = None,
    ) -> Call:
        """Record one exchange made by any code; `duration` in seconds, `at` when the outcome
        arrived (default: now). Returns the record, redacted now."""
        call = self._capture(request, outcome, duration, attempt, retry_reason, waited_s, at).call()
        self.append(call)
        return call

    def note_exchange(
        self,
        request: requests.PreparedRequest,
        outcome: requests.Response | BaseException,
        duration: float,
        attempt: int = 1,
        *,
        retry_reason: str | None = None,
        waited_s: float = 0.0,
    ) -> None:
        """Keep one exchange, to be redacted when first read; inside `deferred()` on this
        thread, appended when the block ends (in arrival order)."""
        exchange = self._capture(request, outcome, duration, attempt, retry_reason, waited_s, None)
        pending: list[Exchange] | None = getattr(self._local, "pending", None)
        if pending is None:
            self._keep(exchange)
        else:
            pending.append(exchange)

    @contextmanager
    def deferred(self) -> Iterator[None]:
        """Hold this thread's notes until the block ends, then append them in order: a
        sender holding a concurrency slot appends after giving the slot back."""
        if getattr(self._local, "pending", None) is not None:
            yield  # already deferring further up this thread
            return
        self._local.pending = []
        try:
            yield
        finally:
            pending, self._local.pending = self._local.pending, None
            for exchange in pending:
                self._keep(exchange)

    def response_hook(
        self, response: requests.Response, *args: Any, **kwargs: Any
    ) -> requests.Response:
        """A `requests` response hook: `session.hooks["response"].append(log.response_hook)`
        records every exchange the session makes, whoever makes it."""
        self.note_exchange(response.request, response, response.elapsed.total_seconds())
        return response

    # -- querying --------------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        with self._lock:
            entries = list(self._calls)
        return [read(entry) for entry in entries]

    def __len__(self) -> int:
        with self._lock:
            return len(self._calls)

    def __iter__(self) -> Iterator[Call]:
        return iter(self.calls)

    @property
    def last(self) -> Call | None:
        with self._lock:
            entry = self._calls[-1] if self._calls else None
        return None if entry is None else read(entry)

    def filter(
        self,
        *,
        method: str | None = None,
        path_contains: str | None = None,
        status: int | None = None,
    ) -> list[Call]:
        return [
            call
            for call in self.calls
            if (method is None or call.method == method.upper())
            and (path_contains is None or path_contains in call.path)
            and (status is None or call.status == status)
        ]

    def errors(self) -> list[Call]:
        """Exchanges that failed: an HTTP error status or no answer at all (only those are
        redacted to be read)."""
        with self._lock:
            entries = [entry for entry in self._calls if not entry.ok]
        return [read(entry) for entry in entries]

    def clear(self) -> None:
        with self._lock:
            self._calls.clear()

    # -- export ----------------------------------------------------------------------------

    def to_jsonl(self) -> str:
        """One JSON line per call; a secret registered since a call was recorded is masked
        in it too."""
        return "".join(
            self.redactor.registered(
                json.dumps(call.to_dict(), ensure_ascii=False, separators=(",", ":"))
            )
            + "\n"
            for call in self.calls
        )

    def write_jsonl(self, path: str | Path) -> None:
        Path(path).write_text(self.to_jsonl(), encoding="utf-8")

    @classmethod
    def read_jsonl(cls, path: str | Path) -> CallLog:
        """Load a log written by `write_jsonl` (for `harness explain` and tests)."""
        # Imported here: validation is only needed when reading, and pydantic is slow to load.
        from pydantic import TypeAdapter, ValidationError

        from harness.yamlfile import describe

        adapter = TypeAdapter(Call)
        calls: list[Call] = []
        name = str(path)
        text = Path(path).read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                calls.append(adapter.validate_json(line))
            except ValidationError as exc:
                problems = [f"{name}:{number}: {describe(err)}" for err in exc.errors()]
                raise CallLogFormatError("\n".join(problems)) from None
        return cls(calls=calls)

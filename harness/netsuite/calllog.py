"""Every HTTP exchange with NetSuite, timed and redacted, queryable and exportable.

When a landing check fails, the call log is the evidence: which request was sent, what NetSuite
answered, how long it took and which attempt it was. It is written redacted (secrets never reach
memory-resident records, logs or files), and bodies are capped so a run stays small.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import requests

from harness.netsuite.errors import parse_error_body
from harness.netsuite.redact import Redactor, header_text

logger = logging.getLogger("harness.netsuite.calls")

DEFAULT_MAX_BODY_BYTES = 64 * 1024

# A create answers 204 with the new record's URL in `Location` (reference netsuite-rest 3.1);
# so does an upsert (`PUT .../eid:<externalId>`). PATCH answers the same, but only ever
# changes a record that already existed.
_CREATING_METHODS = frozenset({"POST", "PUT"})
# An asynchronous request's result (`Prefer: respond-async`) answers as the request would have.
_ASYNC_RESULT = re.compile(r"/async/v1/job/[^/]+/task/[^/]+/result/?$")
_RECORD_URL = re.compile(r"/services/rest/record/v1/(?P<type>[A-Za-z0-9_]+)/(?P<id>[^/?#]+)/?$")


@dataclass(frozen=True)
class RecordRef:
    """A record by type and internal id, as a `Location` header names it."""

    record_type: str
    record_id: str

    def __str__(self) -> str:
        return f"{self.record_type} {self.record_id}"

    def to_json(self) -> dict[str, str]:
        return {"type": self.record_type, "id": self.record_id}


def record_at(location: str | None) -> RecordRef | None:
    """The record a `Location` URL names (`.../record/v1/customer/1006`), if it names one."""
    match = _RECORD_URL.search(urlsplit(location or "").path)
    if match is None:
        return None
    return RecordRef(match["type"], unquote(match["id"]))


@dataclass(frozen=True)
class Call:
    """One request and its answer (or the transport failure that replaced the answer)."""

    time: str
    method: str
    host: str
    path: str
    query: dict[str, str] = field(default_factory=dict)
    request_headers: dict[str, str] = field(default_factory=dict)
    request_body: str | None = None
    status: int = 0
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: str | None = None
    response_truncated: bool = False
    duration_ms: float = 0.0
    attempt: int = 1
    retry_reason: str | None = None
    waited_s: float = 0.0
    error_code: str | None = None
    error_detail: str | None = None
    error_path: str | None = None
    transport_error: str | None = None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def created_record(self) -> RecordRef | None:
        """The record this call created or upserted: a successful POST or PUT's `Location`,
        or the `Location` an asynchronous job's task result gives (`GET .../async/v1/job/<id>
        /task/<task>/result` answers as the request itself would have: netsuite-rest 3.8)."""
        if not self.ok:
            return None
        if self.method not in _CREATING_METHODS and not _ASYNC_RESULT.search(self.path):
            return None
        for name, value in self.response_headers.items():
            if name.lower() == "location":
                return record_at(value)
        return None

    def summary(self) -> str:
        """One readable line: `POST /services/rest/record/v1/customer -> 400 USER_ERROR ...`."""
        if self.transport_error:
            outcome = f"no answer ({self.transport_error})"
        else:
            outcome = str(self.status)
            if self.error_code:
                outcome += f" {self.error_code}"
            if self.error_detail:
                outcome += f": {self.error_detail}"
        text = f"{self.method} {self.path} -> {outcome} in {self.duration_ms:.0f} ms"
        if self.attempt > 1:
            waited = f" after waiting {self.waited_s:.2f}s" if self.waited_s else ""
            text += f" (attempt {self.attempt}{waited}: {self.retry_reason})"
        return text

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class CallLogFormatError(ValueError):
    """A JSONL call log that cannot be read back; the message names file, line and field."""


class CallLog:
    """Thread-safe, append-only record of exchanges, redacted as they are recorded."""

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
        self._calls: list[Call] = list(calls)
        self._local = threading.local()

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
        arrived (default: now). Returns the record."""
        redact = self.redactor
        parts = urlsplit(request.url or "")
        # Text, never a Python repr: requests-oauthlib leaves every header value as bytes.
        request_headers = {header_text(k): header_text(v) for k, v in request.headers.items()}
        request_body, _ = self._cap(
            redact.body(_decode(request.body), request_headers.get("Content-Type", ""))
        )
        started = (at or datetime.now(UTC)) - timedelta(seconds=duration)
        call_fields: dict[str, Any] = {
            "time": started.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "method": (request.method or "").upper(),
            "host": redact.text(parts.netloc),
            "path": redact.text(unquote(parts.path)),
            "query": dict(redact.pairs(parse_qsl(parts.query, keep_blank_values=True))),
            "request_headers": redact.headers(request_headers),
            "request_body": request_body or None,
            "duration_ms": round(duration * 1000, 3),
            "attempt": attempt,
            "retry_reason": redact.text(retry_reason) if retry_reason else None,
            "waited_s": round(waited_s, 3),
        }
        if isinstance(outcome, BaseException):
            call_fields["transport_error"] = redact.text(f"{type(outcome).__name__}: {outcome}")
        else:
            call_fields.update(self._response_fields(outcome))
        call = Call(**call_fields)
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
        """`record_exchange`, or, inside `deferred()` on this thread, later in arrival order."""
        pending: list[dict[str, Any]] | None = getattr(self._local, "pending", None)
        arguments: dict[str, Any] = {
            "request": request,
            "outcome": outcome,
            "duration": duration,
            "attempt": attempt,
            "retry_reason": retry_reason,
            "waited_s": waited_s,
        }
        if pending is None:
            self.record_exchange(**arguments)
        else:
            pending.append({**arguments, "at": datetime.now(UTC)})

    @contextmanager
    def deferred(self) -> Iterator[None]:
        """Hold this thread's notes until the block ends, then record them in order.

        Redacting and parsing cost time; a sender holding a concurrency slot records after
        giving the slot back.
        """
        if getattr(self._local, "pending", None) is not None:
            yield  # already deferring further up this thread
            return
        self._local.pending = []
        try:
            yield
        finally:
            pending, self._local.pending = self._local.pending, None
            for arguments in pending:
                self.record_exchange(**arguments)

    def response_hook(
        self, response: requests.Response, *args: Any, **kwargs: Any
    ) -> requests.Response:
        """A `requests` response hook: `session.hooks["response"].append(log.response_hook)`
        records every exchange the session makes, whoever makes it."""
        self.note_exchange(response.request, response, response.elapsed.total_seconds())
        return response

    def _response_fields(self, response: requests.Response) -> dict[str, Any]:
        redact = self.redactor
        headers = {header_text(k): header_text(v) for k, v in response.headers.items()}
        text = response.content.decode("utf-8", errors="replace") if response.content else ""
        body, truncated = self._cap(redact.body(text, headers.get("Content-Type", "")))
        found: dict[str, Any] = {
            "status": response.status_code,
            "response_headers": redact.headers(headers),
            "response_body": body or None,
            "response_truncated": truncated,
        }
        if response.status_code >= 400:
            parsed = parse_error_body(response.status_code, text, headers)
            first = parsed.details[0] if parsed.details else None
            found["error_code"] = redact.text(parsed.code) if parsed.code else None
            found["error_detail"] = redact.text(parsed.detail)
            found["error_path"] = redact.text(first.path) if first and first.path else None
        return found

    def _cap(self, text: str) -> tuple[str, bool]:
        encoded = text.encode("utf-8")
        if len(encoded) <= self.max_body_bytes:
            return text, False
        kept = encoded[: self.max_body_bytes].decode("utf-8", errors="ignore")
        return f"{kept}...[{len(encoded) - self.max_body_bytes} more bytes cut]", True

    # -- querying --------------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._calls)

    def __len__(self) -> int:
        with self._lock:
            return len(self._calls)

    def __iter__(self) -> Iterator[Call]:
        return iter(self.calls)

    @property
    def last(self) -> Call | None:
        with self._lock:
            return self._calls[-1] if self._calls else None

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
        """Exchanges that failed: an HTTP error status or no answer at all."""
        return [call for call in self.calls if not call.ok]

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


def _decode(body: bytes | str | None) -> str:
    if body is None:
        return ""
    if isinstance(body, bytes):
        return body.decode("utf-8", errors="replace")
    return body

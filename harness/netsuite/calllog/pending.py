"""Exchanges kept as they happened and redacted into a `Call` when first read, once.

A sender's exchanges are captured as plain values (`RawExchange`); `Exchange.call()` redacts
one the first time anything reads it and drops the raw values. `CallRecords` hands a log's
calls on (to a landing, a scenario's result) without reading them; pickled, copied, compared
or shown, it is the plain tuple of its redacted records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar, overload
from urllib.parse import parse_qsl, unquote, urlsplit

from harness.netsuite.calllog.records import (
    ASYNC_RESULT,
    CREATING_METHODS,
    Call,
    RecordRef,
    record_at,
)
from harness.netsuite.errors import parse_error_body
from harness.netsuite.redact import Redactor, header_text


class Exchange:
    """One exchange as it happened, redacted into its `Call` on first need, once; the raw
    data is dropped then. Holds plain values only (never the request or response objects,
    which would keep their session and every hook alive)."""

    __slots__ = ("_call", "_raw")

    def __init__(self, raw: RawExchange) -> None:
        self._raw: RawExchange | None = raw
        self._call: Call | None = None

    def call(self) -> Call:
        call = self._call
        if call is None:
            raw = self._raw
            if raw is None:  # another thread redacted it meanwhile
                return self.call()
            call = self._call = raw.redacted()
            self._raw = None
        return call

    @property
    def method(self) -> str:
        """The request's method (never redacted: `Call.method` is the same)."""
        raw = self._raw
        return self.call().method if raw is None else raw.method

    @property
    def ok(self) -> bool:
        """`Call.ok`: answered with a 2xx status."""
        raw = self._raw
        if raw is None:
            return self.call().ok
        return raw.status is not None and 200 <= raw.status < 300

    def created_record(self) -> RecordRef | None:
        """`Call.created_record` of this exchange, redacting only what that needs."""
        raw = self._raw
        return self.call().created_record() if raw is None else raw.created_record()

    def summary(self) -> str:
        """`Call.summary` of this exchange, redacting only what that line shows."""
        raw = self._raw
        return self.call().summary() if raw is None else raw.summary()

    def path_may_hold(self, fragment: str) -> bool:
        """False only if `Call.path` (lower-cased) cannot hold `fragment` (lower case, no
        `*`): masking only puts `***` in place of text, so a redacted path holds such a
        fragment only if the path as sent does. Nothing is redacted to tell."""
        raw = self._raw
        if raw is None:
            return fragment in self.call().path.lower()
        return fragment in unquote(urlsplit(raw.url).path).lower()


@dataclass(frozen=True)
class RawExchange:
    """What `CallLog.note_exchange` keeps of an exchange until it is read."""

    redactor: Redactor
    max_body_bytes: int
    method: str
    url: str
    request_headers: tuple[tuple[Any, Any], ...]
    request_body: bytes | str | None
    status: int | None  # None: no answer
    response_headers: tuple[tuple[Any, Any], ...]
    response_body: bytes
    transport_error: str | None
    duration: float
    attempt: int
    retry_reason: str | None
    waited_s: float
    at: datetime

    def redacted(self) -> Call:
        redact = self.redactor
        parts = urlsplit(self.url)
        # Text, never a Python repr: requests-oauthlib leaves every header value as bytes.
        request_headers = {header_text(k): header_text(v) for k, v in self.request_headers}
        request_body, _ = _cap(
            redact.body(_decode(self.request_body), request_headers.get("Content-Type", "")),
            self.max_body_bytes,
        )
        started = self.at - timedelta(seconds=self.duration)
        call_fields: dict[str, Any] = {
            "time": started.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "method": self.method,
            "host": redact.text(parts.netloc),
            "path": self._path(),
            "query": dict(redact.pairs(parse_qsl(parts.query, keep_blank_values=True))),
            "request_headers": redact.headers(request_headers),
            "request_body": request_body or None,
            "duration_ms": round(self.duration * 1000, 3),
            "attempt": self.attempt,
            "retry_reason": self._retry_reason(),
            "waited_s": round(self.waited_s, 3),
        }
        if self.status is None:
            call_fields["transport_error"] = self._transport_error()
        else:
            call_fields.update(self._response_fields())
        return Call(**call_fields)

    def _response_fields(self) -> dict[str, Any]:
        redact = self.redactor
        status = self.status or 0
        headers = {header_text(k): header_text(v) for k, v in self.response_headers}
        content = self.response_body
        text = content.decode("utf-8", errors="replace") if content else ""
        masked = redact.body(text, headers.get("Content-Type", ""))
        body, truncated = _cap(masked, self.max_body_bytes)
        found: dict[str, Any] = {
            "status": status,
            "response_headers": redact.headers(headers),
            "response_body": body or None,
            "response_truncated": truncated,
        }
        if status >= 400:
            found.update(self._error_fields(text, headers))
        return found

    def _error_fields(self, text: str, headers: dict[str, str]) -> dict[str, str | None]:
        """`error_code`, `error_detail` and `error_path` of a 4xx/5xx answer, redacted."""
        redact = self.redactor
        parsed = parse_error_body(self.status or 0, text, headers)
        first = parsed.details[0] if parsed.details else None
        return {
            "error_code": redact.text(parsed.code) if parsed.code else None,
            "error_detail": redact.text(parsed.detail),
            "error_path": redact.text(first.path) if first and first.path else None,
        }

    def _path(self) -> str:
        return self.redactor.text(unquote(urlsplit(self.url).path))

    def _retry_reason(self) -> str | None:
        return self.redactor.text(self.retry_reason) if self.retry_reason else None

    def _transport_error(self) -> str:
        return self.redactor.text(self.transport_error or "")

    def summary(self) -> str:
        """`redacted().summary()`, redacting only the path and error it shows: a landing's
        one-line calls cost microseconds, its headers and bodies stay unread until shown."""
        errors: dict[str, str | None] = {}
        if self.status is not None and self.status >= 400:
            headers = {header_text(k): header_text(v) for k, v in self.response_headers}
            text = self.response_body.decode("utf-8", errors="replace")
            errors = self._error_fields(text, headers)
        shown = Call(  # what the line shows, no headers or bodies
            time="",
            method=self.method,
            host="",
            path=self._path(),
            status=self.status or 0,
            duration_ms=round(self.duration * 1000, 3),
            attempt=self.attempt,
            retry_reason=self._retry_reason(),
            waited_s=round(self.waited_s, 3),
            transport_error=None if self.status is not None else self._transport_error(),
            error_code=errors.get("error_code"),
            error_detail=errors.get("error_detail"),
        )
        return shown.summary()

    def created_record(self) -> RecordRef | None:
        """As `Call.created_record` computes it from the redacted record: the redacted path
        (for an asynchronous job's result) and the redacted `Location` header."""
        if self.status is None or not 200 <= self.status < 300:
            return None
        if self.method not in CREATING_METHODS:
            path = unquote(urlsplit(self.url).path)
            # Masking only puts `***` in place of text, so a redacted path can hold this
            # fragment only if the path as sent does.
            if _ASYNC_MARK not in path or not ASYNC_RESULT.search(self.redactor.text(path)):
                return None
        for name, value in self.response_headers:
            shown = header_text(name)
            # As above: a redacted name reading `location` was `location` as sent.
            if shown.lower() == "location" and self.redactor.text(shown).lower() == "location":
                return record_at(self.redactor.header(shown, value))
        return None


_ASYNC_MARK = "/async/v1/job/"
Entry = Call | Exchange
T = TypeVar("T")


def read(entry: Entry) -> Call:
    return entry if isinstance(entry, Call) else entry.call()


def path_may_hold(entry: Entry, fragment: str) -> bool:
    """`Exchange.path_may_hold` for any entry; a `Call` is already redacted."""
    if isinstance(entry, Call):
        return fragment in entry.path.lower()
    return entry.path_may_hold(fragment)


class CallRecords(Sequence[T]):
    """A log's calls (as `Call`, or as `Call.to_dict()`), each redacted when first read.

    Pickled, copied or compared, it is the plain tuple of its records: nothing unredacted
    leaves the process."""

    __slots__ = ("_entries", "_shape")

    def __init__(self, entries: Sequence[Entry], shape: Callable[[Call], T]) -> None:
        self._entries = tuple(entries)
        self._shape = shape

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> CallRecords[T]: ...
    def __getitem__(self, index: int | slice) -> T | CallRecords[T]:
        if isinstance(index, slice):
            return CallRecords(self._entries[index], self._shape)
        return self._shape(read(self._entries[index]))

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[T]:
        shape = self._shape
        return (shape(read(entry)) for entry in self._entries)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, CallRecords | tuple | list):
            return tuple(self) == tuple(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(tuple(self))

    def __reduce__(self) -> tuple[type[tuple[T, ...]], tuple[tuple[T, ...]]]:
        return tuple, (tuple(self),)

    def as_dicts(self) -> CallRecords[dict[str, Any]]:
        """The same calls as `Call.to_dict()` dicts, still redacted only when read."""
        return CallRecords(self._entries, _dict_of)

    def summaries(self) -> tuple[str, ...]:
        """`Call.summary()` of each call, in order, without redacting what the lines don't
        show (headers, bodies): a landing's calls as a report lists them."""
        return tuple(entry.summary() for entry in self._entries)

    def created_records(self) -> list[RecordRef]:
        """`Call.created_record()` of each call that created or upserted one, in order."""
        found = (
            entry.created_record() if isinstance(entry, Exchange | Call) else None
            for entry in self._entries
        )
        return [record for record in found if record is not None]


def summaries(calls: Sequence[Call]) -> tuple[str, ...]:
    """Each call's `Call.summary()`; a log's records say theirs without being redacted."""
    if isinstance(calls, CallRecords):
        return calls.summaries()
    return tuple(call.summary() for call in calls)


def as_call(call: Call) -> Call:
    return call


def _dict_of(call: Call) -> dict[str, Any]:
    return call.to_dict()


def _cap(text: str, max_bytes: int) -> tuple[str, bool]:
    encoded = text.encode("utf-8")
    if len(encoded) <= max_bytes:
        return text, False
    kept = encoded[:max_bytes].decode("utf-8", errors="ignore")
    return f"{kept}...[{len(encoded) - max_bytes} more bytes cut]", True


def _decode(body: bytes | str | None) -> str:
    if body is None:
        return ""
    if isinstance(body, bytes):
        return body.decode("utf-8", errors="replace")
    return body

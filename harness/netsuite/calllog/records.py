"""What a call log holds: one `Call` per exchange, and the records its writes created."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

# A create answers 204 with the new record's URL in `Location` (reference netsuite-rest 3.1);
# so does an upsert (`PUT .../eid:<externalId>`). PATCH answers the same, but only ever
# changes a record that already existed.
CREATING_METHODS = frozenset({"POST", "PUT"})
# An asynchronous request's result (`Prefer: respond-async`) answers as the request would have.
ASYNC_RESULT = re.compile(r"/async/v1/job/[^/]+/task/[^/]+/result/?$")
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
        if self.method not in CREATING_METHODS and not ASYNC_RESULT.search(self.path):
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
        """`dataclasses.asdict(self)`: every field holds plain values, so copying its three
        dicts is the deep copy (asdict's generic walk cost more than redacting a call)."""
        data = dict(self.__dict__)
        for name in ("query", "request_headers", "response_headers"):
            data[name] = dict(data[name])
        return data

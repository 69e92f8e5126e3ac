"""Records a record/live run created, found in its call logs, and their deletion.

A create answers 204 with the new record's URL in `Location` (reference netsuite-rest 3.1);
so does an upsert (`PUT .../eid:<id>`). Deleting newest first removes a Sales Order before
the customer it points at, which NetSuite would otherwise refuse to delete.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harness.netsuite.calllog import Call
    from harness.netsuite.client import NetSuiteClient

_RECORD_URL = re.compile(r"/services/rest/record/v1/(?P<type>[A-Za-z0-9_]+)/(?P<id>[^/?#]+)/?$")
# PATCH also answers 204 + Location, but only ever changes a record that already existed.
_CREATING_METHODS = frozenset({"POST", "PUT"})


@dataclass(frozen=True)
class CreatedRecord:
    record_type: str
    record_id: str

    def __str__(self) -> str:
        return f"{self.record_type} {self.record_id}"

    def to_json(self) -> dict[str, str]:
        return {"type": self.record_type, "id": self.record_id}


def _location(call: Call) -> str | None:
    for name, value in call.response_headers.items():
        if name.lower() == "location":
            return value
    return None


def created_records(calls: Iterable[Call]) -> list[CreatedRecord]:
    """Records created (or upserted) by `calls`, oldest first, each once.

    An upsert that updated a record which existed before the run looks the same as one that
    created it; the scenario's externalIds are its own (namespaced per run in record/live when
    the mapping uses `{prefix}`), so such a record is a leftover of an earlier harness run.
    """
    found: list[CreatedRecord] = []
    for call in calls:
        if call.method not in _CREATING_METHODS or call.status != 204:
            continue
        location = _location(call)
        match = _RECORD_URL.search(location or "")
        if match is None:
            continue
        record = CreatedRecord(match["type"], match["id"])
        if record not in found:
            found.append(record)
    return found


def delete_newest_first(client: NetSuiteClient, records: Iterable[CreatedRecord]) -> list[str]:
    """Delete `records` newest first; what could not be deleted, one line each."""
    from harness.netsuite.errors import NetSuiteError

    problems: list[str] = []
    for record in reversed(list(records)):
        try:
            client.delete(record.record_type, record.record_id)
        except NetSuiteError as exc:
            if exc.status == 404:
                continue  # already gone: deleted by the test itself
            problems.append(f"{record}: {exc}")
        except Exception as exc:  # a transport failure must not hide the other deletions
            problems.append(f"{record}: {type(exc).__name__}: {exc}")
    return problems

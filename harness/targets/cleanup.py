"""Records a live or record run created, found in its call logs, and their deletion.

Deleting newest first removes a Sales Order before the customer it points at, which NetSuite
would otherwise refuse to delete.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harness.netsuite.calllog import Call, RecordRef
    from harness.netsuite.client import NetSuiteClient


def created_records(calls: Iterable[Call]) -> list[RecordRef]:
    """Records created (or upserted) by `calls`, oldest first, each once.

    An upsert that updated a record which existed before the run looks the same as one that
    created it; the scenario's externalIds are its own (namespaced per run in record/live when
    the mapping uses `{prefix}`), so such a record is a leftover of an earlier harness run.
    """
    found: list[RecordRef] = []
    for call in calls:
        record = call.created_record()
        if record is not None and record not in found:
            found.append(record)
    return found


def delete_newest_first(client: NetSuiteClient, records: Iterable[RecordRef]) -> list[str]:
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

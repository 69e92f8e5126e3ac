"""A sender's exchanges are redacted when first read, once, and never leave unredacted.

`note_exchange` keeps an exchange's plain values; the `Call` is made (and redacted) the first
time anything reads it. These tests hold the lazy way to the eager one (`record_exchange`),
and show that pickling, comparing or printing a log's records yields only redacted text.
"""

from __future__ import annotations

import json
import pickle
from typing import Any

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.netsuite.calllog import Call, CallLog, CallRecords, summaries
from harness.netsuite.redact import Redactor
from tests.hypothesis_budget import examples

BASE = "https://1234567-sb1.suitetalk.api.netsuite.com"
SECRET = "ts-lazy-0123456789-secret"


class CountingRedactor(Redactor):
    """Counts the bodies it redacts: one request and one answer per exchange read."""

    def __init__(self) -> None:
        super().__init__([SECRET])
        self.bodies = 0

    def body(self, body: str, content_type: str = "") -> str:
        self.bodies += 1
        return super().body(body, content_type)


def answered(
    method: str,
    path: str,
    status: int = 200,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
) -> tuple[requests.PreparedRequest, requests.Response]:
    request = requests.Request(
        method,
        BASE + path,
        headers={"Authorization": f'OAuth realm="X", oauth_token="{SECRET}"'},
        data=b'{"tokenSecret": "' + SECRET.encode() + b'"}' if method != "GET" else None,
    ).prepare()
    response = requests.Response()
    response.status_code = status
    response.headers = requests.structures.CaseInsensitiveDict(headers or {})
    response._content = body
    response.request = request
    return request, response


EXCHANGES: list[tuple[str, str, int, dict[str, str], bytes]] = [
    ("POST", "/services/rest/record/v1/customer", 204,
     {"Location": BASE + "/services/rest/record/v1/customer/1006"}, b""),
    ("PUT", "/services/rest/record/v1/salesOrder/eid:W-1", 204,
     {"Location": BASE + "/services/rest/record/v1/salesOrder/77"}, b""),
    ("PATCH", "/services/rest/record/v1/salesOrder/77", 204,
     {"Location": BASE + "/services/rest/record/v1/salesOrder/77"}, b""),
    ("POST", "/services/rest/record/v1/customer", 400, {"Content-Type": "application/json"},
     b'{"o:errorDetails":[{"detail":"no ' + SECRET.encode() + b'","o:errorCode":"USER_ERROR"}]}'),
    ("GET", "/services/rest/async/v1/job/5/task/1/result", 204,
     {"Location": BASE + "/services/rest/record/v1/customer/9"}, b""),
    ("GET", "/services/rest/record/v1/customer/9", 200, {"Content-Type": "application/json"},
     b'{"id": "9", "comments": "' + SECRET.encode() + b'"}'),
]


def logs() -> tuple[CallLog, CallLog]:
    """The same exchanges noted (lazy) and recorded (eager)."""
    lazy, eager = CallLog(redactor=CountingRedactor()), CallLog(redactor=Redactor([SECRET]))
    for method, path, status, headers, body in EXCHANGES:
        request, response = answered(method, path, status, headers, body)
        lazy.note_exchange(request, response, 0.25, 1)
        eager.record_exchange(request, response, 0.25, 1)
    return lazy, eager


def without_time(calls: Any) -> list[dict[str, Any]]:
    return [{k: v for k, v in call.to_dict().items() if k != "time"} for call in calls]


def test_nothing_is_redacted_until_read_and_then_once() -> None:
    lazy, _ = logs()
    redactor = lazy.redactor
    assert isinstance(redactor, CountingRedactor)
    assert redactor.bodies == 0
    first = lazy.calls
    assert redactor.bodies == 2 * len(EXCHANGES)
    again = lazy.calls
    assert redactor.bodies == 2 * len(EXCHANGES)
    assert all(one is other for one, other in zip(first, again, strict=True))


def test_a_read_record_is_the_one_recorded_eagerly() -> None:
    lazy, eager = logs()
    assert without_time(lazy.calls) == without_time(eager.calls)
    assert SECRET not in repr(lazy.calls)


def test_created_records_need_no_body_redacted_and_match_the_calls() -> None:
    lazy, eager = logs()
    found = lazy.records().created_records()
    assert lazy.redactor.bodies == 0  # type: ignore[attr-defined]
    assert found == [r for r in map(Call.created_record, eager.calls) if r is not None]
    assert [str(r) for r in found] == ["customer 1006", "salesOrder 77", "customer 9"]


def test_since_shares_the_records_so_each_is_redacted_once() -> None:
    lazy, _ = logs()
    tail = lazy.since(2)
    assert len(tail) == len(EXCHANGES) - 2
    assert len(tail.calls) + 2 == len(lazy.calls)
    assert lazy.redactor.bodies == 2 * len(EXCHANGES)  # type: ignore[attr-defined]


@pytest.mark.parametrize("shape", ["calls", "dicts"])
def test_records_pickle_compare_and_print_as_their_redacted_tuple(shape: str) -> None:
    lazy, eager = logs()
    records: CallRecords[Any] = lazy.records()
    expected: tuple[Any, ...] = tuple(eager.calls)
    if shape == "dicts":
        records, expected = records.as_dicts(), tuple(c.to_dict() for c in expected)
    restored = pickle.loads(pickle.dumps(records))
    assert type(restored) is tuple
    assert SECRET not in repr(records) and SECRET.encode() not in pickle.dumps(records)
    assert without_time(map(_as_call, restored)) == without_time(map(_as_call, expected))
    assert records == restored and restored == records
    assert records[1:3] == restored[1:3]


def _as_call(record: Any) -> Call:
    return record if isinstance(record, Call) else Call(**record)


def test_a_transport_failure_is_kept_as_its_message() -> None:
    log = CallLog(redactor=Redactor([SECRET]))
    request, _ = answered("GET", "/services/rest/record/v1/customer/1")
    log.note_exchange(request, requests.ConnectionError(f"refused {SECRET}"), 0.1)
    call = log.calls[0]
    assert call.transport_error == "ConnectionError: refused ***"
    assert call.status == 0 and log.records().created_records() == []


def test_only_keeps_the_calls_of_some_methods_unread() -> None:
    lazy, eager = logs()
    writes = lazy.only({"POST", "PUT", "PATCH"})
    assert lazy.redactor.bodies == 0  # type: ignore[attr-defined]
    expected = [c for c in eager.calls if c.method in {"POST", "PUT", "PATCH"}]
    assert without_time(writes.calls) == without_time(expected)
    assert len(writes) == 4


def test_only_succeeded_keeps_the_2xx_calls_unread() -> None:
    lazy, eager = logs()
    made = lazy.only({"POST", "PUT", "PATCH"}, succeeded=True)
    assert lazy.redactor.bodies == 0  # type: ignore[attr-defined]
    expected = [c for c in eager.calls if c.method in {"POST", "PUT", "PATCH"} and c.ok]
    assert without_time(made.calls) == without_time(expected)
    assert len(made) == 3


def test_summaries_need_no_body_redacted_and_match_the_calls() -> None:
    lazy, eager = logs()
    lines = lazy.records().summaries()
    assert lazy.redactor.bodies == 0  # type: ignore[attr-defined]
    assert lines == tuple(call.summary() for call in eager.calls)
    assert lines[3] == (
        "POST /services/rest/record/v1/customer -> 400 USER_ERROR: no *** in 250 ms"
    )
    assert not any(SECRET in line for line in lines)
    assert summaries(lazy.records()) == summaries(eager.calls) == lines


_SHOWN_TEXT = st.sampled_from(["", "x", SECRET, f"a {SECRET} b", "ok/é %2F ", "***"])


@settings(max_examples=examples(300), deadline=None)
@given(
    method=st.sampled_from(["GET", "POST", "PATCH"]),
    path=st.lists(_SHOWN_TEXT, max_size=3).map(lambda parts: "/" + "/".join(parts)),
    status=st.none() | st.sampled_from([200, 204, 400, 404, 429, 500]),
    code=st.none() | _SHOWN_TEXT,
    detail=_SHOWN_TEXT,
    failure=_SHOWN_TEXT,
    duration=st.floats(0, 100, allow_nan=False),
    attempt=st.integers(1, 3),
    reason=st.none() | _SHOWN_TEXT,
    waited=st.floats(0, 9, allow_nan=False),
)
def test_an_unread_exchange_says_the_summary_of_its_redacted_call(
    method: str,
    path: str,
    status: int | None,
    code: str | None,
    detail: str,
    failure: str,
    duration: float,
    attempt: int,
    reason: str | None,
    waited: float,
) -> None:
    error = {"detail": detail, **({} if code is None else {"o:errorCode": code})}
    request, response = answered(
        method,
        path,
        status or 0,
        {"Content-Type": "application/json"},
        json.dumps({"o:errorDetails": [error]}).encode(),
    )
    outcome: requests.Response | BaseException = (
        response if status is not None else requests.ConnectionError(failure)
    )
    log = CallLog(redactor=Redactor([SECRET]))
    log.note_exchange(request, outcome, duration, attempt, retry_reason=reason, waited_s=waited)
    line = log.records().summaries()[0]
    assert line == log.calls[0].summary()
    assert SECRET not in line

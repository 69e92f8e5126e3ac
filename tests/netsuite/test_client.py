"""NetSuiteClient against `responses`: every method, paging, and each retry rule."""

from __future__ import annotations

import json
import multiprocessing
import random
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
import requests
import responses
from cryptography.hazmat.primitives.asymmetric import ec
from requests.auth import AuthBase
from responses import matchers

from harness.netsuite.auth import tba_auth
from harness.netsuite.client import NetSuiteClient
from harness.netsuite.errors import (
    ERROR_MEDIA_TYPE,
    MaybeCommittedError,
    NetSuiteError,
    RetriesExhaustedError,
    error_detail,
    error_document,
)
from harness.netsuite.governance import DEFAULT_LIMIT, ConcurrencyBudget
from harness.netsuite.oauth2 import M2MAuth
from harness.netsuite.retry import RetryPolicy

BASE = "https://1234567-sb1.suitetalk.api.netsuite.com"
REST = f"{BASE}/services/rest"
SUITEQL = f"{REST}/query/v1/suiteql"


def record(path: str) -> str:
    return f"{REST}/record/v1/{path}"


class FakeTime:
    """Sleeps instantly and advances a fake monotonic clock."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


@pytest.fixture
def mock() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock() as requests_mock:
        yield requests_mock


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


def make_client(fake_time: FakeTime, **policy: Any) -> NetSuiteClient:
    retry = RetryPolicy(
        rng=random.Random(7), sleep=fake_time.sleep, clock=fake_time.clock, **policy
    )
    return NetSuiteClient(BASE, retry=retry)


@pytest.fixture
def client(fake_time: FakeTime) -> NetSuiteClient:
    return make_client(fake_time)


def failure(status: int, code: str, detail: str, **extra: str) -> dict[str, Any]:
    return {
        "status": status,
        "content_type": ERROR_MEDIA_TYPE,
        "body": json.dumps(error_document(status, [error_detail(detail, code, **extra)])),
    }


CONCURRENCY = failure(
    429, "CONCURRENCY_LIMIT_EXCEEDED", "Concurrent request limit exceeded. Request blocked."
)
NOT_FOUND = failure(
    404, "NONEXISTENT_ID", "The record instance does not exist. Provide a valid record instance ID."
)
MAINTENANCE = {
    "status": 503,
    "content_type": "text/html",
    "body": "<html><head><title>Scheduled Maintenance</title></head></html>",
}


def created(record_path: str) -> dict[str, Any]:
    return {"status": 204, "headers": {"Location": record(record_path)}}


def methods(mock: responses.RequestsMock) -> list[str]:
    return [str(call.request.method) for call in mock.calls]


# -- construction ---------------------------------------------------------------------------


@pytest.mark.parametrize("given", [BASE, BASE + "/", BASE + "/services/rest", REST + "/"])
def test_base_url_forms_are_normalised(given: str) -> None:
    client = NetSuiteClient(given)

    assert client.rest_url == REST
    assert client.account_id == "1234567_SB1"
    assert client.record_url("salesOrder", "eid:WOO 1/2") == record("salesOrder/eid:WOO%201%2F2")


@pytest.mark.parametrize("given", ["1234567-sb1.suitetalk.api.netsuite.com", BASE + "/app"])
def test_bad_base_url_is_refused(given: str) -> None:
    with pytest.raises(ValueError, match="base_url: expected"):
        NetSuiteClient(given)


def test_bad_record_type_and_id_are_refused(client: NetSuiteClient) -> None:
    with pytest.raises(ValueError, match="record_type"):
        client.record_url("sales/Order")
    with pytest.raises(ValueError, match="record id"):
        client.record_url("salesOrder", "eid:")


# -- records --------------------------------------------------------------------------------


def test_create_posts_compact_json_and_returns_the_id_from_location(
    client: NetSuiteClient, mock: responses.RequestsMock
) -> None:
    mock.post(record("salesOrder"), **created("salesOrder/647"))
    body = {
        "entity": {"id": "110"},
        "item": {"items": [{"item": {"id": 98}, "quantity": 1, "rate": Decimal("39.95")}]},
    }

    assert client.create("salesOrder", body) == "647"
    sent = mock.calls[0].request
    assert sent.headers["Content-Type"] == "application/json"
    assert sent.body == (
        b'{"entity":{"id":"110"},"item":{"items":[{"item":{"id":98},"quantity":1,"rate":39.95}]}}'
    )


def test_decimal_that_a_json_number_would_change_is_refused(client: NetSuiteClient) -> None:
    with pytest.raises(ValueError, match="cannot send Decimal"):
        client.create("salesOrder", {"rate": Decimal("0.1000000000000000000001")})


def test_create_without_location_is_an_error(
    client: NetSuiteClient, mock: responses.RequestsMock
) -> None:
    mock.post(record("customer"), status=204)

    with pytest.raises(NetSuiteError, match="without a Location header"):
        client.create("customer", {"companyName": "Acme"})


def test_get_with_expansion_and_fields(
    client: NetSuiteClient, mock: responses.RequestsMock
) -> None:
    mock.get(
        record("salesOrder/eid:WOO-1001"),
        json={"id": "18", "tranId": "1"},
        match=[
            matchers.query_param_matcher({"expandSubResources": "true", "fields": "tranId,item"})
        ],
    )

    got = client.get("salesOrder", "eid:WOO-1001", expand=True, fields=["tranId", "item"])

    assert got == {"id": "18", "tranId": "1"}


def test_get_of_a_missing_record_raises(
    client: NetSuiteClient, mock: responses.RequestsMock
) -> None:
    mock.get(record("customer/-1"), **NOT_FOUND)

    with pytest.raises(NetSuiteError) as caught:
        client.get("customer", -1)
    assert (caught.value.status, caught.value.code) == (404, "NONEXISTENT_ID")
    assert len(mock.calls) == 1


def test_update_patches_with_replace(client: NetSuiteClient, mock: responses.RequestsMock) -> None:
    mock.patch(
        record("salesOrder/18"),
        status=204,
        headers={"Location": record("salesOrder/18")},
        match=[
            matchers.query_param_matcher({"replace": "item"}),
            matchers.json_params_matcher({"item": {"items": []}}),
        ],
    )

    client.update("salesOrder", "18", {"item": {"items": []}}, replace=["item"])

    assert methods(mock) == ["PATCH"]


def test_upsert_puts_by_external_id(client: NetSuiteClient, mock: responses.RequestsMock) -> None:
    mock.put(
        record("customer/eid:CID002"),
        **created("customer/651"),
        match=[matchers.json_params_matcher({"companyName": "Acme"})],
    )
    mock.put(record("customer/eid:CID003"), status=204)

    assert client.upsert("customer", "CID002", {"companyName": "Acme"}) == "651"
    assert client.upsert("customer", "eid:CID003", {"companyName": "Acme"}) is None


def test_delete(client: NetSuiteClient, mock: responses.RequestsMock) -> None:
    mock.delete(record("salesOrder/18"), status=204)

    client.delete("salesOrder", 18)

    assert methods(mock) == ["DELETE"]


def test_list_pages_by_offset_plus_count(
    client: NetSuiteClient, mock: responses.RequestsMock
) -> None:
    pages = [(0, ["1", "2"], True), (2, ["3", "4"], True), (4, ["5"], False)]
    for offset, ids, more in pages:
        mock.get(
            record("customer"),
            json={
                "count": len(ids),
                "hasMore": more,
                "offset": offset,
                "totalResults": 5,
                "items": [{"links": [], "id": i} for i in ids],
            },
            match=[
                matchers.query_param_matcher(
                    {"limit": "2", "offset": str(offset), "q": 'email START_WITH "a"'}
                )
            ],
        )

    assert list(client.list("customer", q='email START_WITH "a"', limit=2)) == [
        "1",
        "2",
        "3",
        "4",
        "5",
    ]
    assert len(mock.calls) == 3


def test_list_of_an_empty_collection(client: NetSuiteClient, mock: responses.RequestsMock) -> None:
    mock.get(record("customer"), json={"count": 0, "hasMore": False, "items": []})

    assert list(client.list("customer")) == []


def test_suiteql_pages_through_every_row(
    client: NetSuiteClient, mock: responses.RequestsMock
) -> None:
    query = "SELECT id, tranid FROM transaction WHERE type = 'SalesOrd'"
    rows = [{"links": [], "id": str(n), "tranid": f"SO{n}"} for n in range(5)]
    for offset in (0, 2, 4):
        chunk = rows[offset : offset + 2]
        mock.post(
            SUITEQL,
            json={"count": len(chunk), "hasMore": offset < 4, "offset": offset, "items": chunk},
            match=[
                matchers.query_param_matcher({"limit": "2", "offset": str(offset)}),
                matchers.header_matcher({"Prefer": "transient"}),
                matchers.json_params_matcher({"q": query}),
            ],
        )

    got = list(client.suiteql(query, limit=2))

    assert got == [{"id": str(n), "tranid": f"SO{n}"} for n in range(5)]


def test_suiteql_all_collects_a_single_page(
    client: NetSuiteClient, mock: responses.RequestsMock
) -> None:
    mock.post(
        SUITEQL,
        json={"count": 1, "hasMore": False, "items": [{"id": "26"}]},
        match=[matchers.query_param_matcher({"limit": "1000", "offset": "0"})],
    )

    assert client.suiteql_all("SELECT id FROM customer") == [{"id": "26"}]


@pytest.mark.parametrize("limit", [0, 1001])
def test_page_size_is_bounded(client: NetSuiteClient, limit: int) -> None:
    with pytest.raises(ValueError, match=r"limit: expected 1\.\.1000"):
        list(client.suiteql("SELECT 1 FROM dual", limit=limit))


def test_page_claiming_more_without_items_stops_paging(
    client: NetSuiteClient, mock: responses.RequestsMock
) -> None:
    mock.post(SUITEQL, json={"hasMore": True, "items": []})

    with pytest.raises(NetSuiteError, match="expected a non-empty list while hasMore"):
        client.suiteql_all("SELECT id FROM customer")


def test_governance_limits(client: NetSuiteClient, mock: responses.RequestsMock) -> None:
    limits = {
        "accountConcurrencyLimit": 5,
        "accountUnallocatedConcurrencyLimit": 3,
        "integrationConcurrencyLimit": 2,
        "integrationLimitType": "integrationSpecific",
    }
    mock.get(f"{REST}/system/v1/governanceLimits", json=limits)

    assert client.governance_limits() == limits


def test_share_concurrency_uses_the_integration_limit(
    client: NetSuiteClient, mock: responses.RequestsMock, tmp_path: Path
) -> None:
    mock.get(
        f"{REST}/system/v1/governanceLimits",
        json={
            "accountConcurrencyLimit": 5,
            "integrationConcurrencyLimit": 2,
            "integrationLimitType": "integrationSpecific",
        },
    )

    budget = client.share_concurrency(lock_dir=str(tmp_path))

    assert (budget.limit, budget.account_id) == (2, "1234567_SB1")
    assert client.governance is budget


def test_share_concurrency_falls_back_when_the_role_may_not_read_limits(
    client: NetSuiteClient, mock: responses.RequestsMock, tmp_path: Path
) -> None:
    mock.get(
        f"{REST}/system/v1/governanceLimits",
        **failure(403, "INSUFFICIENT_PERMISSION", "You do not have permission."),
    )

    assert client.share_concurrency(lock_dir=str(tmp_path)).limit == DEFAULT_LIMIT


# -- retries --------------------------------------------------------------------------------


def test_429_honours_retry_after_seconds(
    client: NetSuiteClient, mock: responses.RequestsMock, fake_time: FakeTime
) -> None:
    mock.get(record("customer/1"), headers={"Retry-After": "3"}, **CONCURRENCY)
    mock.get(record("customer/1"), json={"id": "1"})

    assert client.get("customer", "1") == {"id": "1"}
    assert fake_time.sleeps == [3.0]
    first, second = client.calllog.calls
    assert (first.status, first.error_code, first.attempt) == (429, "CONCURRENCY_LIMIT_EXCEEDED", 1)
    assert (second.status, second.attempt, second.waited_s) == (200, 2, 3.0)
    assert second.retry_reason == "attempt 1 got 429 CONCURRENCY_LIMIT_EXCEEDED"


def test_429_honours_retry_after_http_date(
    client: NetSuiteClient, mock: responses.RequestsMock, fake_time: FakeTime
) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=20), usegmt=True)
    mock.get(record("customer/1"), headers={"Retry-After": when}, **CONCURRENCY)
    mock.get(record("customer/1"), json={"id": "1"})

    client.get("customer", "1")

    assert fake_time.sleeps == [pytest.approx(20, abs=1.5)]


def test_429_without_retry_after_backs_off(
    client: NetSuiteClient, mock: responses.RequestsMock, fake_time: FakeTime
) -> None:
    mock.post(SUITEQL, **CONCURRENCY)
    mock.post(SUITEQL, **CONCURRENCY)
    mock.post(SUITEQL, json={"hasMore": False, "items": []})

    client.suiteql_all("SELECT id FROM customer")

    policy = client.retry
    assert len(fake_time.sleeps) == 2
    for retry, slept in enumerate(fake_time.sleeps, 1):
        raw = policy.base_backoff * 2 ** (retry - 1)
        assert raw * (1 - policy.jitter) <= slept <= raw


def test_html_503_on_a_read_is_retried(
    client: NetSuiteClient, mock: responses.RequestsMock
) -> None:
    mock.get(record("customer/1"), **MAINTENANCE)
    mock.get(record("customer/1"), json={"id": "1"})

    assert client.get("customer", 1) == {"id": "1"}
    assert client.calllog.calls[1].retry_reason == (
        "attempt 1 got 503 with an HTML page (title: Scheduled Maintenance)"
    )


def test_dropped_connection_on_a_read_is_retried(
    client: NetSuiteClient, mock: responses.RequestsMock
) -> None:
    mock.get(record("customer/1"), body=requests.ConnectionError("Connection reset by peer"))
    mock.get(record("customer/1"), body=requests.ReadTimeout("read timed out"))
    mock.get(record("customer/1"), json={"id": "1"})

    assert client.get("customer", 1) == {"id": "1"}
    assert [c.transport_error for c in client.calllog.calls] == [
        "ConnectionError: Connection reset by peer",
        "ReadTimeout: read timed out",
        None,
    ]


def test_upsert_is_retried_as_is(client: NetSuiteClient, mock: responses.RequestsMock) -> None:
    mock.put(record("customer/eid:C1"), body=requests.ReadTimeout("read timed out"))
    mock.put(record("customer/eid:C1"), status=502, body="")
    mock.put(record("customer/eid:C1"), **created("customer/9"))

    assert client.upsert("customer", "C1", {"companyName": "Acme"}) == "9"
    assert methods(mock) == ["PUT", "PUT", "PUT"]
    assert {c.request.body for c in mock.calls} == {b'{"companyName":"Acme"}'}


def test_post_with_external_id_after_a_dropped_connection_looks_up_then_upserts(
    client: NetSuiteClient, mock: responses.RequestsMock
) -> None:
    body = {"externalId": "WOO-1001", "entity": {"id": "110"}}
    mock.post(record("salesOrder"), body=requests.ConnectionError("Connection aborted."))
    mock.get(record("salesOrder/eid:WOO-1001"), **NOT_FOUND)
    mock.put(
        record("salesOrder/eid:WOO-1001"),
        **created("salesOrder/700"),
        match=[matchers.json_params_matcher(body)],
    )

    assert client.create("salesOrder", body) == "700"
    assert methods(mock) == ["POST", "GET", "PUT"]
    lookup, upsert = client.calllog.calls[1:]
    assert lookup.retry_reason == (
        "POST got ConnectionError and may have been committed; "
        "looking up externalId WOO-1001 instead of posting again"
    )
    assert upsert.retry_reason == (
        "no salesOrder has externalId WOO-1001; creating it with "
        "PUT eid: instead of repeating the POST"
    )
    assert [c.attempt for c in client.calllog.calls] == [1, 2, 3]


def test_post_with_external_id_that_did_land_is_not_written_again(
    client: NetSuiteClient, mock: responses.RequestsMock
) -> None:
    body = {"externalId": "WOO-1002"}
    mock.post(record("salesOrder"), body=requests.ReadTimeout("read timed out"))
    mock.get(record("salesOrder/eid:WOO-1002"), json={"id": "701", "externalId": "WOO-1002"})

    assert client.create("salesOrder", body) == "701"
    assert methods(mock) == ["POST", "GET"]


def test_recovery_upsert_replaces_sublists_instead_of_appending(
    client: NetSuiteClient, mock: responses.RequestsMock
) -> None:
    body = {
        "externalId": "WOO-1004",
        "entity": {"id": "110"},
        "item": {"items": [{"item": {"id": 98}, "quantity": 1}]},
    }
    mock.post(record("salesOrder"), body=requests.ConnectionError("Connection aborted."))
    mock.get(record("salesOrder/eid:WOO-1004"), **NOT_FOUND)
    mock.put(
        record("salesOrder/eid:WOO-1004"),
        **created("salesOrder/705"),
        match=[matchers.query_param_matcher({"replace": "item"})],
    )

    assert client.create("salesOrder", body) == "705"


def test_post_with_external_id_after_a_5xx_is_recovered_too(
    client: NetSuiteClient, mock: responses.RequestsMock
) -> None:
    mock.post(record("salesOrder"), **failure(500, "UNEXPECTED_ERROR", "An unexpected error"))
    mock.get(record("salesOrder/eid:WOO-1003"), **MAINTENANCE)
    mock.get(record("salesOrder/eid:WOO-1003"), **NOT_FOUND)
    mock.put(record("salesOrder/eid:WOO-1003"), **created("salesOrder/702"))

    assert client.create("salesOrder", {"externalId": "WOO-1003"}) == "702"
    assert methods(mock) == ["POST", "GET", "GET", "PUT"]


def test_post_without_external_id_is_not_repeated_after_a_dropped_connection(
    client: NetSuiteClient, mock: responses.RequestsMock, fake_time: FakeTime
) -> None:
    mock.post(record("salesOrder"), body=requests.ConnectionError("Connection aborted."))

    with pytest.raises(MaybeCommittedError) as caught:
        client.create("salesOrder", {"entity": {"id": "110"}})

    assert methods(mock) == ["POST"]
    assert fake_time.sleeps == []
    message = str(caught.value)
    assert "may have been committed; not retried" in message
    assert "no externalId" in message
    assert caught.value.status == 0


def test_post_without_external_id_is_not_repeated_after_a_5xx(
    client: NetSuiteClient, mock: responses.RequestsMock
) -> None:
    mock.post(record("salesOrder"), **MAINTENANCE)

    with pytest.raises(MaybeCommittedError) as caught:
        client.create("salesOrder", {"entity": {"id": "110"}})
    assert caught.value.status == 503
    assert methods(mock) == ["POST"]


def test_post_rejected_with_429_is_safe_to_repeat(
    client: NetSuiteClient, mock: responses.RequestsMock
) -> None:
    mock.post(record("salesOrder"), **CONCURRENCY)
    mock.post(record("salesOrder"), **created("salesOrder/703"))

    assert client.create("salesOrder", {"entity": {"id": "110"}}) == "703"
    assert methods(mock) == ["POST", "POST"]


def test_post_that_could_not_connect_is_safe_to_repeat(
    client: NetSuiteClient, mock: responses.RequestsMock
) -> None:
    mock.post(record("salesOrder"), body=requests.ConnectTimeout("connect timed out"))
    mock.post(record("salesOrder"), **created("salesOrder/704"))

    assert client.create("salesOrder", {"entity": {"id": "110"}}) == "704"
    assert client.calllog.calls[1].retry_reason == "attempt 1 got ConnectTimeout before sending"


def test_refused_connection_counts_as_never_sent(fake_time: FakeTime) -> None:
    # A real refused connection on 127.0.0.1: nothing listens on a port we just released.
    with __import__("socket").socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = NetSuiteClient(
        f"http://127.0.0.1:{port}",
        retry=RetryPolicy(max_attempts=2, sleep=fake_time.sleep, clock=fake_time.clock),
    )

    with pytest.raises(RetriesExhaustedError) as caught:
        client.create("salesOrder", {"entity": {"id": "110"}})
    assert caught.value.status == 0
    assert len(client.calllog) == 2


def test_patch_is_not_repeated_after_a_5xx(
    client: NetSuiteClient, mock: responses.RequestsMock
) -> None:
    mock.patch(record("salesOrder/18"), **failure(500, "UNEXPECTED_ERROR", "An unexpected error"))

    with pytest.raises(MaybeCommittedError, match="append its new sublist lines again"):
        client.update("salesOrder", "18", {"item": {"items": [{"item": {"id": 98}}]}})
    assert methods(mock) == ["PATCH"]


def test_delete_that_landed_before_the_connection_dropped_is_done(
    client: NetSuiteClient, mock: responses.RequestsMock
) -> None:
    mock.delete(record("salesOrder/18"), body=requests.ReadTimeout("read timed out"))
    mock.delete(record("salesOrder/18"), **NOT_FOUND)

    client.delete("salesOrder", "18")

    assert methods(mock) == ["DELETE", "DELETE"]


def test_delete_of_a_missing_record_raises(
    client: NetSuiteClient, mock: responses.RequestsMock
) -> None:
    mock.delete(record("salesOrder/18"), **NOT_FOUND)

    with pytest.raises(NetSuiteError, match="404 NONEXISTENT_ID"):
        client.delete("salesOrder", "18")


def test_client_errors_are_not_retried(
    client: NetSuiteClient, mock: responses.RequestsMock, fake_time: FakeTime
) -> None:
    mock.post(record("customer"), **failure(400, "USER_ERROR", "This entity already exists."))

    with pytest.raises(NetSuiteError) as caught:
        client.create("customer", {"externalId": "C1"})
    assert type(caught.value) is NetSuiteError
    assert fake_time.sleeps == []


def test_exhausted_attempts_list_every_attempt(
    client: NetSuiteClient, mock: responses.RequestsMock, fake_time: FakeTime
) -> None:
    mock.get(record("customer/1"), **CONCURRENCY)

    with pytest.raises(RetriesExhaustedError) as caught:
        client.get("customer", "1")

    error = caught.value
    assert len(mock.calls) == client.retry.max_attempts == 5
    assert len(error.attempts) == 5
    assert error.attempts[-1] == "429 CONCURRENCY_LIMIT_EXCEEDED (last)"
    assert (
        error.attempts[0]
        == f"429 CONCURRENCY_LIMIT_EXCEEDED; retried after {fake_time.sleeps[0]:.2f}s"
    )
    message = str(error)
    assert "gave up after 5 attempts (the limit of 5 attempts was reached)" in message
    assert "#1 429 CONCURRENCY_LIMIT_EXCEEDED" in message and "#5 " in message
    assert (error.status, error.code) == (429, "CONCURRENCY_LIMIT_EXCEEDED")
    assert [c.attempt for c in client.calllog.calls] == [1, 2, 3, 4, 5]


def test_total_time_budget_stops_retrying(
    fake_time: FakeTime, mock: responses.RequestsMock
) -> None:
    client = make_client(fake_time, base_backoff=1.0, jitter=0.0, total_budget=2.5)
    mock.get(record("customer/1"), **MAINTENANCE)

    with pytest.raises(RetriesExhaustedError, match=r"would exceed the 2\.5s retry budget"):
        client.get("customer", "1")
    assert fake_time.sleeps == [1.0]
    assert len(mock.calls) == 2


def test_retry_after_beyond_the_budget_is_not_waited_for(
    fake_time: FakeTime, mock: responses.RequestsMock
) -> None:
    client = make_client(fake_time, total_budget=60)
    mock.get(record("customer/1"), headers={"Retry-After": "600"}, **CONCURRENCY)

    with pytest.raises(RetriesExhaustedError, match=r"waiting 600\.00s more"):
        client.get("customer", "1")
    assert fake_time.sleeps == []


def test_backoff_grows_exponentially_with_bounded_jitter() -> None:
    policy = RetryPolicy(base_backoff=0.5, max_backoff=4.0, jitter=0.5, rng=random.Random(3))
    waits = [policy.backoff(n) for n in range(1, 8)]
    caps = [0.5, 1.0, 2.0, 4.0, 4.0, 4.0, 4.0]

    for wait, cap in zip(waits, caps, strict=True):
        assert cap * 0.5 <= wait <= cap
    assert len(set(waits)) == len(waits)
    assert RetryPolicy(jitter=0.0).backoff(3) == 2.0


def _first_backoff(answers: Any) -> None:
    answers.put(RetryPolicy().backoff(1))


def test_forked_workers_do_not_retry_in_lockstep() -> None:
    """A policy without its own `rng` draws from the process's generator, which every forked
    worker reseeds: workers forked from one parent still wait different times."""
    RetryPolicy().backoff(1)  # the parent has drawn before it forks
    fork = multiprocessing.get_context("fork")
    answers = fork.Queue()
    workers = [fork.Process(target=_first_backoff, args=(answers,)) for _ in range(3)]
    for worker in workers:
        worker.start()
    waits = [answers.get(timeout=10) for _ in workers]
    for worker in workers:
        worker.join(timeout=10)
    assert all(0.25 <= wait <= 0.5 for wait in waits)
    assert len(set(waits)) == len(waits)


# -- auth, logging and governance -------------------------------------------------------------


class TokenFetchingAuth(AuthBase):
    """Auth that fetches a token through the client's session, as OAuth 2.0 M2M does."""

    def __init__(self, session: requests.Session) -> None:
        self.session = session

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        token = self.session.post(f"{REST}/auth/oauth2/v1/token", data={"x": "y"}).json()
        r.headers["Authorization"] = f"Bearer {token['access_token']}"
        return r


def test_exchanges_made_by_the_auth_object_are_logged_once(mock: responses.RequestsMock) -> None:
    session = requests.Session()
    client = NetSuiteClient(BASE, TokenFetchingAuth(session), session=session)
    mock.post(f"{REST}/auth/oauth2/v1/token", json={"access_token": "tok-abcdef-123"})
    mock.get(
        record("customer/1"),
        json={"id": "1"},
        match=[matchers.header_matcher({"Authorization": "Bearer tok-abcdef-123"})],
    )

    client.get("customer", "1")

    assert [c.path.rsplit("/", 2)[-2:] for c in client.calllog.calls] == [
        ["v1", "token"],
        ["customer", "1"],
    ]
    assert "tok-abcdef-123" not in client.calllog.to_jsonl()


def test_m2m_token_refresh_after_401_appears_in_the_log(mock: responses.RequestsMock) -> None:
    session = requests.Session()
    token_url = f"{REST}/auth/oauth2/v1/token"
    auth = M2MAuth(
        session,
        token_url=token_url,
        client_id="client-id-123",
        certificate_id="cert-id-123",
        private_key=ec.generate_private_key(ec.SECP256R1()),
    )
    client = NetSuiteClient(BASE, auth, session=session)
    mock.post(token_url, json={"access_token": "first-token-abc", "expires_in": "3600"})
    mock.post(token_url, json={"access_token": "second-token-def", "expires_in": "3600"})
    mock.get(record("customer/1"), **failure(401, "INVALID_LOGIN", "Invalid login attempt."))
    mock.get(record("customer/1"), json={"id": "1"})

    assert client.get("customer", "1") == {"id": "1"}
    assert [(c.method, c.status) for c in client.calllog.calls] == [
        ("POST", 200),
        ("GET", 401),
        ("POST", 200),
        ("GET", 200),
    ]
    exported = client.calllog.to_jsonl()
    for secret in ("first-token-abc", "second-token-def", "eyJ"):
        assert secret not in exported


def test_tba_header_is_logged_without_its_oauth_values(mock: responses.RequestsMock) -> None:
    keys = ("ck" + "a" * 62, "cs" + "b" * 62, "ti" + "c" * 62, "ts" + "d" * 62)
    client = NetSuiteClient(BASE, tba_auth("1234567_SB1", *keys), secrets=keys)
    mock.get(record("customer/1"), json={"id": "1"})

    client.get("customer", "1")

    header = client.calllog.calls[0].request_headers["Authorization"]
    assert header.startswith('OAuth realm="1234567_SB1", ')
    assert 'oauth_signature="***"' in header
    assert not any(key in client.calllog.to_jsonl() for key in keys)


def test_from_env_registers_the_credentials_as_secrets(
    monkeypatch: pytest.MonkeyPatch, mock: responses.RequestsMock
) -> None:
    values = {
        "NETSUITE_ACCOUNT": "1234567_SB1",
        "NETSUITE_CONSUMER_KEY": "ck-" + "1" * 40,
        "NETSUITE_CONSUMER_SECRET": "cs-" + "2" * 40,
        "NETSUITE_TOKEN_ID": "ti-" + "3" * 40,
        "NETSUITE_TOKEN_SECRET": "ts-" + "4" * 40,
    }
    for name in (
        "NETSUITE_CLIENT_ID",
        "NETSUITE_CERTIFICATE_ID",
        "NETSUITE_PRIVATE_KEY",
        "NETSUITE_BASE_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    mock.post(record("customer"), **created("customer/5"))

    client = NetSuiteClient.from_env()
    client.create("customer", {"memo": values["NETSUITE_TOKEN_SECRET"]})

    assert client.account_id == "1234567_SB1"
    assert client.base_url == BASE
    assert client.calllog.calls[0].request_body == '{"memo":"***"}'
    assert client.calllog.calls[0].request_headers["Authorization"].startswith("OAuth realm=")


def test_requests_in_flight_never_exceed_the_budget(tmp_path: Path) -> None:
    budget = ConcurrencyBudget("1234567_SB1", 2, lock_dir=tmp_path)
    client = NetSuiteClient(BASE, governance=budget)
    lock = threading.Lock()
    state = {"now": 0, "max": 0}

    def slow(request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        with lock:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
        time.sleep(0.01)
        with lock:
            state["now"] -= 1
        return 200, {}, '{"id": "1"}'

    with responses.RequestsMock() as requests_mock:
        requests_mock.add_callback("GET", record("customer/1"), callback=slow)
        threads = [
            threading.Thread(target=lambda: [client.get("customer", 1) for _ in range(5)])
            for _ in range(6)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert len(client.calllog) == 30
    assert state["max"] == 2


class CountingAuth(AuthBase):
    def __init__(self) -> None:
        self.signed = 0

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        self.signed += 1
        r.headers["Authorization"] = f'OAuth oauth_nonce="{self.signed}"'
        return r


def test_requests_are_signed_again_after_a_long_wait_for_a_slot(
    mock: responses.RequestsMock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    auth = CountingAuth()
    client = NetSuiteClient(
        BASE, auth, governance=ConcurrencyBudget("1234567_SB1", 1, lock_dir=tmp_path)
    )
    mock.get(record("customer/1"), json={"id": "1"})
    client.get("customer", "1")
    assert auth.signed == 1

    monkeypatch.setattr("harness.netsuite.sending.RESIGN_AFTER", -1.0)
    client.get("customer", "1")
    assert auth.signed == 3


def test_certificate_errors_are_not_retried(
    client: NetSuiteClient, mock: responses.RequestsMock, fake_time: FakeTime
) -> None:
    mock.get(record("customer/1"), body=requests.exceptions.SSLError("certificate verify failed"))

    with pytest.raises(NetSuiteError, match="SSLError: certificate verify failed") as caught:
        client.get("customer", "1")
    assert caught.value.status == 0
    assert fake_time.sleeps == []


def test_a_success_without_json_is_an_error_naming_the_body(
    client: NetSuiteClient, mock: responses.RequestsMock
) -> None:
    client.calllog.register_secret("echoed-secret-value")
    mock.get(record("customer/1"), body="<html>login echoed-secret-value</html>")

    with pytest.raises(NetSuiteError, match="200 with a body that is not a JSON object") as caught:
        client.get("customer", "1")
    assert "echoed-secret-value" not in caught.value.raw_body

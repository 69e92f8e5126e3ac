"""CallLog: one redacted, capped record per exchange; queryable, exportable, thread-safe."""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path

import pytest
import requests
import responses
from requests.auth import AuthBase

from harness.netsuite.calllog import Call, CallLog, CallLogFormatError
from harness.netsuite.errors import ERROR_MEDIA_TYPE, error_detail, error_document

BASE = "https://1234567-sb1.suitetalk.api.netsuite.com"
REST = f"{BASE}/services/rest"


class FixedHeader(AuthBase):
    def __init__(self, value: str) -> None:
        self.value = value

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.headers["Authorization"] = self.value
        return r


def exchange(
    log: CallLog,
    method: str,
    url: str,
    *,
    status: int = 200,
    reply: str = "",
    reply_type: str = "application/json",
    reply_headers: dict[str, str] | None = None,
    attempt: int = 1,
    **request_kwargs: object,
) -> Call:
    """Send one request against a mock and record it the way the client does."""
    session = requests.Session()
    with responses.RequestsMock() as mock:
        mock.add(
            method,
            url.split("?")[0],
            body=reply,
            status=status,
            content_type=reply_type,
            headers=reply_headers or {},
        )
        prepared = session.prepare_request(requests.Request(method, url, **request_kwargs))
        response = session.send(prepared)
    return log.record_exchange(
        prepared,
        response,
        0.0123,
        attempt,
        retry_reason="attempt 1 got 429" if attempt > 1 else None,
        waited_s=1.5 if attempt > 1 else 0.0,
    )


def test_records_every_part_of_an_exchange() -> None:
    log = CallLog()
    call = exchange(
        log,
        "POST",
        f"{REST}/query/v1/suiteql?limit=2&offset=4",
        json={"q": "SELECT id FROM customer"},
        headers={"Prefer": "transient"},
        reply='{"count":0,"hasMore":false,"items":[]}',
        attempt=2,
    )

    assert call.method == "POST"
    assert call.host == "1234567-sb1.suitetalk.api.netsuite.com"
    assert call.path == "/services/rest/query/v1/suiteql"
    assert call.query == {"limit": "2", "offset": "4"}
    assert call.request_headers["Prefer"] == "transient"
    assert json.loads(call.request_body or "") == {"q": "SELECT id FROM customer"}
    assert call.status == 200
    assert json.loads(call.response_body or "")["hasMore"] is False
    assert call.duration_ms == pytest.approx(12.3)
    assert (call.attempt, call.retry_reason, call.waited_s) == (2, "attempt 1 got 429", 1.5)
    assert call.time.endswith("Z") and call.time[:2] == "20"
    assert call.error_code is None and call.ok
    assert log.calls == [call] and log.last == call


def test_error_answers_carry_netsuite_code_detail_and_path() -> None:
    body = error_document(
        400,
        [error_detail("Please enter value(s) for: Subsidiary.", "USER_ERROR", path="subsidiary")],
    )
    call = exchange(
        CallLog(),
        "POST",
        f"{REST}/record/v1/customer",
        status=400,
        reply=json.dumps(body),
        reply_type=ERROR_MEDIA_TYPE,
        json={},
    )

    assert (call.error_code, call.error_path) == ("USER_ERROR", "subsidiary")
    assert call.error_detail == "Please enter value(s) for: Subsidiary."
    assert "-> 400 USER_ERROR: Please enter value(s) for: Subsidiary." in call.summary()


def test_transport_failures_are_recorded_with_status_zero() -> None:
    log = CallLog()
    prepared = requests.Request("GET", f"{REST}/record/v1/customer/1").prepare()
    call = log.record_exchange(prepared, requests.ReadTimeout("read timed out"), 30.0, 3)

    assert call.status == 0
    assert call.transport_error == "ReadTimeout: read timed out"
    assert log.errors() == [call]
    assert "no answer (ReadTimeout: read timed out)" in call.summary()


def test_response_bodies_are_capped() -> None:
    log = CallLog(max_body_bytes=1024)
    big = json.dumps({"items": [{"id": str(n), "memo": "é" * 50} for n in range(200)]})
    call = exchange(log, "GET", f"{REST}/record/v1/customer", reply=big)

    assert call.response_truncated
    assert call.response_body is not None
    kept, _, note = call.response_body.partition("...[")
    assert len(kept.encode("utf-8")) <= 1024
    assert note == f"{len(big.encode('utf-8')) - 1024} more bytes cut]"


def test_credentials_are_masked_in_headers_bodies_and_queries() -> None:
    log = CallLog()
    tba = (
        'OAuth realm="1234567_SB1", oauth_consumer_key="ck123456", oauth_token="tk123456", '
        'oauth_signature="sig%2Babc", oauth_nonce="n0nce1", oauth_timestamp="1700000000"'
    )
    call = exchange(
        log,
        "POST",
        f"{REST}/auth/oauth2/v1/token?access_token=qs-token-123",
        auth=FixedHeader(tba),
        headers={"Cookie": "JSESSIONID=abc123def"},
        data={"grant_type": "client_credentials", "client_assertion": "eyJhbGciOi.eyJpc3Mi.c2ln"},
        reply='{"access_token":"eyJraWQiOi.eyJzdWIi.c2lnbmF0","expires_in":"3600"}',
        reply_headers={"Set-Cookie": "NS_ROUTING=xyz987; Path=/"},
    )
    exported = log.to_jsonl()

    assert call.request_headers["Authorization"] == (
        'OAuth realm="1234567_SB1", oauth_consumer_key="***", oauth_token="***", '
        'oauth_signature="***", oauth_nonce="***", oauth_timestamp="***"'
    )
    assert call.request_headers["Cookie"] == "***"
    assert call.response_headers["Set-Cookie"] == "***"
    assert call.query == {"access_token": "***"}
    assert call.request_body == "grant_type=client_credentials&client_assertion=***"
    assert json.loads(call.response_body or "") == {"access_token": "***", "expires_in": "3600"}
    for leaked in (
        "ck123456",
        "tk123456",
        "sig%2Babc",
        "abc123def",
        "xyz987",
        "qs-token-123",
        "eyJhbGciOi",
        "eyJraWQiOi",
    ):
        assert leaked not in exported


def test_bearer_tokens_keep_only_the_scheme() -> None:
    call = exchange(
        CallLog(),
        "GET",
        f"{REST}/record/v1/customer/1",
        auth=FixedHeader("Bearer eyJhbGciOiJQUzI1NiJ9.eyJzdWIiOiIxIn0.sig"),
    )

    assert call.request_headers["Authorization"] == "Bearer ***"


def test_registered_secrets_are_masked_in_every_field() -> None:
    log = CallLog()
    secret = "s3cr3t/Value+1"
    log.register_secret(secret)
    call = exchange(
        log,
        "PUT",
        f"{REST}/record/v1/customer/eid:{secret}?memo={secret}",
        json={"memo": f"note {secret}"},
        headers={"X-Custom": secret},
        reply=f"plain text with {secret}",
        reply_type="text/plain",
        reply_headers={"Location": f"{REST}/record/v1/customer/eid:{secret}"},
    )

    assert secret not in json.dumps(call.to_dict(), ensure_ascii=False)
    assert call.path == "/services/rest/record/v1/customer/eid:***"
    assert call.request_headers["X-Custom"] == "***"
    assert call.response_body == "plain text with ***"


def test_short_values_are_not_treated_as_secrets() -> None:
    log = CallLog()
    log.register_secret("1")
    call = exchange(log, "GET", f"{REST}/record/v1/customer/1")

    assert call.path.endswith("/customer/1")


def test_filter_last_and_errors() -> None:
    log = CallLog()
    ok = exchange(log, "GET", f"{REST}/record/v1/customer/1", reply="{}")
    failed = exchange(
        log,
        "POST",
        f"{REST}/record/v1/salesOrder",
        status=400,
        json={},
        reply=json.dumps(error_document(400, [error_detail("x", "USER_ERROR")])),
    )

    assert log.filter(method="get") == [ok]
    assert log.filter(path_contains="salesOrder") == [failed]
    assert log.filter(status=400) == [failed]
    assert log.filter(method="POST", status=200) == []
    assert log.errors() == [failed]
    assert log.last == failed
    assert len(log) == 2 and list(log) == [ok, failed]
    log.clear()
    assert log.last is None


def test_jsonl_round_trip(tmp_path: Path) -> None:
    log = CallLog()
    exchange(log, "GET", f"{REST}/record/v1/customer/1?expandSubResources=true", reply="{}")
    exchange(
        log,
        "POST",
        f"{REST}/record/v1/customer",
        status=204,
        json={"companyName": "Ä"},
        reply_headers={"Location": f"{REST}/record/v1/customer/7"},
    )
    path = tmp_path / "calls.jsonl"
    log.write_jsonl(path)

    assert path.read_text(encoding="utf-8") == log.to_jsonl()
    assert len(log.to_jsonl().splitlines()) == 2
    assert CallLog.read_jsonl(path).calls == log.calls


def test_reading_a_broken_log_names_file_line_and_field(tmp_path: Path) -> None:
    log = CallLog()
    exchange(log, "GET", f"{REST}/record/v1/customer/1", reply="{}")
    record = log.calls[0].to_dict()
    record["status"] = "two hundred"
    path = tmp_path / "broken.jsonl"
    path.write_text(log.to_jsonl() + json.dumps(record) + "\n", encoding="utf-8")

    with pytest.raises(CallLogFormatError) as caught:
        CallLog.read_jsonl(path)
    assert str(caught.value).startswith(f"{path}:2: status: ")
    assert "'two hundred'" in str(caught.value)


def test_appends_from_many_threads_are_all_kept() -> None:
    log = CallLog()
    prepared = requests.Request("GET", f"{REST}/record/v1/customer/1").prepare()

    def work() -> None:
        for _ in range(200):
            log.record_exchange(prepared, requests.ConnectionError("reset"), 0.001)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(log) == 1600


def test_response_hook_records_exchanges_made_by_other_code() -> None:
    log = CallLog()
    session = requests.Session()
    session.hooks["response"].append(log.response_hook)
    with responses.RequestsMock() as mock:
        mock.get(f"{REST}/record/v1/metadata-catalog", json={"items": []})
        session.get(f"{REST}/record/v1/metadata-catalog")

    assert [c.path for c in log.calls] == ["/services/rest/record/v1/metadata-catalog"]


def test_each_call_is_logged_as_one_readable_line(caplog: pytest.LogCaptureFixture) -> None:
    log = CallLog()
    with caplog.at_level(logging.DEBUG, logger="harness.netsuite.calls"):
        exchange(
            log,
            "GET",
            f"{REST}/record/v1/customer/1",
            status=404,
            reply=json.dumps(
                error_document(
                    404, [error_detail("The record instance does not exist.", "NONEXISTENT_ID")]
                )
            ),
        )

    assert caplog.messages == [
        "GET /services/rest/record/v1/customer/1 -> 404 NONEXISTENT_ID: "
        "The record instance does not exist. in 12 ms"
    ]


def test_deferred_notes_are_recorded_in_order_when_the_block_ends() -> None:
    log = CallLog()
    prepared = requests.Request("GET", f"{REST}/record/v1/customer/1").prepare()
    second = requests.Request("GET", f"{REST}/record/v1/customer/2").prepare()

    with log.deferred():
        log.note_exchange(prepared, requests.ConnectionError("reset"), 0.5)
        with log.deferred():
            log.note_exchange(second, requests.ConnectionError("reset"), 0.25)
        assert len(log) == 0
    log.note_exchange(prepared, requests.ConnectionError("reset"), 0.1)

    paths = [call.path.rsplit("/", 1)[-1] for call in log.calls]
    assert paths == ["1", "2", "1"]
    # Times are those of the exchanges, not of the moment they were written down.
    assert log.calls[0].time < log.calls[1].time


def test_deferral_is_per_thread() -> None:
    log = CallLog()
    prepared = requests.Request("GET", f"{REST}/record/v1/customer/1").prepare()

    with log.deferred():
        worker = threading.Thread(
            target=log.note_exchange, args=(prepared, requests.ConnectionError("x"), 0.0)
        )
        worker.start()
        worker.join()
        assert len(log) == 1
    assert len(log) == 1


def test_a_record_made_by_an_asynchronous_request_is_known_as_created() -> None:
    """`Prefer: respond-async`: the POST answers 202 with the job; the task's result answers
    as the create would have (204 and the record's Location), and cleanup must see it."""
    base = "https://1234567-sb1.suitetalk.api.netsuite.com/services/rest"
    submitted = Call(
        time="t",
        method="POST",
        host="h",
        path="/services/rest/record/v1/salesOrder",
        status=202,
        response_headers={"Location": f"{base}/async/v1/job/7"},
    )
    result = Call(
        time="t",
        method="GET",
        host="h",
        path="/services/rest/async/v1/job/7/task/1/result",
        status=204,
        response_headers={"Location": f"{base}/record/v1/salesOrder/42"},
    )
    polled = Call(
        time="t",
        method="GET",
        host="h",
        path="/services/rest/async/v1/job/7",
        status=200,
        response_headers={"Location": f"{base}/record/v1/salesOrder/42"},
    )
    assert submitted.created_record() is None  # a job, not a record
    created = result.created_record()
    assert created is not None and (created.record_type, created.record_id) == ("salesOrder", "42")
    assert polled.created_record() is None

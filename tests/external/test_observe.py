"""The observed server: another process's NetSuite exchanges, copied into the call log."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from wsgiref.types import StartResponse, WSGIEnvironment

import pytest
import requests

from harness.connector.external import ObservedServer
from harness.netsuite.calllog import CallLog


def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    if environ["PATH_INFO"].endswith("/fail"):
        document = {"o:errorDetails": [{"detail": "Invalid item reference key 9.",
                                        "o:errorCode": "USER_ERROR"}]}
        error_type = "application/vnd.oracle.adf.error+json"
        start_response("400 Bad Request", [("Content-Type", error_type)])
        return [json.dumps(document).encode()]
    start_response("200 OK", [("Content-Type", "application/json")])
    return [b'{"echo": ', body or b"null", b"}"]


@pytest.fixture
def server() -> Iterator[ObservedServer]:
    with ObservedServer(app) as running:
        yield running


def test_exchanges_are_logged_only_while_observed(server: ObservedServer) -> None:
    calllog = CallLog()
    requests.post(server.url + "/services/rest/a", json={"n": 1}, timeout=5)
    server.observe(calllog)
    answer = requests.post(server.url + "/services/rest/b?x=1", json={"n": 2}, timeout=5)
    server.observe(None)
    requests.post(server.url + "/services/rest/c", json={"n": 3}, timeout=5)
    assert answer.json() == {"echo": {"n": 2}}  # the app still answers as before
    [call] = calllog.calls
    assert (call.method, call.path, call.query, call.status) == ("POST", "/services/rest/b",
                                                                 {"x": "1"}, 200)
    assert json.loads(call.request_body or "") == {"n": 2}
    assert json.loads(call.response_body or "") == {"echo": {"n": 2}}


def test_a_refusal_is_logged_with_netsuites_error(server: ObservedServer) -> None:
    calllog = CallLog()
    server.observe(calllog)
    requests.put(server.url + "/services/rest/record/v1/salesOrder/fail", json={}, timeout=5)
    [call] = calllog.calls
    assert (call.status, call.error_code, call.error_detail) == (
        400, "USER_ERROR", "Invalid item reference key 9.")


def test_credentials_in_observed_requests_are_redacted(server: ObservedServer) -> None:
    calllog = CallLog()
    server.observe(calllog)
    requests.get(server.url + "/services/rest/x", timeout=5,
                 headers={"Authorization": 'OAuth oauth_token="tok-123456789"'})
    assert "tok-123456789" not in calllog.to_jsonl()

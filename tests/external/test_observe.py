"""The observed server: another process's NetSuite exchanges, copied into the call log."""

from __future__ import annotations

import http.client
import json
import socket
from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit
from wsgiref.types import StartResponse, WSGIEnvironment

import pytest
import requests

from harness.connector.external import ObservedServer
from harness.netsuite.calllog import CallLog
from harness.netsuite.redact import Redactor


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


def test_an_observed_exchange_is_redacted_when_first_read_and_only_then(
    server: ObservedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    calllog = CallLog()
    redacted: list[str] = []
    body = Redactor.body

    def counted(self: Redactor, text: str, kind: str = "") -> str:
        redacted.append(text)
        return body(self, text, kind)

    monkeypatch.setattr(Redactor, "body", counted)
    server.observe(calllog)
    requests.post(server.url + "/services/rest/x", json={"token_secret": "s-123456789"}, timeout=5)
    assert len(calllog) == 1
    assert redacted == []  # kept as it happened: a landing that passes may never read it
    assert "s-123456789" not in calllog.to_jsonl()
    assert redacted


def test_a_connection_is_kept_alive_and_a_chunked_body_observed(server: ObservedServer) -> None:
    calllog = CallLog()
    server.observe(calllog)
    parts = urlsplit(server.url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=5)
    try:
        for n in (1, 2):
            body = json.dumps({"n": n}).encode()
            connection.request(
                "POST",
                "/services/rest/record/v1/salesOrder/eid%3AWOO-778",
                body=iter([body[:3], body[3:]]),
                headers={"Content-Type": "application/json"},
                encode_chunked=True,
            )
            response = connection.getresponse()
            assert json.loads(response.read()) == {"echo": {"n": n}}
            assert not response.will_close
    finally:
        connection.close()
    first, second = calllog.calls
    assert json.loads(second.request_body or "") == {"n": 2}
    assert first.path == "/services/rest/record/v1/salesOrder/eid:WOO-778"


def test_a_request_the_http_layer_refuses_is_answered_in_netsuites_shape(
    server: ObservedServer,
) -> None:
    parts = urlsplit(server.url)
    with socket.create_connection((parts.hostname or "", parts.port or 0), timeout=5) as sock:
        sock.sendall(
            b"POST /services/rest/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"ZZ\r\n{}\r\n0\r\n\r\n"
        )
        response = http.client.HTTPResponse(sock)
        response.begin()
        document = json.loads(response.read())
    assert response.status == 400
    assert (response.getheader("Content-Type") or "").startswith(
        "application/vnd.oracle.resource+json; type=error"
    )
    assert document["o:errorDetails"][0]["o:errorCode"] == "INVALID_REQUEST"

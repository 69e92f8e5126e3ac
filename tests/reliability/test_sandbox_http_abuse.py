"""The sandbox over a real socket, fed what no polite client sends: NetSuite-shaped errors."""

from __future__ import annotations

import http.client
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from http_hostile import hostile_http_cases
from http_hostile import send_raw as raw_answer
from sandbox_fuzz import netsuite_error_problems, signed_authorization

from harness.sandbox.serve import HttpServer, Sandbox

RECORD = "/services/rest/record/v1"
SUITEQL = "/services/rest/query/v1/suiteql"
JSON = {"Content-Type": "application/json"}


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


def connection(server: HttpServer) -> http.client.HTTPConnection:
    parts = urlsplit(server.url)
    return http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)


def send(
    served: tuple[Sandbox, HttpServer],
    method: str,
    path: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    *,
    sign: bool = True,
) -> Answer:
    sandbox, server = served
    sent = dict(headers or {})
    if sign:
        authorization = signed_authorization(sandbox, method, server.url + path)
        assert authorization is not None
        sent["Authorization"] = authorization
    conn = connection(server)
    try:
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        return Answer(response.status, dict(response.getheaders()), response.read())
    finally:
        conn.close()


def send_raw(served: tuple[Sandbox, HttpServer], raw: bytes) -> Answer:
    """Bytes straight onto the socket: request lines and headers no client library makes."""
    conn = connection(served[1])
    try:
        conn.connect()
        assert conn.sock is not None
        conn.sock.sendall(raw)
        response = http.client.HTTPResponse(conn.sock)
        response.begin()
        return Answer(response.status, dict(response.getheaders()), response.read())
    finally:
        conn.close()


def assert_netsuite_error(answer: Answer, status: int) -> None:
    assert answer.status == status, answer
    assert netsuite_error_problems(answer.status, answer.headers, answer.body) == [], answer


@pytest.mark.parametrize(
    ("method", "path", "body", "headers", "status"),
    [
        ("POST", f"{RECORD}/salesOrder", b"{bad json", JSON, 400),
        ("POST", f"{RECORD}/salesOrder", b"\xff\xfe\xfa not UTF-8", JSON, 400),
        ("POST", f"{RECORD}/salesOrder", b'{"entity": 5, "item": "x"}', JSON, 400),
        ("POST", f"{RECORD}/salesOrder", b"{}", {"Content-Type": "text/xml"}, 415),
        ("POST", f"{RECORD}/salesOrder", b"{}", {**JSON, "Content-Length": "abc"}, 400),
        ("DELETE", SUITEQL, b"", {}, 405),
        ("PUT", f"{RECORD}/customer", b"{}", JSON, 405),
        (
            "POST",
            f"{SUITEQL}?limit=abc&offset=-5",
            b'{"q": "SELECT id FROM customer"}',
            {**JSON, "Prefer": "transient"},
            400,
        ),
        ("POST", SUITEQL, b'{"q": "SELECT id FROM customer"}', JSON, 400),  # no Prefer
        ("POST", SUITEQL, b'{"q": 42}', {**JSON, "Prefer": "transient"}, 400),
        ("GET", f"{RECORD}/customer?limit=99999999999999999999&offset=-1", b"", {}, 400),
        ("GET", f"{RECORD}/customer/%ZZ%00", b"", {}, 404),
        ("GET", f"{RECORD}/nosuchtype/1", b"", {}, 404),
        ("GET", "/services/rest/record/v9/customer/1001", b"", {}, 404),
    ],
    ids=lambda value: value if isinstance(value, str) and len(value) < 40 else None,
)
def test_signed_abuse_gets_a_netsuite_error(
    served: tuple[Sandbox, HttpServer],
    method: str,
    path: str,
    body: bytes,
    headers: dict[str, str],
    status: int,
) -> None:
    assert_netsuite_error(send(served, method, path, body, headers), status)


@pytest.mark.parametrize(
    "authorization",
    [
        "",
        'OAuth realm="1234567_SB1", oauth_signature="%ZZ"',
        "OAuth " + 'a="b",' * 2000,
        "Bearer not-a-token",
        "Basic dXNlcjpwYXNz",
    ],
    ids=["none", "broken-oauth", "huge-oauth", "bad-bearer", "basic"],
)
def test_broken_credentials_get_invalid_login(
    served: tuple[Sandbox, HttpServer], authorization: str
) -> None:
    headers = {"Authorization": authorization} if authorization else {}

    answer = send(served, "GET", f"{RECORD}/customer/1001", headers=headers, sign=False)

    assert_netsuite_error(answer, 401)
    assert b"INVALID_LOGIN" in answer.body


def test_a_body_over_the_limit_is_refused_before_it_is_read(
    served: tuple[Sandbox, HttpServer],
) -> None:
    answer = send(
        served,
        "POST",
        f"{RECORD}/salesOrder",
        b"{}",
        {**JSON, "Content-Length": str(11 * 1024 * 1024)},
    )

    assert_netsuite_error(answer, 413)


def test_an_unknown_path_outside_rest_is_a_netsuite_404(
    served: tuple[Sandbox, HttpServer],
) -> None:
    assert_netsuite_error(send(served, "GET", "/nope/../../etc/passwd", sign=False), 404)


@pytest.mark.parametrize(
    "raw",
    [
        b"GET /services/rest/record/v1/customer/1001 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Authorization: \xff\xfe\r\nConnection: close\r\n\r\n",
        b"GET /services/rest/\xff\xfe HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    ],
    ids=["latin-1-authorization", "non-utf8-path"],
)
def test_undecodable_bytes_in_the_request_get_a_netsuite_error(
    served: tuple[Sandbox, HttpServer], raw: bytes
) -> None:
    answer = send_raw(served, raw)

    assert answer.status in (400, 401, 404), answer
    assert netsuite_error_problems(answer.status, answer.headers, answer.body) == [], answer


@pytest.mark.parametrize(
    "headers",
    [
        b"X-Big: " + b"a" * 70_000 + b"\r\n",  # one line over the server's 64 KiB
        b"X-Many: y\r\n" * 200,  # more header lines than the server takes
    ],
    ids=["oversized-header", "too-many-headers"],
)
def test_headers_the_http_layer_refuses_get_a_netsuite_error(
    served: tuple[Sandbox, HttpServer], headers: bytes
) -> None:
    raw = (
        b"GET /services/rest/record/v1/customer HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + headers
        + b"Connection: close\r\n\r\n"
    )

    answer = send_raw(served, raw)

    assert 400 <= answer.status < 500, answer
    assert netsuite_error_problems(answer.status, answer.headers, answer.body) == [], answer


# --- what the HTTP layer itself refuses, and bodies past the limits ---------------------------

HEAD = b"POST /services/rest/record/v1/customer HTTP/1.1\r\nHost: 127.0.0.1\r\n"


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (HEAD + b"Transfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n", 400),
        (HEAD + b"Transfer-Encoding: gzip\r\n\r\n", 400),
        (HEAD + b"Content-Length: 1\r\nContent-Length: 2\r\n\r\n{}", 400),
        (b"GET /services/rest/ HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n", 400),
        (b"GET /services/rest/\r HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400),
    ],
    ids=["bad-chunk-size", "gzip-transfer-coding", "two-lengths", "no-colon", "bare-cr"],
)
def test_framing_the_http_layer_refuses_gets_a_netsuite_error(
    served: tuple[Sandbox, HttpServer],
    raw: bytes,
    status: int,
    capfd: pytest.CaptureFixture[str],
) -> None:
    answer = send_raw(served, raw)

    assert answer.status == status, answer
    assert netsuite_error_problems(answer.status, answer.headers, answer.body) == [], answer
    assert "Traceback" not in capfd.readouterr().err


def test_a_chunked_body_over_the_limit_is_a_netsuite_413(
    served: tuple[Sandbox, HttpServer],
) -> None:
    chunk = b"x" * (1024 * 1024)
    chunks = b"".join(b"%x\r\n" % len(chunk) + chunk + b"\r\n" for _ in range(11))
    raw = HEAD + b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + chunks + b"0\r\n\r\n"

    answer = send_raw(served, raw)

    assert_netsuite_error(answer, 413)


def test_hostile_bodies_over_the_socket_leave_no_traceback(
    served: tuple[Sandbox, HttpServer],
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    hostile = [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"item": {"items": [{"quantity": 1e308}]}}',
        b'{"entity": {"id": ' + b"9" * 5000 + b"}}",
        b'{"entity": {"id": 1e999}}',
        b'{"q": NaN}',
    ]
    for body in hostile:
        answer = send(served, "POST", f"{RECORD}/salesOrder", body, JSON)
        assert_netsuite_error(answer, 400)
    q = "%20OR%20".join(["companyName%20IS%20x"] * 1000)
    assert_netsuite_error(send(served, "GET", f"{RECORD}/customer?q={q}"), 400)
    for stamp in ("9" * 5000, "%C2%B2"):
        header = (
            'OAuth realm="1234567_SB1", oauth_consumer_key="k", oauth_token="t", '
            f'oauth_signature_method="HMAC-SHA256", oauth_timestamp="{stamp}", '
            'oauth_nonce="n", oauth_signature="s"'
        )
        answer = send(
            served, "GET", f"{RECORD}/customer/1001", headers={"Authorization": header}, sign=False
        )
        assert_netsuite_error(answer, 401)
    assert [r for r in caplog.records if r.levelno >= 40] == []
    assert "Traceback" not in capfd.readouterr().err


def test_every_hostile_http_input_gets_its_answer_without_a_traceback(
    served: tuple[Sandbox, HttpServer],
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    sandbox, server = served
    for case in hostile_http_cases(sandbox, server.url):
        answer = raw_answer(server.url, case.raw)

        assert answer.status in case.expect, (case.name, answer.status, answer.body[:300])
        if answer.status >= 400:
            problems = netsuite_error_problems(answer.status, answer.headers, answer.body)
            assert problems == [], (case.name, problems)
    assert [r.getMessage()[:200] for r in caplog.records if r.levelno >= 40] == []
    assert "Traceback" not in capfd.readouterr().err

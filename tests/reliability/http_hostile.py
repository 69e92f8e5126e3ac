"""Hostile HTTP requests for the served sandbox, as raw bytes, and what must come back.

Shared by `test_sandbox_http_abuse.py` (each case once) and `bench/bench_fuzz.py` (many
times, with the drawn requests of `sandbox_fuzz.py` sent over the socket as well): a client's
bad input is answered with a status below 500, in NetSuite's error shape when it is an error,
and leaves no traceback behind.
"""

from __future__ import annotations

import http.client
import json
import socket
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from sandbox_fuzz import signed_authorization

from harness.sandbox.serve import Sandbox

RECORD = "/services/rest/record/v1"
SUITEQL = "/services/rest/query/v1/suiteql"
ORDER = {"entity": {"id": "1001"}, "item": {"items": [{"item": {"id": "101"}, "quantity": 1}]}}


@dataclass(frozen=True)
class RawCase:
    """One request as bytes on the wire; `expect` is the status class it must get."""

    name: str
    raw: bytes
    expect: range = range(400, 500)


@dataclass(frozen=True)
class RawAnswer:
    status: int
    headers: dict[str, str]
    body: bytes


def send_raw(url: str, raw: bytes, timeout: float = 30.0) -> RawAnswer:
    """`raw` onto a new connection to `url`'s host; the final answer (a `100 Continue` is
    read past, as clients do)."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname or "", parts.port or 80), timeout) as sock:
        sock.sendall(raw)
        response = http.client.HTTPResponse(sock)
        response.begin()
        return RawAnswer(response.status, dict(response.getheaders()), response.read())


def _request(
    sandbox: Sandbox,
    url: str,
    method: str,
    target: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    *,
    sign: bool = True,
    host: str | None = None,
) -> bytes:
    parts = urlsplit(url)
    shown_host = host or parts.netloc
    lines = [f"{method} {target} HTTP/1.1", f"Host: {shown_host}"]
    if sign:
        signed = signed_authorization(sandbox, method, f"{parts.scheme}://{shown_host}{target}")
        assert signed is not None, target
        lines.append(f"Authorization: {signed}")
    sent = dict(headers or {})
    if body and "Transfer-Encoding" not in sent:
        sent.setdefault("Content-Length", str(len(body)))
    lines += [f"{name}: {value}" for name, value in sent.items()]
    lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def _chunked(body: bytes, size: int = 7) -> bytes:
    pieces = [body[i : i + size] for i in range(0, len(body), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"


def _oauth_header(sandbox: Sandbox, timestamp: str) -> str:
    c = sandbox.profile.credentials.tba[0]
    return (
        f'OAuth realm="{sandbox.account_id}", oauth_consumer_key="{c.consumerKey}", '
        f'oauth_token="{c.tokenId}", oauth_signature_method="HMAC-SHA256", '
        f'oauth_timestamp="{quote(timestamp, safe="")}", oauth_nonce="n0nce", '
        'oauth_version="1.0", oauth_signature="AAAA"'
    )


def hostile_http_cases(sandbox: Sandbox, url: str) -> list[RawCase]:
    """Every hostile input of the issue, plus the polite HTTP/1.1 a wsgiref server dropped."""
    json_type = {"Content-Type": "application/json"}
    order_line = json.dumps(ORDER).replace('"quantity": 1', '"quantity": %s')
    customer = json.dumps({"companyName": "Fuzz", "subsidiary": {"id": 1}}).encode()
    many_ors = "%20OR%20".join(["companyName%20IS%20x"] * 1000)
    parens = "%28" * 500 + "companyName%20IS%20x" + "%29" * 500
    values = "id%20ANY_OF%20%5B" + "%2C".join(["1"] * 5000) + "%5D"
    netsuite_host = f"{sandbox.host}:{urlsplit(url).port}"
    suiteql_headers = {**json_type, "Prefer": "transient"}
    page = f"{SUITEQL}?limit=10&offset=0"
    # The SuiteQL of the issue that SQLite would have run (each refused by the query budget).
    suiteql_cases = [
        ("randomblob", "SELECT randomblob(1000000000) AS b FROM dual", page),
        ("fts3-tokenizer", "SELECT fts3_tokenizer('simple', HEXTORAW('00')) AS t FROM dual", page),
        ("sqlite-version", "SELECT sqlite_version() AS v FROM dual", page),
        ("printf", "SELECT printf('%d', 1) AS p FROM dual", page),
        ("divide-by-zero", "SELECT 1/0 AS x FROM dual", page),
        ("cast-abc", "SELECT CAST('abc' AS NUMBER) AS x FROM dual", page),
        ("bind-parameter", "SELECT id FROM customer WHERE id = ?", page),
        ("or-1000", "SELECT id FROM customer WHERE " + " OR ".join(["id = 1"] * 1000), page),
        ("nested-81", "SELECT id FROM " + "(SELECT id FROM " * 81 + "customer" + ")" * 81, page),
        ("sum-2mb", "SELECT " + "+".join(["1"] * 1_000_000) + " AS s FROM dual", page),
        ("offset-1e30", "SELECT id FROM customer", f"{SUITEQL}?limit=10&offset={10**30}"),
    ]
    r = _request
    return [
        RawCase("json-100000-deep", r(sandbox, url, "POST", f"{RECORD}/salesOrder",
                                      b"[" * 100_000 + b"]" * 100_000, json_type)),
        RawCase("quantity-1e308", r(sandbox, url, "POST", f"{RECORD}/salesOrder",
                                    (order_line % "1e308").encode(), json_type)),
        RawCase("quantity-5000-digits", r(sandbox, url, "POST", f"{RECORD}/salesOrder",
                                          (order_line % ("9" * 5000)).encode(), json_type)),
        RawCase("quantity-1e999", r(sandbox, url, "POST", f"{RECORD}/salesOrder",
                                    (order_line % "1e999").encode(), json_type)),
        RawCase("quantity-nan", r(sandbox, url, "POST", f"{RECORD}/salesOrder",
                                  (order_line % "NaN").encode(), json_type)),
        RawCase("oauth-timestamp-5000-digits", r(
            sandbox, url, "GET", f"{RECORD}/customer/1001", sign=False,
            headers={"Authorization": _oauth_header(sandbox, "9" * 5000)})),
        RawCase("oauth-timestamp-superscript", r(
            sandbox, url, "GET", f"{RECORD}/customer/1001", sign=False,
            headers={"Authorization": _oauth_header(sandbox, "²")})),
        RawCase("q-1000-ors", r(sandbox, url, "GET", f"{RECORD}/customer?q={many_ors}")),
        RawCase("q-500-parentheses", r(sandbox, url, "GET", f"{RECORD}/customer?q={parens}")),
        RawCase("q-5000-values", r(sandbox, url, "GET", f"{RECORD}/customer?q={values}")),
        RawCase("q-1e999", r(sandbox, url, "GET", f"{RECORD}/customer?q=id%20EQUAL%201e999")),
        RawCase("bad-chunk-size", r(sandbox, url, "POST", f"{RECORD}/customer",
                                    b"ZZ\r\n{}\r\n0\r\n\r\n",
                                    {**json_type, "Transfer-Encoding": "chunked"})),
        RawCase("gzip-transfer-coding", r(sandbox, url, "POST", f"{RECORD}/customer", b"{}",
                                          {**json_type, "Transfer-Encoding": "gzip"})),
        RawCase("body-over-10mb", r(sandbox, url, "POST", f"{RECORD}/customer", b"",
                                    {**json_type, "Content-Length": str(11 * 2**20)})),
        RawCase("header-70kb", r(sandbox, url, "GET", f"{RECORD}/customer/1001",
                                 headers={"X-Big": "a" * 70_000}), range(200, 500)),
        RawCase("headers-300kb", r(sandbox, url, "GET", f"{RECORD}/customer/1001",
                                   headers={f"X-Big-{n}": "a" * 60_000 for n in range(5)})),
        RawCase("bare-cr", b"GET /services/rest/\r HTTP/1.1\r\nHost: x\r\n\r\n"),
        # What a polite HTTP/1.1 client sends: answered, not refused.
        RawCase("no-content-type", r(sandbox, url, "POST", f"{RECORD}/customer", customer),
                range(200, 300)),
        RawCase("chunked-body", r(sandbox, url, "POST", f"{RECORD}/customer", _chunked(customer),
                                  {**json_type, "Transfer-Encoding": "chunked"}), range(200, 300)),
        RawCase("expect-100-continue", r(sandbox, url, "POST", f"{RECORD}/customer", customer,
                                         {**json_type, "Expect": "100-continue"}),
                range(200, 300)),
        RawCase("percent-encoded-eid", r(sandbox, url, "PUT", f"{RECORD}/customer/eid%3Acaf%C3%A9",
                                         customer, json_type), range(200, 300)),
        RawCase("netsuite-host", r(sandbox, url, "GET", f"{RECORD}/customer/1001",
                                   host=netsuite_host), range(200, 300)),
        *[
            RawCase(f"suiteql-{name}", r(sandbox, url, "POST", page,
                                         json.dumps({"q": query}).encode(), suiteql_headers))
            for name, query, page in suiteql_cases
        ],
    ]  # fmt: skip

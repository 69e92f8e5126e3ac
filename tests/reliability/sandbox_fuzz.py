"""Hostile requests for the embedded sandbox, and the check that its answer is NetSuite's.

A request is drawn whole (method, path, query, headers, body), and is signed with the
profile's TBA credential in most draws, so that bad bodies and parameters get past
authentication into the record service and SuiteQL, where our own code could break.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from hypothesis import strategies as st
from oauthlib.oauth1 import SIGNATURE_HMAC_SHA256
from oauthlib.oauth1 import Client as OAuthClient

from harness.netsuite.errors import ERROR_MEDIA_TYPE
from harness.sandbox.serve import Sandbox

REST = "/services/rest"
TOKEN_PATH = "/services/rest/auth/oauth2/v1/token"
PATHS = (
    "/services/rest/record/v1/salesOrder",
    "/services/rest/record/v1/salesOrder/eid:woo-1001",
    "/services/rest/record/v1/salesOrder/1",
    "/services/rest/record/v1/salesOrder/1/item",
    "/services/rest/record/v1/salesOrder/1/item/1",
    "/services/rest/record/v1/customer",
    "/services/rest/record/v1/customer/1001",
    "/services/rest/record/v1/customer/eid:",
    "/services/rest/record/v1/customer/-1",
    "/services/rest/record/v1/customer/99999999999999999999999999",
    "/services/rest/record/v1/inventoryItem/101",
    "/services/rest/record/v1/nosuchtype/1",
    "/services/rest/record/v1/metadata-catalog",
    "/services/rest/record/v1/",
    "/services/rest/query/v1/suiteql",
    "/services/rest/system/v1/governanceLimits",
    "/services/rest/auth/oauth2/v1/token",
    "/services/rest/",
    "/services/rest/record/v2/salesOrder",
    "/app/site/hosting/restlet.nl",
    "/",
)
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "TRACE", "FOO", "get")
PARAM_NAMES = (
    "limit",
    "offset",
    "q",
    "expandSubResources",
    "fields",
    "replace",
    "replaceSelectedFields",
    "simpleEnumFormat",
)
ABSURD_VALUES = (
    "",
    "-1",
    "0",
    "1001",
    "9" * 40,
    "1e9",
    "NaN",
    "true",
    "null",
    "%00",
    "\x00",
    "é" * 10,
    "'; DROP TABLE customer; --",
    'email IS "x"',
    "id ANY_OF 1,2",
    "x" * 5000,
)
CONTENT_TYPES = (
    "application/json",
    "application/json; charset=UTF-8",
    "application/vnd.oracle.resource+json",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/json; charset=latin-1",
    "",
    "\x00garbage",
)
BROKEN_AUTHORIZATION = (
    "",
    "OAuth",
    "OAuth ",
    'OAuth realm="1234567_SB1"',
    'OAuth realm="1234567_sb1", oauth_consumer_key="x"',
    'OAuth realm="1234567_SB1", oauth_consumer_key="x", oauth_token="y", '
    'oauth_signature_method="HMAC-SHA256", oauth_timestamp="abc", oauth_nonce="n", '
    'oauth_signature="s"',
    'OAuth realm="1234567_SB1", oauth_consumer_key="x", oauth_token="y", '
    'oauth_signature_method="PLAINTEXT", oauth_timestamp="1", oauth_nonce="n", '
    'oauth_signature="%ZZ"',
    'OAuth realm="1234567_SB1",,,,="',
    "Bearer",
    "Bearer ",
    "Bearer not-a-token",
    "Bearer " + "A" * 10_000,
    "Basic dXNlcjpwYXNz",
    "OAuth " + 'a="b",' * 2000,
    "\u00ff\u00fe",
)

JSON_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.sampled_from(ABSURD_VALUES),
)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=12,
)
FIELD_NAMES = st.sampled_from(
    (
        "entity",
        "item",
        "items",
        "quantity",
        "rate",
        "amount",
        "externalId",
        "email",
        "subsidiary",
        "currency",
        "shipMethod",
        "shippingCost",
        "tranDate",
        "isPerson",
        "addressBook",
        "customForm",
        "discountItem",
        "taxItem",
        "id",
        "refName",
        "links",
        "custbody_woo_order_number",
        "q",
    )
)


@st.composite
def record_bodies(draw: st.DrawFn) -> Any:
    """Record-shaped JSON with fields of the wrong type in the right places."""
    line = draw(st.dictionaries(FIELD_NAMES, JSON_VALUES, max_size=4))
    body = draw(st.dictionaries(FIELD_NAMES, JSON_VALUES, max_size=6))
    if draw(st.booleans()):
        body["item"] = {"items": draw(st.lists(st.just(line) | JSON_VALUES, max_size=3))}
    return body


SUITEQL_WORDS = st.sampled_from(
    (
        "SELECT", "id", "FROM", "customer", "transaction", "transactionline", "WHERE", "=",
        "'x'", "COUNT(*)", "GROUP BY", "HAVING", "ORDER BY", "BUILTIN.DF(entity)", "ROWNUM",
        "<", "1", "(", ")", ",", "*", "AND", "OR", "NOT", "LIKE", "'%'", "SYSDATE",
        "TO_DATE('01/02/2024', 'MM/DD/YYYY')", "||", "NULL", "IS", "JOIN", "ON", "UNION",
        "DELETE", "INSERT", "t.id", "AS",
        "CASE WHEN", "THEN", "END", "9" * 30, "'", '"', ";", "--", "/*",
    )
)  # fmt: skip
SUITEQL = st.one_of(
    st.lists(SUITEQL_WORDS, min_size=1, max_size=14).map(" ".join),
    st.text(max_size=60),
)
BODIES = st.one_of(
    st.just(b""),
    st.binary(max_size=200),
    st.sampled_from((b"{", b"{]", b"\xff\xfe{}", b'{"a": NaN}', b"null", b"[]", b'"x"', b"1e999")),
    JSON_VALUES.map(lambda v: json.dumps(v).encode()),
    record_bodies().map(lambda v: json.dumps(v).encode()),
    st.builds(lambda q: json.dumps({"q": q}).encode(), SUITEQL | JSON_VALUES),
    st.text(max_size=50).map(lambda t: t.encode("utf-16")),
)
QUERIES = st.dictionaries(
    st.sampled_from(PARAM_NAMES) | st.text(min_size=1, max_size=8),
    st.sampled_from(ABSURD_VALUES) | st.text(max_size=12),
    max_size=3,
)


@dataclass(frozen=True)
class Hostile:
    """One drawn request; `signed` asks for a valid TBA signature over its URL."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    signed: bool
    authorization: str = ""
    extra_segments: tuple[str, ...] = field(default=())

    def url(self, base_url: str) -> str:
        path = self.path + "".join("/" + quote(s, safe="") for s in self.extra_segments)
        query = urlencode(self.query)
        return f"{base_url}{path}" + (f"?{query}" if query else "")


@st.composite
def hostile_requests(draw: st.DrawFn) -> Hostile:
    path = draw(st.sampled_from(PATHS))
    extra = tuple(draw(st.lists(st.text(max_size=8), max_size=2))) if draw(st.booleans()) else ()
    headers: dict[str, str] = {}
    content_type = draw(st.sampled_from(CONTENT_TYPES))
    if content_type:
        headers["Content-Type"] = content_type
    if "suiteql" in path or draw(st.booleans()):
        headers["Prefer"] = draw(st.sampled_from(("transient", "TRANSIENT", "respond-async", "")))
    if draw(st.booleans()):
        name = draw(st.sampled_from(("X-NetSuite-PropertyNameValidation", "Accept", "Cookie")))
        headers[name] = draw(st.sampled_from(ABSURD_VALUES))
    signed = draw(st.integers(0, 3)) > 0
    return Hostile(
        method=draw(st.sampled_from(METHODS)),
        path=path,
        query=draw(QUERIES),
        headers=headers,
        body=draw(BODIES),
        signed=signed,
        authorization="" if signed else draw(st.sampled_from(BROKEN_AUTHORIZATION)),
        extra_segments=extra,
    )


def signed_authorization(sandbox: Sandbox, method: str, url: str) -> str | None:
    """A valid TBA Authorization header for `method url`, or None when the URL cannot be
    signed (then the request goes out unsigned, which is a hostile request too)."""
    c = sandbox.profile.credentials.tba[0]
    client = OAuthClient(
        c.consumerKey,
        client_secret=c.consumerSecret,
        resource_owner_key=c.tokenId,
        resource_owner_secret=c.tokenSecret,
        signature_method=SIGNATURE_HMAC_SHA256,
        realm=sandbox.account_id,
    )
    try:
        _, headers, _ = client.sign(url, http_method=method.upper())
    except ValueError:
        return None
    return str(headers["Authorization"])


def prepared(sandbox: Sandbox, request: Hostile, base_url: str) -> tuple[str, dict[str, str]]:
    """The request's URL and headers, signed when it asks to be."""
    url = request.url(base_url)
    headers = dict(request.headers)
    authorization = (
        signed_authorization(sandbox, request.method, url)
        if request.signed
        else request.authorization
    )
    if authorization:
        headers["Authorization"] = authorization
    return url, headers


def netsuite_error_problems(
    status: int, headers: Mapping[str, str], body: bytes, *, path: str = ""
) -> list[str]:
    """What is wrong with an answer as NetSuite's error shape (empty: it is one)."""
    problems = []
    if status >= 500:
        problems.append(f"status {status}: the sandbox's own code failed")
    if status < 400:
        return problems
    if path.rstrip("/") == TOKEN_PATH and not oauth2_error_problems(body):
        return problems  # the token endpoint's own OAuth 2.0 error
    media = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    if media != ERROR_MEDIA_TYPE:
        problems.append(f"Content-Type {media!r}, expected {ERROR_MEDIA_TYPE!r}")
    try:
        document = json.loads(body)
    except ValueError:
        return [*problems, f"body is not JSON: {body[:120]!r}"]
    if not isinstance(document, dict):
        return [*problems, f"body is not a JSON object: {body[:120]!r}"]
    for key in ("type", "title", "status", "o:errorDetails"):
        if key not in document:
            problems.append(f"no {key!r} in {sorted(document)}")
    if document.get("status") != status:
        problems.append(f"status {document.get('status')!r} in the body, {status} on the wire")
    details = document.get("o:errorDetails")
    if not isinstance(details, list) or not details:
        problems.append(f"o:errorDetails is {details!r}, expected a non-empty list")
    else:
        for detail in details:
            if not isinstance(detail, dict) or not detail.get("detail"):
                problems.append(f"an error detail without 'detail': {detail!r}")
            elif not detail.get("o:errorCode"):
                problems.append(f"an error detail without 'o:errorCode': {detail!r}")
    return problems


def oauth2_error_problems(body: bytes) -> list[str]:
    """The token endpoint speaks OAuth 2.0 (RFC 6749 section 5.2: `error`, optionally
    `error_description`), as OAuth servers do; INFERRED, NetSuite's wording is unsampled."""
    try:
        document = json.loads(body)
    except ValueError:
        return [f"token endpoint error is not JSON: {body[:120]!r}"]
    if not isinstance(document, dict) or not isinstance(document.get("error"), str):
        return [f"token endpoint error without an 'error' code: {body[:120]!r}"]
    return []

"""`TbaSigner` signs exactly as requests-oauthlib's `OAuth1`, and the sandbox accepts it.

The signer works out what repeats between requests once; these tests hold it to the header
requests-oauthlib makes for the same request, nonce and timestamp, byte for byte, and to the
sandbox's own verification (reference/netsuite-rest.md 2.1).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st
from requests_oauthlib import OAuth1

from harness.netsuite.auth import TbaSigner, tba_auth
from harness.sandbox.oauth import SandboxAuth, TbaCredential
from tests.hypothesis_budget import examples

ACCOUNT = "1234567_SB1"
HOST = "https://1234567-sb1.suitetalk.api.netsuite.com"

TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=24
)
SECRET = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters='"\\'),
    min_size=1,
    max_size=40,
)
PATH = st.text(st.sampled_from("abcXYZ019-._~%:@!$'()*+,;/é"), max_size=30)
QUERY = st.lists(st.tuples(TEXT, TEXT), max_size=4)
METHOD = st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "get"])
BODY = st.one_of(st.none(), st.dictionaries(TEXT, TEXT, max_size=3))
NONCE = st.text(st.sampled_from("0123456789abcXYZ-._~ +%&="), min_size=1, max_size=30)
TIMESTAMP = st.integers(1_000_000_000, 2_000_000_000).map(str)


@contextmanager
def fixed(nonce: str, timestamp: str) -> Iterator[None]:
    """oauthlib's nonce and timestamp generators replaced, for both signers."""
    with (
        mock.patch("oauthlib.oauth1.rfc5849.generate_nonce", lambda: nonce),
        mock.patch("oauthlib.oauth1.rfc5849.generate_timestamp", lambda: timestamp),
    ):
        yield


def oauth1(keys: tuple[str, str, str, str]) -> OAuth1:
    """requests-oauthlib configured as `tba_auth` documents it."""
    ck, cs, tk, ts = keys
    return OAuth1(
        ck,
        client_secret=cs,
        resource_owner_key=tk,
        resource_owner_secret=ts,
        signature_method="HMAC-SHA256",
        signature_type="AUTH_HEADER",
        realm=ACCOUNT,
        decoding=None,
    )


def prepared(
    method: str,
    url: str,
    query: list[tuple[str, str]],
    body: dict[str, str] | None,
    headers: dict[str, str] | None = None,
) -> requests.PreparedRequest:
    data = None if body is None else json.dumps(body).encode()
    all_headers = dict(headers or {})
    if data is not None:
        all_headers.setdefault("Content-Type", "application/json")
    return requests.Request(method, url, params=query, data=data, headers=all_headers).prepare()


def both(
    request: requests.PreparedRequest, keys: tuple[str, str, str, str], nonce: str, stamp: str
) -> tuple[requests.PreparedRequest, requests.PreparedRequest]:
    theirs, ours = request.copy(), request.copy()
    with fixed(nonce, stamp):
        oauth1(keys)(theirs)
        tba_auth(ACCOUNT, *keys)(ours)
    return theirs, ours


def same(theirs: requests.PreparedRequest, ours: requests.PreparedRequest) -> None:
    assert list(ours.headers.items()) == list(theirs.headers.items())
    assert ours.url == theirs.url and ours.body == theirs.body


KEYS = st.tuples(SECRET, SECRET, SECRET, SECRET)


@settings(max_examples=examples(300))
@given(
    method=METHOD, path=PATH, query=QUERY, body=BODY, keys=KEYS, nonce=NONCE, stamp=TIMESTAMP
)
def test_the_header_is_requests_oauthlibs_for_the_same_nonce_and_timestamp(
    method: str,
    path: str,
    query: list[tuple[str, str]],
    body: dict[str, str] | None,
    keys: tuple[str, str, str, str],
    nonce: str,
    stamp: str,
) -> None:
    request = prepared(method, f"{HOST}/services/rest/{path}", query, body)
    same(*both(request, keys, nonce, stamp))


@settings(max_examples=examples(200))
@given(method=METHOD, path=PATH, query=QUERY, body=BODY, keys=KEYS, nonce=NONCE)
def test_the_sandbox_accepts_the_header(
    method: str,
    path: str,
    query: list[tuple[str, str]],
    body: dict[str, str] | None,
    keys: tuple[str, str, str, str],
    nonce: str,
) -> None:
    ck, cs, tk, ts = keys
    credential = TbaCredential("p", ck, cs, tk, ts, role="administrator")
    stamp = "1700000000"
    sandbox = SandboxAuth(ACCOUNT, [credential], [], clock=lambda: float(stamp))
    request = prepared(method, f"{HOST}/services/rest/{path}", query, body)
    with fixed(nonce, stamp):
        tba_auth(ACCOUNT, *keys)(request)
    header = request.headers["Authorization"]
    assert isinstance(header, str)
    principal = sandbox.authenticate(str(request.method), str(request.url), header)
    assert principal.role == "administrator"


KEYS_FIXED = ("ck-1", "cs-1", "tk-1", "ts-1")


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        ("a=1&b=two+words", {"Content-Type": "application/x-www-form-urlencoded"}),
        ("a=1&b=2", {}),  # no Content-Type: requests-oauthlib takes it for a form
        (b'{"q": 1}', {}),
        (None, {"Host": "example.test"}),
        (None, {"X-Raw": b"bytes"}),
    ],
)
def test_requests_outside_the_shortcut_are_signed_by_requests_oauthlib(
    body: str | bytes | None, headers: dict[str, object]
) -> None:
    request = requests.Request(
        "POST", f"{HOST}/services/rest/record/v1/customer?x=1", data=body, headers=headers
    ).prepare()
    theirs, ours = both(request, KEYS_FIXED, "12345", "1700000000")
    same(theirs, ours)


def test_a_form_body_changes_the_signature() -> None:
    """The body's parameters are signed, as RFC 5849 3.4.1.3.1 asks."""
    url = f"{HOST}/services/rest/record/v1/customer"
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    one = requests.Request("POST", url, data="a=1", headers=form).prepare()
    two = requests.Request("POST", url, data="a=2", headers=form).prepare()
    with fixed("12345", "1700000000"):
        tba_auth(ACCOUNT, *KEYS_FIXED)(one)
        tba_auth(ACCOUNT, *KEYS_FIXED)(two)
    assert one.headers["Authorization"] != two.headers["Authorization"]


def test_a_query_oauthlib_refuses_is_refused_alike() -> None:
    request = requests.Request("GET", f"{HOST}/services/rest/x").prepare()
    request.url = f"{HOST}/services/rest/x?a=%zz"
    with fixed("1", "1700000000"), pytest.raises(ValueError) as theirs:
        oauth1(KEYS_FIXED)(request.copy())
    with fixed("1", "1700000000"), pytest.raises(ValueError) as ours:
        tba_auth(ACCOUNT, *KEYS_FIXED)(request.copy())
    assert str(ours.value) == str(theirs.value)


def test_every_request_gets_a_fresh_nonce() -> None:
    signer = tba_auth(ACCOUNT, *KEYS_FIXED)
    seen = {
        signer(requests.Request("GET", f"{HOST}/services/rest/x").prepare()).headers[
            "Authorization"
        ]
        for _ in range(20)
    }
    assert len(seen) == 20


def test_the_signer_shows_no_secret() -> None:
    signer = TbaSigner(ACCOUNT, "ck-visible", "cs-hidden-secret", "tk-visible", "ts-hidden")
    assert "hidden" not in repr(signer) and "hidden" not in str(signer)


def test_the_keys_are_where_requests_oauthlib_keeps_them() -> None:
    """Code handing a client's credentials to a connector reads them from `auth.client`."""
    keys = oauth1(KEYS_FIXED).client
    ours = tba_auth(ACCOUNT, *KEYS_FIXED).client
    for name in ("client_key", "client_secret", "resource_owner_key", "resource_owner_secret"):
        assert getattr(ours, name) == getattr(keys, name)


ANY_URL = st.builds(
    "{}://{}{}/{}{}".format,
    st.sampled_from(["https", "http", "HTTPS"]),
    st.text(st.sampled_from("abcxyz019-.AZ"), min_size=1, max_size=12),
    st.sampled_from(["", ":443", ":80", ":8080"]),
    PATH,
    st.sampled_from(
        ["", "?", "?q=1", "?a=b&c=%20", "?a=&b=c", "?a", "?a=b=c", "?a=b&a=c", "?oauth_signature=x"]
    ),
)
# URLs as the harness sends them (`.../record/v1/salesOrder/eid:woo-1001?replace=item`).
RECORD_URL = st.builds(
    "https://{}/{}{}".format,
    st.text(st.sampled_from("abcxyz019-."), min_size=1, max_size=12),
    st.text(st.sampled_from("abcXYZ019-._~:/"), max_size=30),
    st.sampled_from(
        [
            "",
            "?replace=item",
            "?limit=1000&offset=0",
            "?expandSubResources=true",
            "?oauth_signature=x&a=b",  # never signed, wherever it is sent
        ]
    ),
)


@settings(deadline=None, max_examples=examples(500))
@given(url=st.one_of(RECORD_URL, ANY_URL))
def test_a_plain_urls_share_of_the_base_string_is_oauthlibs(url: str) -> None:
    """Client and sandbox read a plain URL's (`PLAIN_URL`) base string URI and query
    parameters off its text: exactly what oauthlib works out for it, whatever the URL."""
    from harness.netsuite import auth
    from harness.sandbox import oauth1

    try:
        expected = auth._url_share_by_oauthlib(url)
    except ValueError:
        assert auth.plain_url_share(url) is None
        return
    assert auth._url_share(url) == expected
    try:
        parsed = oauth1._url_share_parsed(url)
    except (ValueError, oauth1.UnsignableRequest):
        assert auth.plain_url_share(url) is None
        return
    assert oauth1._url_share(url) == parsed

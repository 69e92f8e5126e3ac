"""The sender prepares a request exactly as `Session.prepare_request` would.

`harness.netsuite.sending.prepare_request` skips what a plain session does not need (empty
cookie jars and parameters) and remembers each URL it prepared; these tests hold it to
requests' own result for any request the sender makes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import pytest
import requests
from hypothesis import example, given, settings
from hypothesis import strategies as st

from harness.netsuite.auth import tba_auth
from harness.netsuite.sending import prepare_request
from tests.hypothesis_budget import examples

BASE = "https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/"
TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=16
)
HEADER_VALUE = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=20).map(
    str.strip
)
HEADER_NAME = st.sampled_from(["Prefer", "Content-Type", "X-Trace", "accept", "user-agent"])
PATH = st.text(st.sampled_from("abcXYZ019-._~%:@!$'()*+,;/é? &="), max_size=30)


@contextmanager
def fixed_nonce() -> Iterator[None]:
    with (
        mock.patch("oauthlib.oauth1.rfc5849.generate_nonce", lambda: "12345"),
        mock.patch("oauthlib.oauth1.rfc5849.generate_timestamp", lambda: "1700000000"),
    ):
        yield


def hook(response: requests.Response, *args: Any, **kwargs: Any) -> requests.Response:
    return response


def both(
    session: requests.Session,
    method: str,
    url: str,
    params: dict[str, str] | None,
    data: bytes | None,
    headers: dict[str, str],
) -> tuple[requests.PreparedRequest, requests.PreparedRequest]:
    auth = tba_auth("1234567_SB1", "ck", "cs", "tk", "ts")
    with fixed_nonce():
        theirs = session.prepare_request(
            requests.Request(
                method, url, params=dict(params or {}), data=data, headers=dict(headers), auth=auth
            )
        )
        ours = prepare_request(session, auth, method, url, params, data, headers)
    return theirs, ours


def same(theirs: requests.PreparedRequest, ours: requests.PreparedRequest) -> None:
    assert ours.method == theirs.method
    assert ours.url == theirs.url
    assert list(ours.headers.items()) == list(theirs.headers.items())
    assert ours.body == theirs.body
    assert ours.hooks == theirs.hooks


@settings(max_examples=examples(300))
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "get", "HEAD"]),
    path=PATH,
    params=st.one_of(st.none(), st.dictionaries(TEXT, TEXT, max_size=3)),
    data=st.one_of(st.none(), st.just(b""), st.binary(min_size=1, max_size=40)),
    headers=st.dictionaries(HEADER_NAME, HEADER_VALUE, max_size=3),
    session_headers=st.dictionaries(HEADER_NAME, HEADER_VALUE, max_size=2),
    hooked=st.booleans(),
)
def test_a_request_is_prepared_as_requests_prepares_it(
    method: str,
    path: str,
    params: dict[str, str] | None,
    data: bytes | None,
    headers: dict[str, str],
    session_headers: dict[str, str],
    hooked: bool,
) -> None:
    session = requests.Session()
    session.headers.update(session_headers)
    if hooked:
        session.hooks["response"].append(hook)
    same(*both(session, method, BASE + path, params, data, headers))


@pytest.mark.parametrize("setting", ["cookies", "params", "auth", "none-header"])
def test_sessions_with_settings_of_their_own_are_prepared_alike(setting: str) -> None:
    session = requests.Session()
    if setting == "cookies":
        session.cookies.set("NS_ROUTING", "abc", domain="1234567-sb1.suitetalk.api.netsuite.com")
    elif setting == "params":
        session.params = {"script": "1"}
    elif setting == "auth":
        session.auth = ("user", "password")
    else:
        session.headers["Accept-Encoding"] = None  # type: ignore[assignment]
    theirs, ours = both(session, "POST", BASE + "query/v1/suiteql", {"limit": "5"}, b"{}", {})
    same(theirs, ours)
    if setting == "cookies":
        assert ours.headers["Cookie"] == "NS_ROUTING=abc"


def test_an_invalid_header_is_refused_alike() -> None:
    session = requests.Session()
    with pytest.raises(requests.exceptions.InvalidHeader):
        both(session, "GET", BASE + "x", None, None, {"X-Bad": "line\nbreak"})
    with pytest.raises(requests.exceptions.InvalidHeader):
        prepare_request(session, tba_auth("1234567_SB1", "ck", "cs", "tk", "ts"), "GET",
                        BASE + "x", None, None, {"X-Bad": "line\nbreak"})


def _requests_url(url: str, params: dict[str, str]) -> str:
    prepared = requests.PreparedRequest()
    prepared.prepare_url(url, params)
    return str(prepared.url)


HOST = st.text(st.sampled_from("abcxyz019-.AZ"), min_size=1, max_size=12)
RECORD_PATH = st.text(st.sampled_from("abcXYZ019-._~/:%é ?#@"), max_size=30)
PARAMS = st.dictionaries(
    st.text(st.sampled_from("abXY01_.~-%&= é"), min_size=1, max_size=6),
    st.text(st.sampled_from("abXY01_.~-%&= é"), max_size=6),
    max_size=3,
)


@settings(max_examples=examples(500), deadline=None)
@given(
    scheme=st.sampled_from(["https", "http", "HTTPS"]), host=HOST, path=RECORD_PATH, params=PARAMS
)
# A name or value with `&` or `=` in it reads, once joined, as other plain pairs.
@example(scheme="https", host="0", path="", params={"0=&0": ""})
@example(scheme="https", host="a", path="b", params={"q": "x&limit=5"})
@example(scheme="https", host="a", path="b", params={"q": "x=y"})
def test_plain_urls_are_the_ones_requests_prepares_into_themselves(
    scheme: str, host: str, path: str, params: dict[str, str]
) -> None:
    """Record URLs and their parameters (`.../salesOrder/eid:woo-1001?replace=item`) skip
    requests' URL preparation: for every one that does, requests would have given it as it
    is written; any other goes to requests."""
    from harness.netsuite.auth import PLAIN_URL
    from harness.netsuite.sending import _prepared_url

    url = f"{scheme}://{host}/{path}"
    try:
        expected = _requests_url(url, params)
    except requests.RequestException:
        return
    assert _prepared_url(url, tuple(params.items())) == expected
    written = url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")
    pairs_as_given = all(
        re.fullmatch(r"[A-Za-z0-9_.~-]+", k) and re.fullmatch(r"[A-Za-z0-9_.~-]*", v)
        for k, v in params.items()
    )
    if pairs_as_given and PLAIN_URL.fullmatch(written):
        assert expected == written


def test_a_record_url_is_plain() -> None:
    from harness.netsuite.auth import PLAIN_URL

    assert PLAIN_URL.fullmatch(BASE + "record/v1/salesOrder/eid:woo-1001?replace=item")
    assert PLAIN_URL.fullmatch(BASE + "query/v1/suiteql?limit=1000&offset=0")
    assert not PLAIN_URL.fullmatch(BASE + "record/v1/salesOrder/eid:caf%C3%A9")
    assert not PLAIN_URL.fullmatch("https://127.0.0.1:8080/services/rest/")

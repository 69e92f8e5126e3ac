"""Matching: what makes two requests the same exchange, and how a difference is reported."""

from __future__ import annotations

import json
from typing import Any

import pytest
import vcr
from vcr.request import Request

from harness.recording import (
    MATCHER,
    AccountMapping,
    RequestCanonicalizer,
    Scrubber,
    build_matchers,
    differences,
    register_matchers,
)

HOST = "https://1234567-sb1.suitetalk.api.netsuite.com"
CANON = RequestCanonicalizer(Scrubber(account=AccountMapping("1234567_SB1")))
MATCHERS = build_matchers(CANON)


def request(
    method: str = "POST",
    uri: str = HOST + "/services/rest/record/v1/salesOrder",
    body: Any = None,
    content_type: str | None = None,
    **headers: str,
) -> Request:
    if content_type:
        headers["Content-Type"] = content_type
    return Request(method, uri, body, headers)


def same(first: Request, second: Request) -> bool:
    return MATCHERS[MATCHER](first, second)


def test_oauth_header_values_are_not_compared() -> None:
    first = request(Authorization='OAuth realm="1234567_SB1", oauth_nonce="1", oauth_signature="a"')
    second = request(
        Authorization='OAuth realm="1234567_SB1", oauth_nonce="2", oauth_signature="b"'
    )
    assert same(first, second)


def test_oauth_and_token_query_parameters_are_ignored_and_order_does_not_matter() -> None:
    first = request("GET", HOST + "/x?limit=5&offset=0&oauth_nonce=1&oauth_timestamp=10")
    second = request("GET", HOST + "/x?oauth_timestamp=20&offset=0&oauth_nonce=9&limit=5")
    assert same(first, second)
    assert not same(first, request("GET", HOST + "/x?limit=6&offset=0"))


def test_json_bodies_compare_as_data() -> None:
    first = request(body=b'{"entity": {"id": "110"}, "memo": "a"}')
    second = request(body=json.dumps({"memo": "a", "entity": {"id": "110"}}, indent=4))
    assert same(first, second)
    assert not same(first, request(body=b'{"entity": {"id": "111"}, "memo": "a"}'))


def test_form_bodies_compare_as_pairs_without_the_client_assertion() -> None:
    form = "application/x-www-form-urlencoded"
    first = request(
        body="grant_type=client_credentials&client_assertion=eyJa.b.c", content_type=form
    )
    second = request(
        body="client_assertion=eyJx.y.z&grant_type=client_credentials", content_type=form
    )
    assert same(first, second)


def test_scheme_is_ignored_and_the_account_host_is_mapped() -> None:
    recorded = request(uri="https://account-id.suitetalk.api.netsuite.com/services/rest/x")
    assert same(
        request(uri="http://1234567-sb1.suitetalk.api.netsuite.com/services/rest/x"), recorded
    )
    other_account = request(uri="https://7654321-sb2.suitetalk.api.netsuite.com/services/rest/x")
    assert not same(other_account, recorded)


def test_percent_encoding_of_the_path_is_normalised_but_case_is_not() -> None:
    assert same(
        request(uri=HOST + "/record/v1/customer/eid%3Aabc"),
        request(uri=HOST + "/record/v1/customer/eid:abc"),
    )
    assert not same(
        request(uri=HOST + "/record/v1/salesorder"), request(uri=HOST + "/record/v1/salesOrder")
    )


def test_differences_name_each_field() -> None:
    recorded = CANON.key(
        request(
            uri=HOST + "/x?limit=10&q=a",
            body=b'{"item": {"items": [{"quantity": 1}]}, "memo": "m"}',
        )
    )
    current = CANON.key(
        request(
            "PATCH", HOST + "/y?limit=5", body=b'{"item": {"items": [{"quantity": 2}]}, "note": 1}'
        )
    )
    assert differences(recorded, current) == [
        "method: recorded 'POST', this request 'PATCH'",
        "path: recorded '/x', this request '/y'",
        "query 'limit': recorded '10', this request '5'",
        "query 'q': recorded 'a', this request absent",
        "body $.item.items[0].quantity: recorded 1, this request 2",
        "body $.memo: recorded 'm', this request absent",
        "body $.note: recorded absent, this request 1",
    ]


def test_a_body_kind_change_and_a_text_change_are_reported() -> None:
    json_key = CANON.key(request(body=b'{"a": 1}'))
    text_key = CANON.key(request(body=b"plain words here"))
    other_text = CANON.key(request(body=b"plain wordz here"))
    assert differences(json_key, text_key) == ["body: recorded JSON, this request text"]
    (line,) = differences(text_key, other_text)
    assert "first difference at character 10" in line


def test_the_canonical_form_is_computed_once_per_request(monkeypatch: pytest.MonkeyPatch) -> None:
    canon = RequestCanonicalizer(Scrubber())
    calls: list[str] = []
    original = canon.key_of

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append("x")
        return original(*args, **kwargs)

    monkeypatch.setattr(canon, "key_of", counting)
    incoming = request(body=b'{"a": 1}')
    recorded = [request(body=f'{{"a": {n}}}'.encode()) for n in range(5)]
    matcher = build_matchers(canon)[MATCHER]
    for _ in range(3):
        for stored in recorded:
            matcher(incoming, stored)
    assert len(calls) == 6  # one per distinct request, however often it is compared


def test_matchers_are_registered_under_their_names_with_field_messages() -> None:
    instance = vcr.VCR()
    register_matchers(instance, CANON)
    assert MATCHER in instance.matchers
    with pytest.raises(AssertionError, match="query 'limit'"):
        instance.matchers["netsuite_query"](
            request("GET", HOST + "/x?limit=1"), request("GET", HOST + "/x?limit=2")
        )

"""Scrubbing rules, one credential kind at a time, on vcrpy's interaction dicts."""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.recording import SCRUBBED, AccountMapping, Scrubber

SECRET = "s3cr3t+/value=with&specials"
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJjbGllbnQifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
SCRUBBER = Scrubber([SECRET], account=AccountMapping("1234567_SB1"))


def interaction(
    *,
    uri: str = "https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/record/v1/x",
    body: Any = None,
    headers: dict[str, str] | None = None,
    response_body: Any = "",
    response_headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    return {
        "request": {
            "method": "POST",
            "uri": uri,
            "body": body,
            "headers": {k: [v] for k, v in (headers or {}).items()},
        },
        "response": {
            "status": {"code": 200, "message": "OK"},
            "headers": {k: [v] for k, v in (response_headers or {}).items()},
            "body": {"string": response_body},
        },
    }


def request_header(name: str, value: str) -> str:
    scrubbed = SCRUBBER.scrub_interaction(interaction(headers={name: value}))
    return str(scrubbed["request"]["headers"][name][0])


def test_oauth_header_keeps_parameter_names_and_the_realm_placeholder() -> None:
    value = (
        'OAuth realm="1234567_SB1", oauth_consumer_key="e162e50d", oauth_nonce="85824670251", '
        'oauth_signature="abc%3D", oauth_signature_method="HMAC-SHA256", '
        'oauth_timestamp="1763977124", oauth_token="172f22e1", oauth_version="1.0"'
    )
    assert request_header("Authorization", value) == (
        'OAuth realm="ACCOUNT_ID", oauth_consumer_key="SCRUBBED", oauth_nonce="SCRUBBED", '
        'oauth_signature="SCRUBBED", oauth_signature_method="SCRUBBED", '
        'oauth_timestamp="SCRUBBED", oauth_token="SCRUBBED", oauth_version="SCRUBBED"'
    )


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("Authorization", f"Bearer {JWT}", "Bearer SCRUBBED"),
        ("authorization", "Basic dXNlcjpwYXNz", "Basic SCRUBBED"),
        ("Authorization", "NLAuth nlauth_account=1, nlauth_password=x", "NLAuth SCRUBBED"),
        ("Authorization", "opaque-token-without-scheme", "SCRUBBED"),
        ("Proxy-Authorization", "Basic dXNlcjpwYXNz", "Basic SCRUBBED"),
        ("Cookie", "JSESSIONID=abc123; NS_ROUTING=xyz", "JSESSIONID=SCRUBBED; NS_ROUTING=SCRUBBED"),
        ("X-API-Key", "k-1234567890", "SCRUBBED"),
        ("X-WC-Webhook-Signature", "c2lnbmF0dXJl", "SCRUBBED"),
        ("Prefer", "transient", "transient"),
    ],
)
def test_credential_headers_keep_only_their_scheme(name: str, value: str, expected: str) -> None:
    assert request_header(name, value) == expected


def test_set_cookie_keeps_the_cookie_name_and_attributes() -> None:
    scrubbed = SCRUBBER.scrub_interaction(
        interaction(response_headers={"Set-Cookie": "JSESSIONID=abc123; Path=/; Secure"})
    )
    assert scrubbed["response"]["headers"]["Set-Cookie"] == ["JSESSIONID=SCRUBBED; Path=/; Secure"]


def test_oauth_parameters_in_the_query_string_are_scrubbed() -> None:
    uri = (
        "https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/query/v1/suiteql"
        "?limit=5&oauth_nonce=123&oauth_signature=xy%2Bz&access_token=tok&offset=0"
    )
    scrubbed = SCRUBBER.scrub_interaction(interaction(uri=uri))
    assert scrubbed["request"]["uri"] == (
        "https://account-id.suitetalk.api.netsuite.com/services/rest/query/v1/suiteql"
        "?limit=5&oauth_nonce=SCRUBBED&oauth_signature=SCRUBBED&access_token=SCRUBBED&offset=0"
    )


def test_token_request_form_body_is_scrubbed_field_by_field() -> None:
    body = (
        "grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth"
        f"%3Aclient-assertion-type%3Ajwt-bearer&client_assertion={JWT}&client_secret=shh"
    )
    scrubbed = SCRUBBER.scrub_interaction(interaction(body=body))
    assert scrubbed["request"]["body"] == (
        "grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth"
        "%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=SCRUBBED&client_secret=SCRUBBED"
    )


def test_json_credential_fields_are_scrubbed_at_any_depth_and_formatting_kept() -> None:
    body = json.dumps(
        {"auth": {"refresh_token": "r-1", "client_secret": "c-2"}, "memo": "keep me"}, indent=2
    )
    scrubbed = SCRUBBER.scrub_interaction(interaction(body=body))["request"]["body"]
    assert json.loads(scrubbed) == {
        "auth": {"refresh_token": SCRUBBED, "client_secret": SCRUBBED},
        "memo": "keep me",
    }
    assert scrubbed.count("\n") == body.count("\n")


def test_token_response_body_is_scrubbed_and_its_length_kept_true() -> None:
    body = json.dumps({"access_token": JWT, "expires_in": "3600", "token_type": "bearer"})
    scrubbed = SCRUBBER.scrub_interaction(
        interaction(response_body=body, response_headers={"Content-Length": str(len(body))})
    )["response"]
    assert json.loads(scrubbed["body"]["string"]) == {
        "access_token": SCRUBBED,
        "expires_in": "3600",
        "token_type": "bearer",
    }
    assert scrubbed["headers"]["Content-Length"] == [str(len(scrubbed["body"]["string"]))]


def test_a_jwt_under_any_name_is_scrubbed() -> None:
    body = json.dumps({"note": f"assertion was {JWT}."})
    scrubbed = SCRUBBER.scrub_interaction(interaction(response_body=body))
    assert JWT not in scrubbed["response"]["body"]["string"]


@pytest.mark.parametrize(
    "spelling",
    [
        SECRET,
        quote(SECRET, safe=""),
        quote_plus(SECRET),
        json.dumps(SECRET)[1:-1],
        base64.b64encode(SECRET.encode()).decode(),
        base64.urlsafe_b64encode(SECRET.encode()).decode().rstrip("="),
    ],
)
def test_a_registered_secret_is_scrubbed_in_every_spelling(spelling: str) -> None:
    scrubbed = SCRUBBER.scrub_interaction(
        interaction(
            uri=f"https://example.test/echo?note={spelling}",
            body=f"free text {spelling} here".encode(),
            response_body=f'{{"echo": "{spelling}"}}',
            response_headers={"X-Echo": spelling},
        )
    )
    assert spelling not in json.dumps(scrubbed, default=lambda b: b.decode("latin-1"))


def test_a_soap_token_passport_is_scrubbed_whole() -> None:
    body = (
        "<soap:Header><platformMsgs:tokenPassport><platformCore:account>1234567_SB1"
        "</platformCore:account><platformCore:consumerKey>e162e50d</platformCore:consumerKey>"
        "<platformCore:nonce>fjaLirsIcCGVZWzBX0pg</platformCore:nonce>"
        '<platformCore:signature algorithm="HMAC-SHA256">c2ln</platformCore:signature>'
        "</platformMsgs:tokenPassport></soap:Header><record>Basic Widget</record>"
    )
    scrubbed = SCRUBBER.scrub_interaction(interaction(body=body))["request"]["body"]
    assert scrubbed == (
        "<soap:Header><platformMsgs:tokenPassport>SCRUBBED</platformMsgs:tokenPassport>"
        "</soap:Header><record>Basic Widget</record>"
    )


def test_undecodable_bytes_bodies_are_scrubbed_around_the_binary() -> None:
    body = b"\xff\xfe binary " + SECRET.encode() + b" \x00\x81"
    scrubbed = SCRUBBER.scrub_interaction(interaction(body=body))["request"]["body"]
    assert scrubbed == b"\xff\xfe binary SCRUBBED \x00\x81"


@pytest.mark.parametrize(
    "text",
    [
        '{"refName": "Basic Widget Co", "token_type": "bearer"}',
        "The Bearer of this order",
        "grant_type=client_credentials&scope=rest_webservices",
    ],
)
def test_ordinary_data_is_left_alone(text: str) -> None:
    assert SCRUBBER.scrub_text(text) == text


def test_a_short_registered_secret_is_refused_without_showing_it() -> None:
    with pytest.raises(ValueError, match="5 characters") as raised:
        Scrubber(["abcde"])
    assert "abcde" not in str(raised.value)


def test_unset_secrets_are_ignored() -> None:
    assert Scrubber([None, ""]).scrub_text("nothing to hide") == "nothing to hide"


_fragments = st.sampled_from(
    [
        "oauth_nonce=",
        'oauth_signature="',
        '"',
        '"access_token": "',
        "client_assertion=",
        "Bearer ",
        "Basic ",
        "eyJ",
        ".",
        "&",
        "=",
        " ",
        "realm=1234567_SB1",
        SECRET,
        SECRET[:9],
        "ZmFrZS10b2tlbi12YWx1ZS0xMjM0NQ",
        "SCRUBBED",
        "<tokenPassport>",
        "</tokenPassport>",
    ]
)
_texts = st.lists(_fragments | st.text(max_size=6), max_size=14).map("".join)


@given(text=_texts)
def test_scrubbing_is_idempotent_and_leaves_nothing_to_find(text: str) -> None:
    once = SCRUBBER.scrub_text(text)
    assert SCRUBBER.scrub_text(once) == once
    assert SCRUBBER.findings(once) == []

"""Bodies and headers judged as a whole: the one-scan shortcut masks exactly what the
field-by-field walk masks, including where the walk sees more than the raw text shows."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from harness.netsuite import redact
from harness.netsuite.redact import MASK, Redactor, is_sensitive_key

SECRET = "s3cr3t-Value/with+slash"


def one_by_one(redactor: Redactor, data: Any) -> Any:
    """A JSON value masked one string at a time: what `Redactor.value` must equal."""
    if isinstance(data, dict):
        return {
            redactor.text(key): MASK if is_sensitive_key(key) else one_by_one(redactor, item)
            for key, item in data.items()
        }
    if isinstance(data, list):
        return [one_by_one(redactor, item) for item in data]
    return redactor.text(data) if isinstance(data, str) else data


def walked(redactor: Redactor, body: str) -> str:
    """What the field-by-field walk makes of a JSON body (the shortcut bypassed)."""
    parsed = json.loads(body)
    masked = one_by_one(redactor, parsed)
    shown = (
        body if masked == parsed else json.dumps(masked, ensure_ascii=False, separators=(",", ":"))
    )
    return redactor.text(shown)


@pytest.mark.parametrize(
    "body",
    [
        # A credential name split by separators inside a word: no trigger word as written.
        '{"pass_word": "hunter2-long"}',
        '{"Sig-Nature": "abcdefgh"}',
        # A secret visible only once the JSON escapes are decoded.
        json.dumps({"memo": SECRET}),  # "/" stays, but see the next one
        '{"memo": "s3cr3t-Value\\/with+slash"}',
        '{"memo": "\\u0073\\u0033cr3t-Value/with+slash"}',
        # A credential word visible only once decoded.
        '{"\\u0074oken_secret": "abcdefgh"}',
        '{"addr": "Jane\\nToken Road", "n\\u0061me": "to\\u006ben_secret=abcdefgh"}',
        # Escapes elsewhere in the body, and a secret JSON-escaped.
        '{"addr": "Jane\\n500 Market St", "memo": "s3cr3t-Value\\/with+slash"}',
        # A secret cut short by a truncation mark.
        '{"memo": "s3cr3t-Val..."}',
    ],
)
def test_what_the_walk_masks_the_shortcut_masks(body: str) -> None:
    redactor = Redactor([SECRET])
    assert redactor.body(body, "application/json") == walked(redactor, body)
    assert "hunter2" not in redactor.body(body) and "abcdefgh" not in redactor.body(body)
    assert SECRET not in json.dumps(json.loads(redactor.body(body)), ensure_ascii=False)


def test_a_body_with_nothing_to_mask_is_not_walked(monkeypatch: pytest.MonkeyPatch) -> None:
    plain = '{"item":{"id":"12"},"quantity":2,"rate":9.5}'
    # A Sales Order as NetSuite answers it: the address lines JSON-escaped.
    escaped = '{"billAddress": "Jane Doe\\n500 Market St", "memo": "Mug \\"large\\""}'
    hiding = '{"billAddress": "Jane Doe\\n\\u0073\\u0033cr3t-Value/with+slash"}'
    walks: list[object] = []
    walk = Redactor.value
    monkeypatch.setattr(
        Redactor, "value", lambda self, data: walks.append(data) or walk(self, data)
    )
    redactor = Redactor([SECRET])
    assert redactor.body(plain) is plain
    assert walks == []  # judged whole: one scan, not a walk of every field
    assert redactor.body(escaped) is escaped
    assert walks == []  # its strings judged as they decode: nothing hides behind an escape
    assert SECRET not in json.loads(redactor.body(hiding))["billAddress"]
    assert walks  # a secret behind an escape: walked


def test_headers_without_credentials_come_back_as_text() -> None:
    redactor = Redactor([SECRET])
    assert redactor.headers({b"Content-Type": b"application/json", "Content-Length": 12}) == {
        "Content-Type": "application/json",
        "Content-Length": "12",
    }


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("Authorization", 'OAuth realm="1234567_SB1", oauth_signature="abc"'),
        ("X-Api_Key", "k-123456789"),
        ("X-Password", "hunter2-long"),
        ("X-Memo", SECRET),
        ("Set-Cookie", "sid=abcdef123456"),
    ],
)
def test_a_credential_header_is_masked_among_plain_ones(name: str, value: str) -> None:
    redactor = Redactor([SECRET])
    shown = redactor.headers({"Content-Type": "application/json", name: value})
    assert shown["Content-Type"] == "application/json"
    assert value not in json.dumps(shown)
    assert MASK in json.dumps(shown)


words = st.sampled_from(
    ["token", "to_ken", "pass-word", "memo", "id", "item", "eyJhbGci", "Bearer", "k", "x"]
)
texts = st.one_of(
    words,
    st.just(SECRET),
    st.just(SECRET[:12] + "…"),
    st.sampled_from(
        [
            "Bearer abcdefgh",
            "token_secret=abcdefgh",
            "Authorization: OAuth oauth_token=abcdefgh",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
        ]
    ),
    st.text(max_size=12),
)


@given(st.dictionaries(words, st.one_of(texts, st.lists(texts, max_size=3)), max_size=5))
def test_any_body_is_masked_as_the_walk_masks_it(data: dict[str, object]) -> None:
    redactor = Redactor([SECRET])
    for body in (json.dumps(data), json.dumps(data, ensure_ascii=False)):
        assert redactor.body(body) == walked(redactor, body)


joiner_texts = st.one_of(
    texts, st.just("a\x00b"), st.just(SECRET + "\x00"), st.just("tok\x00en_secret=abcdefgh")
)
json_values = st.recursive(
    st.one_of(joiner_texts, st.integers(), st.none()),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(words, inner, max_size=3),
    max_leaves=12,
)


@given(json_values, st.sampled_from([[SECRET], [SECRET, "a\x00bcdefgh"], []]))
def test_masking_every_string_at_once_equals_masking_each(data: Any, secrets: list[str]) -> None:
    redactor = Redactor(secrets)
    assert redactor.value(data) == one_by_one(redactor, data)


def test_strings_holding_the_joiner_are_masked_each_on_its_own() -> None:
    secret = "b\x00c-secret-part"
    redactor = Redactor([secret])
    data = {"memo": ["a\x00b", "c-secret-part d", "Bearer abcdefgh"]}
    assert redactor.value(data) == one_by_one(redactor, data)
    # No string holds it, but the secret does: joined, it would span two strings.
    data = {"memo": ["xxb", "c-secret-part yy", "Bearer abcdefgh"]}
    assert redactor.value(data) == one_by_one(redactor, data)


header_names = st.sampled_from(
    ["Authorization", "Content-Type", "X-Api-Key", "WWW-Authenticate", "X-Memo", "Set-Cookie"]
)


@given(st.dictionaries(header_names, texts, max_size=5))
def test_headers_at_once_are_masked_as_one_by_one(headers: dict[str, str]) -> None:
    redactor = Redactor([SECRET])
    expected = {
        redactor.text(name): redactor.header(name, value) for name, value in headers.items()
    }
    assert redactor.headers(headers) == expected


def registered_one_by_one(redactor: Redactor, data: Any) -> Any:
    """Only registered secrets masked, one string at a time."""
    if isinstance(data, dict):
        return {
            registered_one_by_one(redactor, key): registered_one_by_one(redactor, item)
            for key, item in data.items()
        }
    if isinstance(data, list):
        return [registered_one_by_one(redactor, item) for item in data]
    return redactor.registered(data) if isinstance(data, str) else data


@given(json_values, st.sampled_from([[SECRET], [SECRET, "a\x00bcdefgh"], []]))
def test_a_report_is_masked_as_each_of_its_strings_would_be(data: Any, secrets: list[str]) -> None:
    redactor = Redactor(secrets)
    assert redactor.registered_value(data) == registered_one_by_one(redactor, data)
    # A credential field keeps its value: a report's structure is not the rules' business.
    assert redactor.registered_value({"token_secret": "kept-as-is"}) == {
        "token_secret": "kept-as-is"
    }


fragments = st.sampled_from(
    [
        "token_secret",
        "order_key",
        "Authorization",
        "Bearer",
        "Basic",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln",
        "abcdefgh",
        ":",
        "=",
        ",",
        "%3D",
        "%3d",
        "<",
        ">",
        "</token_secret>",
        '"',
        "'",
        " ",
        "\n",
        "key",
        "oauth_token",
    ]
)


@given(st.lists(fragments, max_size=10).map("".join))
@example("('token_secret', 'abcdefgh')")
@example("oauth_token%3Dabcdefgh%26")
@example("<token_secret>abcdefgh</token_secret>")
@example("Authorization: OAuth oauth_token=abcdefgh")
@example("order_key Bearer abcdefgh")
def test_a_text_without_a_field_mark_needs_only_the_value_rules(text: str) -> None:
    # `_structural` skips the rules that need a name followed by `:`, `=`, `,` or a tag when
    # the text holds none; it must mask exactly what every rule would.
    assert redact._structural(text) == redact._every_rule(text)

"""Bodies and headers judged as a whole: the one-scan shortcut masks exactly what the
field-by-field walk masks, including where the walk sees more than the raw text shows."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.netsuite.redact import MASK, Redactor

SECRET = "s3cr3t-Value/with+slash"


def walked(redactor: Redactor, body: str) -> str:
    """What the field-by-field walk makes of a JSON body (the shortcut bypassed)."""
    parsed = json.loads(body)
    masked = redactor.value(parsed)
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
    escaped = '{"item": {"id": "12"}, "memo": "Mug \\"large\\""}'
    walks: list[object] = []
    walk = Redactor.value
    monkeypatch.setattr(
        Redactor, "value", lambda self, data: walks.append(data) or walk(self, data)
    )
    redactor = Redactor([SECRET])
    assert redactor.body(plain) is plain
    assert walks == []  # judged whole: one scan, not a walk of every field
    assert redactor.body(escaped) == escaped
    assert walks  # an escape may hide a secret: walked


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
texts = st.one_of(words, st.just(SECRET), st.just(SECRET[:12] + "…"), st.text(max_size=12))


@given(st.dictionaries(words, st.one_of(texts, st.lists(texts, max_size=3)), max_size=5))
def test_any_body_is_masked_as_the_walk_masks_it(data: dict[str, object]) -> None:
    redactor = Redactor([SECRET])
    for body in (json.dumps(data), json.dumps(data, ensure_ascii=False)):
        assert redactor.body(body) == walked(redactor, body)

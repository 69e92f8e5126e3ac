"""The account id as a placeholder on disk and the replaying account in memory."""

from __future__ import annotations

import pytest

from harness.netsuite.auth import AuthConfigError
from harness.recording import (
    PLACEHOLDER_ACCOUNT,
    PLACEHOLDER_HOST,
    PLACEHOLDER_ORIGIN,
    AccountMapping,
)

SANDBOX = AccountMapping("1234567_SB1")
OTHER = AccountMapping("7654321_SB2")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('OAuth realm="1234567_SB1"', f'OAuth realm="{PLACEHOLDER_ACCOUNT}"'),
        (
            "https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/record/v1/customer/647",
            PLACEHOLDER_ORIGIN + "/services/rest/record/v1/customer/647",
        ),
        (
            "https://1234567-sb1.restlets.api.netsuite.com/rest/tokeninfo",
            "https://account-id.restlets.api.netsuite.com/rest/tokeninfo",
        ),
        (
            "redirect=https%3A%2F%2F1234567-sb1.app.netsuite.com%2Fapp",
            "redirect=https%3A%2F%2Faccount-id.app.netsuite.com%2Fapp",
        ),
        (
            "lowercase realm 1234567_sb1 is refused",
            f"lowercase realm {PLACEHOLDER_ACCOUNT} is refused",
        ),
    ],
)
def test_every_spelling_of_the_account_becomes_its_placeholder(text: str, expected: str) -> None:
    assert SANDBOX.to_placeholder(text) == expected


@pytest.mark.parametrize(
    "text",
    ["12345678_SB1", "order 1234567_SB12", "amount 1234567.89", "x1234567_SB1"],
)
def test_longer_words_and_amounts_are_not_the_account(text: str) -> None:
    assert SANDBOX.to_placeholder(text) == text


def test_a_production_id_is_spelled_by_position() -> None:
    production = AccountMapping("1234567")
    text = 'realm="1234567" host https://1234567.suitetalk.api.netsuite.com/x total 1234567.50'
    placeholder = production.to_placeholder(text)
    assert placeholder == (
        f'realm="{PLACEHOLDER_ACCOUNT}" host {PLACEHOLDER_ORIGIN}/x total 1234567.50'
    )
    # ... so a sandbox replaying it gets its realm and its host label right.
    assert OTHER.from_placeholder(placeholder) == (
        'realm="7654321_SB2" host https://7654321-sb2.suitetalk.api.netsuite.com/x total 1234567.50'
    )


def test_placeholders_map_back_to_another_account() -> None:
    recorded = SANDBOX.to_placeholder(
        "Location: https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/record/v1/"
        'salesOrder/12 realm="1234567_SB1"'
    )
    assert OTHER.from_placeholder(recorded) == (
        "Location: https://7654321-sb2.suitetalk.api.netsuite.com/services/rest/record/v1/"
        'salesOrder/12 realm="7654321_SB2"'
    )


def test_a_base_url_is_recorded_as_the_netsuite_origin_and_mapped_back() -> None:
    recording = AccountMapping("1234567_SB1", base_url="http://127.0.0.1:8123/")
    recorded = recording.to_placeholder(
        "http://127.0.0.1:8123/services/rest/x Host: 127.0.0.1:8123"
    )
    assert recorded == f"{PLACEHOLDER_ORIGIN}/services/rest/x Host: {PLACEHOLDER_HOST}"
    replaying = AccountMapping("7654321_SB2", base_url="http://localhost:9000")
    assert replaying.from_placeholder(recorded) == (
        "http://localhost:9000/services/rest/x Host: localhost:9000"
    )


def test_another_port_is_not_the_base_url() -> None:
    recording = AccountMapping("1234567_SB1", base_url="http://127.0.0.1:8123")
    assert recording.to_placeholder("http://127.0.0.1:81234/x") == "http://127.0.0.1:81234/x"


def test_a_malformed_account_id_is_refused_with_its_value() -> None:
    with pytest.raises(AuthConfigError, match="'12-ab'"):
        AccountMapping("12-ab")


def test_a_base_url_without_scheme_is_refused() -> None:
    with pytest.raises(ValueError, match=r"base_url: '127\.0\.0\.1:80'"):
        AccountMapping("1234567_SB1", base_url="127.0.0.1:80")

"""Secrets never leak: the Redactor's rules, and a property test through the whole client."""

from __future__ import annotations

import html
import json
import logging
import random
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import pytest
import requests
import responses
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from requests.auth import AuthBase

from harness.netsuite.calllog import CallLog
from harness.netsuite.client import NetSuiteClient
from harness.netsuite.errors import ERROR_MEDIA_TYPE, NetSuiteError, error_detail, error_document
from harness.netsuite.redact import MASK, Redactor
from harness.netsuite.retry import RetryPolicy
from tests.hypothesis_budget import examples

BASE = "https://1234567-sb1.suitetalk.api.netsuite.com"
REST = f"{BASE}/services/rest"


# -- rules ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Authorization: Bearer abc.def-ghi", "Authorization: Bearer ***"),
        ('oauth_token="tok", oauth_nonce="n1"', 'oauth_token="***", oauth_nonce="***"'),
        ("?oauth_signature=abc%3D&limit=5", "?oauth_signature=***&limit=5"),
        (
            '{"access_token": "a.b.c", "expires_in": "3600"}',
            '{"access_token": "***", "expires_in": "3600"}',
        ),
        (
            "client_assertion=eyJhbGciOiJQUzI1NiJ9.eyJpc3MiOiJ4In0.sig&x=1",
            "client_assertion=***&x=1",
        ),
        ("token eyJhbGciOiJQUzI1NiJ9.eyJpc3MiOiJ4In0.c2ln in text", "token *** in text"),
        (
            '{"consumerSecret":"cs","tokenSecret":"ts"}',
            '{"consumerSecret":"***","tokenSecret":"***"}',
        ),
        ("plain words stay", "plain words stay"),
    ],
)
def test_structural_rules(text: str, expected: str) -> None:
    assert Redactor().text(text) == expected


def test_json_values_are_masked_by_field_name_at_any_depth() -> None:
    body = {"grant": {"refresh_token": "r", "scope": ["rest_webservices"]}, "Cookie": "c"}

    assert Redactor().value(body) == {
        "grant": {"refresh_token": MASK, "scope": ["rest_webservices"]},
        "Cookie": MASK,
    }


def test_registered_secret_is_masked_in_every_spelling() -> None:
    secret = 'pä"ss/wörd&1'
    redactor = Redactor([secret])
    spellings = [
        secret,
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        quote(secret, safe=""),
        quote(secret),
        html.escape(secret),
    ]

    for spelling in spellings:
        assert redactor.text(f"<{spelling}>") == f"<{MASK}>", spelling


def test_a_secret_inside_another_is_masked_whole() -> None:
    redactor = Redactor(["abcdef", "xxabcdefyy"])

    assert redactor.text("1 xxabcdefyy 2 abcdef") == "1 *** 2 ***"


def test_json_body_keeps_its_shape() -> None:
    redactor = Redactor(["s3cr3t-value"])

    masked = redactor.body('{"memo": "note s3cr3t-value", "n": 1.5}', "application/json")

    assert json.loads(masked) == {"memo": "note ***", "n": 1.5}


def test_authorization_keeps_realm_and_parameter_names_only() -> None:
    header = 'OAuth realm="1234567_SB1",oauth_token="t",oauth_signature="s%2F"'

    assert Redactor().header("Authorization", header) == (
        'OAuth realm="1234567_SB1", oauth_token="***", oauth_signature="***"'
    )
    assert Redactor().header("Proxy-Authorization", "Basic dXNlcjpwYXNz") == "Basic ***"
    assert Redactor().header("Set-Cookie", "JSESSIONID=1; Path=/") == MASK


# -- the property -----------------------------------------------------------------------------

_CHARACTERS = st.characters(exclude_categories=["Cs"], exclude_characters="*")
SECRETS = st.lists(
    st.text(_CHARACTERS, min_size=8, max_size=32), min_size=1, max_size=3, unique=True
)


class HeaderAuth(AuthBase):
    """Signs like TBA and carries a bearer-style token, both built from the secrets."""

    def __init__(self, secrets: list[str]) -> None:
        self.secrets = secrets

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        first = self.secrets[0]
        r.headers["Authorization"] = (
            f'OAuth realm="1234567_SB1", oauth_consumer_key="{quote(first, safe="")}", '
            f'oauth_token="{quote(self.secrets[-1], safe="")}", oauth_signature="x%2B"'
        )
        r.headers["X-Api-Token"] = quote(first, safe="")
        return r


class LogLines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@contextmanager
def captured_logs() -> Iterator[LogLines]:
    handler = LogLines()
    logger = logging.getLogger("harness.netsuite")
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


def exercise(secrets: list[str]) -> tuple[list[str], list[str], str]:
    """Drive every path a secret can take; returns (log lines, exception texts, JSONL)."""
    first, last = secrets[0], secrets[-1]
    calllog = CallLog()
    client = NetSuiteClient(
        BASE,
        HeaderAuth(secrets),
        calllog=calllog,
        secrets=secrets,
        retry=RetryPolicy(max_attempts=2, sleep=lambda _: None, rng=random.Random(0)),
    )
    failures: list[str] = []
    echo = {"memo": first, "nested": {"list": [f"a {last} b"]}, first: "as a key"}
    with captured_logs() as logs, responses.RequestsMock() as mock:
        record = f"{REST}/record/v1/customer/eid:{quote(first, safe='')}"
        mock.get(record, json=echo, headers={"Set-Cookie": f"t={quote(last)}"})
        mock.post(
            f"{REST}/record/v1/customer",
            status=400,
            content_type=ERROR_MEDIA_TYPE,
            body=json.dumps(
                error_document(
                    400,
                    [
                        error_detail(
                            f"Invalid value {first} for memo", "USER_ERROR", path=f"memo.{last}"
                        )
                    ],
                )
            ),
        )
        mock.get(
            f"{REST}/record/v1/customer/1",
            status=503,
            content_type="text/html",
            body=f"<html><title>Down {html.escape(first)}</title></html>",
        )
        mock.get(
            f"{REST}/record/v1/customer/1",
            status=500,
            content_type="text/plain",
            body=f"upstream {last} failed",
        )
        mock.put(
            f"{REST}/record/v1/customer/eid:X1",
            body=requests.ConnectionError(f"reset while sending {first}"),
        )
        mock.put(
            f"{REST}/record/v1/customer/eid:X1",
            body=requests.ReadTimeout(f"timed out {quote(last)}"),
        )

        client.get("customer", f"eid:{first}", fields=[first, "memo"])
        calls: list[tuple[str, dict[str, str]]] = [
            ("create", {"memo": first, "note": last}),
            ("get", {}),
            ("upsert", {"memo": last}),
        ]
        for method, body in calls:
            try:
                if method == "create":
                    client.create("customer", body)
                elif method == "get":
                    client.get("customer", "1")
                else:
                    client.upsert("customer", "X1", body)
            except NetSuiteError as error:
                failures += [
                    str(error),
                    repr(error),
                    error.raw_body,
                    error.url,
                    json.dumps(error.headers, ensure_ascii=False),
                ]
    assert len(failures) == 15  # every failing call did fail
    lines = logs.lines + [call.summary() for call in calllog.calls]
    return lines, failures, calllog.to_jsonl()


_VOCABULARY = "\n".join(
    [
        *exercise(["PLACEHOLDER-0"])[0],
        *exercise(["PLACEHOLDER-0"])[1],
        exercise(["PLACEHOLDER-0"])[2],
    ]
)


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SECRETS)
@example(["00000\r\r\x85"])  # too short once its trailing line breaks are stripped
def test_no_secret_reaches_logs_exports_or_exceptions(secrets: list[str]) -> None:
    # A "secret" that is part of the log format itself ("request_body", "attempt") cannot be
    # told apart from the format; real credentials are random strings.
    assume(
        not any(
            secret in _VOCABULARY or secret.lower() in _VOCABULARY.lower() for secret in secrets
        )
    )
    lines, failures, exported = exercise(secrets)

    for secret in secrets:
        escaped = json.dumps(secret, ensure_ascii=False)[1:-1]
        for text in (*lines, *failures, exported):
            assert secret not in text
            assert escaped not in text

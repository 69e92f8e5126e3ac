"""Nothing that authenticates reaches a cassette, and the scan after writing proves it."""

from __future__ import annotations

import base64
import json
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
import requests
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st
from recording_helpers import (
    ACCOUNT,
    RECORD,
    SUITEQL,
    FakeNetSuite,
    Keys,
    fetch_token,
    tba,
)

from harness.netsuite.redact import spellings
from harness.recording import (
    Recorder,
    Scrubber,
    SecretLeakError,
    fingerprint_secret,
    verify_cassette,
)
from tests.hypothesis_budget import examples

# The safe loader in C where PyYAML has it (as harness/recording/cassette_file.py reads
# cassettes): the same documents, parsed some ten times faster than in Python.
YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

NODE = "tests/test_orders.py::test_secrets"


def exchange_everything(base: str, keys: Keys, secret: str) -> None:
    """Put `secret` and every credential kind into headers, query, JSON, form and responses."""
    session = requests.Session()
    token = fetch_token(session, base, keys)
    bearer = {"Authorization": f"Bearer {token}"}
    session.post(f"{base}{RECORD}/salesOrder", json={"memo": secret}, headers=bearer)
    session.post(f"{base}/echo", params={"note": secret}, data={"comment": secret}, headers=bearer)
    session.post(f"{base}/echo", json={"nested": {"value": secret}}, auth=tba(keys))
    session.post(
        f"{base}{SUITEQL}",
        params={"limit": "5"},
        json={"q": f"SELECT id FROM transaction WHERE memo = '{secret}'"},
        auth=tba(keys, signature_type="query"),
    )
    session.post(f"{base}/echo", data={"x": "1"}, auth=tba(keys, signature_type="body"))
    session.get(f"{base}/echo", headers={"Cookie": f"JSESSIONID={secret}"}, auth=tba(keys))


def strings_of(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [str(k), *strings_of(v)]]
    if isinstance(value, list):
        return [s for item in value for s in strings_of(item)]
    if isinstance(value, bytes):
        return [value.decode("utf-8", "surrogateescape")]
    return [value] if isinstance(value, str) else []


def assert_clean(path: Path, secrets: list[str]) -> None:
    text = path.read_text()
    parsed = "\n".join(strings_of(yaml.load(text, Loader=YAML_LOADER)))
    for secret in secrets:
        for spelling in spellings(secret):
            assert spelling not in text, fingerprint_secret(secret)
            assert spelling not in parsed, fingerprint_secret(secret)


def test_every_credential_kind_is_scrubbed_from_the_file(
    tmp_path: Path, netsuite: FakeNetSuite, keys: Keys
) -> None:
    secret = "order-note-secret-0123456789"
    with Recorder(
        tmp_path,
        NODE,
        mode="record",
        account_id=ACCOUNT,
        base_url=netsuite.base_url,
        secrets=[*keys.all(), secret],
    ) as recording:
        exchange_everything(netsuite.base_url, keys, secret)
    assert_clean(recording.path, [*keys.all(), secret])
    text = recording.path.read_text()
    assert "eyJ" not in text  # client assertion and access token
    assert "Bearer SCRUBBED" in text
    assert 'oauth_signature="SCRUBBED"' in text  # header signatures
    assert "oauth_signature=SCRUBBED" in text  # query and form-body signatures
    assert "JSESSIONID=SCRUBBED" in text
    assert '"access_token": "SCRUBBED"' in text


_secret_chars = st.sampled_from(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~+/=!*'()$,;:@ é"
)
# Credentials mix letters and digits; protocol words ("Authorization", "interactions") are
# names the file must contain, so a "secret" equal to one of them is refused by the scan.
_secrets = st.text(_secret_chars, min_size=16, max_size=40).filter(
    lambda s: any(c.isdigit() for c in s) and any(c.isalpha() for c in s)
)


@settings(max_examples=examples(20), deadline=None)
@given(secret=_secrets)
@example(secret="D;00000000000000")  # a `;` inside a secret once split it across cookie parts
def test_no_registered_secret_survives_in_any_spelling(
    shared_netsuite: FakeNetSuite, secret: str
) -> None:
    keys = Keys()
    with tempfile.TemporaryDirectory() as directory:
        with Recorder(
            Path(directory),
            NODE,
            mode="record",
            account_id=ACCOUNT,
            base_url=shared_netsuite.base_url,
            secrets=[*keys.all(), secret],
        ) as recording:
            exchange_everything(shared_netsuite.base_url, keys, secret)
        assert_clean(recording.path, [*keys.all(), secret])


def test_a_credential_that_escapes_scrubbing_deletes_the_file(
    tmp_path: Path, netsuite: FakeNetSuite, keys: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Simulate a scrubbing rule that misses: the scan after writing must still catch it.
    monkeypatch.setattr(Scrubber, "scrub_interaction", lambda self, interaction: interaction)
    with (
        pytest.raises(SecretLeakError) as raised,
        Recorder(
            tmp_path,
            NODE,
            mode="record",
            account_id=ACCOUNT,
            base_url=netsuite.base_url,
            secrets=keys.all(),
        ) as recording,
    ):
        requests.get(f"{netsuite.base_url}{RECORD}/salesOrder/5", auth=tba(keys))
    assert not recording.path.exists()
    message = str(raised.value)
    assert f"registered secret {fingerprint_secret(keys.consumer_key)}" in message
    for secret in keys.all():
        assert secret not in message


@pytest.mark.parametrize(
    ("planted", "what"),
    [
        (
            'Authorization: OAuth oauth_signature="dGhpcyBpcyBub3Q="',
            "credential parameter 'oauth_signature'",
        ),
        ("uri: https://x.test/?oauth_nonce=8582467", "credential parameter 'oauth_nonce'"),
        ("Authorization: Bearer ZmFrZS10b2tlbi12YWx1ZS0xMjM0", "Bearer credential"),
        ("body: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln", "JWT-shaped token"),
        ('string: \'{"refresh_token": "r-123456"}\'', "credential field 'refresh_token'"),
    ],
)
def test_the_scan_catches_planted_token_shapes(tmp_path: Path, planted: str, what: str) -> None:
    path = tmp_path / "planted.yaml"
    path.write_text(f"version: 1\ninteractions: []\nnote: 1\n{planted}\n")
    with pytest.raises(SecretLeakError, match=f"line 4: {what}"):
        verify_cassette(path, Scrubber())
    assert not path.exists()


@pytest.mark.parametrize(
    "spell",
    [
        lambda s: s,
        lambda s: quote(s, safe=""),
        lambda s: quote_plus(s),
        lambda s: base64.b64encode(s.encode()).decode(),
        lambda s: json.dumps(s)[1:-1],
    ],
)
def test_the_scan_catches_a_planted_registered_secret_in_any_spelling(
    tmp_path: Path, spell: Any
) -> None:
    secret = 'consumer/secret "quoted" + more'
    path = tmp_path / "planted.yaml"
    path.write_text(
        yaml.safe_dump({"version": 1, "interactions": [], "note": f"x {spell(secret)} y"})
    )
    with pytest.raises(SecretLeakError) as raised:
        verify_cassette(path, Scrubber([secret]))
    assert fingerprint_secret(secret) in str(raised.value)
    assert secret not in str(raised.value)


def test_the_scan_sees_through_yaml_escapes_and_binary_bodies(tmp_path: Path) -> None:
    secret = "tab\tseparated-secret"
    path = tmp_path / "escaped.yaml"
    body = b"\xff\x00 " + secret.encode()
    path.write_text(yaml.safe_dump({"quoted": f'say "{secret}"', "binary": body}))
    assert secret not in path.read_text()  # YAML wrote it escaped / as base64
    with pytest.raises(SecretLeakError, match="registered secret"):
        verify_cassette(path, Scrubber([secret]))


def test_a_clean_cassette_passes_the_scan(
    tmp_path: Path, netsuite: FakeNetSuite, keys: Keys
) -> None:
    with Recorder(
        tmp_path,
        NODE,
        mode="record",
        account_id=ACCOUNT,
        base_url=netsuite.base_url,
        secrets=keys.all(),
    ) as recording:
        exchange_everything(netsuite.base_url, keys, "nothing secret here")
    verify_cassette(recording.path, Scrubber(keys.all()))
    assert recording.path.exists()


def test_a_secret_that_is_protocol_vocabulary_is_refused_not_kept(
    tmp_path: Path, netsuite: FakeNetSuite, keys: Keys
) -> None:
    # Header names are not rewritten (replay needs them), so such a "secret" cannot be hidden:
    # the scan says so instead of writing a file that contains it.
    with (
        pytest.raises(SecretLeakError, match="registered secret"),
        Recorder(
            tmp_path,
            NODE,
            mode="record",
            account_id=ACCOUNT,
            base_url=netsuite.base_url,
            secrets=["Authorizatio"],
        ) as recording,
    ):
        requests.get(f"{netsuite.base_url}{RECORD}/salesOrder/5", auth=tba(keys))
    assert not recording.path.exists()


def test_the_scan_names_exactly_the_secrets_a_text_holds() -> None:
    """Text is first scanned for all secrets at once; the ones it holds are still each named,
    and a text holding none names none."""
    first, second, third = "first-secret-value", "second/secret+value", "third-secret-value"
    scrubber = Scrubber([first, second, third])
    named = {fingerprint_secret(s): s for s in (first, second, third)}

    def found(text: str) -> list[str]:
        return [
            named[f.what.removeprefix("registered secret ")]
            for f in scrubber.findings(text)
            if f.what.startswith("registered secret ")
        ]

    assert found("nothing secret in here at all") == []
    assert found(base64.b64encode(second.encode()).decode().upper()) == [second]
    assert found(f"a {quote(third, safe='')} b {first.upper()}") == [third, first]
    assert found(f"cut short: {second[:9]}...[42 more chars]") == [second]

"""The redaction policy's rules: a credential-named value is masked in every spelling of its
name with no secret registered; a registered secret is masked in every encoding and case;
headers are text, never Python reprs."""

from __future__ import annotations

import base64
import json
import random

import pytest
import requests
from redaction_helpers import Search, forms, random_secret
from requests_oauthlib import OAuth1

from harness.netsuite.calllog import CallLog
from harness.netsuite.redact import (
    MASK,
    Redactor,
    SecretSet,
    is_sensitive_key,
    register_secret,
    registered_secrets,
)

# Every credential a store's settings, a connector or a library may name.
SENSITIVE_NAMES = [
    ("consumer", "key"),
    ("consumer", "secret"),
    ("token", "id"),
    ("token", "secret"),
    ("client", "id"),
    ("client", "secret"),
    ("client", "key"),
    ("certificate", "id"),
    ("private", "key"),
    ("access", "token"),
    ("refresh", "token"),
    ("client", "assertion"),
    ("api", "key"),
    ("webhook", "secret"),
    ("resource", "owner", "secret"),
    ("password",),
    ("signature",),
]


def spellings_of(words: tuple[str, ...]) -> list[str]:
    """`token_secret`, `tokenSecret`, `TOKEN-SECRET`, `Token Secret`."""
    return [
        "_".join(words),
        words[0] + "".join(w.capitalize() for w in words[1:]),
        "-".join(words).upper(),
        " ".join(w.capitalize() for w in words),
    ]


SPELLINGS = [s for words in SENSITIVE_NAMES for s in spellings_of(words)]
VALUE = "v4lue-0f-Th3-cred"
# Where a name and its value meet: env dumps, YAML/log lines, JSON, Python reprs, XML, OAuth.
CONTEXTS = [
    "{k}={v}",
    "{k}: {v}",
    "{k} = {v}",
    '"{k}": "{v}"',
    "'{k}': '{v}'",
    "('{k}', '{v}')",
    '{k}="{v}"',
    "<{k}>{v}</{k}>",
    "NETSUITE_{k}={v}",
    "?a=1&{k}={v}&b=2",
]


def unregistered() -> Redactor:
    """Structural rules only: no secret of the process or of its own."""
    return Redactor(shared=None)


@pytest.mark.parametrize("name", SPELLINGS)
def test_every_spelling_of_a_credential_name_masks_its_value(name: str) -> None:
    redactor = unregistered()
    for context in CONTEXTS:
        if context.startswith("<") and " " in name:
            continue  # an XML tag has no spaces
        text = "before " + context.format(k=name, v=VALUE) + " after"
        masked = redactor.text(text)
        assert VALUE.lower() not in masked.lower(), (context, masked)
        assert MASK in masked and "before" in masked and "after" in masked


@pytest.mark.parametrize("name", SPELLINGS)
def test_every_spelling_is_a_sensitive_key_in_json_and_headers(name: str) -> None:
    assert is_sensitive_key(name) and is_sensitive_key(f"NETSUITE_{name}")
    redactor = unregistered()
    assert redactor.value({"nested": [{name: VALUE, "memo": "kept"}]}) == {
        "nested": [{name: MASK, "memo": "kept"}]
    }
    assert redactor.body(json.dumps({name: VALUE}), "application/json") == json.dumps(
        {name: MASK}, separators=(",", ":")
    )


@pytest.mark.parametrize(
    "name", ["order_key", "webhook_id", "customer_id", "tokenized", "key", "Secretary", "memo"]
)
def test_ordinary_fields_are_not_credentials(name: str) -> None:
    assert not is_sensitive_key(name)
    assert unregistered().text(f"{name}=plain-value") == f"{name}=plain-value"


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        # requests-oauthlib at DEBUG: the header dict it signed, values as bytes.
        (
            "Updated headers: {'User-Agent': b'python-requests/2.34.2', 'Authorization': "
            "b'OAuth oauth_nonce=\"91827364551\", oauth_signature=\"aGVsbG8%3D\", "
            'oauth_consumer_key="ck-91827364551", realm="1234567_SB1"\'}',
            ['realm="1234567_SB1"', "python-requests/2.34.2"],
        ),
        # oauthlib at DEBUG: the collected parameters, the base string, the signature.
        ("Collected params: [('oauth_nonce', '91827364551'), ('oauth_token', 'tk-1827')]", []),
        (
            "Signing: signature base string: GET&http%3A%2F%2Fh%2Fp&oauth_consumer_key%3D"
            "ck-91827364551%26oauth_nonce%3D91827364551%26oauth_token%3Dtk-1827",
            ["GET&http%3A%2F%2Fh%2Fp"],
        ),
        ("Signature: aGVsbG8gd29ybGQgc2lnbmF0dXJl", []),
        (
            "<Client client_key=ck-91827364551, client_secret=****, resource_owner_key=tk-1827>",
            [],
        ),
        ('Authorization: OAuth realm="1234567_SB1", oauth_token="tk-1827"', ["1234567_SB1"]),
        ("Proxy-Authorization: Bearer abc.def-91827364551", []),
        ('{"Authorization": "OAuth oauth_token=\\"tk-1827\\""}', []),
    ],
    ids=["headers-repr", "params", "base-string", "signature", "client-repr", "header",
         "bearer", "json-header"],
)
def test_library_debug_lines_keep_no_credential(text: str, kept: list[str]) -> None:
    masked = unregistered().text(text)
    for value in ("91827364551", "tk-1827", "aGVsbG8", "abc.def"):
        assert value not in masked, masked
    for piece in kept:
        assert piece in masked


def test_a_registered_secret_is_masked_in_every_form_and_case() -> None:
    secret = random_secret(random.Random(7))
    redactor = Redactor([secret], shared=None)
    for name, form in forms(secret).items():
        if name in ("head", "tail"):
            continue  # the oracle's search for a secret masked in part
        for shown in (form, form.upper(), form.lower(), form.swapcase()):
            masked = redactor.text(f"<<{shown}>>")
            assert masked == f"<<{MASK}>>", (name, shown, masked)
    search = Search({"secret": secret})
    search.text(redactor.text(json.dumps({"memo": f"a {secret} b"})), "json")
    assert search.hits == []


def test_base64_of_a_longer_text_holding_the_secret_is_left_to_the_structural_rule() -> None:
    """Out of scope of registered secrets: `base64(key:secret)` shares no characters with any
    form of `secret`. A Basic credential is masked by its scheme instead."""
    secret = "s3cr3t-Value-91"
    basic = base64.b64encode(f"user:{secret}".encode()).decode()
    redactor = Redactor([secret], shared=None)
    assert redactor.text(f"blob {basic}") == f"blob {basic}"
    assert redactor.text(f"Authorization: Basic {basic}") == f"Authorization: Basic {MASK}"


def test_a_secret_cut_short_is_masked_up_to_the_cut() -> None:
    """A capped text (`...[N more chars]`) or a report cell (`…`) may end inside a secret."""
    secret = random_secret(random.Random(13))
    redactor = Redactor([secret], shared=None)
    for size in (6, 12, len(secret) - 1):
        for cut in ("...[80 more chars]", "…"):
            masked = redactor.text(f"said: {secret[:size]}{cut}")
            assert masked == f"said: {MASK}{cut}", masked
    unregistered = Redactor(shared=None)
    masked = unregistered.text('{"NETSUITE_TOKEN_SECRET": "0a1b2c3d4e...[700 more chars]')
    assert "0a1b2c" not in masked


def test_private_key_material_is_masked_line_by_line() -> None:
    body = [base64.b64encode(bytes([n]) * 48).decode() for n in range(3)]
    pem = "-----BEGIN PRIVATE KEY-----\n" + "\n".join(body) + "\n-----END PRIVATE KEY-----\n"
    redactor = Redactor([pem], shared=None)
    squeezed = pem.replace("\n", "\\n")
    for text in (pem, squeezed, json.dumps({"key": pem}), body[1]):
        masked = redactor.text(text)
        assert not any(line in masked for line in body), masked


def test_many_secrets_match_as_fast_as_few() -> None:
    """Registered secrets compile into a trie: masking stays linear in the text."""
    rng = random.Random(3)
    few, many = SecretSet(), SecretSet()
    secrets = [random_secret(rng) for _ in range(200)]
    for secret in secrets[:3]:
        few.add(secret)
    for secret in secrets:
        many.add(secret)
    text = "filler " * 3000 + secrets[2]
    assert few.mask(text).endswith(MASK) and many.mask(text).endswith(MASK)
    assert many.mask(secrets[150].upper()) == MASK


def test_registration_reaches_every_redactor_of_the_process() -> None:
    secret = random_secret(random.Random(11))
    before = Redactor()
    register_secret(secret)
    assert secret in registered_secrets()
    assert before.text(f"x {secret} y") == f"x {MASK} y"
    assert CallLog().redactor.text(secret.upper()) == MASK


def test_signed_headers_are_text_in_the_call_log() -> None:
    """requests-oauthlib leaves every header value as bytes; the log shows text."""
    auth = OAuth1("ck-91827364551", "cs-91827364551", "tk-91827364551", "ts-91827364551",
                  signature_method="HMAC-SHA256", realm="1234567_SB1")
    prepared = requests.Request(
        "GET", "https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/record/v1/item/1",
        headers={"User-Agent": "python-requests/2.34.2"}, auth=auth,
    ).prepare()
    assert isinstance(prepared.headers["Authorization"], bytes)
    answer = requests.Response()
    answer.status_code, answer._content, answer.request = 200, b"{}", prepared

    call = CallLog().record_exchange(prepared, answer, 0.01)

    assert call.request_headers["User-Agent"] == "python-requests/2.34.2"
    assert call.request_headers["Authorization"].startswith('OAuth realm="1234567_SB1", ')
    assert "b'" not in json.dumps(call.to_dict())
    assert "91827364551" not in json.dumps(call.to_dict())

"""Client-side NetSuite auth: account helpers, TBA signing, OAuth 2.0 M2M, configuration.

Facts: reference/netsuite-rest.md 1.2 (host, realm, account forms), 2.1 (TBA), 2.2 (M2M).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
import pytest
import requests
import responses
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from harness.netsuite.auth import (
    AuthConfigError,
    check_account_id,
    host_for,
    is_production_account,
    realm_for,
    tba_auth,
)
from harness.netsuite.credentials import Credentials
from harness.netsuite.oauth2 import M2MAuth, TokenRequestError, algorithm_for

ACCOUNT = "1234567_SB1"
BASE = "https://1234567-sb1.suitetalk.api.netsuite.com"
TOKEN_URL = BASE + "/services/rest/auth/oauth2/v1/token"
RECORD_URL = BASE + "/services/rest/record/v1/customer/42"

# Distinctive values so a leak into a message or repr is easy to spot.
TBA_ENV = {
    "NETSUITE_ACCOUNT": ACCOUNT,
    "NETSUITE_CONSUMER_KEY": "ck0000leak0000consumerkey",
    "NETSUITE_CONSUMER_SECRET": "cs1111leak1111consumersecret",
    "NETSUITE_TOKEN_ID": "ti2222leak2222tokenid",
    "NETSUITE_TOKEN_SECRET": "ts3333leak3333tokensecret",
}
SECRET_VALUES = [value for name, value in TBA_ENV.items() if name != "NETSUITE_ACCOUNT"]


# --- account ids -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("account", "host"),
    [
        ("123456_SB1", "123456-sb1.suitetalk.api.netsuite.com"),
        ("1234567", "1234567.suitetalk.api.netsuite.com"),
        ("1234567_RP", "1234567-rp.suitetalk.api.netsuite.com"),
        ("TSTDRV123456", "tstdrv123456.suitetalk.api.netsuite.com"),
        ("1234567_sb12", "1234567-sb12.suitetalk.api.netsuite.com"),
    ],
)
def test_host_is_the_account_lowercased_with_dashes(account: str, host: str) -> None:
    assert host_for(account) == host


@pytest.mark.parametrize(
    ("account", "realm"),
    [
        ("123456_SB1", "123456_SB1"),
        ("123456_sb1", "123456_SB1"),
        ("tstdrv123456", "TSTDRV123456"),
        ("1234567_rp", "1234567_RP"),
    ],
)
def test_realm_is_the_account_uppercased_with_underscore(account: str, realm: str) -> None:
    assert realm_for(account) == realm


@pytest.mark.parametrize(
    ("account", "production"),
    [
        ("1234567", True),
        ("1234567_SB1", False),
        ("1234567_SB12", False),
        ("1234567_RP", False),
        ("TSTDRV123456", False),
    ],
)
def test_production_accounts_are_those_without_sandbox_markers(
    account: str, production: bool
) -> None:
    assert is_production_account(account) is production


@pytest.mark.parametrize(
    "account", ["", "acme", "1234567-SB1", "1234567_SB", "1234567_XX1", " 1234567", "12 34"]
)
def test_malformed_account_ids_are_refused(account: str) -> None:
    with pytest.raises(AuthConfigError, match=r"not a NetSuite account id|is missing"):
        check_account_id(account)
    if account:
        with pytest.raises(AuthConfigError):
            host_for(account)


def test_lowercase_account_id_is_refused_with_the_uppercase_form() -> None:
    with pytest.raises(AuthConfigError) as info:
        check_account_id("1234567_sb1", "NETSUITE_ACCOUNT")
    assert "NETSUITE_ACCOUNT '1234567_sb1'" in str(info.value)
    assert "expected e.g. 1234567_SB1" in str(info.value)


# --- TBA signing -----------------------------------------------------------------------------

CONSUMER_KEY = "ef40afdd8abaac111b13825dd5e5e2ddddb44f86d5a0dd6dcb4ea3b0d0c10aa1"
CONSUMER_SECRET = "d26ad321a4b2f23b0741c8d38392ce01c3e23e109df6c96eac6d099e9ab9a8f5"
TOKEN_ID = "2e7e0e6a6d6a70c93a0b81f1c1b5bdf7e6a7e8f5ca1e7f3d1e8a9c7b1c3d5e7f"
TOKEN_SECRET = "8f1b3a9c5d7e2f4a6b8c0d1e3f5a7b9c2d4e6f8a0b1c3d5e7f9a2b4c6d8e0f1a"
NONCE = "fjaLirsIcCGVZWzBX0pg"
TIMESTAMP = "1508242306"


@pytest.fixture
def fixed_nonce_and_timestamp(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("oauthlib.oauth1.rfc5849.generate_nonce", lambda: NONCE)
    monkeypatch.setattr("oauthlib.oauth1.rfc5849.generate_timestamp", lambda: TIMESTAMP)


def sign(
    method: str, url: str, account: str = "123456", **request: Any
) -> requests.PreparedRequest:
    prepared = requests.Request(method, url, **request).prepare()
    auth = tba_auth(account, CONSUMER_KEY, CONSUMER_SECRET, TOKEN_ID, TOKEN_SECRET)
    return auth(prepared)


def header_params(prepared: requests.PreparedRequest) -> dict[str, str]:
    header = prepared.headers["Authorization"]
    assert isinstance(header, str)
    scheme, _, rest = header.partition(" ")
    assert scheme == "OAuth"
    pairs = (part.split("=", 1) for part in rest.split(", "))
    return {name: urllib.parse.unquote(value.strip('"')) for name, value in pairs}


def test_signature_matches_a_hand_computed_vector(fixed_nonce_and_timestamp: None) -> None:
    url = (
        "https://123456.suitetalk.api.netsuite.com/services/rest/record/v1/employee/40"
        '?expandSubResources=true&q=email IS "a b"'
    )
    params = header_params(sign("GET", url))
    # RFC 5849 3.4.1 worked by hand: query and oauth_* parameters sorted, each value
    # percent-encoded (space -> %20, quote -> %22), then the whole list encoded again.
    base_string = (
        "GET&https%3A%2F%2F123456.suitetalk.api.netsuite.com%2Fservices%2Frest%2Frecord"
        "%2Fv1%2Femployee%2F40&expandSubResources%3Dtrue"
        f"%26oauth_consumer_key%3D{CONSUMER_KEY}"
        "%26oauth_nonce%3DfjaLirsIcCGVZWzBX0pg"
        "%26oauth_signature_method%3DHMAC-SHA256"
        "%26oauth_timestamp%3D1508242306"
        f"%26oauth_token%3D{TOKEN_ID}"
        "%26oauth_version%3D1.0"
        "%26q%3Demail%2520IS%2520%2522a%2520b%2522"
    )
    key = f"{CONSUMER_SECRET}&{TOKEN_SECRET}".encode()
    expected = base64.b64encode(hmac.new(key, base_string.encode(), hashlib.sha256).digest())
    assert params["oauth_signature"] == expected.decode()
    assert params["realm"] == "123456"
    assert params["oauth_signature_method"] == "HMAC-SHA256"
    assert params["oauth_nonce"] == NONCE and params["oauth_timestamp"] == TIMESTAMP


def test_realm_in_the_header_is_the_uppercase_account(fixed_nonce_and_timestamp: None) -> None:
    params = header_params(sign("GET", RECORD_URL, account="1234567_sb1"))
    assert params["realm"] == "1234567_SB1"


def test_query_string_is_signed(fixed_nonce_and_timestamp: None) -> None:
    plain = header_params(sign("GET", RECORD_URL))["oauth_signature"]
    with_query = header_params(sign("GET", RECORD_URL, params={"expandSubResources": "true"}))
    assert with_query["oauth_signature"] != plain


def test_json_body_is_not_signed(fixed_nonce_and_timestamp: None) -> None:
    empty = header_params(sign("POST", RECORD_URL))
    first = sign("POST", RECORD_URL, json={"companyName": "Acme"})
    second = sign("POST", RECORD_URL, json={"companyName": "Other"})
    assert header_params(first) == header_params(second) == empty
    assert "oauth_body_hash" not in header_params(first)
    assert first.body == b'{"companyName": "Acme"}'


def test_form_body_is_signed(fixed_nonce_and_timestamp: None) -> None:
    first = header_params(sign("POST", RECORD_URL, data={"a": "1"}))
    second = header_params(sign("POST", RECORD_URL, data={"a": "2"}))
    assert first["oauth_signature"] != second["oauth_signature"]


def test_each_request_gets_a_fresh_nonce() -> None:
    first = header_params(sign("GET", RECORD_URL))
    second = header_params(sign("GET", RECORD_URL))
    assert first["oauth_nonce"] != second["oauth_nonce"]


# --- OAuth 2.0 M2M ---------------------------------------------------------------------------


@dataclass
class FakeClock:
    now: float = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(scope="module")
def ec_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem(key: Any, encryption: Any = None) -> str:
    text: bytes = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        encryption or serialization.NoEncryption(),
    )
    return text.decode()


class TokenServer:
    """A scripted token endpoint and API: counts token requests, 401s chosen tokens."""

    def __init__(self, mock: responses.RequestsMock) -> None:
        self.issued = 0
        self.rejected_tokens: set[str] = set()
        self.seen_tokens: list[str] = []
        self.forms: list[dict[str, list[str]]] = []
        self.content_types: list[str] = []
        mock.add_callback(responses.POST, TOKEN_URL, callback=self.token)
        mock.add_callback(responses.GET, RECORD_URL, callback=self.record)

    def token(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        self.issued += 1
        self.forms.append(urllib.parse.parse_qs(str(request.body)))
        self.content_types.append(str(request.headers.get("Content-Type")))
        answer = {"access_token": f"tok{self.issued}", "expires_in": "3600", "token_type": "bearer"}
        return 200, {"Content-Type": "application/json"}, json.dumps(answer)

    def record(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        token = str(request.headers.get("Authorization", "")).removeprefix("Bearer ")
        self.seen_tokens.append(token)
        if token in self.rejected_tokens:
            return 401, {}, '{"status": 401}'
        return 200, {}, '{"id": "42"}'


@pytest.fixture
def server() -> Iterator[TokenServer]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield TokenServer(mock)


def m2m(session: requests.Session, key: Any, clock: FakeClock, **options: Any) -> M2MAuth:
    return M2MAuth(
        session,
        token_url=TOKEN_URL,
        client_id="client-id-value",
        certificate_id="cert-123",
        private_key=key,
        clock=clock,
        **options,
    )


def test_token_is_requested_once_and_reused(server: TokenServer, ec_key: Any) -> None:
    clock = FakeClock()
    session = requests.Session()
    session.auth = m2m(session, ec_key, clock)
    for _ in range(3):
        assert session.get(RECORD_URL).status_code == 200
        clock.advance(60)
    assert server.issued == 1
    assert server.seen_tokens == ["tok1", "tok1", "tok1"]


def test_token_is_renewed_shortly_before_it_expires(server: TokenServer, ec_key: Any) -> None:
    clock = FakeClock()
    session = requests.Session()
    session.auth = m2m(session, ec_key, clock, refresh_margin=60)
    session.get(RECORD_URL)
    clock.advance(3539)
    session.get(RECORD_URL)
    assert server.issued == 1
    clock.advance(2)
    session.get(RECORD_URL)
    assert server.issued == 2
    assert server.seen_tokens == ["tok1", "tok1", "tok2"]


def test_401_renews_the_token_and_resends_once(server: TokenServer, ec_key: Any) -> None:
    clock = FakeClock()
    session = requests.Session()
    session.auth = m2m(session, ec_key, clock)
    server.rejected_tokens.add("tok1")
    response = session.get(RECORD_URL)
    assert response.status_code == 200
    assert [r.status_code for r in response.history] == [401]
    assert response.history[0].json() == {"status": 401}
    assert server.seen_tokens == ["tok1", "tok2"]
    assert response.request.headers["Authorization"] == "Bearer tok2"
    session.get(RECORD_URL)
    assert server.issued == 2  # the renewed token is cached


def test_persistent_401_is_returned_after_one_retry(server: TokenServer, ec_key: Any) -> None:
    clock = FakeClock()
    session = requests.Session()
    session.auth = m2m(session, ec_key, clock)
    server.rejected_tokens.update({"tok1", "tok2", "tok3"})
    response = session.get(RECORD_URL)
    assert response.status_code == 401
    assert server.seen_tokens == ["tok1", "tok2"]
    assert server.issued == 2


def test_token_request_goes_through_the_callers_session(server: TokenServer, ec_key: Any) -> None:
    seen: list[str] = []

    def record_url(response: requests.Response, **_: Any) -> requests.Response:
        seen.append(f"{response.request.method} {response.request.url}")
        return response

    session = requests.Session()
    session.hooks["response"].append(record_url)
    session.headers["Content-Type"] = "application/json"  # a client default must not leak in
    session.auth = m2m(session, ec_key, FakeClock())
    session.get(RECORD_URL)
    assert seen == [f"POST {TOKEN_URL}", f"GET {RECORD_URL}"]
    assert server.content_types == ["application/x-www-form-urlencoded"]


@pytest.mark.parametrize(
    ("key_fixture", "configured", "alg"),
    [
        ("ec_key", None, "ES256"),
        ("rsa_key", None, "PS256"),
        ("rsa_key", "PS512", "PS512"),
    ],
)
def test_client_assertion_has_the_documented_shape(
    server: TokenServer,
    request: pytest.FixtureRequest,
    key_fixture: str,
    configured: str | None,
    alg: str,
) -> None:
    key = request.getfixturevalue(key_fixture)
    clock = FakeClock()
    session = requests.Session()
    auth = m2m(session, key, clock, algorithm=configured, scopes=["rest_webservices", "restlets"])
    auth.access_token()
    (form,) = server.forms
    assert form["grant_type"] == ["client_credentials"]
    assert form["client_assertion_type"] == [
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    ]
    (assertion,) = form["client_assertion"]
    header = jwt.get_unverified_header(assertion)
    assert header == {"typ": "JWT", "alg": alg, "kid": "cert-123"}
    claims = jwt.decode(
        assertion,
        key.public_key(),
        algorithms=[alg],
        audience=TOKEN_URL,
        options={"verify_exp": False},
    )
    assert claims["iss"] == "client-id-value"
    assert claims["scope"] == "rest_webservices,restlets"
    assert claims["aud"] == TOKEN_URL
    assert claims["iat"] == int(clock.now)
    assert claims["iat"] < claims["exp"] < claims["iat"] + 3600


def test_p384_key_signs_with_es384() -> None:
    assert algorithm_for(ec.generate_private_key(ec.SECP384R1())) == "ES384"


def test_algorithm_that_does_not_fit_the_key_is_refused(rsa_key: Any, ec_key: Any) -> None:
    with pytest.raises(AuthConfigError, match=r"ES256.*RSA key"):
        algorithm_for(rsa_key, "ES256")
    with pytest.raises(AuthConfigError, match="PS256"):
        algorithm_for(ec_key, "PS256")


def test_token_endpoint_error_is_reported_without_the_assertion(ec_key: Any) -> None:
    session = requests.Session()
    auth = m2m(session, ec_key, FakeClock())
    with responses.RequestsMock() as mock:
        mock.add(
            responses.POST,
            TOKEN_URL,
            status=400,
            json={"error": "invalid_grant", "error_description": "bad aud"},
        )
        with pytest.raises(TokenRequestError) as info:
            auth.access_token()
        sent = urllib.parse.parse_qs(str(mock.calls[0].request.body))["client_assertion"][0]
    assert (info.value.status, info.value.error) == (400, "invalid_grant")
    assert "400: invalid_grant (bad aud)" in str(info.value)
    assert sent not in str(info.value)
    assert "client-id-value" not in str(info.value)


def test_token_answer_without_access_token_is_an_error(ec_key: Any) -> None:
    auth = m2m(requests.Session(), ec_key, FakeClock())
    with responses.RequestsMock() as mock:
        mock.add(responses.POST, TOKEN_URL, status=200, body="<html>login</html>")
        with pytest.raises(TokenRequestError, match="without an access_token"):
            auth.access_token()


# --- configuration ---------------------------------------------------------------------------


def assert_no_secret_in(text: str, secrets: list[str]) -> None:
    for secret in secrets:
        assert secret not in text


def test_tba_credentials_from_env() -> None:
    credentials = Credentials.from_env(TBA_ENV)
    assert credentials.scheme == "tba"
    assert credentials.base_url == BASE
    assert sorted(credentials.secrets()) == sorted(SECRET_VALUES)
    assert callable(credentials.build_auth(requests.Session()))


def test_base_url_override_points_the_client_elsewhere() -> None:
    env = {**TBA_ENV, "NETSUITE_BASE_URL": "http://127.0.0.1:8123/"}
    credentials = Credentials.from_env(env)
    assert credentials.base_url == "http://127.0.0.1:8123"
    assert credentials.token_url == "http://127.0.0.1:8123/services/rest/auth/oauth2/v1/token"


@pytest.mark.parametrize("value", ["127.0.0.1:8123", "ftp://host", "http://host/?x=1"])
def test_bad_base_url_names_the_variable(value: str) -> None:
    with pytest.raises(AuthConfigError, match="NETSUITE_BASE_URL"):
        Credentials.from_env({**TBA_ENV, "NETSUITE_BASE_URL": value})


@pytest.mark.parametrize(
    "missing",
    [
        "NETSUITE_CONSUMER_KEY",
        "NETSUITE_CONSUMER_SECRET",
        "NETSUITE_TOKEN_ID",
        "NETSUITE_TOKEN_SECRET",
    ],
)
@pytest.mark.parametrize("how", ["absent", "empty"])
def test_missing_tba_variable_is_named(missing: str, how: str) -> None:
    env = {name: value for name, value in TBA_ENV.items() if name != missing}
    if how == "empty":
        env[missing] = ""
    with pytest.raises(AuthConfigError) as info:
        Credentials.from_env(env)
    assert str(info.value) == f"{missing} is missing"


def test_several_missing_variables_are_named_together() -> None:
    env = {"NETSUITE_ACCOUNT": ACCOUNT, "NETSUITE_CONSUMER_KEY": "x"}
    with pytest.raises(AuthConfigError) as info:
        Credentials.from_env(env)
    message = str(info.value)
    assert message.startswith("NETSUITE_CONSUMER_SECRET and NETSUITE_TOKEN_ID and ")
    assert message.endswith("NETSUITE_TOKEN_SECRET are missing")


def test_missing_account_is_named() -> None:
    env = {name: value for name, value in TBA_ENV.items() if name != "NETSUITE_ACCOUNT"}
    with pytest.raises(AuthConfigError, match=r"^NETSUITE_ACCOUNT is missing; expected"):
        Credentials.from_env(env)


def test_lowercase_account_is_refused_with_the_expected_form() -> None:
    with pytest.raises(AuthConfigError) as info:
        Credentials.from_env({**TBA_ENV, "NETSUITE_ACCOUNT": "1234567_sb1"})
    assert str(info.value).startswith("NETSUITE_ACCOUNT '1234567_sb1' must be uppercase")
    assert "expected e.g. 1234567_SB1" in str(info.value)
    assert_no_secret_in(str(info.value), SECRET_VALUES)


def test_no_credentials_at_all_lists_both_schemes() -> None:
    with pytest.raises(AuthConfigError) as info:
        Credentials.from_env({"NETSUITE_ACCOUNT": ACCOUNT})
    assert "NETSUITE_TOKEN_SECRET" in str(info.value)
    assert "NETSUITE_CLIENT_ID" in str(info.value)


def test_both_schemes_at_once_is_refused() -> None:
    with pytest.raises(AuthConfigError, match="exactly one scheme") as info:
        Credentials.from_env({**TBA_ENV, "NETSUITE_CLIENT_ID": "client-leak-value"})
    assert_no_secret_in(str(info.value), [*SECRET_VALUES, "client-leak-value"])


@pytest.mark.parametrize(
    ("secret", "problem"),
    [
        ("ts3333leak-padded\n", "has leading or trailing whitespace"),
        ("ts3333leak with space", "contains whitespace or quotes"),
        ('"ts3333leak-quoted"', "contains whitespace or quotes"),
        ("ts3333leak\u00e9", "contains non-ASCII or control characters"),
    ],
)
def test_malformed_secret_is_named_without_its_value(secret: str, problem: str) -> None:
    with pytest.raises(AuthConfigError) as info:
        Credentials.from_env({**TBA_ENV, "NETSUITE_TOKEN_SECRET": secret})
    assert str(info.value).startswith(f"NETSUITE_TOKEN_SECRET {problem}")
    assert_no_secret_in(str(info.value), [secret, "ts3333leak", *SECRET_VALUES])


def test_repr_masks_every_secret() -> None:
    credentials = Credentials.from_env(TBA_ENV)
    text = repr(credentials)
    assert ACCOUNT in text
    assert "token_secret='****'" in text
    assert_no_secret_in(text, SECRET_VALUES)
    assert_no_secret_in(str(credentials), SECRET_VALUES)


@pytest.fixture
def m2m_env(tmp_path: Path, ec_key: Any) -> dict[str, str]:
    key_file = tmp_path / "netsuite-m2m.pem"
    key_file.write_text(pem(ec_key))
    return {
        "NETSUITE_ACCOUNT": ACCOUNT,
        "NETSUITE_CLIENT_ID": "client-leak-value",
        "NETSUITE_CERTIFICATE_ID": "cert-123",
        "NETSUITE_PRIVATE_KEY": str(key_file),
    }


def test_m2m_credentials_from_env(m2m_env: dict[str, str], ec_key: Any) -> None:
    credentials = Credentials.from_env(m2m_env)
    assert credentials.scheme == "oauth2"
    assert credentials.secrets() == ["client-leak-value", "cert-123", pem(ec_key)]
    auth = credentials.build_auth(requests.Session())
    assert isinstance(auth, M2MAuth)
    assert auth.token_url == TOKEN_URL
    assert auth.algorithm == "ES256"
    text = repr(credentials) + repr(auth)
    assert_no_secret_in(text, ["client-leak-value", "cert-123", "PRIVATE KEY"])
    assert "certificate_id='****'" in repr(credentials)


def test_inline_pem_with_escaped_newlines_is_accepted(m2m_env: dict[str, str], ec_key: Any) -> None:
    one_line = pem(ec_key).replace("\n", "\\n")
    credentials = Credentials.from_env({**m2m_env, "NETSUITE_PRIVATE_KEY": one_line})
    assert credentials.secrets()[-1] == pem(ec_key)


@pytest.mark.parametrize(
    "missing", ["NETSUITE_CLIENT_ID", "NETSUITE_CERTIFICATE_ID", "NETSUITE_PRIVATE_KEY"]
)
def test_missing_m2m_variable_is_named(m2m_env: dict[str, str], missing: str) -> None:
    env = {name: value for name, value in m2m_env.items() if name != missing}
    with pytest.raises(AuthConfigError) as info:
        Credentials.from_env(env)
    assert str(info.value) == f"{missing} is missing"


def test_unreadable_key_file_is_named_with_its_path(
    m2m_env: dict[str, str], tmp_path: Path
) -> None:
    missing = tmp_path / "nope.pem"
    with pytest.raises(AuthConfigError) as info:
        Credentials.from_env({**m2m_env, "NETSUITE_PRIVATE_KEY": str(missing)})
    assert str(info.value).startswith(
        f"NETSUITE_PRIVATE_KEY: cannot read private key file '{missing}'"
    )


def _write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("public", "holds a public key, not a private key"),
        ("encrypted", "is encrypted"),
        ("ed25519", "expected an RSA or EC key"),
        ("text", "holds no PEM block, not a private key"),
        ("binary", "is binary"),
    ],
)
def test_key_file_that_is_not_a_usable_private_key_is_refused(
    m2m_env: dict[str, str], tmp_path: Path, ec_key: Any, content: str, expected: str
) -> None:
    data = {
        "public": ec_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
        "encrypted": pem(ec_key, serialization.BestAvailableEncryption(b"pw")).encode(),
        "ed25519": pem(ed25519.Ed25519PrivateKey.generate()).encode(),
        "text": b"just some notes\n",
        "binary": b"\xff\xfe\x00\x01",
    }[content]
    path = _write(tmp_path, "key.pem", data)
    with pytest.raises(AuthConfigError) as info:
        Credentials.from_env({**m2m_env, "NETSUITE_PRIVATE_KEY": path})
    message = str(info.value)
    assert message.startswith(f"NETSUITE_PRIVATE_KEY file '{path}'")
    assert expected in message
    assert "BEGIN" not in message


def test_inline_garbage_key_is_not_echoed(m2m_env: dict[str, str]) -> None:
    body_only = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg" * 4
    with pytest.raises(AuthConfigError) as info:
        Credentials.from_env({**m2m_env, "NETSUITE_PRIVATE_KEY": body_only})
    assert str(info.value).startswith("NETSUITE_PRIVATE_KEY: cannot read private key file")
    assert body_only not in str(info.value)
    assert "MIGHAgEA" not in str(info.value)


def test_direct_construction_names_the_field() -> None:
    with pytest.raises(AuthConfigError, match=r"^token_secret is missing$"):
        Credentials(account=ACCOUNT, consumer_key="a", consumer_secret="b", token_id="c")


def test_unknown_scope_is_refused(m2m_env: dict[str, str]) -> None:
    with pytest.raises(AuthConfigError, match="scopes"):
        Credentials(
            account=ACCOUNT,
            client_id="c",
            certificate_id="k",
            private_key=m2m_env["NETSUITE_PRIVATE_KEY"],
            scopes=("everything",),
        )

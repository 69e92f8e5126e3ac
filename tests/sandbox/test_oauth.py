"""The sandbox accepts what NetSuite accepts and answers everything else as NetSuite does.

Facts: reference/netsuite-rest.md 1.2 (realm, host), 2.1 (TBA), 2.2 (M2M), 5.2 (401 body).
Requests are signed by the harness's client auth (requests-oauthlib) or by hand, then handed to
`SandboxAuth` exactly as the app would: method, full URL, Authorization header.
"""

from __future__ import annotations

import json
import secrets
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
import requests
import responses
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from requests_oauthlib import OAuth1

from harness.data import data_file
from harness.netsuite.auth import tba_auth
from harness.netsuite.credentials import Credentials
from harness.sandbox.oauth import (
    AuthFailure,
    M2MClient,
    Principal,
    SandboxAuth,
    TbaCredential,
    _ExpiringMap,
)
from harness.sandbox.oauth1 import Secrets as OAuthSecrets
from harness.sandbox.serve import Sandbox

DEMO_M2M_KEY = data_file("accounts", "demo-m2m-key.pem")

ACCOUNT = "1234567_SB1"
BASE = "https://1234567-sb1.suitetalk.api.netsuite.com"
RECORD_URL = BASE + "/services/rest/record/v1/customer/42"
SUITEQL_URL = BASE + "/services/rest/query/v1/suiteql"
TOKEN_URL = BASE + "/services/rest/auth/oauth2/v1/token"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

# The live 401 body (reference 5.2) and challenge (reference 1.2), written out in full.
INVALID_LOGIN_BODY = {
    "type": "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.2",
    "title": "Unauthorized",
    "status": 401,
    "o:errorDetails": [
        {
            "detail": "Invalid login attempt. For more details, see the Login Audit Trail in the "
            "NetSuite UI at Setup > Users/Roles > User Management > View Login Audit Trail.",
            "o:errorCode": "INVALID_LOGIN",
        }
    ],
}
OAUTH_CHALLENGE = (
    'OAuth realm="1234567_SB1", error="token_rejected", error_description="Invalid login attempt."'
)
BEARER_CHALLENGE = (
    'Bearer realm="1234567_SB1", error="invalid_token", error_description="Invalid login attempt."'
)


def _tba(name: str, role: str) -> TbaCredential:
    return TbaCredential(
        name=name,
        consumer_key=secrets.token_hex(32),
        consumer_secret=secrets.token_hex(32),
        token_id=secrets.token_hex(32),
        token_secret=secrets.token_hex(32),
        role=role,
    )


INTEGRATION = _tba("web store", "Web Services Role")
OTHER = _tba("other integration", "Administrator")


@dataclass
class FakeClock:
    now: float

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    # TBA timestamps come from the real clock inside requests-oauthlib; start there.
    return FakeClock(time.time())


@pytest.fixture
def sandbox(clock: FakeClock) -> SandboxAuth:
    return SandboxAuth(ACCOUNT, [INTEGRATION, OTHER], [], clock)


def signed(
    method: str,
    url: str,
    *,
    auth: requests.auth.AuthBase | None = None,
    **request: Any,
) -> tuple[str, str, str]:
    """(method, url, Authorization) of a request prepared and signed the way requests sends it."""
    prepared = requests.Request(method, url, **request).prepare()
    signer = auth or tba_auth(
        ACCOUNT,
        INTEGRATION.consumer_key,
        INTEGRATION.consumer_secret,
        INTEGRATION.token_id,
        INTEGRATION.token_secret,
    )
    prepared = signer(prepared)
    header = prepared.headers["Authorization"]
    text = header.decode() if isinstance(header, bytes) else header
    return str(prepared.method), str(prepared.url), text


def oauth1(cred: TbaCredential = INTEGRATION, **overrides: Any) -> requests.auth.AuthBase:
    """A requests-oauthlib signer configured by hand, to build requests our client never sends."""
    options: dict[str, Any] = {
        "client_secret": cred.consumer_secret,
        "resource_owner_key": cred.token_id,
        "resource_owner_secret": cred.token_secret,
        "signature_method": "HMAC-SHA256",
        "realm": ACCOUNT,
    }
    options.update(overrides)
    signer: requests.auth.AuthBase = OAuth1(cred.consumer_key, **options)
    return signer


def rejected(call: Callable[[], Principal]) -> AuthFailure:
    with pytest.raises(AuthFailure) as info:
        call()
    return info.value


def assert_invalid_login(failure: AuthFailure, challenge: str = OAUTH_CHALLENGE) -> None:
    status, headers, body = failure.response()
    assert (failure.status, failure.code, status) == (401, "INVALID_LOGIN", 401)
    assert json.loads(body) == INVALID_LOGIN_BODY
    assert headers["WWW-Authenticate"] == challenge == failure.www_authenticate
    assert headers["Content-Type"].startswith("application/vnd.oracle.resource+json; type=error")


# --- TBA: accepted ---------------------------------------------------------------------------


def test_request_signed_by_the_client_auth_is_accepted_with_its_token_role(
    sandbox: SandboxAuth,
) -> None:
    principal = sandbox.authenticate(*signed("GET", RECORD_URL))
    assert principal == Principal(role="Web Services Role", scheme="tba")


def test_each_token_authenticates_as_its_own_role(sandbox: SandboxAuth) -> None:
    other = tba_auth(
        ACCOUNT, OTHER.consumer_key, OTHER.consumer_secret, OTHER.token_id, OTHER.token_secret
    )
    assert sandbox.authenticate(*signed("GET", RECORD_URL, auth=other)).role == "Administrator"


def test_json_body_is_outside_the_signature(sandbox: SandboxAuth) -> None:
    method, url, header = signed("POST", RECORD_URL, json={"companyName": "Acme"})
    assert "oauth_body_hash" not in header
    assert sandbox.authenticate(method, url, header).scheme == "tba"


def test_query_with_spaces_and_quotes_signs_and_verifies(sandbox: SandboxAuth) -> None:
    method, url, header = signed(
        "GET", BASE + "/services/rest/record/v1/customer", params={"q": 'email IS "a b"'}
    )
    assert "q=email+IS+%22a+b%22" in url
    assert sandbox.authenticate(method, url, header).scheme == "tba"


def test_query_encoded_with_percent_20_verifies_too(sandbox: SandboxAuth) -> None:
    # httpx-based clients send %20 where requests sends +; both decode to the same parameter.
    url = BASE + "/services/rest/record/v1/customer?q=email%20IS%20%22a%20b%22&limit=5"
    assert sandbox.authenticate(*signed("GET", url)).scheme == "tba"


def test_suiteql_paging_parameters_are_signed(sandbox: SandboxAuth) -> None:
    method, url, header = signed(
        "POST", SUITEQL_URL, params={"limit": 2, "offset": 4}, json={"q": "SELECT id FROM item"}
    )
    assert sandbox.authenticate(method, url, header).scheme == "tba"
    tampered = url.replace("offset=4", "offset=6")
    assert rejected(lambda: sandbox.authenticate(method, tampered, header)).reason == (
        "signature mismatch"
    )


@pytest.mark.parametrize(
    "path",
    [
        "salesOrder/eid%3AWOO-778",  # encodeURIComponent("eid:WOO-778")
        "customer/eid:caf%C3%A9",
        "customer/eid%3Acaf%C3%A9",
    ],
)
def test_the_path_is_verified_as_sent_with_its_percent_encoding(
    sandbox: SandboxAuth, path: str
) -> None:
    method, url, header = signed("GET", f"{BASE}/services/rest/record/v1/{path}")
    assert path in url  # requests sends the path as written
    assert sandbox.authenticate(method, url, header).scheme == "tba"
    decoded = urllib.parse.unquote(url)  # what a server that rebuilds the path would sign
    failure = rejected(lambda: sandbox.authenticate(method, decoded, header))
    assert failure.reason == "signature mismatch"


def test_a_node_style_query_with_raw_brackets_verifies(sandbox: SandboxAuth) -> None:
    # WHATWG URL clients leave [ ] raw in a query and sign the decoded value (oauth-1.0a);
    # oauthlib's own signer refuses such a URL, so the header is computed by hand here.
    from oauthlib.oauth1.rfc5849 import signature as rfc5849

    url = BASE + "/services/rest/record/v1/customer?q=id%20ANY_OF%20[1001,1002]"
    params = {
        "oauth_consumer_key": INTEGRATION.consumer_key,
        "oauth_token": INTEGRATION.token_id,
        "oauth_signature_method": "HMAC-SHA256",
        "oauth_timestamp": str(int(time.time())),
        "oauth_nonce": secrets.token_hex(16),
        "oauth_version": "1.0",
    }
    pairs = [("q", "id ANY_OF [1001,1002]"), *params.items()]
    base = rfc5849.signature_base_string(
        "GET", rfc5849.base_string_uri(url), rfc5849.normalize_parameters(pairs)
    )
    signature_value = rfc5849.sign_hmac_sha256_with_client(
        base,
        OAuthSecrets(INTEGRATION.consumer_secret, INTEGRATION.token_secret),
    )
    quote = urllib.parse.quote
    header = f'OAuth realm="{ACCOUNT}", ' + ", ".join(
        f'{name}="{quote(value, safe="")}"'
        for name, value in [*params.items(), ("oauth_signature", signature_value)]
    )
    assert sandbox.authenticate("GET", url, header).scheme == "tba"


def test_a_form_body_is_part_of_the_signature(sandbox: SandboxAuth) -> None:
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    method, url, header = signed("POST", RECORD_URL, data={"a": "1 2"}, headers=form)
    assert sandbox.authenticate(method, url, header, form_body=b"a=1+2").scheme == "tba"
    _, _, header = signed("POST", RECORD_URL, data={"a": "1 2"}, headers=form)
    failure = rejected(lambda: sandbox.authenticate(method, url, header, form_body=b"a=3"))
    assert failure.reason == "signature mismatch"


def test_default_port_is_not_part_of_the_signature(sandbox: SandboxAuth) -> None:
    method, url, header = signed("GET", RECORD_URL)
    with_port = url.replace(".com/", ".com:443/", 1)
    assert sandbox.authenticate(method, with_port, header).scheme == "tba"


def test_local_sandbox_host_and_port_are_signed(sandbox: SandboxAuth) -> None:
    method, url, header = signed("GET", "http://127.0.0.1:8123/services/rest/record/v1/item/101")
    assert sandbox.authenticate(method, url, header).scheme == "tba"
    moved = url.replace(":8123", ":8124")
    assert rejected(lambda: sandbox.authenticate(method, moved, header)).reason == (
        "signature mismatch"
    )


def test_header_given_as_bytes_is_accepted(sandbox: SandboxAuth) -> None:
    method, url, header = signed("GET", RECORD_URL)
    assert sandbox.authenticate(method, url, header.encode()).scheme == "tba"


# --- TBA: every rejection is 401 INVALID_LOGIN -------------------------------------------------


def _replace_param(header: str, name: str, value: str) -> str:
    start = header.index(f'{name}="') + len(name) + 2
    end = header.index('"', start)
    return header[:start] + value + header[end:]


def test_bad_signature_is_invalid_login(sandbox: SandboxAuth) -> None:
    method, url, header = signed("GET", RECORD_URL)
    forged = _replace_param(header, "oauth_signature", "AAAA" + header[-20:-1])
    failure = rejected(lambda: sandbox.authenticate(method, url, forged))
    assert_invalid_login(failure)
    assert failure.reason == "signature mismatch"


def test_signature_over_another_method_is_invalid_login(sandbox: SandboxAuth) -> None:
    _, url, header = signed("GET", RECORD_URL)
    failure = rejected(lambda: sandbox.authenticate("DELETE", url, header))
    assert_invalid_login(failure)
    assert failure.reason == "signature mismatch"


def test_hmac_sha1_is_invalid_login(sandbox: SandboxAuth) -> None:
    method, url, header = signed("GET", RECORD_URL, auth=oauth1(signature_method="HMAC-SHA1"))
    assert 'oauth_signature_method="HMAC-SHA1"' in header
    failure = rejected(lambda: sandbox.authenticate(method, url, header))
    assert_invalid_login(failure)
    assert "HMAC-SHA1" in failure.reason


def test_lowercase_realm_is_invalid_login(sandbox: SandboxAuth) -> None:
    method, url, header = signed("GET", RECORD_URL, auth=oauth1(realm="1234567_sb1"))
    failure = rejected(lambda: sandbox.authenticate(method, url, header))
    assert_invalid_login(failure)
    assert failure.reason.startswith("realm '1234567_sb1'")


def test_realm_of_another_account_is_invalid_login(sandbox: SandboxAuth) -> None:
    method, url, header = signed("GET", RECORD_URL, auth=oauth1(realm="7654321_SB1"))
    failure = rejected(lambda: sandbox.authenticate(method, url, header))
    assert_invalid_login(failure)
    assert failure.reason.startswith("realm '7654321_SB1'")


def test_missing_realm_is_invalid_login(sandbox: SandboxAuth) -> None:
    method, url, header = signed("GET", RECORD_URL, auth=oauth1(realm=None))
    failure = rejected(lambda: sandbox.authenticate(method, url, header))
    assert_invalid_login(failure)
    assert failure.reason == "realm missing"


def test_unknown_token_is_invalid_login(sandbox: SandboxAuth) -> None:
    stranger = oauth1(resource_owner_key=secrets.token_hex(32))
    method, url, header = signed("GET", RECORD_URL, auth=stranger)
    failure = rejected(lambda: sandbox.authenticate(method, url, header))
    assert_invalid_login(failure)
    assert failure.reason == "unknown token"


def test_unknown_consumer_is_invalid_login(sandbox: SandboxAuth) -> None:
    unknown = TbaCredential("x", secrets.token_hex(32), "cs", INTEGRATION.token_id, "ts", "r")
    method, url, header = signed("GET", RECORD_URL, auth=oauth1(unknown))
    failure = rejected(lambda: sandbox.authenticate(method, url, header))
    assert_invalid_login(failure)
    assert failure.reason == "unknown consumer key"


def test_token_of_another_integration_is_invalid_login(sandbox: SandboxAuth) -> None:
    mixed = oauth1(
        INTEGRATION, resource_owner_key=OTHER.token_id, resource_owner_secret=OTHER.token_secret
    )
    method, url, header = signed("GET", RECORD_URL, auth=mixed)
    failure = rejected(lambda: sandbox.authenticate(method, url, header))
    assert_invalid_login(failure)
    assert failure.reason == "token belongs to another integration"


def test_reused_nonce_is_invalid_login(sandbox: SandboxAuth, clock: FakeClock) -> None:
    request = signed("GET", RECORD_URL)
    sandbox.authenticate(*request)
    clock.advance(120)
    failure = rejected(lambda: sandbox.authenticate(*request))
    assert_invalid_login(failure)
    assert failure.reason == "nonce already used"


@pytest.mark.parametrize("offset", [301, -301])
def test_timestamp_more_than_5_minutes_off_is_invalid_login(
    sandbox: SandboxAuth, clock: FakeClock, offset: float
) -> None:
    request = signed("GET", RECORD_URL)
    clock.advance(offset)
    failure = rejected(lambda: sandbox.authenticate(*request))
    assert_invalid_login(failure)
    assert "timestamp" in failure.reason


def test_timestamp_within_5_minutes_is_accepted(sandbox: SandboxAuth, clock: FakeClock) -> None:
    request = signed("GET", RECORD_URL)
    clock.advance(290)
    assert sandbox.authenticate(*request).scheme == "tba"


@pytest.mark.parametrize("header", [None, ""])
def test_missing_authorization_is_invalid_login(sandbox: SandboxAuth, header: str | None) -> None:
    failure = rejected(lambda: sandbox.authenticate("GET", RECORD_URL, header))
    assert_invalid_login(failure)
    assert failure.reason == "no Authorization header"


def test_other_scheme_is_invalid_login(sandbox: SandboxAuth) -> None:
    failure = rejected(lambda: sandbox.authenticate("GET", RECORD_URL, "Basic dXNlcjpwYXNz"))
    assert_invalid_login(failure)
    assert failure.reason == "unsupported authorization scheme"


@pytest.mark.parametrize(
    "header",
    [
        "OAuth",
        "OAuth   ",
        "OAuth realm=1234567_SB1, oauth_token=abc",
        'OAuth realm="1234567_SB1" oauth_token="abc"',
        'OAuth realm="1234567_SB1", oauth_token="abc',
        'OAuth realm="1234567_SB1", oauth_token="a", oauth_token="b"',
        'OAuth realm="1234567_SB1", oauth_nonce="%FF%FE"',
    ],
)
def test_malformed_oauth_header_is_invalid_login(sandbox: SandboxAuth, header: str) -> None:
    failure = rejected(lambda: sandbox.authenticate("GET", RECORD_URL, header))
    assert_invalid_login(failure)
    assert "malformed" in failure.reason or "duplicate" in failure.reason


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        ("oauth_timestamp", "9" * 5000, "oauth_timestamp is not a Unix time in seconds"),
        ("oauth_timestamp", "²", "oauth_timestamp is not a Unix time in seconds"),
        ("oauth_timestamp", "١٧٠٠٠٠٠٠٠٠", "oauth_timestamp is not a Unix time in seconds"),
        ("oauth_timestamp", "-5", "oauth_timestamp is not a Unix time in seconds"),
        ("oauth_nonce", "n" * 256, "oauth_nonce longer than 255 characters"),
    ],
    ids=["5000-digits", "superscript-two", "arabic-digits", "negative", "long-nonce"],
)
def test_oauth_parameters_in_no_clients_shape_are_invalid_login(
    sandbox: SandboxAuth, name: str, value: str, reason: str
) -> None:
    method, url, header = signed("GET", RECORD_URL)
    odd = _replace_param(header, name, urllib.parse.quote(value, safe=""))
    failure = rejected(lambda: sandbox.authenticate(method, url, odd))
    assert_invalid_login(failure)
    assert failure.reason == reason


def test_a_base_string_that_cannot_be_built_is_invalid_login(sandbox: SandboxAuth) -> None:
    method, _, header = signed("GET", RECORD_URL)
    for broken in ("https:///services/rest/x", "https://1234567-sb1.x.com:99999/services/rest"):
        failure = rejected(lambda broken=broken: sandbox.authenticate(method, broken, header))
        assert_invalid_login(failure)


def test_header_missing_oauth_parameters_is_invalid_login(sandbox: SandboxAuth) -> None:
    method, url, header = signed("GET", RECORD_URL)
    without_nonce = ", ".join(p for p in header.split(", ") if not p.startswith("oauth_nonce"))
    failure = rejected(lambda: sandbox.authenticate(method, url, without_nonce))
    assert_invalid_login(failure)
    assert failure.reason == "missing oauth_nonce"


def test_uppercase_netsuite_host_is_invalid_login(sandbox: SandboxAuth) -> None:
    url = "https://1234567-SB1.suitetalk.api.netsuite.com/services/rest/record/v1/customer/42"
    method, _, header = signed("GET", url)
    failure = rejected(lambda: sandbox.authenticate(method, url, header))
    assert_invalid_login(failure)
    assert failure.reason.startswith("host")


def test_host_of_another_account_is_invalid_login(sandbox: SandboxAuth) -> None:
    url = "https://7654321-sb1.suitetalk.api.netsuite.com/services/rest/record/v1/customer/42"
    failure = rejected(lambda: sandbox.authenticate(*signed("GET", url)))
    assert_invalid_login(failure)
    assert failure.reason.startswith("host")


def test_nonce_memory_is_bounded() -> None:
    window: _ExpiringMap[None] = _ExpiringMap(capacity=10)
    for n in range(50):
        assert window.add_new(f"nonce-{n}", None, expires_at=1000.0 + n, now=0.0)
    assert len(window) == 10
    assert not window.add_new("nonce-49", None, expires_at=2000.0, now=0.0)
    window.add_new("late", None, expires_at=5000.0, now=1100.0)
    assert len(window) == 1  # everything that expired by t=1100 is gone


def test_nonces_expire_once_their_timestamp_is_stale(
    sandbox: SandboxAuth, clock: FakeClock
) -> None:
    sandbox.authenticate(*signed("GET", RECORD_URL))
    clock.advance(601)
    sandbox._nonces.add_new("probe", None, clock() + 1, clock())
    assert len(sandbox._nonces) == 1


def test_conflicting_registrations_are_refused(clock: FakeClock) -> None:
    twin = TbaCredential("twin", INTEGRATION.consumer_key, "other secret", "t2", "s2", "r")
    with pytest.raises(ValueError, match="another consumer secret"):
        SandboxAuth(ACCOUNT, [INTEGRATION, twin], [], clock)
    with pytest.raises(ValueError, match="token id registered twice"):
        SandboxAuth(ACCOUNT, [INTEGRATION, INTEGRATION], [], clock)


# --- OAuth 2.0 M2M -----------------------------------------------------------------------------


def _certificate_pem(key: rsa.RSAPrivateKey) -> str:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "harness m2m")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def _private_pem(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@dataclass(frozen=True)
class Keys:
    ec_key: ec.EllipticCurvePrivateKey
    rsa_key: rsa.RSAPrivateKey
    stranger: ec.EllipticCurvePrivateKey


@pytest.fixture(scope="module")
def keys() -> Keys:
    return Keys(
        ec_key=ec.generate_private_key(ec.SECP256R1()),
        rsa_key=rsa.generate_private_key(public_exponent=65537, key_size=2048),
        stranger=ec.generate_private_key(ec.SECP256R1()),
    )


EC_CLIENT_ID = "0b9e7a1c5d3f4e2a8c6b0d9f1e3a5c7b"
RSA_CLIENT_ID = "7c1d3e5f9a2b4c6d8e0f1a3b5c7d9e2f"


@pytest.fixture
def m2m_sandbox(keys: Keys, clock: FakeClock) -> SandboxAuth:
    ec_public = (
        keys.ec_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    clients = [
        M2MClient(EC_CLIENT_ID, "cert-ec", ec_public, "Integration Role"),
        M2MClient(RSA_CLIENT_ID, "cert-rsa", _certificate_pem(keys.rsa_key), "Administrator"),
    ]
    return SandboxAuth(ACCOUNT, [], clients, clock)


def assertion(
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey,
    clock: FakeClock,
    *,
    alg: str = "ES256",
    kid: str = "cert-ec",
    **claims: Any,
) -> str:
    """A client assertion built by hand, independently of the client auth."""
    issued = int(clock())
    payload: dict[str, Any] = {
        "iss": EC_CLIENT_ID,
        "scope": "rest_webservices",
        "aud": TOKEN_URL,
        "iat": issued,
        "exp": issued + 600,
    }
    payload.update(claims)
    payload = {name: value for name, value in payload.items() if value is not None}
    return jwt.encode(payload, key, algorithm=alg, headers={"kid": kid, "typ": "JWT"})


def token_form(client_assertion: str, **fields: str) -> bytes:
    form = {
        "grant_type": "client_credentials",
        "client_assertion_type": ASSERTION_TYPE,
        "client_assertion": client_assertion,
    }
    form.update(fields)
    return urllib.parse.urlencode(form).encode()


FORM = "application/x-www-form-urlencoded"


def issue(sandbox: SandboxAuth, body: bytes, content_type: str | None = FORM) -> dict[str, Any]:
    status, headers, raw = sandbox.token_endpoint(TOKEN_URL, body, content_type)
    answer: dict[str, Any] = json.loads(raw)
    answer["_status"] = status
    answer["_content_type"] = headers["Content-Type"]
    return answer


@pytest.fixture
def routed(m2m_sandbox: SandboxAuth) -> Iterator[responses.RequestsMock]:
    """Token endpoint and one record URL answered by the sandbox verifier, over `responses`."""

    def token(request: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        body = request.body if isinstance(request.body, bytes) else str(request.body).encode()
        return m2m_sandbox.token_endpoint(
            str(request.url), body, request.headers.get("Content-Type")
        )

    def record(request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        try:
            principal = m2m_sandbox.authenticate(
                str(request.method), str(request.url), request.headers.get("Authorization")
            )
        except AuthFailure as failure:
            status, headers, body = failure.response()
            return status, headers, body.decode()
        return 200, {}, json.dumps({"role": principal.role})

    with responses.RequestsMock() as mock:
        mock.add_callback(responses.POST, TOKEN_URL, callback=token)
        mock.add_callback(responses.GET, RECORD_URL, callback=record)
        yield mock


@pytest.mark.parametrize(
    ("key_name", "client_id", "certificate_id", "role", "alg"),
    [
        ("ec_key", EC_CLIENT_ID, "cert-ec", "Integration Role", "ES256"),
        ("rsa_key", RSA_CLIENT_ID, "cert-rsa", "Administrator", "PS256"),
    ],
)
def test_m2m_client_auth_gets_a_token_the_sandbox_accepts(
    routed: responses.RequestsMock,
    keys: Keys,
    clock: FakeClock,
    key_name: str,
    client_id: str,
    certificate_id: str,
    role: str,
    alg: str,
) -> None:
    credentials = Credentials(
        account=ACCOUNT,
        client_id=client_id,
        certificate_id=certificate_id,
        private_key=_private_pem(getattr(keys, key_name)),
    )
    session = requests.Session()
    session.auth = credentials.build_auth(session, clock=clock)
    response = session.get(RECORD_URL)
    assert response.status_code == 200
    assert response.json() == {"role": role}
    token_call = routed.calls[0]
    sent = urllib.parse.parse_qs(str(token_call.request.body))
    assert jwt.get_unverified_header(sent["client_assertion"][0])["alg"] == alg
    assert isinstance(token_call.response, requests.Response)
    issued = token_call.response.json()
    assert issued["expires_in"] == "3600"
    assert issued["token_type"] == "bearer"


def test_bearer_token_expires_after_60_minutes(
    m2m_sandbox: SandboxAuth, keys: Keys, clock: FakeClock
) -> None:
    answer = issue(m2m_sandbox, token_form(assertion(keys.ec_key, clock)))
    assert answer["_status"] == 200
    bearer = f"Bearer {answer['access_token']}"
    assert m2m_sandbox.authenticate("GET", RECORD_URL, bearer) == Principal(
        "Integration Role", "oauth2"
    )
    clock.advance(3599)
    assert m2m_sandbox.authenticate("GET", RECORD_URL, bearer).scheme == "oauth2"
    clock.advance(1)
    failure = rejected(lambda: m2m_sandbox.authenticate("GET", RECORD_URL, bearer))
    assert_invalid_login(failure, BEARER_CHALLENGE)


def test_client_auth_renews_the_token_before_it_expires(
    routed: responses.RequestsMock, keys: Keys, clock: FakeClock
) -> None:
    credentials = Credentials(
        account=ACCOUNT,
        client_id=EC_CLIENT_ID,
        certificate_id="cert-ec",
        private_key=_private_pem(keys.ec_key),
    )
    session = requests.Session()
    session.auth = credentials.build_auth(session, clock=clock)
    assert session.get(RECORD_URL).status_code == 200
    clock.advance(3600)
    assert session.get(RECORD_URL).status_code == 200
    token_calls = [call for call in routed.calls if call.request.url == TOKEN_URL]
    assert len(token_calls) == 2


def test_unknown_bearer_token_is_invalid_login(m2m_sandbox: SandboxAuth) -> None:
    failure = rejected(lambda: m2m_sandbox.authenticate("GET", RECORD_URL, "Bearer nope"))
    assert_invalid_login(failure, BEARER_CHALLENGE)


def test_token_answer_is_json_and_not_cached(
    m2m_sandbox: SandboxAuth, keys: Keys, clock: FakeClock
) -> None:
    status, headers, _ = m2m_sandbox.token_endpoint(
        TOKEN_URL, token_form(assertion(keys.ec_key, clock)), FORM
    )
    assert status == 200
    assert headers["Content-Type"].startswith("application/json")
    assert headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "scope", ["rest_webservices", "restlets,rest_webservices", ["restlets", "rest_webservices"]]
)
def test_scope_as_string_or_list_is_accepted(
    m2m_sandbox: SandboxAuth, keys: Keys, clock: FakeClock, scope: Any
) -> None:
    answer = issue(m2m_sandbox, token_form(assertion(keys.ec_key, clock, scope=scope)))
    assert answer["_status"] == 200


def test_rsa_assertion_with_ps512_is_accepted(
    m2m_sandbox: SandboxAuth, keys: Keys, clock: FakeClock
) -> None:
    signed_jwt = assertion(keys.rsa_key, clock, alg="PS512", kid="cert-rsa", iss=RSA_CLIENT_ID)
    assert issue(m2m_sandbox, token_form(signed_jwt))["_status"] == 200


@pytest.mark.parametrize(
    ("case", "error"),
    [
        ("wrong kid", "invalid_client"),
        ("wrong key", "invalid_grant"),
        ("wrong aud", "invalid_grant"),
        ("aud of another account", "invalid_grant"),
        ("exp too far", "invalid_grant"),
        ("expired", "invalid_grant"),
        ("iat in the future", "invalid_grant"),
        ("no iat", "invalid_grant"),
        ("wrong scope", "invalid_grant"),
        ("no scope", "invalid_grant"),
        ("wrong iss", "invalid_client"),
        ("RS256", "invalid_grant"),
        ("HS256", "invalid_grant"),
        ("not a JWT", "invalid_request"),
    ],
)
def test_bad_assertion_is_refused(
    m2m_sandbox: SandboxAuth, keys: Keys, clock: FakeClock, case: str, error: str
) -> None:
    now = int(clock())
    builders: dict[str, Callable[[], str]] = {
        "wrong kid": lambda: assertion(keys.ec_key, clock, kid="cert-unknown"),
        "wrong key": lambda: assertion(keys.stranger, clock),
        "wrong aud": lambda: assertion(keys.ec_key, clock, aud=RECORD_URL),
        "aud of another account": lambda: assertion(
            keys.ec_key, clock, aud=TOKEN_URL.replace("1234567-sb1", "7654321-sb1")
        ),
        "exp too far": lambda: assertion(keys.ec_key, clock, exp=now + 3601),
        "expired": lambda: assertion(keys.ec_key, clock, iat=now - 700, exp=now - 100),
        "iat in the future": lambda: assertion(keys.ec_key, clock, iat=now + 900, exp=now + 1200),
        "no iat": lambda: assertion(keys.ec_key, clock, iat=None),
        "wrong scope": lambda: assertion(keys.ec_key, clock, scope="restlets,suite_analytics"),
        "no scope": lambda: assertion(keys.ec_key, clock, scope=None),
        "wrong iss": lambda: assertion(keys.ec_key, clock, iss=RSA_CLIENT_ID),
        "RS256": lambda: assertion(keys.rsa_key, clock, alg="RS256", kid="cert-rsa"),
        "HS256": lambda: assertion(b"k" * 32, clock, alg="HS256"),  # type: ignore[arg-type]
        "not a JWT": lambda: "not-a-jwt",
    }
    answer = issue(m2m_sandbox, token_form(builders[case]()))
    assert answer["_status"] == 400
    assert answer["error"] == error
    assert answer["error_description"]
    assert answer["_content_type"].startswith("application/json")


def test_exp_exactly_60_minutes_after_iat_is_accepted(
    m2m_sandbox: SandboxAuth, keys: Keys, clock: FakeClock
) -> None:
    now = int(clock())
    answer = issue(m2m_sandbox, token_form(assertion(keys.ec_key, clock, exp=now + 3600)))
    assert answer["_status"] == 200


@pytest.mark.parametrize(
    ("body", "content_type", "error"),
    [
        ("grant_type=client_credentials", "application/json", "invalid_request"),
        ("client_assertion_type=x", FORM, "invalid_request"),
        ("grant_type=authorization_code", FORM, "unsupported_grant_type"),
        ("grant_type=client_credentials", FORM, "invalid_request"),
        (
            f"grant_type=client_credentials&client_assertion_type={ASSERTION_TYPE}",
            FORM,
            "invalid_request",
        ),
        ("grant_type=client_credentials&grant_type=client_credentials", FORM, "invalid_request"),
    ],
)
def test_malformed_token_request_is_refused(
    m2m_sandbox: SandboxAuth, body: str, content_type: str, error: str
) -> None:
    answer = issue(m2m_sandbox, body.encode(), content_type)
    assert (answer["_status"], answer["error"]) == (400, error)


def test_token_request_with_a_wrong_assertion_type_is_refused(
    m2m_sandbox: SandboxAuth, keys: Keys, clock: FakeClock
) -> None:
    body = token_form(assertion(keys.ec_key, clock), client_assertion_type="urn:other")
    assert issue(m2m_sandbox, body)["error"] == "invalid_request"


def test_unreadable_public_key_is_refused_at_start(clock: FakeClock) -> None:
    broken = M2MClient("client", "cert-1", "-----BEGIN PUBLIC KEY-----\nAAAA\n", "role")
    with pytest.raises(ValueError, match="cert-1"):
        SandboxAuth(ACCOUNT, [], [broken], clock)


# --- over HTTP, configured from the environment as a user would --------------------------------


@pytest.fixture(scope="module")
def http_sandbox() -> Iterator[tuple[Sandbox, str]]:
    sandbox = Sandbox()
    server = sandbox.serve_http("127.0.0.1", 0)
    try:
        yield sandbox, server.url
    finally:
        server.stop()
        sandbox.close()


def _env_for(sandbox: Sandbox, base_url: str, scheme: str) -> dict[str, str]:
    env = {"NETSUITE_ACCOUNT": sandbox.account_id, "NETSUITE_BASE_URL": base_url}
    if scheme == "tba":
        tba = sandbox.profile.credentials.tba[0]
        env |= {
            "NETSUITE_CONSUMER_KEY": tba.consumerKey,
            "NETSUITE_CONSUMER_SECRET": tba.consumerSecret,
            "NETSUITE_TOKEN_ID": tba.tokenId,
            "NETSUITE_TOKEN_SECRET": tba.tokenSecret,
        }
    else:
        m2m = sandbox.profile.credentials.m2m[0]
        env |= {
            "NETSUITE_CLIENT_ID": m2m.clientId,
            "NETSUITE_CERTIFICATE_ID": m2m.certificateId,
            "NETSUITE_PRIVATE_KEY": str(DEMO_M2M_KEY),
        }
    return env


@pytest.mark.parametrize("scheme", ["tba", "oauth2"])
def test_demo_credentials_from_env_work_over_http(
    http_sandbox: tuple[Sandbox, str], scheme: str
) -> None:
    sandbox, base_url = http_sandbox
    credentials = Credentials.from_env(_env_for(sandbox, base_url, scheme))
    session = requests.Session()
    session.auth = credentials.build_auth(session)
    rest = credentials.base_url + "/services/rest"
    found = session.get(rest + "/record/v1/customer", params={"q": 'email IS "a b"'})
    assert found.status_code == 200, found.text
    # A path with an escaped space reaches the app as sent, and verifies.
    missing = session.get(rest + "/record/v1/customer/eid:NO%20SUCH")
    assert missing.status_code == 404, missing.text
    assert missing.json()["o:errorDetails"][0]["o:errorCode"] == "NONEXISTENT_ID"
    rows = session.post(
        rest + "/query/v1/suiteql",
        params={"limit": 2},
        json={"q": "SELECT id FROM item ORDER BY id"},
        headers={"Prefer": "transient"},
    )
    assert rows.status_code == 200, rows.text
    assert rows.json()["count"] == 2


def test_wrong_secret_over_http_is_the_documented_401(http_sandbox: tuple[Sandbox, str]) -> None:
    sandbox, base_url = http_sandbox
    env = _env_for(sandbox, base_url, "tba") | {"NETSUITE_TOKEN_SECRET": "0" * 64}
    credentials = Credentials.from_env(env)
    response = requests.get(
        credentials.base_url + "/services/rest/record/v1/customer/1",
        auth=credentials.build_auth(requests.Session()),
    )
    assert response.status_code == 401
    assert response.json() == INVALID_LOGIN_BODY
    assert response.headers["WWW-Authenticate"] == OAUTH_CHALLENGE
    assert response.headers["Content-Type"].startswith("application/vnd.oracle.resource+json")

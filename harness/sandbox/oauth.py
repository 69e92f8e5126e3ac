"""The sandbox's side of authentication: TBA signature checks and OAuth 2.0 M2M tokens.

`SandboxAuth.authenticate` runs on every request, so it is kept cheap: signing keys and public
keys are decoded once at start-up, nonces are remembered only while their timestamp could still
be accepted, and bearer tokens are opaque strings looked up in a dict. Every rejection is the
401 INVALID_LOGIN NetSuite sends (reference/netsuite-rest.md 1.2, 2.1, 5.2); the precise cause is
kept in `AuthFailure.reason` for the sandbox's own log, never in the response.
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import hmac
import json
import re
import secrets
import string
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Generic, Literal, TypeVar
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from harness.netsuite.errors import ERROR_MEDIA_TYPE, error_detail, error_document

INVALID_LOGIN = "INVALID_LOGIN"
INVALID_LOGIN_DETAIL = (
    "Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at "
    "Setup > Users/Roles > User Management > View Login Audit Trail."
)
SIGNATURE_METHOD = "HMAC-SHA256"
TOKEN_PATH = "/services/rest/auth/oauth2/v1/token"
CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
JWT_ALGORITHMS = ("PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
REQUIRED_SCOPE = "rest_webservices"
NETSUITE_HOST_SUFFIX = ".suitetalk.api.netsuite.com"
# INFERRED: NetSuite publishes no replay window; 5 minutes matches the 5-minute TBA validity seen
# for SuiteAnalytics Connect (reference 2.1).
TIMESTAMP_WINDOW = 300.0
NONCE_CAPACITY = 200_000
ACCESS_TOKEN_LIFETIME = 3600  # "The access token is valid for 60 minutes" (reference 2.2)
ASSERTION_MAX_LIFETIME = 3600
CLOCK_SKEW = 300.0  # INFERRED: tolerance for an assertion `iat` slightly in the future
_REQUIRED_TBA = (
    "oauth_consumer_key",
    "oauth_token",
    "oauth_signature_method",
    "oauth_timestamp",
    "oauth_nonce",
    "oauth_signature",
)
_HEADER_PARAM = re.compile(r'[ \t]*([A-Za-z0-9_.~%-]+)[ \t]*=[ \t]*"([^"]*)"[ \t]*(?:,|\Z)')
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
# RFC 5849 3.6 for ASCII text as one str.translate: the base string is encoded twice per request.
_ASCII_ENCODING = {
    code: chr(code) if chr(code) in _UNRESERVED else f"%{code:02X}" for code in range(128)
}

Scheme = Literal["tba", "oauth2"]
V = TypeVar("V")


@dataclass(frozen=True)
class TbaCredential:
    """An integration record's consumer key/secret plus one access token (user + role)."""

    name: str
    consumer_key: str
    consumer_secret: str
    token_id: str
    token_secret: str
    role: str


@dataclass(frozen=True)
class M2MClient:
    """An OAuth 2.0 client-credentials mapping: client id, certificate and the role it maps to."""

    client_id: str
    certificate_id: str
    public_key_pem: str
    role: str


@dataclass(frozen=True)
class Principal:
    """Who a request runs as once authenticated."""

    role: str
    scheme: Scheme


class AuthFailure(Exception):
    """A rejected request: the wire fields NetSuite sends, plus the real cause in `reason`."""

    def __init__(
        self,
        reason: str,
        www_authenticate: str | None,
        *,
        status: int = 401,
        code: str = INVALID_LOGIN,
        detail: str = INVALID_LOGIN_DETAIL,
    ) -> None:
        super().__init__(f"{status} {code}: {reason}")
        self.status = status
        self.code = code
        self.detail = detail
        self.www_authenticate = www_authenticate
        self.reason = reason

    def document(self) -> dict[str, Any]:
        """The NetSuite error body for this failure."""
        return error_document(self.status, [error_detail(self.detail, self.code)])

    def response(self) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body, ready for the app to send."""
        headers = {"Content-Type": ERROR_MEDIA_TYPE}
        if self.www_authenticate is not None:
            headers["WWW-Authenticate"] = self.www_authenticate
        return self.status, headers, json.dumps(self.document()).encode("utf-8")


class _ExpiringMap(Generic[V]):
    """Keys that vanish at their expiry time; bounded so a flood cannot exhaust memory."""

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._entries: dict[str, tuple[float, V]] = {}
        self._expiries: list[tuple[float, str]] = []
        self._lock = threading.Lock()

    def add_new(self, key: str, value: V, expires_at: float, now: float) -> bool:
        """Store `key` unless it is already live; False means it was seen before."""
        with self._lock:
            self._drop_until(now)
            if key in self._entries:
                return False
            self._entries[key] = (expires_at, value)
            heapq.heappush(self._expiries, (expires_at, key))
            while len(self._entries) > self._capacity:
                # Over capacity only under a sustained flood; forget the soonest-expiring first.
                self._pop_first()
            return True

    def get(self, key: str, now: float) -> V | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] <= now:
                return None
            return entry[1]

    def __len__(self) -> int:
        return len(self._entries)

    def _drop_until(self, now: float) -> None:
        while self._expiries and self._expiries[0][0] <= now:
            self._pop_first()

    def _pop_first(self) -> None:
        expires_at, key = heapq.heappop(self._expiries)
        entry = self._entries.get(key)
        if entry is not None and entry[0] == expires_at:
            del self._entries[key]


@dataclass(frozen=True)
class _Token:
    """A TBA access token with its precomputed HMAC key `enc(cs)&enc(ts)`."""

    consumer_key: str
    signing_key: bytes
    principal: Principal


@dataclass(frozen=True)
class _Client:
    client_id: str
    public_key: rsa.RSAPublicKey | ec.EllipticCurvePublicKey
    principal: Principal


class _OAuthError(Exception):
    def __init__(self, error: str, description: str) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description


def _enc(value: str) -> str:
    """RFC 5849 3.6 percent-encoding (everything but ALPHA / DIGIT / - . _ ~)."""
    if value.isascii():
        return value.translate(_ASCII_ENCODING)
    return quote(value, safe="~")


def _normalized_uri(url: str) -> str:
    """RFC 5849 3.4.1.2 base string URI: lowercase scheme://host[:non-default port]/path."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    if port is not None and (scheme, port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    # A path that went through WSGI's PATH_INFO is decoded; re-encode what cannot be on the wire.
    path = quote(parts.path or "/", safe=_PATH_SAFE)
    return f"{scheme}://{host}{path}"


@lru_cache(maxsize=1024)
def _url_parts(url: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """A URL's share of the signature base string: its encoded base string URI and encoded
    query pairs. Clients call the same URLs again and again (SuiteQL, record collections)."""
    try:
        pairs = parse_qsl(urlsplit(url).query, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        pairs = []  # undecodable query: the signature cannot match, reject below
    return _enc(_normalized_uri(url)), tuple((_enc(n), _enc(v)) for n, v in pairs)


def _public_key(client: M2MClient) -> rsa.RSAPublicKey | ec.EllipticCurvePublicKey:
    data = client.public_key_pem.encode("utf-8")
    try:
        if b"-----BEGIN CERTIFICATE" in data:
            key: object = x509.load_pem_x509_certificate(data).public_key()
        else:
            key = serialization.load_pem_public_key(data)
    except ValueError:
        raise ValueError(
            f"M2M certificate {client.certificate_id!r}: public_key_pem is neither a PEM "
            "certificate nor a PEM public key"
        ) from None
    if not isinstance(key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey):
        raise ValueError(
            f"M2M certificate {client.certificate_id!r}: expected an RSA or EC key, "
            f"got {type(key).__name__}"
        )
    return key


class SandboxAuth:
    """Verifies TBA signatures and bearer tokens, and runs the OAuth 2.0 token endpoint."""

    def __init__(
        self,
        account_id: str,
        tba: Sequence[TbaCredential],
        m2m: Sequence[M2MClient],
        clock: Callable[[], float],
    ) -> None:
        if not account_id:
            raise ValueError("account_id is empty; expected e.g. 1234567_SB1")
        self.realm = account_id.upper()
        self.host = account_id.lower().replace("_", "-") + NETSUITE_HOST_SUFFIX
        self._clock = clock
        self._tba_challenge = (
            f'OAuth realm="{self.realm}", error="token_rejected", '
            'error_description="Invalid login attempt."'
        )
        # INFERRED: NetSuite's bearer challenge is not published; RFC 6750 3.1 shape.
        self._bearer_challenge = (
            f'Bearer realm="{self.realm}", error="invalid_token", '
            'error_description="Invalid login attempt."'
        )
        self._consumer_secrets: dict[str, str] = {}
        self._tokens: dict[str, _Token] = {}
        for cred in tba:
            known = self._consumer_secrets.setdefault(cred.consumer_key, cred.consumer_secret)
            if known != cred.consumer_secret:
                raise ValueError(
                    f"TBA credential {cred.name!r}: its consumer key is registered with "
                    "another consumer secret"
                )
            if cred.token_id in self._tokens:
                raise ValueError(f"TBA credential {cred.name!r}: token id registered twice")
            key = f"{_enc(cred.consumer_secret)}&{_enc(cred.token_secret)}".encode()
            self._tokens[cred.token_id] = _Token(
                cred.consumer_key, key, Principal(cred.role, "tba")
            )
        self._clients: dict[str, _Client] = {}
        for client in m2m:
            if client.certificate_id in self._clients:
                raise ValueError(f"M2M certificate {client.certificate_id!r} registered twice")
            self._clients[client.certificate_id] = _Client(
                client.client_id, _public_key(client), Principal(client.role, "oauth2")
            )
        self._nonces: _ExpiringMap[None] = _ExpiringMap(NONCE_CAPACITY)
        self._bearer: _ExpiringMap[Principal] = _ExpiringMap(NONCE_CAPACITY)

    # --- every request -------------------------------------------------------------------

    def authenticate(self, method: str, url: str, authorization: str | bytes | None) -> Principal:
        """The principal of a request, or `AuthFailure` (401 INVALID_LOGIN).

        `authorization` may be bytes: requests-oauthlib leaves it so on a PreparedRequest,
        which is what an in-process (responses) callback sees.
        """
        if isinstance(authorization, bytes):
            authorization = authorization.decode("latin-1")
        value = (authorization or "").strip()
        scheme, _, rest = value.partition(" ")
        if scheme.lower() == "bearer":
            return self._authenticate_bearer(rest.strip())
        if scheme.lower() == "oauth":
            return self._authenticate_tba(method, url, rest)
        reason = "no Authorization header" if not value else "unsupported authorization scheme"
        raise AuthFailure(reason, self._tba_challenge)

    def _reject(self, reason: str) -> AuthFailure:
        return AuthFailure(reason, self._tba_challenge)

    def _authenticate_tba(self, method: str, url: str, header_params: str) -> Principal:
        params = self._parse_header(header_params)
        realm = params.pop("realm", None)
        if realm is None:
            raise self._reject("realm missing")
        if realm != self.realm:
            # Case matters: `123456_sb1` fails on NetSuite too (reference 1.2).
            raise self._reject(f"realm {realm!r} is not {self.realm!r}")
        self._check_host(url)
        missing = [name for name in _REQUIRED_TBA if not params.get(name)]
        if missing:
            raise self._reject(f"missing {', '.join(missing)}")
        signature_method = params["oauth_signature_method"]
        if signature_method != SIGNATURE_METHOD:
            # HMAC-SHA1 support ended with 2023.1 (reference 2.1).
            raise self._reject(f"signature method {signature_method!r} is not {SIGNATURE_METHOD}")
        if params.get("oauth_version", "1.0") != "1.0":
            raise self._reject("oauth_version is not 1.0")
        now = self._clock()
        stamp = params["oauth_timestamp"]
        if not stamp.isdigit():
            raise self._reject("oauth_timestamp is not a number")
        timestamp = int(stamp)
        if abs(now - timestamp) > TIMESTAMP_WINDOW:
            raise self._reject("oauth_timestamp outside the 5-minute window")
        consumer_key = params["oauth_consumer_key"]
        if consumer_key not in self._consumer_secrets:
            raise self._reject("unknown consumer key")
        token = self._tokens.get(params["oauth_token"])
        if token is None:
            raise self._reject("unknown token")
        if token.consumer_key != consumer_key:
            raise self._reject("token belongs to another integration")
        expected = self._signature(method, url, params, token.signing_key)
        if not hmac.compare_digest(expected, params["oauth_signature"].encode("utf-8")):
            raise self._reject("signature mismatch")
        nonce_key = f"{params['oauth_token']}\x00{params['oauth_nonce']}"
        if not self._nonces.add_new(nonce_key, None, max(timestamp, now) + TIMESTAMP_WINDOW, now):
            raise self._reject("nonce already used")
        return token.principal

    def _parse_header(self, text: str) -> dict[str, str]:
        """`k="v", ...` with percent-decoded names and values (RFC 5849 3.5.1)."""
        params: dict[str, str] = {}
        position = 0
        text = text.strip()
        while position < len(text):
            match = _HEADER_PARAM.match(text, position)
            if match is None or match.end() == position:
                raise self._reject("malformed OAuth header")
            try:
                name = unquote(match[1], errors="strict")
                value = unquote(match[2], errors="strict")
            except UnicodeDecodeError:
                raise self._reject("malformed OAuth header") from None
            if name in params:
                raise self._reject(f"duplicate {name}")
            params[name] = value
            position = match.end()
        if not params:
            raise self._reject("malformed OAuth header")
        return params

    def _check_host(self, url: str) -> None:
        # INFERRED: an account is only reachable on its own host, in lowercase (reference 1.2);
        # other hosts (127.0.0.1, a test host) are how the sandbox is reached locally.
        netloc = urlsplit(url).netloc.rpartition("@")[2]
        host = netloc.split(":")[0] if not netloc.startswith("[") else netloc
        if host.lower().endswith(NETSUITE_HOST_SUFFIX) and host != self.host:
            raise self._reject(f"host {host!r} is not {self.host!r}")

    @staticmethod
    def _signature(method: str, url: str, oauth: dict[str, str], key: bytes) -> bytes:
        """base64(HMAC-SHA256(key, METHOD&enc(uri)&enc(sorted params))) per RFC 5849 3.4."""
        uri, query = _url_parts(url)
        pairs = [*query, *((_enc(n), _enc(v)) for n, v in oauth.items() if n != "oauth_signature")]
        normalized = "&".join(f"{name}={value}" for name, value in sorted(pairs))
        # Every character of `normalized` is unreserved, `%`, `=` or `&`: encoding it again
        # only has those three to replace (the same text `_enc` gives, without a scan per char).
        again = normalized.replace("%", "%25").replace("=", "%3D").replace("&", "%26")
        base = f"{method.upper()}&{uri}&{again}"
        digest = hmac.new(key, base.encode("utf-8"), hashlib.sha256).digest()
        return base64.b64encode(digest)

    def _authenticate_bearer(self, token: str) -> Principal:
        principal = self._bearer.get(token, self._clock()) if token else None
        if principal is None:
            raise AuthFailure("unknown or expired bearer token", self._bearer_challenge)
        return principal

    # --- OAuth 2.0 token endpoint --------------------------------------------------------

    def token_endpoint(
        self, url: str, form_body: bytes, content_type: str | None
    ) -> tuple[int, dict[str, str], bytes]:
        """Answer `POST .../auth/oauth2/v1/token` (client credentials with a JWT assertion).

        INFERRED: errors follow RFC 6749 5.2 / RFC 7521 4.2 as 400 JSON
        `{"error", "error_description"}`; NetSuite's exact texts are not published.
        """
        headers = {
            "Content-Type": "application/json;charset=UTF-8",
            "Cache-Control": "no-store",
            "Pragma": "no-cache",
        }
        try:
            principal = self._verify_token_request(url, form_body, content_type)
        except _OAuthError as exc:
            body = {"error": exc.error, "error_description": exc.description}
            return 400, headers, json.dumps(body).encode("utf-8")
        token = secrets.token_urlsafe(32)
        now = self._clock()
        self._bearer.add_new(token, principal, now + ACCESS_TOKEN_LIFETIME, now)
        answer = {
            "access_token": token,
            "expires_in": str(ACCESS_TOKEN_LIFETIME),
            "token_type": "bearer",
        }
        return 200, headers, json.dumps(answer).encode("utf-8")

    def _verify_token_request(
        self, url: str, form_body: bytes, content_type: str | None
    ) -> Principal:
        media_type = (content_type or "").split(";")[0].strip().lower()
        if media_type != "application/x-www-form-urlencoded":
            raise _OAuthError(
                "invalid_request", "Content-Type must be application/x-www-form-urlencoded"
            )
        form = self._parse_form(form_body)
        grant_type = form.get("grant_type")
        if grant_type is None:
            raise _OAuthError("invalid_request", "grant_type is missing")
        if grant_type != "client_credentials":
            raise _OAuthError("unsupported_grant_type", "grant_type must be client_credentials")
        if form.get("client_assertion_type") != CLIENT_ASSERTION_TYPE:
            raise _OAuthError(
                "invalid_request", f"client_assertion_type must be {CLIENT_ASSERTION_TYPE}"
            )
        assertion = form.get("client_assertion")
        if not assertion:
            raise _OAuthError("invalid_request", "client_assertion is missing")
        client, claims = self._verify_assertion(assertion)
        self._check_claims(client, claims, url)
        return client.principal

    @staticmethod
    def _parse_form(form_body: bytes) -> dict[str, str]:
        try:
            pairs = parse_qsl(form_body.decode("utf-8"), keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            raise _OAuthError("invalid_request", "the body is not UTF-8 form data") from None
        form: dict[str, str] = {}
        for name, value in pairs:
            if name in form:
                raise _OAuthError("invalid_request", f"{name} is repeated")
            form[name] = value
        return form

    def _verify_assertion(self, assertion: str) -> tuple[_Client, dict[str, Any]]:
        try:
            header = jwt.get_unverified_header(assertion)
        except jwt.PyJWTError:
            raise _OAuthError("invalid_request", "client_assertion is not a JWT") from None
        typ = header.get("typ")
        if typ is not None and str(typ).upper() != "JWT":
            raise _OAuthError("invalid_request", "client_assertion typ must be JWT")
        alg = header.get("alg")
        if alg not in JWT_ALGORITHMS:
            raise _OAuthError(
                "invalid_grant",
                f"client_assertion alg must be one of {', '.join(JWT_ALGORITHMS)}",
            )
        client = self._clients.get(str(header.get("kid", "")))
        if client is None:
            raise _OAuthError("invalid_client", "kid does not name a mapped certificate")
        try:
            claims: dict[str, Any] = jwt.decode(
                assertion,
                client.public_key,
                algorithms=[alg],
                # Times and audience are checked below against the sandbox clock and URL.
                options={
                    "verify_exp": False,
                    "verify_nbf": False,
                    "verify_iat": False,
                    "verify_aud": False,
                    "verify_iss": False,
                },
            )
        except (jwt.PyJWTError, TypeError, ValueError):
            raise _OAuthError(
                "invalid_grant", "client_assertion signature does not verify with the certificate"
            ) from None
        return client, claims

    def _check_claims(self, client: _Client, claims: dict[str, Any], url: str) -> None:
        if claims.get("iss") != client.client_id:
            raise _OAuthError("invalid_client", "iss is not the client id of the certificate")
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        token_uri = _normalized_uri(url)
        if not any(isinstance(aud, str) and _normalized_uri(aud) == token_uri for aud in audiences):
            raise _OAuthError("invalid_grant", "aud must be the token endpoint URL")
        issued, expires = _numeric_date(claims.get("iat")), _numeric_date(claims.get("exp"))
        if issued is None or expires is None:
            raise _OAuthError("invalid_grant", "iat and exp must be numeric dates")
        if expires - issued > ASSERTION_MAX_LIFETIME:
            raise _OAuthError("invalid_grant", "exp must be within 60 minutes of iat")
        now = self._clock()
        if expires <= now:
            raise _OAuthError("invalid_grant", "client_assertion has expired")
        if issued > now + CLOCK_SKEW:
            raise _OAuthError("invalid_grant", "iat is in the future")
        if REQUIRED_SCOPE not in _scopes(claims.get("scope")):
            raise _OAuthError("invalid_grant", f"scope must include {REQUIRED_SCOPE}")


def _numeric_date(value: object) -> float | None:
    """A JWT NumericDate (seconds since the epoch), or None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _scopes(value: object) -> set[str]:
    """`scope` as Oracle shows it: a comma-separated string or a JSON list (reference 2.2)."""
    if isinstance(value, str):
        return {part for part in re.split(r"[,\s]+", value) if part}
    if isinstance(value, list):
        return {part for part in value if isinstance(part, str)}
    return set()

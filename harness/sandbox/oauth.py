"""The sandbox's side of authentication: TBA signature checks and OAuth 2.0 M2M tokens.

`SandboxAuth.authenticate` runs on every request, so it is kept cheap: signing keys and public
keys are decoded once at start-up, nonces are remembered only while their timestamp could still
be accepted, and bearer tokens are opaque strings looked up in a dict. Every rejection is the
401 INVALID_LOGIN NetSuite sends (reference/netsuite-rest.md 1.2, 2.1, 5.2), including OAuth
parameters in a shape no client makes (a 5,000-digit timestamp); the precise cause is kept in
`AuthFailure.reason` for the sandbox's own log, never in the response. The OAuth 1.0a
signature is computed in `oauth1.py`; token requests' JWT assertions are checked in `oauth2.py`.
"""

from __future__ import annotations

import hashlib
import heapq
import hmac
import json
import re
import secrets
import threading
from array import array
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar
from urllib.parse import unquote, urlsplit

from harness.netsuite.errors import ERROR_MEDIA_TYPE, error_detail, error_document
from harness.sandbox.oauth1 import HmacSigner, Secrets, UnsignableRequest, base_string
from harness.sandbox.oauth2 import ClientAssertions, TokenRequestError

INVALID_LOGIN = "INVALID_LOGIN"
INVALID_LOGIN_DETAIL = (
    "Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at "
    "Setup > Users/Roles > User Management > View Login Audit Trail."
)
SIGNATURE_METHOD = "HMAC-SHA256"
NETSUITE_HOST_SUFFIX = ".suitetalk.api.netsuite.com"
# INFERRED: NetSuite publishes no replay window; 5 minutes matches the 5-minute TBA validity seen
# for SuiteAnalytics Connect (reference 2.1).
TIMESTAMP_WINDOW = 300.0
NONCE_CAPACITY = 200_000
ACCESS_TOKEN_LIFETIME = 3600  # "The access token is valid for 60 minutes" (reference 2.2)
_REQUIRED_TBA = (
    "oauth_consumer_key",
    "oauth_token",
    "oauth_signature_method",
    "oauth_timestamp",
    "oauth_nonce",
    "oauth_signature",
)
_HEADER_PARAM = re.compile(r'[ \t]*([A-Za-z0-9_.~%-]+)[ \t]*=[ \t]*"([^"]*)"[ \t]*(?:,|\Z)')
# Unix seconds in ASCII digits (`str.isdigit` also takes "²" and other digits `int` refuses).
# 12 digits reach the year 33658; a longer value is no timestamp, and is never converted.
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
# INFERRED: Oracle's example nonce has 20 characters, clients make 11 to 64; a nonce is kept
# for the replay window, so its length is bounded.
MAX_NONCE_LENGTH = 255

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


class _NonceMemory:
    """The TBA nonces seen while their timestamps could still be accepted: what refuses a
    replayed request. Every request adds one, so it is kept small: a nonce is a 64-bit digest
    (keyed by a secret of this process, so nobody can aim at a collision), the digests sit in
    one sorted array (8 bytes each) with the latest few thousand in a set until they are
    merged in, and each `SLICE` seconds of expiry lists its own digests (8 bytes more) so they
    can be forgotten together once all of them have expired (about 20 bytes a nonce in all).

    A nonce may so be kept up to `SLICE` seconds past its expiry, and an expired slice leaves
    the array at the next merge; by then the nonce's timestamp is out of the window and a
    replay is refused for that, first. Bounded: over `capacity`, the slices that expire
    soonest are forgotten first (only under a flood)."""

    SLICE = 30.0
    MERGE_EVERY = 4096

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._settled = array("Q")  # sorted
        self._recent: set[int] = set()
        self._slices: dict[int, array[int]] = {}
        self._order: list[int] = []  # the slices' numbers, soonest first (a heap)
        self._expired: list[array[int]] = []  # forgotten slices still in `_settled`
        self._size = 0
        self._key = secrets.token_bytes(16)
        self._lock = threading.Lock()

    def add_new(self, key: str, value: None, expires_at: float, now: float) -> bool:
        """Remember `key` until `expires_at`, unless it is already remembered (False)."""
        del value  # a nonce carries nothing; the signature matches `_ExpiringMap.add_new`
        digest = self._digest(key)
        with self._lock:
            self._drop_until(now)
            if digest in self._recent or self._settled_holds(digest):
                return False
            self._recent.add(digest)
            number = int(expires_at // self.SLICE)
            listed = self._slices.get(number)
            if listed is None:
                listed = self._slices[number] = array("Q")
                heapq.heappush(self._order, number)
            listed.append(digest)
            self._size += 1
            while self._size > self._capacity:
                self._drop_first()
            if len(self._recent) >= self.MERGE_EVERY:
                self._merge()
            return True

    def __len__(self) -> int:
        return self._size

    def _digest(self, key: str) -> int:
        raw = key.encode("utf-8", "surrogatepass")
        return int.from_bytes(hashlib.blake2b(raw, digest_size=8, key=self._key).digest(), "big")

    def _settled_holds(self, digest: int) -> bool:
        settled = self._settled
        at = bisect_left(settled, digest)
        return at < len(settled) and settled[at] == digest

    def _drop_until(self, now: float) -> None:
        while self._order and (self._order[0] + 1) * self.SLICE <= now:
            self._drop_first()

    def _drop_first(self) -> None:
        listed = self._slices.pop(heapq.heappop(self._order))
        self._size -= len(listed)
        self._recent.difference_update(listed)
        self._expired.append(listed)
        if sum(map(len, self._expired)) * 4 > len(self._settled) + self.MERGE_EVERY:
            self._merge()

    def _merge(self) -> None:
        """The recent digests into the sorted array, the forgotten ones out of it (two sorted
        runs: `sorted` merges them in one pass)."""
        merged = sorted((*self._settled, *self._recent))
        if self._expired:
            gone: set[int] = set()
            for listed in self._expired:
                gone.update(listed)
            merged = [digest for digest in merged if digest not in gone]
        self._settled = array("Q", merged)
        self._recent = set()
        self._expired = []


@dataclass(frozen=True)
class _Token:
    """A TBA access token: its integration, the secrets its signatures are keyed with (and
    their HMAC key, set up once), its role."""

    consumer_key: str
    secrets: Secrets
    principal: Principal
    sign: HmacSigner


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
            keys = Secrets(cred.consumer_secret, cred.token_secret)
            self._tokens[cred.token_id] = _Token(
                cred.consumer_key, keys, Principal(cred.role, "tba"), HmacSigner(keys)
            )
        self._client_assertions = ClientAssertions(
            [(client, Principal(client.role, "oauth2")) for client in m2m], clock
        )
        self._nonces = _NonceMemory(NONCE_CAPACITY)
        self._bearer: _ExpiringMap[Principal] = _ExpiringMap(NONCE_CAPACITY)

    # --- every request -------------------------------------------------------------------

    def authenticate(
        self,
        method: str,
        url: str,
        authorization: str | bytes | None,
        *,
        form_body: bytes | None = None,
    ) -> Principal:
        """The principal of a request, or `AuthFailure` (401 INVALID_LOGIN).

        `url` is the request URI as sent (percent-encoding kept); `form_body` is the body of a
        form-urlencoded request, whose parameters are signed too (RFC 5849 3.4.1.3.1).
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
            return self._authenticate_tba(method, url, rest, form_body)
        reason = "no Authorization header" if not value else "unsupported authorization scheme"
        raise AuthFailure(reason, self._tba_challenge)

    def _reject(self, reason: str) -> AuthFailure:
        return AuthFailure(reason, self._tba_challenge)

    def _authenticate_tba(
        self, method: str, url: str, header_params: str, form_body: bytes | None
    ) -> Principal:
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
        if not _TIMESTAMP.fullmatch(stamp):
            raise self._reject("oauth_timestamp is not a Unix time in seconds")
        timestamp = int(stamp)
        if len(params["oauth_nonce"]) > MAX_NONCE_LENGTH:
            raise self._reject(f"oauth_nonce longer than {MAX_NONCE_LENGTH} characters")
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
        try:
            expected = token.sign(base_string(method, url, params, form_body))
        except UnsignableRequest as error:
            raise self._reject(str(error)) from None
        sent = params["oauth_signature"].encode("utf-8")
        if not hmac.compare_digest(expected.encode("ascii"), sent):
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
            name, value = match[1], match[2]
            try:
                if "%" in name:
                    name = unquote(name, errors="strict")
                if "%" in value:
                    value = unquote(value, errors="strict")
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
            principal = self._client_assertions.verify(url, form_body, content_type)
        except TokenRequestError as exc:
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

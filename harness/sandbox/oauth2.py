"""OAuth 2.0 client credentials (M2M) as NetSuite's token endpoint checks a request.

The request is a form with a JWT client assertion (RFC 7523) signed by the private key of a
certificate mapped to an integration and a role (reference/netsuite-rest.md 2.2). The
assertion's `kid` names the certificate, whose public key must verify the signature; `iss`,
`aud`, `iat`, `exp` and `scope` are then checked against the mapping, the token URL and the
sandbox clock. An assertion authenticates one token request: its `jti` (or, without one, the
assertion itself) is remembered until it expires, and a second use is refused.
"""

from __future__ import annotations

import hashlib
import heapq
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from harness.sandbox.oauth1 import UnsignableRequest, base_string_uri

if TYPE_CHECKING:
    from harness.sandbox.oauth import M2MClient, Principal

CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
JWT_ALGORITHMS = ("PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
REQUIRED_SCOPE = "rest_webservices"
ASSERTION_MAX_LIFETIME = 3600
CLOCK_SKEW = 300.0  # INFERRED: tolerance for an assertion `iat` slightly in the future
# INFERRED: Oracle's request-token structure (docs section_162790605110) lists no `jti`, and no
# NetSuite text says what a replayed assertion meets. RFC 7523 3 (7) lets the server keep the
# used `jti` values until their `exp` and refuse a replay; OAuth servers that did not were
# reported as vulnerable (e.g. GHSA-3p3g-vpw6-4w66, Ory Hydra). The sandbox does so, and
# without a `jti` it remembers the assertion itself (PS*/ES* signatures are randomised, so
# only a replay repeats one).
USED_ASSERTIONS_CAPACITY = 100_000


@dataclass(frozen=True)
class _Client:
    client_id: str
    public_key: rsa.RSAPublicKey | ec.EllipticCurvePublicKey
    principal: Principal


class TokenRequestError(Exception):
    """A refused token request: its RFC 6749 `error` code and `error_description`."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description


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


class _UsedAssertions:
    """What authenticated a token request already, until it expires; bounded in size."""

    def __init__(self, capacity: int = USED_ASSERTIONS_CAPACITY) -> None:
        self._capacity = capacity
        self._expiries: dict[str, float] = {}
        self._queue: list[tuple[float, str]] = []
        self._lock = threading.Lock()

    def first_use(self, key: str, expires_at: float, now: float) -> bool:
        """Remember `key` until `expires_at`; False when it is remembered already."""
        with self._lock:
            while self._queue and self._queue[0][0] <= now:
                self._forget_first()
            if key in self._expiries:
                return False
            self._expiries[key] = expires_at
            heapq.heappush(self._queue, (expires_at, key))
            while len(self._expiries) > self._capacity:
                self._forget_first()  # only under a flood: the soonest to expire goes first
            return True

    def _forget_first(self) -> None:
        expires_at, key = heapq.heappop(self._queue)
        if self._expiries.get(key) == expires_at:
            del self._expiries[key]

    def __len__(self) -> int:
        return len(self._expiries)


class ClientAssertions:
    """Verifies token requests against the account's M2M certificate mappings."""

    def __init__(
        self, clients: Sequence[tuple[M2MClient, Principal]], clock: Callable[[], float]
    ) -> None:
        self._clock = clock
        self._used = _UsedAssertions()
        self._clients: dict[str, _Client] = {}
        for client, principal in clients:
            if client.certificate_id in self._clients:
                raise ValueError(f"M2M certificate {client.certificate_id!r} registered twice")
            self._clients[client.certificate_id] = _Client(
                client.client_id, _public_key(client), principal
            )

    def verify(self, url: str, form_body: bytes, content_type: str | None) -> Principal:
        """The principal a token request authenticates, or `TokenRequestError`."""
        media_type = (content_type or "").split(";")[0].strip().lower()
        if media_type != "application/x-www-form-urlencoded":
            raise TokenRequestError(
                "invalid_request", "Content-Type must be application/x-www-form-urlencoded"
            )
        form = self._parse_form(form_body)
        grant_type = form.get("grant_type")
        if grant_type is None:
            raise TokenRequestError("invalid_request", "grant_type is missing")
        if grant_type != "client_credentials":
            raise TokenRequestError(
                "unsupported_grant_type", "grant_type must be client_credentials"
            )
        if form.get("client_assertion_type") != CLIENT_ASSERTION_TYPE:
            raise TokenRequestError(
                "invalid_request", f"client_assertion_type must be {CLIENT_ASSERTION_TYPE}"
            )
        assertion = form.get("client_assertion")
        if not assertion:
            raise TokenRequestError("invalid_request", "client_assertion is missing")
        client, claims = self._verify_assertion(assertion)
        expires = self._check_claims(client, claims, url)
        self._check_first_use(client, claims, assertion, expires)
        return client.principal

    def _check_first_use(
        self, client: _Client, claims: dict[str, Any], assertion: str, expires: float
    ) -> None:
        """Refuse an assertion (a `jti` of this client) that authenticated a request before."""
        jti = claims.get("jti")
        if jti is not None and not isinstance(jti, str):
            raise TokenRequestError("invalid_grant", "jti must be a string")
        what = f"jti\x00{client.client_id}\x00{jti}" if jti is not None else f"jwt\x00{assertion}"
        key = hashlib.sha256(what.encode("utf-8")).hexdigest()
        if not self._used.first_use(key, expires, self._clock()):
            used = "its jti" if jti is not None else "this client_assertion"
            raise TokenRequestError(
                "invalid_grant",
                f"{used} has been used already; sign a new assertion (with a new jti) for "
                "every token request",
            )

    @staticmethod
    def _parse_form(form_body: bytes) -> dict[str, str]:
        try:
            pairs = parse_qsl(form_body.decode("utf-8"), keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            raise TokenRequestError("invalid_request", "the body is not UTF-8 form data") from None
        form: dict[str, str] = {}
        for name, value in pairs:
            if name in form:
                raise TokenRequestError("invalid_request", f"{name} is repeated")
            form[name] = value
        return form

    def _verify_assertion(self, assertion: str) -> tuple[_Client, dict[str, Any]]:
        import jwt  # here: PyJWT costs a TBA-only process 60 ms of start-up

        try:
            header = jwt.get_unverified_header(assertion)
        except jwt.PyJWTError:
            raise TokenRequestError("invalid_request", "client_assertion is not a JWT") from None
        typ = header.get("typ")
        if typ is not None and str(typ).upper() != "JWT":
            raise TokenRequestError("invalid_request", "client_assertion typ must be JWT")
        alg = header.get("alg")
        if alg not in JWT_ALGORITHMS:
            raise TokenRequestError(
                "invalid_grant",
                f"client_assertion alg must be one of {', '.join(JWT_ALGORITHMS)}",
            )
        client = self._clients.get(str(header.get("kid", "")))
        if client is None:
            raise TokenRequestError("invalid_client", "kid does not name a mapped certificate")
        try:
            claims: dict[str, Any] = jwt.decode(
                assertion,
                client.public_key,
                algorithms=[alg],
                # Times, audience and jti are checked below against the sandbox clock, URL
                # and the assertions used before.
                options={
                    "verify_exp": False,
                    "verify_nbf": False,
                    "verify_iat": False,
                    "verify_aud": False,
                    "verify_iss": False,
                    # Checked below too: a malformed one is not a bad signature.
                    "verify_sub": False,
                    "verify_jti": False,
                },
            )
        except (jwt.PyJWTError, TypeError, ValueError):
            raise TokenRequestError(
                "invalid_grant", "client_assertion signature does not verify with the certificate"
            ) from None
        return client, claims

    def _check_claims(self, client: _Client, claims: dict[str, Any], url: str) -> float:
        """Check the claims; returns the assertion's expiry (`exp`)."""
        if claims.get("iss") != client.client_id:
            raise TokenRequestError("invalid_client", "iss is not the client id of the certificate")
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        token_uri = _endpoint(url)
        if token_uri is None or not any(
            isinstance(aud, str) and _endpoint(aud) == token_uri for aud in audiences
        ):
            raise TokenRequestError("invalid_grant", "aud must be the token endpoint URL")
        issued, expires = _numeric_date(claims.get("iat")), _numeric_date(claims.get("exp"))
        if issued is None or expires is None:
            raise TokenRequestError("invalid_grant", "iat and exp must be numeric dates")
        if expires - issued > ASSERTION_MAX_LIFETIME:
            raise TokenRequestError("invalid_grant", "exp must be within 60 minutes of iat")
        now = self._clock()
        if expires <= now:
            raise TokenRequestError("invalid_grant", "client_assertion has expired")
        if issued > now + CLOCK_SKEW:
            raise TokenRequestError("invalid_grant", "iat is in the future")
        if REQUIRED_SCOPE not in _scopes(claims.get("scope")):
            raise TokenRequestError("invalid_grant", f"scope must include {REQUIRED_SCOPE}")
        return expires


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


def _endpoint(url: str) -> str | None:
    """A URL compared as RFC 5849 compares them (scheme and host in lowercase, no default
    port); None for text that is no URL."""
    try:
        return base_string_uri(url)
    except UnsignableRequest:
        return None

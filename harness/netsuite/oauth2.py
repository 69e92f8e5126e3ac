"""OAuth 2.0 client credentials (machine-to-machine) for NetSuite REST.

`M2MAuth` signs a JWT client assertion with the private key of the certificate uploaded to
NetSuite, exchanges it for a bearer token through the caller's session, and reuses the token
until shortly before it expires.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import requests
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from requests.auth import AuthBase

from harness.netsuite.auth import AuthConfigError, AuthError

Clock = Callable[[], float]
PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

TOKEN_PATH = "/services/rest/auth/oauth2/v1/token"
CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
KNOWN_SCOPES = frozenset({"restlets", "rest_webservices", "suite_analytics"})
DEFAULT_SCOPES: tuple[str, ...] = ("rest_webservices",)
RSA_ALGORITHMS = ("PS256", "PS384", "PS512")
EC_ALGORITHMS = {"secp256r1": "ES256", "secp384r1": "ES384", "secp521r1": "ES512"}


class TokenRequestError(AuthError):
    """The OAuth 2.0 token endpoint did not issue an access token."""

    def __init__(self, message: str, *, status: int | None = None, error: str | None = None):
        super().__init__(message)
        self.status = status
        self.error = error


def algorithm_for(key: PrivateKey, configured: str | None = None, label: str = "algorithm") -> str:
    """The JWT `alg` for `key`: PS256 for RSA, ES256/384/512 by curve, or a compatible choice."""
    if isinstance(key, rsa.RSAPrivateKey):
        allowed: tuple[str, ...] = RSA_ALGORITHMS
        kind = "an RSA key"
    else:
        curve_alg = EC_ALGORITHMS.get(key.curve.name)
        if curve_alg is None:
            raise AuthConfigError(
                f"private key uses curve {key.curve.name}; expected P-256, P-384 or P-521"
            )
        allowed = (curve_alg,)
        kind = f"an EC {key.curve.name} key"
    if configured is None:
        return allowed[0]
    if configured not in allowed:
        raise AuthConfigError(
            f"{label} {configured!r} does not fit {kind}; expected one of {', '.join(allowed)}"
        )
    return configured


class _NoAuth(AuthBase):
    """Keeps a session-wide auth (possibly the M2M auth itself) off the token request."""

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        return r


@dataclass(frozen=True)
class _CachedToken:
    value: str
    refresh_at: float


class M2MAuth(AuthBase):
    """Bearer auth from NetSuite's OAuth 2.0 client-credentials (machine-to-machine) flow.

    The token request goes through the caller's session so call logs, recorders and the
    in-process sandbox see it like any other exchange. The token is reused until shortly before
    it expires; a 401 drops it and the request is re-sent once with a fresh one.
    """

    def __init__(
        self,
        session: requests.Session,
        *,
        token_url: str,
        client_id: str,
        certificate_id: str,
        private_key: PrivateKey,
        algorithm: str | None = None,
        scopes: Sequence[str] = DEFAULT_SCOPES,
        clock: Clock = time.time,
        assertion_lifetime: int = 300,
        refresh_margin: float = 60.0,
        timeout: float = 30.0,
    ) -> None:
        if not 0 < assertion_lifetime < 3600:
            # NetSuite requires exp < iat + 60 minutes (reference 2.2).
            raise AuthConfigError(
                f"assertion_lifetime {assertion_lifetime} is out of range; expected 1..3599 s"
            )
        self._session = session
        self.token_url = token_url
        self._client_id = client_id
        self._certificate_id = certificate_id
        self._key = private_key
        self.algorithm = algorithm_for(private_key, algorithm)
        self.scopes = tuple(scopes)
        self._clock = clock
        self._assertion_lifetime = assertion_lifetime
        self._refresh_margin = refresh_margin
        self._timeout = timeout
        self._lock = threading.Lock()
        self._cached: _CachedToken | None = None

    def __repr__(self) -> str:
        return f"M2MAuth(token_url={self.token_url!r}, algorithm={self.algorithm!r})"

    def client_assertion(self) -> str:
        """A freshly signed JWT for the token request (header typ/alg/kid, short lifetime)."""
        issued = int(self._clock())
        payload = {
            "iss": self._client_id,
            "scope": ",".join(self.scopes),
            "aud": self.token_url,
            "iat": issued,
            "exp": issued + self._assertion_lifetime,
        }
        headers = {"typ": "JWT", "kid": self._certificate_id}
        import jwt  # here: PyJWT costs a TBA-only process 60 ms of start-up

        return jwt.encode(payload, self._key, algorithm=self.algorithm, headers=headers)

    def access_token(self) -> str:
        """The cached access token, or a new one when it is about to expire."""
        with self._lock:
            cached = self._cached
            if cached is None or self._clock() >= cached.refresh_at:
                cached = self._request_token()
                self._cached = cached
            return cached.value

    def invalidate(self, token: str | None = None) -> None:
        """Forget the cached token (only if it is still `token`, when given)."""
        with self._lock:
            if self._cached is not None and (token is None or self._cached.value == token):
                self._cached = None

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.headers["Authorization"] = f"Bearer {self.access_token()}"
        r.hooks.setdefault("response", []).append(self._retry_once_on_401)
        return r

    def _retry_once_on_401(self, response: requests.Response, **kwargs: Any) -> requests.Response:
        if response.status_code != 401:
            return response
        failed = response.request
        sent = str(failed.headers.get("Authorization", ""))
        self.invalidate(sent.removeprefix("Bearer "))
        _ = response.content  # hooks run before requests reads the body; keep it for history
        response.close()
        retry = failed.copy()
        # copy() shares the hooks dict, which is being iterated right now: build a new one.
        retry.hooks = {
            event: [hook for hook in hooks if hook != self._retry_once_on_401]
            for event, hooks in failed.hooks.items()
        }
        retry.headers["Authorization"] = f"Bearer {self.access_token()}"
        again = self._session.send(retry, **kwargs)
        again.history.insert(0, response)
        return again

    def _request_token(self) -> _CachedToken:
        requested_at = self._clock()
        form = {
            "grant_type": "client_credentials",
            "client_assertion_type": CLIENT_ASSERTION_TYPE,
            "client_assertion": self.client_assertion(),
        }
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
        }
        try:
            response = self._session.post(
                self.token_url, data=form, headers=headers, auth=_NoAuth(), timeout=self._timeout
            )
        except requests.RequestException as exc:
            raise TokenRequestError(
                f"token request to {self.token_url} failed: {type(exc).__name__}"
            ) from None
        return self._parse_token_response(response, requested_at)

    def _parse_token_response(self, response: requests.Response, at: float) -> _CachedToken:
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            body = {}
        if response.status_code != 200:
            error = body.get("error")
            description = body.get("error_description")
            said = f": {error}" if isinstance(error, str) else ""
            said += f" ({description})" if isinstance(description, str) else ""
            raise TokenRequestError(
                f"token endpoint {self.token_url} answered {response.status_code}{said}",
                status=response.status_code,
                error=error if isinstance(error, str) else None,
            )
        token = body.get("access_token")
        if not isinstance(token, str) or not token:
            raise TokenRequestError(
                f"token endpoint {self.token_url} answered 200 without an access_token",
                status=200,
            )
        try:
            # NetSuite sends expires_in as a string ("3600"); accept a number too.
            lifetime = float(body.get("expires_in", 3600))
        except (TypeError, ValueError):
            raise TokenRequestError(
                f"token endpoint {self.token_url} answered expires_in "
                f"{body.get('expires_in')!r}; expected a number of seconds",
                status=200,
            ) from None
        margin = min(self._refresh_margin, lifetime / 2)
        return _CachedToken(token, at + lifetime - margin)

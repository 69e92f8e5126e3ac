"""Authentication for NetSuite REST: TBA (OAuth 1.0a, HMAC-SHA256) and OAuth 2.0 M2M.

Both schemes are plain `requests` auth objects, so every caller (client, doctor, recorder)
signs the same way. `Credentials` turns the documented environment variables into one of them
and refuses, before the first request, anything missing or malformed, without ever echoing a
secret back.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import InitVar, dataclass, field
from pathlib import Path
from typing import Any, Literal, cast
from urllib.parse import urlsplit

import jwt
import requests
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from requests.auth import AuthBase
from requests_oauthlib import OAuth1

Clock = Callable[[], float]
PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
Scheme = Literal["tba", "oauth2"]

HOST_SUFFIX = ".suitetalk.api.netsuite.com"
TOKEN_PATH = "/services/rest/auth/oauth2/v1/token"
CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
SIGNATURE_METHOD = "HMAC-SHA256"
KNOWN_SCOPES = frozenset({"restlets", "rest_webservices", "suite_analytics"})
DEFAULT_SCOPES: tuple[str, ...] = ("rest_webservices",)
RSA_ALGORITHMS = ("PS256", "PS384", "PS512")
EC_ALGORITHMS = {"secp256r1": "ES256", "secp384r1": "ES384", "secp521r1": "ES512"}

ENV_NAMES: dict[str, str] = {
    "account": "NETSUITE_ACCOUNT",
    "consumer_key": "NETSUITE_CONSUMER_KEY",
    "consumer_secret": "NETSUITE_CONSUMER_SECRET",
    "token_id": "NETSUITE_TOKEN_ID",
    "token_secret": "NETSUITE_TOKEN_SECRET",
    "client_id": "NETSUITE_CLIENT_ID",
    "certificate_id": "NETSUITE_CERTIFICATE_ID",
    "private_key": "NETSUITE_PRIVATE_KEY",
    "base_url_override": "NETSUITE_BASE_URL",
}
TBA_FIELDS = ("consumer_key", "consumer_secret", "token_id", "token_secret")
M2M_FIELDS = ("client_id", "certificate_id", "private_key")

# Production ids are digits; sandboxes add _SB<n>, Release Preview _RP; demo/test-drive
# accounts are TSTDRV<digits> (reference/netsuite-rest.md 1.2).
_ACCOUNT = re.compile(r"(?P<base>TSTDRV\d+|\d+)(?:_(?P<suffix>SB\d+|RP))?")
_ACCOUNT_EXAMPLE = (
    "digits with an optional _SB<n> or _RP suffix, or TSTDRV<digits> (e.g. 1234567_SB1)"
)


class AuthError(Exception):
    """Anything that stops the harness from authenticating to NetSuite."""


class AuthConfigError(AuthError, ValueError):
    """Credentials are missing or malformed; the message names the setting, never its value."""


class TokenRequestError(AuthError):
    """The OAuth 2.0 token endpoint did not issue an access token."""

    def __init__(self, message: str, *, status: int | None = None, error: str | None = None):
        super().__init__(message)
        self.status = status
        self.error = error


# --- account ids ---------------------------------------------------------------------------


def _match_account(account_id: str, label: str = "account id") -> re.Match[str]:
    match = _ACCOUNT.fullmatch(account_id.upper())
    if match is None:
        raise AuthConfigError(
            f"{label} {account_id!r} is not a NetSuite account id; expected {_ACCOUNT_EXAMPLE}"
        )
    return match


def check_account_id(account_id: str, label: str = "account id") -> str:
    """`account_id` if it is a NetSuite account id exactly as NetSuite spells it (uppercase)."""
    if not account_id:
        raise AuthConfigError(f"{label} is missing; expected {_ACCOUNT_EXAMPLE}")
    _match_account(account_id, label)
    if account_id != account_id.upper():
        # A lowercase realm is answered with INVALID_LOGIN (reference 1.2), so refuse it early.
        raise AuthConfigError(
            f"{label} {account_id!r} must be uppercase as NetSuite shows it; "
            f"expected e.g. {account_id.upper()}"
        )
    return account_id


def host_for(account_id: str) -> str:
    """REST host of an account: lowercase with `_` -> `-` (`123456_SB1` -> `123456-sb1...`)."""
    _match_account(account_id)
    return account_id.lower().replace("_", "-") + HOST_SUFFIX


def realm_for(account_id: str) -> str:
    """OAuth realm of an account: the id in uppercase with `_` kept (`123456_SB1`)."""
    _match_account(account_id)
    return account_id.upper()


def is_production_account(account_id: str) -> bool:
    """False for sandbox (`_SB<n>`), Release Preview (`_RP`) and `TSTDRV` demo accounts."""
    match = _match_account(account_id)
    return match["suffix"] is None and not match["base"].startswith("TSTDRV")


# --- TBA -----------------------------------------------------------------------------------


def tba_auth(
    account_id: str,
    consumer_key: str,
    consumer_secret: str,
    token_id: str,
    token_secret: str,
) -> AuthBase:
    """OAuth 1.0a signer as NetSuite verifies it: HMAC-SHA256, realm = uppercase account id.

    requests-oauthlib signs the URL with its query string and leaves JSON bodies out of the
    signature (only form-encoded bodies are signed), which is what NetSuite checks.
    """
    signer = OAuth1(
        consumer_key,
        client_secret=consumer_secret,
        resource_owner_key=token_id,
        resource_owner_secret=token_secret,
        signature_method=SIGNATURE_METHOD,
        signature_type="AUTH_HEADER",
        realm=realm_for(account_id),
        decoding=None,  # keep the header a str, as every other header
    )
    return cast(AuthBase, signer)


# --- OAuth 2.0 client credentials (M2M) ----------------------------------------------------


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


# --- configuration -------------------------------------------------------------------------


_KEY_MATERIAL = re.compile(r"[A-Za-z0-9+=]{40,}|-----|\n")


def _redacted_source(value: str) -> str:
    """How to mention a private-key setting in an error without leaking key material.

    A file path is shown; anything with a long base64 run (a key pasted without its PEM
    header) is not.
    """
    if len(value) > 1024 or _KEY_MATERIAL.search(value):
        return "(value not shown: it looks like key material)"
    return repr(value)


def load_private_key(value: str, label: str) -> tuple[PrivateKey, str]:
    """Parse `value` (PEM text, or a path to a PEM file) as an RSA or EC private key."""
    text = value
    if value.lstrip().startswith("-----BEGIN"):
        where = f"{label} (inline PEM)"
        if "\n" not in value and "\\n" in value:
            text = value.replace("\\n", "\n")  # PEM squeezed into one env line
    else:
        where = f"{label} file {_redacted_source(value)}"
        try:
            text = Path(value).expanduser().read_text(encoding="utf-8")
        except OSError as exc:
            raise AuthConfigError(
                f"{label}: cannot read private key file {_redacted_source(value)} "
                f"({exc.strerror or type(exc).__name__}); expected a path to a PEM private key"
            ) from None
        except UnicodeDecodeError:
            raise AuthConfigError(
                f"{where} is binary, not PEM; expected a PEM private key"
            ) from None
    data = text.encode("utf-8")
    expected = "expected the PEM private key of the certificate uploaded to NetSuite"
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError:
        raise AuthConfigError(
            f"{where} is encrypted; expected an unencrypted private key"
        ) from None
    except (ValueError, UnsupportedAlgorithm):
        if b"-----BEGIN CERTIFICATE" in data:
            found = "a certificate"
        elif b"PUBLIC KEY-----" in data:
            found = "a public key"
        elif b"-----BEGIN" not in data:
            found = "no PEM block"
        else:
            found = "an unreadable PEM block"
        raise AuthConfigError(f"{where} holds {found}, not a private key; {expected}") from None
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise AuthConfigError(
            f"{where} is a {type(key).__name__.removeprefix('_')}; expected an RSA or EC key"
        )
    return key, text


def _check_token_shape(value: str, label: str) -> str | None:
    if value != value.strip():
        return (
            f"{label} has leading or trailing whitespace; expected the value as NetSuite shows it"
        )
    if any(ch.isspace() or ch in "\"'" for ch in value):
        return f"{label} contains whitespace or quotes; expected the value as NetSuite shows it"
    if not value.isascii() or not value.isprintable():
        return f"{label} contains non-ASCII or control characters; expected the value from NetSuite"
    return None


def _check_base_url(value: str, label: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AuthConfigError(
            f"{label} {value!r} is not an http(s) URL; expected e.g. http://127.0.0.1:8080"
        )
    if parts.query or parts.fragment:
        raise AuthConfigError(f"{label} {value!r} has a query or fragment; expected scheme://host")
    return value.rstrip("/")


@dataclass(frozen=True, repr=False)
class Credentials:
    """One NetSuite account and the secrets for exactly one scheme (TBA or OAuth 2.0 M2M).

    `private_key` is PEM text or a path to a PEM file. `labels` (init only) names the
    settings in error messages: `from_env` passes the environment variable names.
    """

    account: str
    consumer_key: str | None = None
    consumer_secret: str | None = None
    token_id: str | None = None
    token_secret: str | None = None
    client_id: str | None = None
    certificate_id: str | None = None
    private_key: str | None = None
    base_url_override: str | None = None
    algorithm: str | None = None
    scopes: tuple[str, ...] = DEFAULT_SCOPES
    labels: InitVar[Mapping[str, str] | None] = None
    _key: PrivateKey | None = field(init=False, default=None, compare=False)
    _key_pem: str | None = field(init=False, default=None, compare=False)

    def __post_init__(self, labels: Mapping[str, str] | None) -> None:
        def label(name: str) -> str:
            return (labels or {}).get(name, name)

        check_account_id(self.account, label("account"))
        present = {name for name in (*TBA_FIELDS, *M2M_FIELDS) if getattr(self, name)}
        tba = [name for name in TBA_FIELDS if name in present]
        m2m = [name for name in M2M_FIELDS if name in present]
        if tba and m2m:
            raise AuthConfigError(
                f"both TBA ({', '.join(map(label, tba))}) and OAuth 2.0 M2M "
                f"({', '.join(map(label, m2m))}) credentials are set; expected exactly one scheme"
            )
        if not tba and not m2m:
            raise AuthConfigError(
                f"no credentials: expected {', '.join(map(label, TBA_FIELDS))} (TBA) or "
                f"{', '.join(map(label, M2M_FIELDS))} (OAuth 2.0 M2M)"
            )
        group = TBA_FIELDS if tba else M2M_FIELDS
        missing = [label(name) for name in group if name not in present]
        problems = []
        if missing:
            verb = "is" if len(missing) == 1 else "are"
            problems.append(f"{' and '.join(missing)} {verb} missing")
        for name in group:
            value = getattr(self, name)
            if name != "private_key" and value:
                problem = _check_token_shape(value, label(name))
                if problem:
                    problems.append(problem)
        if problems:
            raise AuthConfigError("; ".join(problems))
        if self.base_url_override:
            base = _check_base_url(self.base_url_override, label("base_url_override"))
            object.__setattr__(self, "base_url_override", base)
        if not self.scopes or not set(self.scopes) <= KNOWN_SCOPES:
            raise AuthConfigError(
                f"scopes {list(self.scopes)!r} are not NetSuite scopes; expected some of "
                f"{', '.join(sorted(KNOWN_SCOPES))}"
            )
        if self.private_key:
            key, pem = load_private_key(self.private_key, label("private_key"))
            algorithm_for(key, self.algorithm)
            object.__setattr__(self, "_key", key)
            object.__setattr__(self, "_key_pem", pem)

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Credentials:
        """Credentials from the documented `NETSUITE_*` variables (empty counts as unset)."""
        values = {name: env.get(var) or None for name, var in ENV_NAMES.items()}
        return cls(
            account=values["account"] or "",
            consumer_key=values["consumer_key"],
            consumer_secret=values["consumer_secret"],
            token_id=values["token_id"],
            token_secret=values["token_secret"],
            client_id=values["client_id"],
            certificate_id=values["certificate_id"],
            private_key=values["private_key"],
            base_url_override=values["base_url_override"],
            labels=ENV_NAMES,
        )

    @property
    def scheme(self) -> Scheme:
        return "tba" if self.token_id else "oauth2"

    @property
    def base_url(self) -> str:
        """`scheme://host` of the REST API: the override, or the account's NetSuite host."""
        return self.base_url_override or f"https://{host_for(self.account)}"

    @property
    def token_url(self) -> str:
        return self.base_url + TOKEN_PATH

    def secrets(self) -> list[str]:
        """Every secret value, for redaction in call logs and cassettes."""
        candidates = (
            self.consumer_key,
            self.consumer_secret,
            self.token_id,
            self.token_secret,
            self.client_id,
            self._key_pem,
        )
        return [value for value in candidates if value]

    def build_auth(self, session: requests.Session, *, clock: Clock = time.time) -> AuthBase:
        """The `requests` auth for this scheme; M2M fetches its token through `session`."""
        if self.scheme == "tba":
            return tba_auth(
                self.account,
                cast(str, self.consumer_key),
                cast(str, self.consumer_secret),
                cast(str, self.token_id),
                cast(str, self.token_secret),
            )
        return M2MAuth(
            session,
            token_url=self.token_url,
            client_id=cast(str, self.client_id),
            certificate_id=cast(str, self.certificate_id),
            private_key=cast(PrivateKey, self._key),
            algorithm=self.algorithm,
            scopes=self.scopes,
            clock=clock,
        )

    def __repr__(self) -> str:
        shown = [f"account={self.account!r}", f"scheme={self.scheme!r}"]
        for name in (*TBA_FIELDS, "client_id", "private_key"):
            if getattr(self, name):
                shown.append(f"{name}='****'")
        if self.certificate_id:
            shown.append(f"certificate_id={self.certificate_id!r}")
        if self.base_url_override:
            shown.append(f"base_url={self.base_url_override!r}")
        return f"Credentials({', '.join(shown)})"

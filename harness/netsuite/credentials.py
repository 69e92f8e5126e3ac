"""NetSuite credentials from settings or the environment, checked before the first request.

`Credentials` holds one account and the secrets of exactly one scheme (TBA or OAuth 2.0 M2M),
refuses anything missing or malformed without ever echoing a secret back, and builds the
`requests` auth object for its scheme.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Mapping
from dataclasses import InitVar, dataclass, field
from pathlib import Path
from typing import Literal, cast
from urllib.parse import urlsplit

import requests
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from requests.auth import AuthBase

from harness.netsuite.auth import AuthConfigError, check_account_id, host_for, tba_auth
from harness.netsuite.oauth2 import (
    DEFAULT_SCOPES,
    KNOWN_SCOPES,
    TOKEN_PATH,
    Clock,
    M2MAuth,
    PrivateKey,
    algorithm_for,
)
from harness.netsuite.redact import register_secrets

Scheme = Literal["tba", "oauth2"]

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


def credential_variables(name: str) -> tuple[str, str]:
    """The variables holding the TBA token of a named credential (a second role, e.g. the one
    a scenario acts as): `woo-integration-view-only` -> NETSUITE_WOO_INTEGRATION_VIEW_ONLY_
    TOKEN_ID and ..._TOKEN_SECRET. The token belongs to the integration of
    NETSUITE_CONSUMER_KEY (a TBA token is a user, a role and an integration)."""
    stem = "NETSUITE_" + "".join(c if c.isalnum() else "_" for c in name.upper())
    return f"{stem}_TOKEN_ID", f"{stem}_TOKEN_SECRET"
M2M_FIELDS = ("client_id", "certificate_id", "private_key")


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
        """Every credential value, for redaction in call logs, cassettes and reports: the TBA
        keys and tokens, or the M2M client id, certificate id and private key."""
        candidates = (
            self.consumer_key,
            self.consumer_secret,
            self.token_id,
            self.token_secret,
            self.client_id,
            self.certificate_id,
            self._key_pem,
        )
        return [value for value in candidates if value]

    def register(self) -> None:
        """Mask every credential value in every output of this process from now on."""
        register_secrets(self.secrets())

    def build_auth(self, session: requests.Session, *, clock: Clock = time.time) -> AuthBase:
        """The `requests` auth for this scheme; M2M fetches its token through `session`.

        Credentials about to be used are registered first (`register`): no log line, report
        or connector output of this process shows them from then on."""
        self.register()
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
        for name in (*TBA_FIELDS, *M2M_FIELDS):
            if getattr(self, name):
                shown.append(f"{name}='****'")
        if self.base_url_override:
            shown.append(f"base_url={self.base_url_override!r}")
        return f"Credentials({', '.join(shown)})"

"""Masking of credentials in everything the harness writes down.

Call logs, exception messages and exported JSONL end up in CI artefacts and bug reports, so
every text that leaves the client passes through a `Redactor` first. Two layers:

- structural rules that need no configuration: `Authorization` and cookie headers, OAuth
  parameters, Bearer/Basic values, JWTs and credential-named fields (`access_token`,
  `client_assertion`, consumer/token keys and secrets, ...) in JSON, forms and query strings;
- registered secrets (the account's actual keys and tokens), masked wherever they appear,
  including their JSON-escaped, percent-encoded and HTML-escaped spellings.
"""

from __future__ import annotations

import html
import json
import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, urlencode

MASK = "***"

# Shorter values would mask ordinary words and digits all over the log and protect nothing.
MIN_SECRET_LENGTH = 6

# Field names (lowercased, `_`/`-` removed) whose values are credentials wherever they appear.
_SENSITIVE_KEYS = frozenset(
    {
        "accesstoken",
        "refreshtoken",
        "idtoken",
        "clientassertion",
        "clientsecret",
        "consumerkey",
        "consumersecret",
        "tokenid",
        "tokenkey",
        "tokensecret",
        "tokenpassport",
        "password",
        "privatekey",
        "apikey",
        "authorization",
        "cookie",
        "setcookie",
        "signature",
    }
)
_SENSITIVE_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})

_KEY_SPELLINGS = (
    r"access[_-]?token|refresh[_-]?token|id[_-]?token|client[_-]?assertion|client[_-]?secret"
    r"|consumer[_-]?key|consumer[_-]?secret|token[_-]?id|token[_-]?key|token[_-]?secret"
    r"|token[_-]?passport|password|private[_-]?key|api[_-]?key|oauth_[a-z_]+"
)
# `"access_token": "value"` in JSON-ish text (also inside logs of other tools).
_JSON_FIELD = re.compile(r'(?i)("(?:' + _KEY_SPELLINGS + r')"\s*:\s*")((?:[^"\\]|\\.)*)(")')
# `oauth_token="value"` as in an OAuth Authorization header.
_QUOTED_PARAM = re.compile(r"(?i)\b(" + _KEY_SPELLINGS + r')(\s*=\s*")([^"]*)(")')
# `access_token=value` in query strings and form bodies.
_BARE_PARAM = re.compile(r"(?i)\b(" + _KEY_SPELLINGS + r")=(?!\")([^&\s\"',;]*)")
_SCHEME_VALUE = re.compile(r"(?i)\b(Bearer|Basic)(\s+)[A-Za-z0-9\-._~+/]+=*")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
_AUTH_PARAM = re.compile(r'([A-Za-z_]+)\s*=\s*"([^"]*)"')
# Every structural rule above needs one of these words; text without any skips them all
# (most of a log is item names, amounts and ids).
_MAY_HOLD_CREDENTIAL = re.compile(r"(?i)bearer|basic|eyj|token|assertion|secret|password|key|oauth")


def _normal_key(key: str) -> str:
    return key.lower().replace("_", "").replace("-", "")


def is_sensitive_key(key: str) -> bool:
    """True for field names that hold credentials (`oauth_*` included)."""
    return key.lower().startswith("oauth") or _normal_key(key) in _SENSITIVE_KEYS


def _spellings(secret: str) -> set[str]:
    """The ways a secret can be written in JSON, URLs, forms and HTML."""
    forms = {
        secret,
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        quote(secret, safe=""),
        quote(secret, safe="/:@!$'()*,;=+&~"),
        quote_plus(secret),
        quote_plus(secret, safe="/:"),
        html.escape(secret),
        html.escape(secret, quote=False),
    }
    return {form for form in forms if len(form) >= MIN_SECRET_LENGTH}


class Redactor:
    """Masks structural credentials and every registered secret; safe to share across threads."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._lock = threading.Lock()
        self._secrets: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        for secret in secrets:
            self.register(secret)

    def register(self, secret: str | None) -> None:
        """Mask `secret` from now on; values shorter than MIN_SECRET_LENGTH are ignored."""
        if not secret or len(secret) < MIN_SECRET_LENGTH:
            return
        with self._lock:
            if secret in self._secrets:
                return
            self._secrets.add(secret)
            forms: set[str] = set()
            for known in self._secrets:
                forms |= _spellings(known)
            # Longest first, so a secret containing another one is masked whole.
            ordered = sorted(forms, key=lambda form: (-len(form), form))
            self._pattern = re.compile("|".join(re.escape(form) for form in ordered))

    @property
    def secrets(self) -> frozenset[str]:
        with self._lock:
            return frozenset(self._secrets)

    def _mask_registered(self, text: str) -> str:
        pattern = self._pattern
        if pattern is None or pattern.search(text) is None:
            return text
        # A replacement can splice two fragments into a new occurrence; repeat until stable.
        for _ in range(8):
            masked = pattern.sub(MASK, text)
            if masked == text:
                break
            text = masked
        return text

    def text(self, text: str) -> str:
        """Any free text: messages, non-JSON bodies, header values."""
        if _MAY_HOLD_CREDENTIAL.search(text) is not None:
            text = _SCHEME_VALUE.sub(lambda m: m.group(1) + m.group(2) + MASK, text)
            text = _JWT.sub(MASK, text)
            text = _JSON_FIELD.sub(lambda m: m.group(1) + MASK + m.group(3), text)
            text = _QUOTED_PARAM.sub(lambda m: m.group(1) + m.group(2) + MASK + m.group(4), text)
            text = _BARE_PARAM.sub(lambda m: m.group(1) + "=" + MASK, text)
        return self._mask_registered(text)

    def value(self, data: Any) -> Any:
        """A decoded JSON value with credential fields and secrets masked (keys included)."""
        if isinstance(data, Mapping):
            return {
                self.text(str(key)): MASK if is_sensitive_key(str(key)) else self.value(item)
                for key, item in data.items()
            }
        if isinstance(data, list):
            return [self.value(item) for item in data]
        if isinstance(data, str):
            return self.text(data)
        return data

    def header(self, name: str, value: str) -> str:
        """One header value; credential headers keep only what helps diagnose a failure."""
        lowered = name.lower()
        if lowered in _SENSITIVE_HEADERS:
            if lowered.endswith("authorization"):
                return self.text(_mask_authorization(value))
            return MASK
        return self.text(value)

    def headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        return {self.text(name): self.header(name, value) for name, value in headers.items()}

    def pairs(self, pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        """Decoded query or form parameters."""
        return [
            (self.text(key), MASK if is_sensitive_key(key) else self.text(value))
            for key, value in pairs
        ]

    def form(self, body: str) -> str:
        """An `application/x-www-form-urlencoded` body, re-encoded after masking."""
        masked = self.pairs(parse_qsl(body, keep_blank_values=True))
        return self.text(urlencode(masked, safe="*"))

    def body(self, body: str, content_type: str = "") -> str:
        """A request or response body: JSON is masked field by field, forms by parameter."""
        stripped = body.strip()
        if stripped[:1] in ("{", "["):
            try:
                parsed = json.loads(stripped)
            except ValueError:
                return self.text(body)
            masked = self.value(parsed)
            if masked != parsed:
                body = json.dumps(masked, ensure_ascii=False, separators=(",", ":"))
            return self.text(body)
        if "x-www-form-urlencoded" in content_type.lower():
            return self.form(body)
        return self.text(body)


def _mask_authorization(value: str) -> str:
    """`OAuth realm="X", oauth_token="..."` keeps the realm (a wrong realm is a common cause
    of INVALID_LOGIN) and parameter names; every other scheme keeps only its name."""
    scheme, _, rest = value.strip().partition(" ")
    if scheme.lower() != "oauth":
        return f"{scheme} {MASK}" if rest else MASK
    params = [
        f'{name}="{raw if name.lower() == "realm" else MASK}"'
        for name, raw in _AUTH_PARAM.findall(rest)
    ]
    return f"{scheme} " + ", ".join(params) if params else f"{scheme} {MASK}"

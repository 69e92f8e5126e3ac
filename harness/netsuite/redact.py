"""The one redaction policy for everything the harness writes down or prints.

Call logs, reports, cassettes, exception messages, a connector's output and log records end up
in CI artefacts and bug reports, so every text that leaves the harness passes through a
`Redactor` first. Two layers:

- structural rules that need no configuration: `Authorization` and cookie headers, OAuth
  parameters, Bearer/Basic values, JWTs and credential-named fields in every spelling of the
  name (`token_secret`, `tokenSecret`, `TOKEN-SECRET`, `Token Secret`, `NETSUITE_TOKEN_SECRET`)
  in JSON, Python reprs, XML, forms, query strings, `name: value` lines and percent-encoded
  OAuth base strings;
- registered secrets (an account's keys and tokens, a webhook secret, a delivery signature),
  masked wherever they appear: raw, in any letter case, JSON-escaped, percent-encoded (`quote`,
  `quote_plus`), HTML/XML-escaped, base64 (standard and URL-safe), and the HTML or JSON
  escaping of each of those. The base64 of a text that merely contains a secret (a Basic
  credential `key:secret`) is out of reach of this layer; the structural rule for
  `Basic`/`Bearer` values covers that case.

Secrets registered with `register_secret` are masked by every Redactor in the process (the
loaders of credentials register them: `Credentials.build_auth`, the connector drivers, the
webhook driver for its secret and every signature it sends). A Redactor's own `register`
masks a value in that Redactor only.
"""

from __future__ import annotations

import base64
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

# Credential names, as words: every spelling joins them with `_`, `-`, `.`, a space or
# nothing, in any case. A name also counts with a prefix (`NETSUITE_TOKEN_SECRET`).
CREDENTIAL_NAMES: tuple[tuple[str, ...], ...] = (
    ("access", "token"),
    ("refresh", "token"),
    ("id", "token"),
    ("bearer", "token"),
    ("client", "assertion"),
    ("client", "secret"),
    ("client", "key"),
    ("client", "id"),
    ("consumer", "key"),
    ("consumer", "secret"),
    ("token", "id"),
    ("token", "key"),
    ("token", "secret"),
    ("token", "passport"),
    ("resource", "owner", "key"),
    ("resource", "owner", "secret"),
    ("certificate", "id"),
    ("private", "key"),
    ("api", "key"),
    ("webhook", "secret"),
    ("password",),
    ("passwd",),
    ("secret",),
    ("signature",),
    ("authorization",),
    ("cookie",),
)
_NORMAL_NAMES = tuple("".join(words) for words in CREDENTIAL_NAMES)
_SEPARATORS = re.compile(r"[\s_.\-]+")

# Header names that carry credentials by themselves (X-API-Key, X-Auth-Token, signatures).
_CREDENTIAL_HEADER = re.compile(r"(?i)token|secret|api[-_]?key|signature|password|cookie")
_AUTHORIZATION_HEADERS = frozenset({"authorization", "proxy-authorization"})


def _name_pattern(words: tuple[str, ...]) -> str:
    return r"[ _.\-]?".join(re.escape(word) for word in words)


# Longest first, so `token secret` wins over `secret`.
_NAMES = "|".join(
    _name_pattern(words)
    for words in sorted(CREDENTIAL_NAMES, key=lambda w: -len("".join(w)))
    if words not in {("authorization",), ("cookie",)}
)
_KEY = r"(?:oauth_[a-z_]+|" + _NAMES + r")"
# A quoted value after a name: `"k": "v"` (JSON), `'k': 'v'` / `('k', 'v')` / `'k': b'v'`
# (Python reprs), `k="v"` (OAuth headers), `k: 'v'`.
# Where a text was cut short (`capped`, a report cell): a secret may end there unfinished.
_CUT = re.compile(r"\.\.\.\[|…")
_QUOTED_FIELD = re.compile(
    r"(?i)(?P<head>" + _KEY + r"""["']?[ \t]*[:=,][ \t]*b?)(?P<q>["'])"""
    r"(?P<value>(?:(?!(?P=q)|\.\.\.\[|…)[^\\\r\n]|\\.)*)(?:(?P=q)|(?=\.\.\.\[|…))"
)
# A bare value: `k=v` (query strings, forms, env dumps), `k: v` (YAML, logs), `k%3Dv` (an OAuth
# base string, up to the next `%26`).
_BARE_FIELD = re.compile(
    r"(?i)(?P<head>" + _KEY + r"""["']?(?:[ \t]*[:=][ \t]*|%3D))"""
    r"""(?!["'\s]|\*\*\*)(?P<value>(?:(?!%26)[^\s"'&,;<>)\]}])+)"""
)
# `<tokenSecret>v</tokenSecret>` (SOAP and other XML).
_XML_FIELD = re.compile(
    r"(?i)<(?P<tag>(?:[\w.-]+:)?" + _KEY + r")(?P<attrs>\s[^>]*)?>(?P<value>[^<]*)</(?P=tag)\s*>"
)
# An Authorization header in any text: quoted (JSON, reprs) or up to the end of the line.
_QUOTED_AUTHORIZATION = re.compile(
    r"""(?i)(?P<head>(?:proxy[ _-]?)?authorization["']?[ \t]*[:=,][ \t]*b?)(?P<q>["'])"""
    r"(?P<value>(?:(?!(?P=q))[^\\\r\n]|\\.)*)(?P=q)"
)
_BARE_AUTHORIZATION = re.compile(
    r"""(?i)(?P<head>(?:proxy[ _-]?)?authorization[ \t]*[:=][ \t]*)(?!["'\s])(?P<value>[^\r\n]+)"""
)
_SCHEME_VALUE = re.compile(r"(?i)\b(Bearer|Basic)(\s+)(?!\*\*\*)[A-Za-z0-9\-._~+/]+=*")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
_AUTH_PARAM = re.compile(r'([A-Za-z_]+)\s*=\s*"([^"]*)"')
# Every structural rule above needs one of these words; text without any skips them all
# (most of a log is item names, amounts and ids).
_MAY_HOLD_CREDENTIAL = re.compile(
    r"(?i)bearer|basic|eyj|token|assertion|secret|passw|key|oauth|auth|signature|client"
    r"|certificate|cookie"
)


def normal_key(key: str) -> str:
    """A field name without case or separators: `Token Secret` -> `tokensecret`."""
    return _SEPARATORS.sub("", key.lower())


def is_sensitive_key(key: str) -> bool:
    """True for field names that hold credentials, in any spelling and with any prefix
    (`oauth_*`, `tokenSecret`, `TOKEN-SECRET`, `NETSUITE_CONSUMER_KEY`,
    `X-WC-Webhook-Signature`)."""
    normal = normal_key(key)
    return normal.startswith("oauth") or normal.endswith(_NORMAL_NAMES)


# -- spellings and registered secrets ---------------------------------------------------------


# JSON encoders that make output safe inside HTML (Go, PHP's JSON_HEX_*) escape these too.
_HTML_SAFE_JSON = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "'": "\\u0027"})


def _json_escaped(text: str) -> set[str]:
    """Python's and PHP's (`\\/`) JSON escaping, and the HTML-safe escaping of Go and PHP."""
    ascii_only = json.dumps(text)[1:-1]
    php = ascii_only.replace("/", "\\/")
    return {
        ascii_only,
        json.dumps(text, ensure_ascii=False)[1:-1],
        php,
        ascii_only.translate(_HTML_SAFE_JSON),
        php.translate(_HTML_SAFE_JSON),
    }


def _markup_escaped(text: str) -> set[str]:
    attribute = html.escape(text, quote=False).replace('"', "&quot;")
    return {html.escape(text), html.escape(text, quote=False), attribute}


def spellings(secret: str) -> set[str]:
    """The ways a secret is written in JSON, URLs, forms, HTML/XML and base64, and the HTML or
    JSON escaping of each (a JSON body shown in an HTML report). Letter case is left to the
    matcher, which ignores it."""
    raw = secret.encode("utf-8")
    standard = base64.b64encode(raw).decode("ascii")
    urlsafe = base64.urlsafe_b64encode(raw).decode("ascii")
    first = {
        secret,
        quote(secret, safe=""),
        quote(secret),
        quote(secret, safe="/:@!$'()*,;=+&~"),
        quote_plus(secret),
        quote_plus(secret, safe="/:"),
        standard,
        standard.rstrip("="),
        urlsafe,
        urlsafe.rstrip("="),
        *_json_escaped(secret),
        *_markup_escaped(secret),
    }
    forms = set(first)
    for form in first:
        forms |= _json_escaped(form) | _markup_escaped(form)
    return {form for form in forms if len(form) >= MIN_SECRET_LENGTH}


def secret_parts(value: str) -> list[str]:
    """What to register for a value: the value itself; for PEM key material also each line of
    its body (a key is printed wrapped, unwrapped or with `\\n` escapes), for any other text
    of several lines each line."""
    text = value.strip()
    parts = [text]
    if "-----BEGIN" in text:
        lines = re.split(r"\r?\n|\\n", text)
        parts += [line.strip() for line in lines if not line.strip().startswith("-----")]
    elif "\n" in text:
        parts += [line.strip() for line in text.splitlines()]
    return [part for part in dict.fromkeys(parts) if len(part) >= MIN_SECRET_LENGTH]


def _trie_pattern(forms: Iterable[str]) -> str:
    """One regex for many literal forms, as a trie: the search costs about the same for three
    secrets as for three hundred (an alternation would try each form at each position)."""
    root: dict[str, Any] = {}
    for form in forms:
        node = root
        for char in form:
            node = node.setdefault(char, {})
        node[""] = {}

    def render(node: dict[str, Any]) -> str:
        chain = ""
        while len(node) == 1 and "" not in node:  # one way on: no group needed
            [(char, node)] = node.items()
            chain += re.escape(char)
        branches = [re.escape(char) + render(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return chain
        group = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:  # a form ends here: longer ones first, then this one
            group = f"(?:{group})?"
        return chain + group

    return render(root)


class _Matcher:
    """The compiled spellings of a fixed group of secrets. Matching ignores letter case: the
    text is lowercased when that keeps its length (nearly always), else an IGNORECASE pattern
    (slow to compile, so compiled on first need) is used."""

    def __init__(self, secrets: Iterable[str]) -> None:
        self._forms: set[str] = set()
        for secret in secrets:
            self._forms |= spellings(secret)
        self._lowered = re.compile(_trie_pattern({form.lower() for form in self._forms}))
        self._any_case: re.Pattern[str] | None = None
        self._lowered_forms: list[str] | None = None

    def spans(self, text: str) -> list[tuple[int, int]]:
        lowered = text.lower()
        if len(lowered) == len(text):
            found = [match.span() for match in self._lowered.finditer(lowered)]
            return found + self._cut_spans(lowered) if _CUT.search(text) else found
        if self._any_case is None:
            every = self._forms | {form.lower() for form in self._forms}
            self._any_case = re.compile(_trie_pattern(every), re.IGNORECASE)
        return [match.span() for match in self._any_case.finditer(text)]

    def _cut_spans(self, lowered: str) -> list[tuple[int, int]]:
        """The beginnings of secrets that a cut (`...[N more chars]`, `…`) left unfinished."""
        if self._lowered_forms is None:
            self._lowered_forms = sorted({form.lower() for form in self._forms})
        found: list[tuple[int, int]] = []
        for cut in _CUT.finditer(lowered):
            end, longest = cut.start(), 0
            for form in self._lowered_forms:
                window = lowered[max(0, end - len(form)) : end]
                if form[:MIN_SECRET_LENGTH] not in window:
                    continue
                for size in range(min(len(form), end), longest, -1):
                    if size >= MIN_SECRET_LENGTH and lowered.endswith(form[:size], 0, end):
                        longest = size
                        break
            if longest:
                found.append((end - longest, end))
        return found


# New secrets are compiled on their own until this many wait, then all are compiled together:
# registering one more (a webhook delivery's signature) never recompiles everything.
_RECENT_LIMIT = 16


class SecretSet:
    """Registered secrets and the compiled matchers of all their spellings; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._secrets: set[str] = set()
        self._settled: set[str] = set()  # compiled into `_base`
        self._base: _Matcher | None = None
        self._recent: _Matcher | None = None
        self._stale = False

    def add(self, value: str | None) -> None:
        if not value:
            return
        parts = [part for part in secret_parts(value) if part not in self._secrets]
        if not parts:
            return
        with self._lock:
            self._secrets.update(parts)
            self._stale = True

    def __len__(self) -> int:
        return len(self._secrets)

    def __contains__(self, value: object) -> bool:
        return value in self._secrets

    def frozen(self) -> frozenset[str]:
        with self._lock:
            return frozenset(self._secrets)

    def _matchers(self) -> list[_Matcher]:
        with self._lock:
            if self._stale:
                recent = self._secrets - self._settled
                if len(recent) > _RECENT_LIMIT or self._base is None:
                    self._base, self._recent = _Matcher(self._secrets), None
                    self._settled = set(self._secrets)
                else:
                    self._recent = _Matcher(recent)
                self._stale = False
            return [m for m in (self._base, self._recent) if m is not None]

    def mask(self, text: str, placeholder: str = MASK) -> str:
        """`text` with every spelling of every secret replaced by `placeholder`."""
        if not self._secrets or not text:
            return text
        matchers = self._matchers()
        # A replacement can splice two fragments into a new occurrence; repeat until stable.
        for _ in range(8):
            masked = text
            for matcher in matchers:
                masked = _replace_spans(masked, matcher.spans(masked), placeholder)
            if masked == text:
                break
            text = masked
        return text

    def search(self, text: str) -> int | None:
        """Where the first spelling of a secret starts in `text`, if one does."""
        if not self._secrets or not text:
            return None
        starts = [spans[0][0] for m in self._matchers() if (spans := m.spans(text))]
        return min(starts) if starts else None


def _replace_spans(text: str, spans: list[tuple[int, int]], placeholder: str) -> str:
    if not spans:
        return text
    pieces: list[str] = []
    last = 0
    for start, end in sorted(spans):
        if start < last:  # overlaps the span masked last: widen it
            last = max(last, end)
            continue
        pieces += [text[last:start], placeholder]
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


# The secrets every Redactor of this process masks.
PROCESS_SECRETS = SecretSet()


def register_secret(value: str | None) -> None:
    """Mask `value` in every output of this process from now on (values shorter than
    MIN_SECRET_LENGTH are ignored; PEM key material is registered line by line)."""
    PROCESS_SECRETS.add(value)


def register_secrets(values: Iterable[str | None]) -> None:
    for value in values:
        register_secret(value)


def registered_secrets() -> frozenset[str]:
    """Every secret registered for the whole process."""
    return PROCESS_SECRETS.frozen()


# -- the Redactor ----------------------------------------------------------------------------


class Redactor:
    """Masks structural credentials, its own secrets and the process's; shareable across
    threads."""

    def __init__(
        self, secrets: Iterable[str] = (), *, shared: SecretSet | None = PROCESS_SECRETS
    ) -> None:
        self._own = SecretSet()
        self._shared = shared
        for secret in secrets:
            self.register(secret)

    def register(self, secret: str | None) -> None:
        """Mask `secret` in this Redactor from now on; values shorter than MIN_SECRET_LENGTH are
        ignored."""
        self._own.add(secret)

    @property
    def secrets(self) -> frozenset[str]:
        """This Redactor's own secrets and the process's."""
        shared = self._shared.frozen() if self._shared is not None else frozenset()
        return self._own.frozen() | shared

    def registered(self, text: str) -> str:
        """Only the registered secrets masked: for whole documents (a report page, a file)
        whose structure the structural rules must not touch."""
        text = self._own.mask(text)
        return self._shared.mask(text) if self._shared is not None else text

    def registered_value(self, data: Any) -> Any:
        """`registered` applied to every string (keys included) of a JSON-shaped value."""
        if isinstance(data, Mapping):
            return {
                self.registered_value(key): self.registered_value(item)
                for key, item in data.items()
            }
        if isinstance(data, list | tuple):
            return [self.registered_value(item) for item in data]
        if isinstance(data, str):
            return self.registered(data)
        return data

    def text(self, text: str) -> str:
        """Any free text: messages, non-JSON bodies, header values, log lines, a connector's
        output. Secrets first: a secret may hold the very separators the rules split on."""
        text = self.registered(text)
        if _MAY_HOLD_CREDENTIAL.search(text) is None:
            return text
        text = _QUOTED_AUTHORIZATION.sub(
            lambda m: m["head"] + m["q"] + _mask_authorization(m["value"]) + m["q"], text
        )
        text = _BARE_AUTHORIZATION.sub(
            lambda m: m["head"] + _mask_authorization(m["value"]), text
        )
        text = _SCHEME_VALUE.sub(lambda m: m.group(1) + m.group(2) + MASK, text)
        text = _JWT.sub(MASK, text)
        text = _XML_FIELD.sub(
            lambda m: f"<{m['tag']}{m['attrs'] or ''}>{MASK}</{m['tag']}>", text
        )
        text = _QUOTED_FIELD.sub(lambda m: m["head"] + m["q"] + MASK + m["q"], text)
        return _BARE_FIELD.sub(lambda m: m["head"] + MASK, text)

    def value(self, data: Any) -> Any:
        """A decoded JSON value with credential fields and secrets masked (keys included)."""
        if isinstance(data, Mapping):
            return {
                self.text(str(key)): MASK if is_sensitive_key(str(key)) else self.value(item)
                for key, item in data.items()
            }
        if isinstance(data, list | tuple):
            return [self.value(item) for item in data]
        if isinstance(data, bytes | bytearray):
            return self.text(header_text(data))
        if isinstance(data, str):
            return self.text(data)
        return data

    def header(self, name: str, value: str | bytes) -> str:
        """One header value, as text; credential headers keep only what helps diagnose a
        failure (the scheme, an OAuth realm and its parameter names)."""
        shown = header_text(value)
        lowered = header_text(name).lower()
        if lowered in _AUTHORIZATION_HEADERS:
            return self.text(_mask_authorization(shown))
        if lowered != "www-authenticate" and _CREDENTIAL_HEADER.search(lowered):
            return MASK
        return self.text(shown)

    def headers(self, headers: Mapping[Any, Any]) -> dict[str, str]:
        """Headers as text (a `bytes` name or value is decoded, never shown as `b'...'`)."""
        return {
            self.text(header_text(name)): self.header(header_text(name), value)
            for name, value in headers.items()
        }

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


def header_text(value: Any) -> str:
    """A header name or value as text: `requests-oauthlib` hands `bytes` over (UTF-8)."""
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", errors="replace")
    return str(value)


def _mask_authorization(value: str) -> str:
    """`OAuth realm="X", oauth_token="..."` keeps the realm (a wrong realm is a common cause
    of INVALID_LOGIN) and parameter names; every other scheme keeps only its name."""
    scheme, _, rest = value.strip().partition(" ")
    if scheme == MASK:
        return MASK
    if scheme.lower() != "oauth":
        return f"{scheme} {MASK}" if rest else MASK
    params = [
        f'{name}="{raw if name.lower() == "realm" else MASK}"'
        for name, raw in _AUTH_PARAM.findall(rest)
    ]
    return f"{scheme} " + ", ".join(params) if params else f"{scheme} {MASK}"

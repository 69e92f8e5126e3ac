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

Secrets registered with `register_secret` (see `secretset`) are masked by every Redactor in
the process, and by the log record factory of `logfilter`. Whatever loads credentials registers
them: the CLI and the pytest plugin register the `NETSUITE_*` environment at start
(`register_environment`), `Credentials.build_auth` registers the credentials a
target signs with, the connector drivers register what they hand a connector, and the webhook
driver its secret and every delivery signature before the delivery is recorded. A Redactor's
own `register` (a call log's `register_secret`) masks a value in that Redactor only.
"""

from __future__ import annotations

import json
import os
import re
import threading
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Collection, Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

from harness.netsuite.jsonstrings import plain_strings_in, replaced
from harness.netsuite.secretset import (
    MASK,
    MIN_SECRET_LENGTH,
    PROCESS_SECRETS,
    SecretSet,
    register_secret,
    register_secrets,
    registered_secrets,
    secret_parts,
    spellings,
)

# The registry of secrets lives in `secretset`; it is part of this module's API.
__all__ = [
    "CREDENTIAL_NAMES",
    "MASK",
    "MIN_SECRET_LENGTH",
    "PROCESS_SECRETS",
    "Redactor",
    "SecretSet",
    "header_text",
    "is_sensitive_key",
    "normal_key",
    "register_environment",
    "register_secret",
    "register_secrets",
    "registered_secrets",
    "secret_parts",
    "spellings",
]


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


def register_environment(env: Mapping[str, str] | None = None) -> None:
    """Mask, in every output of this process, each credential a `NETSUITE_*` variable of `env`
    (default: `os.environ`) holds: keys, tokens, client and certificate ids, the tokens of
    named credentials, and a private key given inline (a key file's path is no secret and
    stays readable in messages). Here, not beside the credentials, so that the CLI and the
    pytest plugin mask them at start without loading what signs requests."""
    for name, value in (os.environ if env is None else env).items():
        if not name.startswith("NETSUITE_") or not value:
            continue
        if name == "NETSUITE_PRIVATE_KEY":
            if "-----BEGIN" in value:
                register_secret(value)
        elif is_sensitive_key(name):
            register_secret(value)


# -- the Redactor ----------------------------------------------------------------------------


# A few sets of own secrets, compiled once and shared by every Redactor holding exactly those:
# a run makes a call log (and a Redactor) per landing, all with the same account's secrets,
# and compiling their spellings cost more than redacting a landing's calls.
_SHARED_OWN_LIMIT = 64
_shared_own: OrderedDict[frozenset[str], SecretSet] = OrderedDict()
_shared_own_lock = threading.Lock()


def _own_set(values: frozenset[str]) -> SecretSet:
    """The shared set of exactly `values`, made when first asked for (the least recently
    used are forgotten past `_SHARED_OWN_LIMIT`); never changed once made."""
    with _shared_own_lock:
        found = _shared_own.get(values)
        if found is not None:
            _shared_own.move_to_end(values)
            return found
    made = SecretSet()
    for value in values:
        made.add(value)
    with _shared_own_lock:
        found = _shared_own.setdefault(values, made)
        while len(_shared_own) > _SHARED_OWN_LIMIT:
            _shared_own.popitem(last=False)
    return found


class Redactor:
    """Masks structural credentials, its own secrets and the process's; shareable across
    threads."""

    def __init__(
        self, secrets: Iterable[str] = (), *, shared: SecretSet | None = PROCESS_SECRETS
    ) -> None:
        self._values: frozenset[str] = frozenset()
        self._own = _NO_SECRETS
        self._private = False  # True once `_own` is this Redactor's alone
        self._lock = threading.Lock()
        self._shared = shared
        for secret in secrets:
            self.register(secret)

    def register(self, secret: str | None) -> None:
        """Mask `secret` in this Redactor from now on; values shorter than MIN_SECRET_LENGTH are
        ignored."""
        if not secret:
            return
        with self._lock:
            if secret in self._values:
                return
            self._values |= {secret}
            if self._private:
                self._own.add(secret)  # compiled with the others' matcher left as it is
                return
            if len(self._values) <= _PRIVATE_AFTER:
                self._own = _own_set(self._values)
                return
            private = SecretSet()  # a Redactor collecting many (delivery signatures)
            for value in self._values:
                private.add(value)
            self._own, self._private = private, True

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
        strings: set[str] = set()
        plain_strings_in(data, strings)
        ordered = list(strings)
        return replaced(data, self._registered_each(ordered, _JOIN.join(ordered)))

    def text(self, text: str) -> str:
        """Any free text: messages, non-JSON bodies, header values, log lines, a connector's
        output. Secrets first: a secret may hold the very separators the rules split on."""
        return _structural(self.registered(text))

    def texts(self, texts: Collection[str]) -> dict[str, str]:
        """`text` of each of many strings, worked out in two scans of them all instead of
        two per string (a JSON body holds hundreds of short ones)."""
        ordered = list(texts)
        joined = _JOIN.join(ordered)
        masked = self._registered_each(ordered, joined)
        starts = _starts(ordered)
        hits = {bisect_right(starts, m.start()) - 1 for m in _MAY_HOLD_CREDENTIAL.finditer(joined)}
        # Masking only puts `***` in place of text: it never adds a credential word.
        return {
            text: _structural(masked[text]) if index in hits else masked[text]
            for index, text in enumerate(ordered)
        }

    def _registered_each(self, ordered: list[str], joined: str) -> dict[str, str]:
        """`registered` of each of many strings, in one scan of them all `joined` by `_JOIN`."""
        if len(ordered) < 2 or joined.count(_JOIN) != len(ordered) - 1:  # a string holds it
            return {text: self.registered(text) for text in ordered}
        masked = self.registered(joined)
        shown = ordered if masked is joined else masked.split(_JOIN)
        if len(shown) != len(ordered):  # a secret holding the joiner, masked across two
            return {text: self.registered(text) for text in ordered}
        return dict(zip(ordered, shown, strict=True))

    def value(self, data: Any) -> Any:
        """A decoded JSON value with credential fields and secrets masked (keys included)."""
        strings: set[str] = set()
        _strings_in(data, strings)
        return _rebuilt(data, self.texts(strings))

    def _nothing_to_mask(self, text: str) -> bool:
        """True when no rule could change any part of `text` (a JSON body, or headers joined
        by line breaks), judged on the text as a whole: one scan instead of one per field,
        and most bodies are item names and amounts.

        Sound only without escapes: every key and string then appears in `text` as it
        decodes, so a secret or a credential word in any of them is in `text` too. Names are
        judged with separators removed, as `is_sensitive_key` judges them (`pass_word`),
        and every credential name holds a word of `_MAY_HOLD_CREDENTIAL`.
        """
        return "\\" not in text and self._no_rule_matches(text)

    def _nothing_to_mask_parsed(self, text: str, parsed: Any) -> bool:
        """`_nothing_to_mask` for a JSON body with escapes (a Sales Order's `billAddress`
        holds `\\n`): judged on the text as sent, which `text` masks last, and on its
        keys and strings as they decode, which `value` masks field by field."""
        if not self._no_rule_matches(text):
            return False
        strings: set[str] = set()
        plain_strings_in(parsed, strings)
        return self._no_rule_matches(_JOIN.join(strings))

    def _no_rule_matches(self, text: str) -> bool:
        """No credential word (separators removed) and no registered secret in `text`."""
        if _MAY_HOLD_CREDENTIAL.search(_SEPARATORS.sub("", text)):
            return False
        if self._own.search(text) is not None:
            return False
        return self._shared is None or self._shared.search(text) is None

    def header(self, name: str, value: str | bytes) -> str:
        """One header value, as text; credential headers keep only what helps diagnose a
        failure (the scheme, an OAuth realm and its parameter names)."""
        shown = header_text(value)
        lowered = header_text(name).lower()
        if lowered in _AUTHORIZATION_HEADERS:
            return self.text(_mask_authorization(shown))
        if _credential_header(lowered):
            return MASK
        return self.text(shown)

    def headers(self, headers: Mapping[Any, Any]) -> dict[str, str]:
        """Headers as text (a `bytes` name or value is decoded, never shown as `b'...'`)."""
        shown = {header_text(name): header_text(value) for name, value in headers.items()}
        # Credential headers (every request's Authorization) are masked one by one; the
        # others, judged as a whole first, most often need nothing.
        plain = {name: value for name, value in shown.items() if not _credential_header(name)}
        texts = [*plain, *plain.values()]
        nothing = self._nothing_to_mask("\n".join(texts))
        masked = {text: text for text in texts} if nothing else self.texts(texts)
        return {
            masked[name] if name in plain else self.text(name): (
                masked[value] if name in plain else self.header(name, value)
            )
            for name, value in shown.items()
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
        if stripped[:1] in ("{", "[") and self._nothing_to_mask(stripped):
            return body
        if stripped[:1] in ("{", "["):
            try:
                parsed = json.loads(stripped)
            except ValueError:
                return self.text(body)
            if "\\" in stripped and self._nothing_to_mask_parsed(stripped, parsed):
                return body
            masked = self.value(parsed)
            if masked != parsed:
                body = json.dumps(masked, ensure_ascii=False, separators=(",", ":"))
            return self.text(body)
        if "x-www-form-urlencoded" in content_type.lower():
            return self.form(body)
        return self.text(body)


_NO_SECRETS = SecretSet()
# A Redactor registering more than this many values keeps a set of its own, which compiles
# each new one alone instead of all of them again.
_PRIVATE_AFTER = 4


def _credential_header(name: str) -> bool:
    """An Authorization header, or one whose name says it carries a credential."""
    lowered = name.lower()
    return lowered in _AUTHORIZATION_HEADERS or (
        lowered != "www-authenticate" and _CREDENTIAL_HEADER.search(lowered) is not None
    )


def _structural(text: str) -> str:
    """The structural rules (credential fields, Authorization, Bearer/Basic values, JWTs)."""
    if _MAY_HOLD_CREDENTIAL.search(text) is None:
        return text
    if _FIELD_MARK.search(text) is None:  # a bare word such as `order_key`, or a value alone
        return _JWT.sub(MASK, _SCHEME_VALUE.sub(lambda m: m.group(1) + m.group(2) + MASK, text))
    return _every_rule(text)


# Every rule but the Bearer/Basic value and the JWT needs a name followed by one of these.
_FIELD_MARK = re.compile(r"[:=,<]|%3[dD]")


def _every_rule(text: str) -> str:
    """All the structural rules, in the order they must run (Authorization before its scheme)."""
    text = _QUOTED_AUTHORIZATION.sub(
        lambda m: m["head"] + m["q"] + _mask_authorization(m["value"]) + m["q"], text
    )
    text = _BARE_AUTHORIZATION.sub(lambda m: m["head"] + _mask_authorization(m["value"]), text)
    text = _SCHEME_VALUE.sub(lambda m: m.group(1) + m.group(2) + MASK, text)
    text = _JWT.sub(MASK, text)
    text = _XML_FIELD.sub(lambda m: f"<{m['tag']}{m['attrs'] or ''}>{MASK}</{m['tag']}>", text)
    text = _QUOTED_FIELD.sub(lambda m: m["head"] + m["q"] + MASK + m["q"], text)
    return _BARE_FIELD.sub(lambda m: m["head"] + MASK, text)


# Joins the strings `Redactor.texts` scans together; a string holding it is masked alone.
_JOIN = "\x00"


def _starts(texts: list[str]) -> list[int]:
    """Where each of `texts` starts once they are joined by `_JOIN`."""
    starts, at = [], 0
    for text in texts:
        starts.append(at)
        at += len(text) + len(_JOIN)
    return starts


def _strings_in(data: Any, found: set[str]) -> None:
    """Every string `_rebuilt` will look up: keys, values, `bytes` as text; not what
    credential fields hold, which become `MASK` whatever it is."""
    if isinstance(data, Mapping):
        for key, item in data.items():
            found.add(str(key))
            if not is_sensitive_key(str(key)):
                _strings_in(item, found)
    elif isinstance(data, list | tuple):
        for item in data:
            _strings_in(item, found)
    elif isinstance(data, bytes | bytearray):
        found.add(header_text(data))
    elif isinstance(data, str):
        found.add(data)


def _rebuilt(data: Any, shown: Mapping[str, str]) -> Any:
    """`data` with each string replaced by its masked form and credential fields masked."""
    if isinstance(data, Mapping):
        return {
            shown[str(key)]: MASK if is_sensitive_key(str(key)) else _rebuilt(item, shown)
            for key, item in data.items()
        }
    if isinstance(data, list | tuple):
        return [_rebuilt(item, shown) for item in data]
    if isinstance(data, bytes | bytearray):
        return shown[header_text(data)]
    if isinstance(data, str):
        return shown[data]
    return data


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

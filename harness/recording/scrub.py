"""Scrubbing of credentials from recorded exchanges, and the leak scan of written cassettes.

Cassettes are committed, so nothing that authenticates may reach them: `Authorization` values
(the scheme and, for OAuth, the parameter names stay readable), every `oauth_*` value, Bearer
and Basic credentials, JWTs (client assertions, access tokens), credential-named fields in JSON,
forms and query strings, cookies, SOAP `tokenPassport`s, and every secret the caller or the
process registers (`harness.netsuite.redact`), in every spelling that module knows and in any
letter case. The account id becomes a placeholder (see `account`).

Replay must stay faithful, so only credentials change: ordinary words are never touched
("Basic Widget" stays an item name; a credential after `Basic ` is at least 16 characters).
Every rule is idempotent, which is what the leak scan relies on: a clean cassette is one that
scrubbing would not change.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from harness.netsuite.redact import (
    MIN_SECRET_LENGTH,
    PROCESS_SECRETS,
    SecretSet,
    is_sensitive_key,
    registered_secrets,
)
from harness.recording.account import AccountMapping

SCRUBBED = "SCRUBBED"
_MAX_PASSES = 5

# `"access_token": "value"` in JSON (and JSON-ish text).
_JSON_FIELD = re.compile(
    r'"(?P<key>[A-Za-z][A-Za-z0-9_-]*)"(?P<sep>\s*:\s*)"(?P<value>(?:[^"\\]|\\.)*)"'
)
# `oauth_token="value"` (OAuth header) and `access_token=value` (query strings, form bodies).
_PARAM = re.compile(
    r'(?<![A-Za-z0-9_.-])(?P<key>[A-Za-z][A-Za-z0-9_-]*)=(?P<quote>"?)(?P<value>[^"&\s,;#]*)'
)
# A credential after an auth scheme; 16+ characters so prose ("Basic Widget") is left alone.
_SCHEME_VALUE = re.compile(
    r"\b(?P<scheme>Bearer|Basic)(?P<space>\s+)(?P<value>[A-Za-z0-9\-._~+/]{16,}=*)"
)
# Any three-part JWT: `eyJ` is the base64url of `{"`.
_JWT = re.compile(r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
# SOAP credentials: the whole `tokenPassport` (account, keys, nonce, timestamp, signature) and
# login passwords, so SOAP bodies neither leak nor differ from run to run.
_XML_CREDENTIAL = re.compile(
    r"<(?P<tag>(?:[\w.-]+:)?(?:tokenPassport|password))(?P<attrs>\s[^>]*)?>"
    r"(?P<value>.*?)</(?P=tag)\s*>",
    re.DOTALL,
)
_AUTH_HEADER = re.compile(
    r"\s*(?P<scheme>[A-Za-z][A-Za-z0-9._~+/-]*)(?:\s+(?P<rest>.*))?", re.DOTALL
)
_AUTH_PARAM = re.compile(r'(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*=\s*"(?P<value>[^"]*)"')
# Header names that carry credentials by themselves (X-API-Key, X-Auth-Token, webhook signatures).
_CREDENTIAL_HEADER = re.compile(r"(?i)token|secret|api[-_]?key|signature|password")


def fingerprint_secret(secret: str) -> str:
    """What a report may say about a secret: a short hash and its length, never characters."""
    digest = hashlib.sha256(secret.encode("utf-8")).hexdigest()[:12]
    return f"sha256:{digest} ({len(secret)} chars)"


@dataclass(frozen=True)
class Finding:
    """One credential that scrubbing would still change: what it is (never its value) and
    where it starts in the scanned text."""

    what: str
    offset: int | None = None


class Scrubber:
    """Applies every scrubbing rule to text, headers and vcrpy's interaction dicts."""

    def __init__(
        self, secrets: Iterable[str | None] = (), *, account: AccountMapping | None = None
    ) -> None:
        self.account = account
        self._secrets: list[str] = []
        self._any_secret = SecretSet()
        for secret in secrets:
            if not secret:
                continue  # an unset environment variable: nothing to scrub
            if len(secret) < MIN_SECRET_LENGTH:
                raise ValueError(
                    f"secrets: a registered secret is {len(secret)} characters long; at least "
                    f"{MIN_SECRET_LENGTH} are needed to scrub it without masking ordinary text"
                )
            self._secrets.append(secret)
            self._any_secret.add(secret)
        self._each: dict[str, SecretSet] = {}

    # --- text ----------------------------------------------------------------------------

    def scrub_text(self, text: str) -> str:
        """Every rule, repeated until nothing changes: one rule's placeholder can complete
        another rule's pattern (`Bearer <secret>oauth_nonce=` -> `Bearer SCRUBBEDoauth...`)."""
        for _ in range(_MAX_PASSES):
            scrubbed = self._scrub_once(text)
            if scrubbed == text:
                break
            text = scrubbed
        return text

    def _scrub_once(self, text: str) -> str:
        """Account placeholders first, then credentials, then registered secrets (so nothing a
        rule writes can bring a secret back)."""
        if self.account is not None:
            text = self.account.to_placeholder(text)
        text = _JSON_FIELD.sub(_mask_json_field, text)
        text = _PARAM.sub(_mask_param, text)
        text = _SCHEME_VALUE.sub(_mask_scheme_value, text)
        text = _JWT.sub(SCRUBBED, text)
        text = _XML_CREDENTIAL.sub(_mask_xml_credential, text)
        # The caller's secrets and every secret registered for the process (`register_secret`),
        # in every spelling and letter case.
        text = self._any_secret.mask(text, SCRUBBED)
        return PROCESS_SECRETS.mask(text, SCRUBBED)

    # --- headers -------------------------------------------------------------------------

    def scrub_header(self, name: str, value: str) -> str:
        # Secrets first: a registered secret may contain the very separators (`;`, `=`) the
        # structural rules split on, and would survive split in pieces.
        return self.scrub_text(scrub_header_structure(name, self.scrub_text(value)))

    # --- vcrpy interactions --------------------------------------------------------------

    def scrub_interaction(self, interaction: Mapping[str, Any]) -> dict[str, Any]:
        """One `{"request": ..., "response": ...}` dict as vcrpy serializes it, scrubbed."""
        return map_interaction(interaction, text=self.scrub_text, header=self.scrub_header)

    # --- leak scan -----------------------------------------------------------------------

    def findings(self, text: str) -> list[Finding]:
        """Every credential in `text` that scrubbing would still change."""
        found: list[Finding] = []
        # One scan for all secrets first; only text holding one is scanned secret by secret
        # (to say which): every spelling of each is among the spellings of all.
        if self._any_secret.search(text) is not None or PROCESS_SECRETS.search(text) is not None:
            for secret in dict.fromkeys([*self._secrets, *registered_secrets()]):
                at = self._matcher(secret).search(text)
                if at is not None:
                    found.append(Finding(f"registered secret {fingerprint_secret(secret)}", at))
        for match in _JWT.finditer(text):
            found.append(Finding("JWT-shaped token", match.start()))
        for match in _SCHEME_VALUE.finditer(text):
            if match["value"] != SCRUBBED:
                found.append(Finding(f"{match['scheme']} credential", match.start()))
        for match in _JSON_FIELD.finditer(text):
            if _is_live_value(match["key"], match["value"]):
                found.append(Finding(f"credential field {match['key']!r}", match.start()))
        for match in _PARAM.finditer(text):
            if _is_live_value(match["key"], match["value"]):
                found.append(Finding(f"credential parameter {match['key']!r}", match.start()))
        for match in _XML_CREDENTIAL.finditer(text):
            if match["value"] != SCRUBBED:
                found.append(Finding(f"credential element <{match['tag']}>", match.start()))
        return sorted(found, key=lambda f: f.offset or 0)

    def _matcher(self, secret: str) -> SecretSet:
        if secret not in self._each:
            self._each[secret] = SecretSet()
            self._each[secret].add(secret)
        return self._each[secret]

    def header_findings(self, name: str, value: str) -> list[Finding]:
        found = self.findings(value)
        if not found and scrub_header_structure(name, value) != value:
            found.append(Finding(f"unscrubbed {name} header"))
        return found


def scrub_header_structure(name: str, value: str) -> str:
    """The rules that depend on the header's name (value rules come after)."""
    lowered = name.lower()
    if lowered in ("authorization", "proxy-authorization"):
        return _scrub_authorization(value)
    if lowered == "cookie":
        return ";".join(_mask_cookie(part) for part in value.split(";"))
    if lowered == "set-cookie":
        first, sep, attributes = value.partition(";")
        return _mask_cookie(first) + sep + attributes
    if lowered != "www-authenticate" and _CREDENTIAL_HEADER.search(lowered):
        return SCRUBBED
    return value


def map_interaction(
    interaction: Mapping[str, Any],
    *,
    text: Callable[[str], str],
    header: Callable[[str, str], str] | None = None,
    request: bool = True,
) -> dict[str, Any]:
    """`interaction` with `text` applied to every string that can carry data (URI, headers,
    bodies, status message) and `Content-Length` kept true to the changed bodies."""

    def headers_of(part: Mapping[str, Any]) -> dict[str, list[str]]:
        apply = header or (lambda _name, value: text(value))
        return {
            str(name): [apply(str(name), _text(value)) for value in _values(values)]
            for name, values in dict(part.get("headers") or {}).items()
        }

    def body_of(body: Any) -> Any:
        body = _plain_body(body)
        if isinstance(body, str):
            return text(body)
        if isinstance(body, bytes):
            decoded = body.decode("utf-8", "surrogateescape")
            changed = text(decoded)
            return body if changed == decoded else changed.encode("utf-8", "surrogateescape")
        return body

    out_request = dict(interaction["request"])
    if request:
        out_request["uri"] = text(str(out_request["uri"]))
        out_request["headers"] = headers_of(out_request)
        out_request["body"] = body_of(out_request.get("body"))
        _fix_content_length(out_request["headers"], out_request["body"])
    response = dict(interaction["response"])
    status = dict(response.get("status") or {})
    if isinstance(status.get("message"), str):
        status["message"] = text(status["message"])
    response["status"] = status
    response["headers"] = headers_of(response)
    body = dict(response.get("body") or {})
    body["string"] = body_of(body.get("string"))
    response["body"] = body
    _fix_content_length(response["headers"], body["string"])
    return {**interaction, "request": out_request, "response": response}


# --- helpers -----------------------------------------------------------------------------


def _is_live_value(key: str, value: str) -> bool:
    return is_sensitive_key(key) and value not in ("", SCRUBBED)


def _mask_json_field(match: re.Match[str]) -> str:
    if not _is_live_value(match["key"], match["value"]):
        return match.group(0)
    return f'"{match["key"]}"{match["sep"]}"{SCRUBBED}"'


def _mask_param(match: re.Match[str]) -> str:
    if not _is_live_value(match["key"], match["value"]):
        return match.group(0)
    return f"{match['key']}={match['quote']}{SCRUBBED}"


def _mask_xml_credential(match: re.Match[str]) -> str:
    return f"<{match['tag']}{match['attrs'] or ''}>{SCRUBBED}</{match['tag']}>"


def _mask_scheme_value(match: re.Match[str]) -> str:
    return match["scheme"] + match["space"] + SCRUBBED


def _scrub_authorization(value: str) -> str:
    """`OAuth realm="X", oauth_token="..."` keeps the realm (mapped to the account placeholder)
    and the parameter names; any other scheme keeps only its name."""
    match = _AUTH_HEADER.fullmatch(value)
    if match is None:
        return SCRUBBED
    scheme, rest = match["scheme"], match["rest"]
    if not rest:
        return SCRUBBED  # a bare token, no scheme
    if scheme.lower() != "oauth":
        return f"{scheme} {SCRUBBED}"
    params = [
        f'{m["name"]}="{m["value"] if m["name"].lower() == "realm" else SCRUBBED}"'
        for m in _AUTH_PARAM.finditer(rest)
    ]
    return f"{scheme} " + ", ".join(params) if params else f"{scheme} {SCRUBBED}"


def _mask_cookie(pair: str) -> str:
    name, sep, value = pair.partition("=")
    if not sep or value.strip() in ("", SCRUBBED):
        return pair
    return f"{name}={SCRUBBED}"  # `name` keeps its leading space: `a=1; b=2` stays readable


def _values(values: Any) -> list[Any]:
    return list(values) if isinstance(values, list | tuple) else [values]


def _text(value: Any) -> str:
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("latin-1")
    return str(value)


def _plain_body(body: Any) -> Any:
    """vcrpy keeps file and iterator request bodies as such; the file holds their bytes."""
    if body is None or isinstance(body, str | bytes):
        return body
    if isinstance(body, bytearray):
        return bytes(body)
    if hasattr(body, "getvalue"):
        return bytes(body.getvalue())
    if hasattr(body, "read"):
        return bytes(body.read())
    chunks = list(body)
    if all(isinstance(chunk, str) for chunk in chunks):
        return "".join(chunks)
    return b"".join(c.encode("utf-8") if isinstance(c, str) else bytes(c) for c in chunks)


def _fix_content_length(headers: dict[str, list[str]], body: Any) -> None:
    """A replayed response must not promise more or fewer bytes than its (changed) body."""
    for name in headers:
        if name.lower() == "content-length":
            if isinstance(body, str):
                size = len(body.encode("utf-8", "surrogateescape"))
            elif isinstance(body, bytes):
                size = len(body)
            else:
                size = 0
            headers[name] = [str(size)]

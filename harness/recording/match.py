"""NetSuite-aware request matching for replay, and the explanation of a miss.

Two requests are the same exchange when their method, host (scheme ignored, account mapped to
its placeholder), percent-decoded path, query parameters (in any order) and body (JSON compared
as data, forms as sorted pairs) agree, leaving out what changes on every run: OAuth
nonce/timestamp/signature, tokens, client assertions and every other credential field. Headers
are not compared at all (that is where TBA and Bearer credentials live).

Each request's canonical form (`RequestKey`) is computed once and cached, so matching a request
against a cassette is a comparison of tuples, not a re-parse per recorded interaction.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from vcr.util import read_body

from harness.netsuite.redact import is_sensitive_key
from harness.recording.scrub import Scrubber

BodyKind = Literal["none", "json", "form", "text"]
Pairs = tuple[tuple[str, str], ...]
Matcher = Callable[[Any, Any], bool]

MATCHER = "netsuite"
_KIND_NAMES = {"none": "no body", "json": "JSON", "form": "form data", "text": "text"}
_MAX_SHOWN = 60
_DEFAULT_PORTS = (80, 443)


@dataclass(frozen=True)
class RequestKey:
    """The parts of a request that make it the same exchange; equal keys match."""

    method: str
    host: str
    path: str
    query: Pairs
    body_kind: BodyKind
    body: str
    parsed: Any = field(default=None, compare=False, repr=False)

    def describe(self) -> str:
        query = "?" + urlencode(self.query) if self.query else ""
        return f"{self.method} {self.host}{self.path}{query}"


class RequestCanonicalizer:
    """Computes (and caches, per request object) the `RequestKey` of vcrpy requests."""

    def __init__(self, scrubber: Scrubber) -> None:
        self._scrubber = scrubber
        self._cache: weakref.WeakKeyDictionary[Any, RequestKey] = weakref.WeakKeyDictionary()

    def key(self, request: Any) -> RequestKey:
        try:
            return self._cache[request]
        except KeyError:
            pass
        except TypeError:  # not weak-referenceable: compute every time
            return self._key_of(request)
        key = self._key_of(request)
        self._cache[request] = key
        return key

    def _key_of(self, request: Any) -> RequestKey:
        content_type = str(request.headers.get("Content-Type") or "")
        return self.key_of(request.method, request.uri, read_body(request), content_type)

    def key_of(self, method: str, uri: str, body: Any, content_type: str = "") -> RequestKey:
        # The same scrubbing as the cassette got, so a request and its recording look alike.
        split = urlsplit(self._scrubber.scrub_text(uri))
        host = (split.hostname or "").lower()
        try:
            port = split.port
        except ValueError:
            port = None
        if port is not None and port not in _DEFAULT_PORTS:
            host = f"{host}:{port}"
        query = _stable_pairs(parse_qsl(split.query, keep_blank_values=True))
        kind, text, parsed = self._body(body, content_type)
        return RequestKey(
            method.upper(), host, unquote(split.path) or "/", query, kind, text, parsed
        )

    def _body(self, body: Any, content_type: str) -> tuple[BodyKind, str, Any]:
        if body is None:
            return "none", "", None
        if isinstance(body, bytes | bytearray):
            body = bytes(body).decode("utf-8", "surrogateescape")
        text = self._scrubber.scrub_text(str(body))
        stripped = text.strip()
        if not stripped:
            return "none", "", None
        if stripped[0] in "{[":
            try:
                value = _without_volatile(json.loads(stripped))
            except ValueError:
                pass
            else:
                canonical = json.dumps(value, sort_keys=True, separators=(",", ":"))
                return "json", canonical, value
        if "x-www-form-urlencoded" in content_type.lower():
            pairs = _stable_pairs(parse_qsl(stripped, keep_blank_values=True))
            return "form", urlencode(pairs), pairs
        return "text", text, None


def _stable_pairs(pairs: list[tuple[str, str]]) -> Pairs:
    """Sorted, without the credential fields that change on every run (`oauth_*`, tokens)."""
    return tuple(sorted((k, v) for k, v in pairs if not is_sensitive_key(k)))


def _without_volatile(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_volatile(v) for k, v in value.items() if not is_sensitive_key(k)}
    if isinstance(value, list):
        return [_without_volatile(item) for item in value]
    return value


# --- differences ---------------------------------------------------------------------------


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."


_ABSENT = object()


def _was_now(recorded: Any, current: Any) -> str:
    then = "absent" if recorded is _ABSENT else _shown(recorded)
    now = "absent" if current is _ABSENT else _shown(current)
    return f"recorded {then}, this request {now}"


def _pair_differences(label: str, recorded: Pairs, current: Pairs) -> Iterator[str]:
    def grouped(pairs: Pairs) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for key, value in pairs:
            out.setdefault(key, []).append(value)
        return out

    then, now = grouped(recorded), grouped(current)
    for key in sorted(set(then) | set(now)):
        a, b = then.get(key), now.get(key)
        if a != b:
            shown_a = _ABSENT if a is None else (a[0] if len(a) == 1 else a)
            shown_b = _ABSENT if b is None else (b[0] if len(b) == 1 else b)
            yield f"{label} {key!r}: {_was_now(shown_a, shown_b)}"


def _json_path(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if key.isidentifier() else f"{path}[{json.dumps(key)}]"


def _json_differences(path: str, recorded: Any, current: Any) -> Iterator[str]:
    if isinstance(recorded, dict) and isinstance(current, dict):
        for key in sorted(set(recorded) | set(current)):
            yield from _json_differences(
                _json_path(path, key), recorded.get(key, _ABSENT), current.get(key, _ABSENT)
            )
    elif isinstance(recorded, list) and isinstance(current, list):
        for index in range(max(len(recorded), len(current))):
            yield from _json_differences(
                _json_path(path, index),
                recorded[index] if index < len(recorded) else _ABSENT,
                current[index] if index < len(current) else _ABSENT,
            )
    elif type(recorded) is not type(current) or recorded != current:
        yield f"body {path}: {_was_now(recorded, current)}"


def _text_difference(recorded: str, current: str) -> str:
    at = next(
        (i for i, (a, b) in enumerate(zip(recorded, current, strict=False)) if a != b),
        min(len(recorded), len(current)),
    )
    return (
        f"body: recorded {len(recorded)} characters, this request {len(current)}; first "
        f"difference at character {at}: recorded {_shown(recorded[at : at + 20])}, "
        f"this request {_shown(current[at : at + 20])}"
    )


def differences(recorded: RequestKey, current: RequestKey) -> list[str]:
    """Field by field, how `current` differs from `recorded` (empty when they match)."""
    out: list[str] = []
    for name in ("method", "host", "path"):
        a, b = getattr(recorded, name), getattr(current, name)
        if a != b:
            out.append(f"{name}: {_was_now(a, b)}")
    out.extend(_pair_differences("query", recorded.query, current.query))
    if recorded.body_kind != current.body_kind:
        out.append(
            f"body: recorded {_KIND_NAMES[recorded.body_kind]}, "
            f"this request {_KIND_NAMES[current.body_kind]}"
        )
    elif recorded.body != current.body:
        if recorded.body_kind == "json":
            out.extend(_json_differences("$", recorded.parsed, current.parsed))
        elif recorded.body_kind == "form":
            out.extend(_pair_differences("body field", recorded.parsed, current.parsed))
        else:
            out.append(_text_difference(recorded.body, current.body))
    return out


def distance(recorded: RequestKey, current: RequestKey) -> int:
    """How far apart two requests are, for picking the nearest recording to a miss."""
    score = 8 * (recorded.method != current.method) + 8 * (recorded.host != current.host)
    score += 4 * (recorded.path != current.path)
    if recorded.query != current.query:
        score += sum(1 for _ in _pair_differences("", recorded.query, current.query))
    if recorded.body_kind != current.body_kind:
        score += 4
    elif recorded.body != current.body:
        score += 1 + min(len(differences(recorded, current)), 10)
    return score


# --- vcrpy matchers ------------------------------------------------------------------------


def build_matchers(canonicalizer: RequestCanonicalizer) -> dict[str, Matcher]:
    """vcrpy matchers by name: `netsuite` compares whole keys (fast, used for replay); the
    `netsuite_*` parts raise AssertionError with the differing field, for vcrpy's own report."""

    def netsuite(r1: Any, r2: Any) -> bool:
        return canonicalizer.key(r1) == canonicalizer.key(r2)

    def part(name: str, fields: tuple[str, ...], label: str) -> Matcher:
        def matcher(r1: Any, r2: Any) -> bool:
            current, recorded = canonicalizer.key(r1), canonicalizer.key(r2)
            if any(getattr(current, f) != getattr(recorded, f) for f in fields):
                lines = differences(recorded, current)
                raise AssertionError("; ".join(x for x in lines if x.startswith(label)))
            return True

        matcher.__name__ = matcher.__qualname__ = name
        return matcher

    return {
        MATCHER: netsuite,
        "netsuite_method": part("netsuite_method", ("method",), "method"),
        "netsuite_host": part("netsuite_host", ("host",), "host"),
        "netsuite_path": part("netsuite_path", ("path",), "path"),
        "netsuite_query": part("netsuite_query", ("query",), "query"),
        "netsuite_body": part("netsuite_body", ("body_kind", "body"), "body"),
    }


def register_matchers(vcr_instance: Any, canonicalizer: RequestCanonicalizer) -> None:
    """Register the NetSuite matchers on a `vcr.VCR` under their names."""
    for name, matcher in build_matchers(canonicalizer).items():
        vcr_instance.register_matcher(name, matcher)

"""Registered secrets: every spelling of each, matched in any letter case, fast for many.

A secret is masked raw, JSON-escaped (Python's, PHP's `\\/`, the HTML-safe `\\u003c` of Go
and PHP), percent-encoded (`quote`, `quote_plus`), HTML/XML-escaped, base64 (standard and
URL-safe, padded or not), and the HTML or JSON escaping of each of those. All spellings of all
secrets compile into one trie-shaped pattern, so masking costs about the same for three
secrets as for three hundred. `PROCESS_SECRETS` holds what every output of the process masks.
"""

from __future__ import annotations

import base64
import html
import json
import re
import threading
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, quote_plus

MASK = "***"

# Shorter values would mask ordinary words and digits all over the log and protect nothing.
MIN_SECRET_LENGTH = 6

# Where a text was cut short (`capped`, a report cell): a secret may end there unfinished.
CUT = re.compile(r"\.\.\.\[|…")

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
    """What to register for a value: the value itself, with and without the white space around
    it (either may be printed: `00000\\r\\r` is too short once stripped, whole it is not); for
    PEM key material also each line of its body (a key is printed wrapped, unwrapped or with
    `\\n` escapes), for any other text of several lines each line."""
    text = value.strip()
    if not text:
        return []
    parts = [text, value]
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
            return found + self._cut_spans(lowered) if CUT.search(text) else found
        if self._any_case is None:
            every = self._forms | {form.lower() for form in self._forms}
            self._any_case = re.compile(_trie_pattern(every), re.IGNORECASE)
        return [match.span() for match in self._any_case.finditer(text)]

    def _cut_spans(self, lowered: str) -> list[tuple[int, int]]:
        """The beginnings of secrets that a cut (`...[N more chars]`, `…`) left unfinished."""
        if self._lowered_forms is None:
            self._lowered_forms = sorted({form.lower() for form in self._forms})
        found: list[tuple[int, int]] = []
        for cut in CUT.finditer(lowered):
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

"""SuiteQL queries that differ only in their string literals share one translation.

A connector asks the same questions with different values (`... WHERE email = 'a@b.test'`),
and parsing plus translating costs far more than running the query. So the query text is split
at its string literals into a skeleton; the skeleton is translated once with a unique
placeholder literal in each gap, and every query with that skeleton gets that SQL with a named
parameter in each gap (`:suiteql_literal_N`), bound to its own literals. With each literal
written back in, quoted, that is the SQL a direct translation of the query would give,
character for character; SQLite reads a bound text value as it reads a string literal: neither
has a type affinity, so a comparison converts both alike (https://www.sqlite.org/datatype3.html,
"Type Conversions Prior To Comparison"). Bound, one prepared statement serves every value:
SQLite's statement cache keeps it, where each new literal in the text was a new statement to
prepare, and a role's row scope (scope.py) is rewritten once per template, not per value.

A skeleton is only a template when the placeholders came through untouched: no literal's
value shaped the translation (`Translation.literal_sensitive`: date text, LIKE patterns, format
models, TRUNC units) and each placeholder appears exactly once, as a string literal, in the
SQL. Text the scanner could read differently from the parser (comments, backslashes, literals
with a prefix such as q'[...]' or N'...') is never split: such queries are translated by their
exact text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from harness.sandbox.suiteql.translate import LITERAL_STEM, Translation, literal_parameter

__all__ = ["Skeleton", "Template", "make_template", "split_literals", "with_placeholders"]

# Double-quoted identifiers are matched first so a quote inside one is not a literal's start;
# a literal is scanned without backtracking, as the tokenizer does; a lone quote is unclosed.
_QUOTED = re.compile(r"\"[^\"]*\"|'((?:[^']|'')*+)'|['\"]")
_PLACEHOLDER = re.compile(r"'" + LITERAL_STEM + r"(\d+)'")
# Where the scanner and sqlglot's Oracle tokenizer could disagree about what is a literal.
_UNSURE = ("--", "/*", "\\", LITERAL_STEM)


@dataclass(frozen=True)
class Skeleton:
    """A query split at its string literals: `segments` has one more item than `values`."""

    segments: tuple[str, ...]
    values: tuple[str, ...]  # the literals' contents, `''` already read as `'`


def split_literals(q: str) -> Skeleton | None:
    """The skeleton of `q`, or None when its literals cannot be told apart with certainty."""
    if any(marker in q for marker in _UNSURE):
        return None
    segments: list[str] = []
    values: list[str] = []
    start = 0
    for match in _QUOTED.finditer(q):
        body = match.group(1)
        if body is None:
            if len(match.group(0)) == 1:
                return None  # an unclosed quote: the parser words the error
            continue  # a quoted identifier stays in the skeleton
        opening = match.start()
        if opening and (q[opening - 1].isalnum() or q[opening - 1] in "_$#"):
            return None  # a prefixed literal (q'[..]', N'..', U'..') or a glued token
        segments.append(q[start:opening])
        values.append(body.replace("''", "'"))
        start = match.end()
    segments.append(q[start:])
    return Skeleton(tuple(segments), tuple(values))


def with_placeholders(segments: Sequence[str]) -> str:
    """The skeleton as a query, with a unique placeholder literal in each gap."""
    parts = [segments[0]]
    for index, segment in enumerate(segments[1:]):
        parts.append(f"'{literal_parameter(index)}'")
        parts.append(segment)
    return "".join(parts)


def _gaps(sql: str) -> list[int]:
    """The numbers of the placeholder literals in a translated SQL text, in text order."""
    return [int(number) for number in _PLACEHOLDER.findall(sql)]


def _as_parameters(sql: str) -> str:
    """The translated SQL with each placeholder literal turned into the parameter that holds
    that literal's value."""
    return _PLACEHOLDER.sub(lambda found: ":" + literal_parameter(int(found[1])), sql)


@dataclass(frozen=True)
class Template:
    """The translation of a skeleton, with a parameter where each literal goes."""

    parameterized: Translation

    def bind(self, values: Sequence[str]) -> Translation:
        return replace(self.parameterized, params=tuple(values))


def make_template(translation: Translation, literals: int) -> Template | None:
    """A template from the translation of `with_placeholders(segments)`, or None when some
    literal shaped it or did not come through as one literal in one place."""
    if translation.literal_sensitive:
        return None
    gaps = _gaps(translation.sql)
    if sorted(gaps) != list(range(literals)):
        return None
    if _gaps(translation.page_sql) != gaps or _gaps(translation.count_sql) != gaps:
        return None
    return Template(
        replace(
            translation,
            sql=_as_parameters(translation.sql),
            page_sql=_as_parameters(translation.page_sql),
            count_sql=_as_parameters(translation.count_sql),
        )
    )

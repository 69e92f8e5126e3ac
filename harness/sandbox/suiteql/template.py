"""SuiteQL queries that differ only in their string literals share one translation.

A connector asks the same questions with different values (`... WHERE email = 'a@b.test'`),
and parsing plus translating costs far more than running the query. So the query text is split
at its string literals into a skeleton; the skeleton is translated once with a unique
placeholder literal in each gap, and every query with that skeleton gets the translated SQL
with its own literals quoted into the gaps. The result is the SQL a direct translation of the
query would give, character for character.

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
from dataclasses import dataclass

from harness.sandbox.suiteql.translate import Translation

__all__ = ["Skeleton", "Template", "make_template", "split_literals", "with_placeholders"]

# Double-quoted identifiers are matched first so a quote inside one is not a literal's start;
# a literal is scanned without backtracking, as the tokenizer does; a lone quote is unclosed.
_QUOTED = re.compile(r"\"[^\"]*\"|'((?:[^']|'')*+)'|['\"]")
_PLACEHOLDER_STEM = "suiteql_literal_"
_PLACEHOLDER = re.compile(r"'" + _PLACEHOLDER_STEM + r"(\d+)'")
# Where the scanner and sqlglot's Oracle tokenizer could disagree about what is a literal.
_UNSURE = ("--", "/*", "\\", _PLACEHOLDER_STEM)


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
        parts.append(f"'{_PLACEHOLDER_STEM}{index}'")
        parts.append(segment)
    return "".join(parts)


@dataclass(frozen=True)
class _Split:
    """A translated SQL text cut at the placeholders: texts around `gaps` literal numbers."""

    texts: tuple[str, ...]
    gaps: tuple[int, ...]

    def fill(self, quoted: Sequence[str]) -> str:
        parts = [self.texts[0]]
        for gap, text in zip(self.gaps, self.texts[1:], strict=True):
            parts.append(quoted[gap])
            parts.append(text)
        return "".join(parts)


def _split(sql: str) -> _Split:
    pieces = _PLACEHOLDER.split(sql)
    return _Split(tuple(pieces[0::2]), tuple(int(number) for number in pieces[1::2]))


@dataclass(frozen=True)
class Template:
    """The translation of a skeleton, ready to take any literals in its gaps."""

    shape: Translation  # columns and tables hold for every filling
    sql: _Split
    page_sql: _Split
    count_sql: _Split

    def bind(self, values: Sequence[str]) -> Translation:
        # SQLite reads a string literal exactly as sqlglot writes one: quotes doubled.
        quoted = ["'" + value.replace("'", "''") + "'" for value in values]
        shape = self.shape
        return Translation(
            sql=self.sql.fill(quoted),
            page_sql=self.page_sql.fill(quoted),
            count_sql=self.count_sql.fill(quoted),
            columns=shape.columns,
            tables=shape.tables,
        )


def make_template(translation: Translation, literals: int) -> Template | None:
    """A template from the translation of `with_placeholders(segments)`, or None when some
    literal shaped it or did not come through as one literal in one place."""
    if translation.literal_sensitive:
        return None
    sql = _split(translation.sql)
    if sorted(sql.gaps) != list(range(literals)):
        return None
    page_sql, count_sql = _split(translation.page_sql), _split(translation.count_sql)
    if page_sql.gaps != sql.gaps or count_sql.gaps != sql.gaps:
        return None
    return Template(translation, sql, page_sql, count_sql)

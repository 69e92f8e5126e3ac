"""The `q` filter of record collections, compiled to a parameterised SQL condition.

Grammar (Oracle's "Record Collection Filtering"): `<field> <OPERATOR> [<value>]`, joined by
AND / OR (AND binds tighter), grouped with parentheses. Values are bare words, "quoted
strings", numbers, or `[a, b]` lists. The operators depend on the field's type; every
operator also has a `_NOT` form. Dates use the account's date format (N/query style).

A filter is bounded (conditions, values, nesting) so that no `q` reaches SQLite's own limits
(an expression tree 1,000 deep, 32,766 parameters) or the parser's recursion: past a bound
the answer is a 400 that names it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from harness.sandbox.resterror import RestError
from harness.sandbox.store.fields import FieldDef, Kind
from harness.sandbox.store.recordtypes import RecordType

_TOKEN = re.compile(
    r"\s*(?:(?P<open>\()|(?P<close>\))|(?P<lbr>\[)|(?P<rbr>\])|(?P<comma>,)"
    r'|"(?P<quoted>(?:[^"\\]|\\.)*)"|(?P<word>[^\s()\[\],"]+))'
)

_TEXT_OPS = {"IS", "CONTAIN", "START_WITH", "END_WITH", "EMPTY"}
_NUMBER_OPS = {
    "EQUAL",
    "GREATER",
    "GREATER_OR_EQUAL",
    "LESS",
    "LESS_OR_EQUAL",
    "BETWEEN",
    "ANY_OF",
    "WITHIN",
    "EMPTY",
}
_DATE_OPS = {"ON", "AFTER", "BEFORE", "ON_OR_AFTER", "ON_OR_BEFORE", "WITHIN", "EMPTY"}
_BOOL_OPS = {"IS"}
_OPS_BY_KIND = {
    Kind.TEXT: _TEXT_OPS,
    Kind.ENUM: _TEXT_OPS | {"ANY_OF"},
    Kind.INTEGER: _NUMBER_OPS,
    Kind.FLOAT: _NUMBER_OPS,
    Kind.MONEY: _NUMBER_OPS,
    Kind.PERCENT: _NUMBER_OPS,
    Kind.REF: _NUMBER_OPS,
    Kind.MULTIREF: {"ANY_OF", "EMPTY"},
    Kind.DATE: _DATE_OPS,
    Kind.DATETIME: _DATE_OPS,
    Kind.BOOLEAN: _BOOL_OPS,
}
_COMPARE = {
    "EQUAL": "=",
    "GREATER": ">",
    "GREATER_OR_EQUAL": ">=",
    "LESS": "<",
    "LESS_OR_EQUAL": "<=",
    "ON": "=",
    "AFTER": ">",
    "BEFORE": "<",
    "ON_OR_AFTER": ">=",
    "ON_OR_BEFORE": "<=",
}
_DATE_PATTERNS = {
    "MM/DD/YYYY": re.compile(r"^(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})$"),
    "DD/MM/YYYY": re.compile(r"^(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})$"),
    "YYYY-MM-DD": re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"),
}

_ID_FIELD = FieldDef("id", "id", Kind.INTEGER, "Internal ID")

# INFERRED: NetSuite publishes no limits for `q`; these are far above any real filter (a
# connector's lookup has one to a few conditions) and below what SQLite and Python refuse.
MAX_CONDITIONS = 200
MAX_VALUES = 1000
MAX_NESTING = 32


def _over_limit(what: str, limit: int) -> RestError:
    return _invalid(f"The query has more than {limit} {what}; split it into several requests.")


def _invalid(detail: str = "") -> RestError:
    text = "Invalid search query. Provide a valid search query."
    if detail:
        text = f"Invalid search query. Detailed unprocessed description follows. {detail}"
    return RestError.one(400, "INVALID_PARAMETER", text, query_param="q")


@dataclass
class _Token:
    kind: str
    text: str


def _tokens(q: str) -> list[_Token]:
    out: list[_Token] = []
    position = 0
    while position < len(q):
        if q[position:].strip() == "":
            break
        match = _TOKEN.match(q, position)
        if match is None or match.end() == position:
            raise _invalid()
        kind = match.lastgroup or "word"
        text = match.group(kind)
        if kind == "quoted":
            text = re.sub(r"\\(.)", r"\1", text)
        out.append(_Token(kind, text))
        position = match.end()
    return out


class _Parser:
    def __init__(self, q: str, rtype: RecordType, date_format: str) -> None:
        self.tokens = _tokens(q)
        self.at = 0
        self.rtype = rtype
        self.date_format = date_format
        self.args: list[Any] = []
        self.conditions = 0
        self.nesting = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.peek()
        if token is None:
            raise _invalid()
        self.at += 1
        return token

    def keyword(self, word: str) -> bool:
        token = self.peek()
        if token is not None and token.kind == "word" and token.text.upper() == word:
            self.at += 1
            return True
        return False

    def parse(self) -> str:
        sql = self.disjunction()
        if self.peek() is not None:
            raise _invalid()
        return sql

    def disjunction(self) -> str:
        parts = [self.conjunction()]
        while self.keyword("OR"):
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"

    def conjunction(self) -> str:
        parts = [self.term()]
        while self.keyword("AND"):
            parts.append(self.term())
        return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"

    def term(self) -> str:
        token = self.peek()
        if token is not None and token.kind == "open":
            self.take()
            self.nesting += 1
            if self.nesting > MAX_NESTING:
                raise _over_limit("levels of nested parentheses", MAX_NESTING)
            sql = self.disjunction()
            if self.take().kind != "close":
                raise _invalid()
            self.nesting -= 1
            return f"({sql})"
        self.conditions += 1
        if self.conditions > MAX_CONDITIONS:
            raise _over_limit("conditions", MAX_CONDITIONS)
        sql = self.condition()
        if len(self.args) > MAX_VALUES:
            raise _over_limit("values", MAX_VALUES)
        return sql

    def condition(self) -> str:
        name = self.take()
        if name.kind != "word":
            raise _invalid()
        fd = _ID_FIELD if name.text.lower() == "id" else self.rtype.body_field(name.text)
        if fd is None:
            raise RestError.one(
                400,
                "NONEXISTENT_FIELD",
                f"Invalid search query. Detailed unprocessed description follows. Field "
                f"'{name.text}' for record type '{self.rtype.name}' was not found.",
                query_param="q",
            )
        operator = self.take().text.upper()
        negate = operator.endswith("_NOT")
        base = operator[:-4] if negate else operator
        if base not in _OPS_BY_KIND.get(fd.kind, set()):
            raise _invalid(f"Operator {operator} is not valid for the field {fd.name}.")
        column = self.column(fd)
        sql = self.compile(fd, column, base)
        return f"NOT ({sql})" if negate else sql

    def column(self, fd: FieldDef) -> str:
        if fd.expr:
            return fd.expr
        alias = "ml" if fd.on_mainline else "t"
        return f'{alias}."{fd.column}"'

    def value(self) -> str:
        token = self.take()
        if token.kind not in ("word", "quoted"):
            raise _invalid()
        return token.text

    def values(self) -> list[str]:
        token = self.peek()
        if token is None or token.kind != "lbr":
            return [self.value()]
        self.take()
        items = [self.value()]
        while True:
            token = self.take()
            if token.kind == "rbr":
                return items
            if token.kind != "comma":
                raise _invalid()
            items.append(self.value())
            if len(self.args) + len(items) > MAX_VALUES:
                raise _over_limit("values", MAX_VALUES)

    def compile(self, fd: FieldDef, column: str, op: str) -> str:
        if op == "EMPTY":
            return f"({column} IS NULL OR {column} = '')"
        kind = fd.kind
        if kind is Kind.BOOLEAN:
            text = self.value().lower()
            if text not in ("true", "false", "t", "f"):
                raise _invalid(f"Invalid boolean value: {text}.")
            self.args.append("T" if text in ("true", "t") else "F")
            return f"{column} = ?"
        if kind in (Kind.TEXT, Kind.ENUM):
            return self.text(column, op)
        if kind in (Kind.DATE, Kind.DATETIME):
            return self.dates(fd, column, op)
        return self.numbers(fd, column, op)

    def text(self, column: str, op: str) -> str:
        if op == "ANY_OF":
            items = self.values()
            self.args.extend(items)
            return f"{column} COLLATE NOCASE IN ({', '.join('?' * len(items))})"
        value = self.value()
        # INFERRED: text filters compare case-insensitively, as NetSuite searches do.
        if op == "IS":
            self.args.append(value)
            return f"{column} = ? COLLATE NOCASE"
        pattern = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = {
            "CONTAIN": f"%{pattern}%",
            "START_WITH": f"{pattern}%",
            "END_WITH": f"%{pattern}",
        }[op]
        self.args.append(pattern)
        return f"{column} LIKE ? ESCAPE '\\'"

    def number(self, fd: FieldDef, text: str) -> float:
        try:
            number = float(text)
        except ValueError:
            raise _invalid(f"Invalid number: {text[:40]}.") from None
        if not math.isfinite(number):  # "1e999", "inf", "nan": no number a field holds
            raise _invalid(f"Invalid number: {text[:40]}.")
        return number

    def numbers(self, fd: FieldDef, column: str, op: str) -> str:
        if op in _COMPARE:
            self.args.append(self.number(fd, self.value()))
            return f"{column} {_COMPARE[op]} ?"
        items = self.values()
        if op == "ANY_OF":
            if fd.kind is Kind.MULTIREF:
                clauses = []
                for item in items:
                    self.args.append(str(int(self.number(fd, item))))
                    clauses.append(f"(', ' || {column} || ', ') LIKE '%, ' || ? || ', %'")
                return "(" + " OR ".join(clauses) + ")"
            self.args.extend(self.number(fd, item) for item in items)
            return f"{column} IN ({', '.join('?' * len(items))})"
        if len(items) != 2:
            raise _invalid(f"{op} needs two values: [low, high].")
        low, high = sorted(self.number(fd, item) for item in items)
        self.args += [low, high]
        return f"{column} BETWEEN ? AND ?"

    def day(self, text: str) -> date:
        match = _DATE_PATTERNS[self.date_format].match(text.strip())
        try:
            if match is None:
                raise ValueError
            return date(int(match["y"]), int(match["m"]), int(match["d"]))
        except ValueError:
            raise RestError.one(
                400, "INVALID_PARAMETER", f'Unparseable date: "{text}"', query_param="q"
            ) from None

    def dates(self, fd: FieldDef, column: str, op: str) -> str:
        if op == "WITHIN":
            items = self.values()
            if len(items) != 2:
                raise _invalid("WITHIN needs two dates: [from, to].")
            low, high = sorted(self.day(item) for item in items)
            self.args += [low.isoformat(), high.isoformat()]
            return f"substr({column}, 1, 10) BETWEEN ? AND ?"
        day = self.day(self.value())
        self.args.append(day.isoformat())
        # INFERRED: timestamps compare by their UTC calendar day.
        target = f"substr({column}, 1, 10)" if fd.kind is Kind.DATETIME else column
        return f"{target} {_COMPARE[op]} ?"


def compile_filter(q: str, rtype: RecordType, date_format: str) -> tuple[str, list[Any]]:
    """`q` as an SQL condition over aliases `t` (and `ml`), with its parameters."""
    parser = _Parser(q, rtype, date_format)
    sql = parser.parse()
    return sql, parser.args

"""SQL functions SQLite lacks but SuiteQL (Oracle) has, registered on the store's connection.

The translation emits calls to these names; each is deterministic, so SQLite evaluates calls
with constant arguments once per statement. Where Oracle refuses to compute a value (division
by zero, a number read from text that is not one) the function fails the statement through
`fail`, and the engine reports the reason: SQLite itself only says that a function raised.
"""

from __future__ import annotations

import math
import re
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from decimal import Decimal
from functools import lru_cache, partial
from typing import NoReturn

from harness.sandbox.suiteql.dates import compile_format, parse_stored, to_stored

TO_CHAR = "suiteql_to_char"
TO_DATE = "suiteql_to_date"
ADD_DAYS = "suiteql_add_days"
DAYS_BETWEEN = "suiteql_days_between"
LIKE = "suiteql_like"
SYSDATE = "suiteql_sysdate"
DIVIDE = "suiteql_divide"
TO_NUMBER = "suiteql_to_number"
REGISTERED = (TO_CHAR, TO_DATE, ADD_DAYS, DAYS_BETWEEN, LIKE, SYSDATE, DIVIDE, TO_NUMBER)

_Value = str | int | float | bytes | None
# What Oracle's TO_NUMBER reads without a format model: an optionally signed decimal.
_NUMBER = re.compile(r"\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*")
_INTEGER = re.compile(r"\s*[+-]?\d+\s*")


class _Failure(threading.local):
    """The reason a function stopped the statement running in this thread."""

    reason: str | None = None


_FAILURE = _Failure()


def fail(reason: str) -> NoReturn:
    _FAILURE.reason = reason
    raise ValueError(reason)


def take_failure() -> str | None:
    """The reason the last statement in this thread failed in a function, once."""
    reason, _FAILURE.reason = _FAILURE.reason, None
    return reason


def number_text(value: int | float) -> str:
    """A number as NetSuite prints it: `3`, `49.5`, never `3.0` or binary noise like
    `0.30000000000000004` (Oracle numbers are decimal; 15 significant digits is what a
    double holds exactly)."""
    if isinstance(value, int):
        return str(value)
    text = format(Decimal(f"{value:.15g}"), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def to_char(value: _Value, model: str | None, zone: tzinfo | None = None) -> str | None:
    """TO_CHAR: dates through the format model (stored UTC timestamps seen in the account's
    time zone), numbers as NetSuite prints them."""
    if value is None:
        return None
    if isinstance(value, int | float):
        return number_text(value)
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
    moment = parse_stored(text) if model is not None else None
    if model is None or moment is None:
        return text
    if moment.tzinfo is not None and zone is not None:
        moment = moment.astimezone(zone)
    try:
        form = compile_format(model)
    except ValueError as error:
        fail(f"Invalid date format: {error}.")
    return form.render(moment)


def to_date(value: _Value, model: str) -> str | None:
    """TO_DATE: the text read with the model, stored as ISO (a date, or date and time)."""
    if value is None:
        return None
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    try:
        form = compile_format(model)
        return to_stored(form.parse(text), with_time=form.has_time)
    except ValueError as error:
        fail(f"Invalid date value: {error}.")


def to_number(value: _Value) -> int | float | None:
    """TO_NUMBER, and CAST to a number: text that is not a number is an error in Oracle
    (ORA-01722), where SQLite would read `'abc'` as 0 and `'12abc'` as 12."""
    if value is None or isinstance(value, int | float):
        return value
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
    if text == "":
        return None  # Oracle's empty string is NULL
    if _INTEGER.fullmatch(text) and len(text.strip()) <= 18:
        return int(text)  # within SQLite's 64-bit integers
    if _NUMBER.fullmatch(text):
        number = float(text)
        if math.isinf(number):
            fail(f"Numeric overflow: {text.strip()[:40]} is too large for a number (ORA-01426).")
        return number
    shown = text if len(text) <= 40 else text[:40] + "..."
    fail(f"Invalid number: '{shown}' cannot be read as a number (ORA-01722).")


def divide(dividend: _Value, divisor: _Value) -> float | None:
    """Oracle's `/`: exact division (7 / 2 is 3.5), and dividing by zero is an error
    (ORA-01476) where SQLite answers NULL."""
    numerator, denominator = to_number(dividend), to_number(divisor)
    if numerator is None or denominator is None:
        return None
    if denominator == 0:
        fail("Division by zero: the divisor is equal to zero (ORA-01476).")
    return numerator / denominator


def add_days(value: _Value, days: _Value) -> str | None:
    """Oracle date arithmetic: `date + n` is n days later (n may be fractional)."""
    if value is None or days is None or isinstance(value, bytes | int | float):
        return None
    moment = parse_stored(value)
    if moment is None or isinstance(days, bytes | str):
        return None
    return to_stored(moment + timedelta(days=days), with_time=len(value) > 10)


def days_between(later: _Value, earlier: _Value) -> float | None:
    """Oracle date arithmetic: `date - date` is the number of days between them."""
    if not isinstance(later, str) or not isinstance(earlier, str):
        return None
    first, second = parse_stored(later), parse_stored(earlier)
    if first is None or second is None:
        return None
    return (first.replace(tzinfo=None) - second.replace(tzinfo=None)).total_seconds() / 86400


@dataclass(frozen=True)
class LikePattern:
    """An Oracle LIKE pattern, matched without backtracking: the pattern is cut at each `%`
    into pieces of fixed length (characters and `_`), and each piece is found leftmost after
    the one before, which is right for such pieces and takes time linear in the pieces times
    the text. (A regular expression with one `.*` per `%` takes time exponential in the
    number of `%` on a text that almost matches, holding the interpreter all along.)"""

    pieces: tuple[re.Pattern[str], ...]  # one more than the `%` in the pattern
    last_length: int  # characters the last piece matches

    def matches(self, text: str) -> bool:
        first, *middle = self.pieces
        if not middle:
            return first.fullmatch(text) is not None
        found = first.match(text)
        if found is None:
            return False
        position = found.end()
        for piece in middle[:-1]:
            found = piece.search(text, position)
            if found is None:
                return False
            position = found.end()
        start = len(text) - self.last_length
        return start >= position and middle[-1].fullmatch(text, start) is not None


@lru_cache(maxsize=256)
def like_pattern(pattern: str, escape: str | None) -> LikePattern:
    """An Oracle LIKE pattern, case-sensitive, ready to match."""
    pieces: list[list[str]] = [[]]
    lengths = [0]
    characters = iter(pattern)
    for character in characters:
        if escape is not None and character == escape:
            pieces[-1].append(re.escape(next(characters, "")))
        elif character == "%":
            pieces.append([])
            lengths.append(0)
            continue
        elif character == "_":
            pieces[-1].append(".")
        else:
            pieces[-1].append(re.escape(character))
        lengths[-1] += 1
    compiled = tuple(re.compile("".join(piece), re.DOTALL) for piece in pieces)
    return LikePattern(compiled, lengths[-1])


def like(value: _Value, pattern: _Value, escape: _Value) -> int | None:
    """LIKE for patterns only known per row (a literal pattern becomes GLOB instead)."""
    if value is None or pattern is None:
        return None
    subject = value if isinstance(value, str) else to_char(value, None)
    escape_text = escape if isinstance(escape, str) else None
    return int(like_pattern(str(pattern), escape_text).matches(subject or ""))


def sysdate(clock: Callable[[], datetime], zone: tzinfo) -> str:
    """SYSDATE: the store's clock, as wall time in the account's time zone."""
    return to_stored(clock().astimezone(zone).replace(tzinfo=None), with_time=True)


def register(conn: sqlite3.Connection, *, zone: tzinfo, clock: Callable[[], datetime]) -> None:
    conn.create_function(TO_CHAR, 2, partial(to_char, zone=zone), deterministic=True)
    conn.create_function(TO_DATE, 2, to_date, deterministic=True)
    conn.create_function(ADD_DAYS, 2, add_days, deterministic=True)
    conn.create_function(DAYS_BETWEEN, 2, days_between, deterministic=True)
    conn.create_function(LIKE, 3, like, deterministic=True)
    conn.create_function(SYSDATE, 0, partial(sysdate, clock, zone))
    conn.create_function(DIVIDE, 2, divide, deterministic=True)
    conn.create_function(TO_NUMBER, 1, to_number, deterministic=True)

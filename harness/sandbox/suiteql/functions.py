"""SQL functions SQLite lacks but SuiteQL (Oracle) has, registered on the store's connection.

The translation emits calls to these names; each is deterministic, so SQLite evaluates calls
with constant arguments once per statement.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo
from decimal import Decimal
from functools import lru_cache, partial

from harness.sandbox.suiteql.dates import compile_format, parse_stored, to_stored

TO_CHAR = "suiteql_to_char"
TO_DATE = "suiteql_to_date"
ADD_DAYS = "suiteql_add_days"
DAYS_BETWEEN = "suiteql_days_between"
LIKE = "suiteql_like"
SYSDATE = "suiteql_sysdate"

_Value = str | int | float | bytes | None


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
    text = value.decode() if isinstance(value, bytes) else value
    moment = parse_stored(text) if model is not None else None
    if model is None or moment is None:
        return text
    if moment.tzinfo is not None and zone is not None:
        moment = moment.astimezone(zone)
    return compile_format(model).render(moment)


def to_date(value: _Value, model: str) -> str | None:
    """TO_DATE: the text read with the model, stored as ISO (a date, or date and time)."""
    if value is None:
        return None
    text = value.decode() if isinstance(value, bytes) else str(value)
    form = compile_format(model)
    return to_stored(form.parse(text), with_time=form.has_time)


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


@lru_cache(maxsize=256)
def like_pattern(pattern: str, escape: str | None) -> re.Pattern[str]:
    """An Oracle LIKE pattern as a case-sensitive regular expression."""
    parts: list[str] = []
    characters = iter(pattern)
    for character in characters:
        if escape is not None and character == escape:
            parts.append(re.escape(next(characters, "")))
        elif character == "%":
            parts.append(".*")
        elif character == "_":
            parts.append(".")
        else:
            parts.append(re.escape(character))
    return re.compile("".join(parts), re.DOTALL)


def like(value: _Value, pattern: _Value, escape: _Value) -> int | None:
    """LIKE for patterns only known per row (a literal pattern becomes GLOB instead)."""
    if value is None or pattern is None:
        return None
    subject = value if isinstance(value, str) else to_char(value, None)
    escape_text = escape if isinstance(escape, str) else None
    return int(like_pattern(str(pattern), escape_text).fullmatch(subject or "") is not None)


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

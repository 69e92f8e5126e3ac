"""Query arguments read as WordPress' REST server reads them, and refused as it refuses them.

PHP builds the arguments from the query string: a repeated name keeps its last value, `name[]`
collects a list. Each argument is then checked against its schema (type, bounds, enum, format)
before the endpoint runs; every bad one is reported at once in a `rest_invalid_param` error,
with WordPress' own sentences (`per_page must be between 1 (inclusive) and 100 (inclusive)`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl

from harness.woostore.errors import invalid_params

Query = Mapping[str, "str | list[str]"]

# `rest_parse_date`'s pattern (wp-includes/rest-api.php).
_DATE = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}(?::?\d{2})?)?$"
)
_INTEGER = re.compile(r"^[+-]?\d+(?:\.0*)?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_LIST_SPLIT = re.compile(r"[\s,]+")


def php_query(text: str) -> dict[str, str | list[str]]:
    """A query string as PHP's `$_GET`: last value wins, `name[]` / `name[0]` make a list."""
    query: dict[str, str | list[str]] = {}
    for name, value in parse_qsl(text, keep_blank_values=True):
        base, bracket, _ = name.partition("[")
        if bracket and base:
            previous = query.get(base)
            query[base] = [*(previous if isinstance(previous, list) else []), value]
        else:
            query[name] = value
    return query


def parse_list(value: str | list[str]) -> list[str]:
    """`wp_parse_list`: a list as given, or a string split on commas and spaces."""
    if isinstance(value, list):
        return [item for item in value if item != ""]
    return [item for item in _LIST_SPLIT.split(value) if item]


def absint(text: str) -> int:
    """PHP's `absint`: the leading integer of the text, made positive; 0 when there is none."""
    match = re.match(r"\s*[+-]?(\d+)", text)
    return int(match.group(1)) if match else 0


def site_time(text: str, utc_offset: timedelta, *, as_gmt: bool) -> datetime | None:
    """A date argument as the naive site-local (or GMT) time it is compared with.

    INFERRED: a date with an offset is moved to the clock it is compared against; a date
    without one is read on that clock, as WordPress' date query takes it.
    """
    match = _DATE.match(text)
    if not match:
        return None
    try:
        moment = datetime.fromisoformat(f"{match.group(1)}T{match.group(2)}")
    except ValueError:
        return None
    zone = match.group(3)
    if zone is None:
        return moment
    aware = datetime.fromisoformat(f"{match.group(1)}T{match.group(2)}{_iso_zone(zone)}")
    gmt = aware.astimezone(UTC).replace(tzinfo=None)
    return gmt if as_gmt else gmt + utc_offset


def _iso_zone(zone: str) -> str:
    if zone == "Z":
        return "+00:00"
    digits = zone[1:].replace(":", "")
    return f"{zone[0]}{digits[:2]}:{digits[2:] or '00'}"


class Params:
    """The arguments of one request; each reader records a problem instead of raising, and
    `check()` raises them all together."""

    def __init__(self, query: Query) -> None:
        self.query = query
        self.problems: dict[str, tuple[str, str]] = {}

    def _one(self, name: str) -> str | None:
        value = self.query.get(name)
        if isinstance(value, list):
            return value[-1] if value else None
        return value

    def _refuse(self, name: str, code: str, message: str) -> None:
        self.problems.setdefault(name, (code, message))

    def text(self, name: str, default: str | None = None) -> str | None:
        value = self._one(name)
        return default if value is None else value.strip()

    def integer(
        self,
        name: str,
        default: int | None = None,
        *,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int | None:
        value = self._one(name)
        if value is None:
            return default
        if not _INTEGER.match(value.strip()):
            self._refuse(name, "rest_invalid_type", f"{name} is not of type integer.")
            return default
        number = int(float(value))
        if minimum is not None and maximum is not None and not minimum <= number <= maximum:
            self._refuse(
                name,
                "rest_out_of_bounds",
                f"{name} must be between {minimum} (inclusive) and {maximum} (inclusive)",
            )
            return default
        if minimum is not None and number < minimum:
            message = f"{name} must be greater than or equal to {minimum}"
            self._refuse(name, "rest_out_of_bounds", message)
            return default
        return number

    def boolean(self, name: str, default: bool = False) -> bool:
        value = self._one(name)
        if value is None:
            return default
        lowered = value.strip().lower()
        if lowered not in ("true", "false", "1", "0"):
            self._refuse(name, "rest_invalid_type", f"{name} is not of type boolean.")
            return default
        return lowered in ("true", "1")

    def choice(self, name: str, choices: Sequence[str], default: str) -> str:
        value = self._one(name)
        if value is None:
            return default
        if value not in choices:
            message = f"{name} is not one of {', '.join(choices)}."
            self._refuse(name, "rest_not_in_enum", message)
            return default
        return value

    def choices(self, name: str, choices: Sequence[str], default: Sequence[str]) -> list[str]:
        value = self.query.get(name)
        if value is None:
            return list(default)
        items = parse_list(value)
        for index, item in enumerate(items):
            if item not in choices:
                message = f"{name}[{index}] is not one of {', '.join(choices)}."
                self._refuse(name, "rest_not_in_enum", message)
                return list(default)
        return items

    def words(self, name: str) -> list[str] | None:
        value = self.query.get(name)
        return None if value is None else parse_list(value)

    def ids(self, name: str) -> list[int]:
        """`wp_parse_id_list`: never refused; what is not a number counts as 0."""
        value = self.query.get(name)
        if value is None:
            return []
        return list(dict.fromkeys(absint(item) for item in parse_list(value)))

    def date(self, name: str, utc_offset: timedelta, *, as_gmt: bool) -> datetime | None:
        value = self._one(name)
        if value is None:
            return None
        moment = site_time(value.strip(), utc_offset, as_gmt=as_gmt)
        if moment is None:
            self._refuse(name, "rest_invalid_date", "Invalid date.")
        return moment

    def email(self, name: str) -> str | None:
        value = self._one(name)
        if value is None:
            return None
        if not _EMAIL.match(value.strip()):
            self._refuse(name, "rest_invalid_email", "Invalid email address.")
            return None
        return value.strip()

    def check(self) -> None:
        if self.problems:
            raise invalid_params(self.problems)


def ascii_digits(text: str) -> bool:
    """Digits 0-9 only: `str.isdigit` also takes `²` and other digits `int()` refuses."""
    return text.isascii() and text.isdigit()

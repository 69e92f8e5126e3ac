"""Oracle-style date format models (`MM/DD/YYYY`, `YYYY-MM-DD HH24:MI:SS`) for SuiteQL.

SuiteQL speaks Oracle date formats in `TO_DATE`/`TO_CHAR` and shows dates in the account's
date format, while the sandbox store keeps ISO strings. This module converts between the two.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

_Renderer = Callable[[datetime, bool, str], str]


def _pad(value: int, width: int, fill: bool) -> str:
    """Oracle pads numbers with zeros unless fill mode (FM) is on."""
    return str(value) if fill else str(value).zfill(width)


def _hour12(value: datetime) -> int:
    return (value.hour % 12) or 12


def _cased(text: str, token: str) -> str:
    """Oracle echoes the case of the element: MON -> JAN, Mon -> Jan, mon -> jan."""
    if token.isupper():
        return text.upper()
    if token[0].isupper():
        return text.capitalize()
    return text.lower()


# element -> (strptime directive, renderer); longest elements first so `MONTH` beats `MON`.
_ELEMENTS: dict[str, tuple[str, _Renderer]] = {
    "YYYY": ("%Y", lambda dt, fill, _w: _pad(dt.year, 4, fill)),
    "HH24": ("%H", lambda dt, fill, _w: _pad(dt.hour, 2, fill)),
    "HH12": ("%I", lambda dt, fill, _w: _pad(_hour12(dt), 2, fill)),
    "MONTH": ("%B", lambda dt, _f, written: _cased(dt.strftime("%B"), written)),
    "DAY": ("%A", lambda dt, _f, written: _cased(dt.strftime("%A"), written)),
    "DDD": ("%j", lambda dt, fill, _w: _pad(dt.timetuple().tm_yday, 3, fill)),
    "MON": ("%b", lambda dt, _f, written: _cased(dt.strftime("%b"), written)),
    "YY": ("%y", lambda dt, fill, _w: _pad(dt.year % 100, 2, fill)),
    "MM": ("%m", lambda dt, fill, _w: _pad(dt.month, 2, fill)),
    "DD": ("%d", lambda dt, fill, _w: _pad(dt.day, 2, fill)),
    "DY": ("%a", lambda dt, _f, written: _cased(dt.strftime("%a"), written)),
    "HH": ("%I", lambda dt, fill, _w: _pad(_hour12(dt), 2, fill)),
    "MI": ("%M", lambda dt, fill, _w: _pad(dt.minute, 2, fill)),
    "SS": ("%S", lambda dt, fill, _w: _pad(dt.second, 2, fill)),
    "AM": ("%p", lambda dt, _f, written: _cased("AM" if dt.hour < 12 else "PM", written)),
    "PM": ("%p", lambda dt, _f, written: _cased("AM" if dt.hour < 12 else "PM", written)),
}
_TIME_ELEMENTS = {"HH24", "HH12", "HH", "MI", "SS", "AM", "PM"}
_ELEMENT_PATTERN = re.compile(
    "|".join([r'"[^"]*"', "FM", *_ELEMENTS, r"[^A-Za-z\"]"]), re.IGNORECASE
)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class _Piece:
    element: str | None  # upper-case element name, or None for literal text
    text: str  # the element as written (for case), or the literal text
    fill: bool  # FM was in force: no zero padding


@dataclass(frozen=True)
class DateFormat:
    """A compiled format model: renders datetimes and parses strings."""

    model: str
    pieces: tuple[_Piece, ...]
    has_time: bool

    def render(self, value: datetime) -> str:
        parts = []
        for piece in self.pieces:
            if piece.element is None:
                parts.append(piece.text)
            else:
                parts.append(_ELEMENTS[piece.element][1](value, piece.fill, piece.text))
        return "".join(parts)

    def parse(self, text: str) -> datetime:
        """`text` read with this model; ValueError names the text and the model."""
        directives = "".join(
            piece.text.replace("%", "%%") if piece.element is None else _ELEMENTS[piece.element][0]
            for piece in self.pieces
        )
        try:
            return datetime.strptime(text.strip(), directives)
        except ValueError:
            raise ValueError(f"'{text}' does not match the date format '{self.model}'") from None


# INFERRED bound: Oracle's own limit on a datetime format model is far lower; a model computed
# per row could otherwise be megabytes long and take seconds to read.
MAX_MODEL_LENGTH = 100


@lru_cache(maxsize=64)
def compile_format(model: str) -> DateFormat:
    """Compile an Oracle format model; ValueError for an element the sandbox does not know."""
    if len(model) > MAX_MODEL_LENGTH:
        raise ValueError(
            f"the date format is {len(model)} characters long; at most {MAX_MODEL_LENGTH} "
            "are supported"
        )
    pieces: list[_Piece] = []
    fill = False
    position = 0
    while position < len(model):
        match = _ELEMENT_PATTERN.match(model, position)
        if match is None:
            raise ValueError(
                f"unsupported element at '{model[position:]}' in the date format '{model}'"
            )
        written = match.group(0)
        position = match.end()
        upper = written.upper()
        if upper == "FM":
            fill = not fill
        elif written.startswith('"'):
            pieces.append(_Piece(None, written[1:-1], fill))
        elif upper in _ELEMENTS:
            pieces.append(_Piece(upper, written, fill))
        else:
            pieces.append(_Piece(None, written, fill))
    has_time = any(piece.element in _TIME_ELEMENTS for piece in pieces)
    return DateFormat(model, tuple(pieces), has_time)


# sqlglot rewrites TO_DATE's Oracle model into strftime directives at parse time; map them back.
_DIRECTIVE_TO_ELEMENT = {
    "%Y": "YYYY", "%y": "YY", "%m": "MM", "%d": "DD", "%j": "DDD", "%b": "MON", "%B": "MONTH",
    "%a": "DY", "%A": "DAY", "%H": "HH24", "%I": "HH", "%M": "MI", "%S": "SS", "%p": "AM",
}  # fmt: skip


def model_from_strftime(directives: str) -> str:
    """The Oracle model behind a strftime string produced by sqlglot's Oracle parser."""
    return re.sub(r"%.", lambda m: _DIRECTIVE_TO_ELEMENT.get(m.group(0), m.group(0)), directives)


def parse_stored(value: str) -> datetime | None:
    """A stored ISO date or datetime (`2024-01-31`, `2024-01-31 10:00:00`, `...T10:00:00Z`)."""
    if not _ISO_DATE.match(value):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def to_stored(value: datetime, *, with_time: bool) -> str:
    """The ISO form the store uses: a date, or date and time (`Z` when the value is aware)."""
    if value.tzinfo is None and not with_time and value.time() == datetime.min.time():
        return value.date().isoformat()
    if value.tzinfo is not None:
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.strftime("%Y-%m-%dT%H:%M:%S")

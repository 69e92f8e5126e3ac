"""Field kinds: how a REST value is checked on the way in, stored, and shown on the way out.

Three representations of a value:
- JSON, as a client sends or receives it (`{"id": "7"}`, `2.5`, `"2024-01-31"`, `true`);
- Python, inside the service where rules work on it (`int`, `Decimal`, `date`, `bool`, ...);
- SQLite, as stored under SuiteQL's conventions (`'T'`/`'F'`, ISO dates, REAL amounts).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any

from harness.sandbox.store.values import MAX_NUMBER, id_list, parse_id_list


class Kind(Enum):
    TEXT = "text"
    INTEGER = "integer"
    FLOAT = "float"  # quantities, rates, exchange rates: not rounded to a currency
    MONEY = "money"  # amounts, rounded to the transaction currency's precision
    PERCENT = "percent"
    BOOLEAN = "boolean"
    DATE = "date"
    DATETIME = "datetime"
    REF = "ref"
    MULTIREF = "multiref"
    ENUM = "enum"
    RATE = "rate"  # an amount or a percentage: discountRate "-10.00" or "-10%"


NO_REST_TYPE = ""


@dataclass(frozen=True)
class RefSource:
    """One table a reference field may point into."""

    table: str
    display: str  # the column shown as `refName`
    # REST type for links; None: derived from `item.itemtype`; NO_REST_TYPE: a type REST does
    # not serve (its references show no link, and their schema is `nsResource`).
    rest_type: str | None
    where: str = ""  # extra SQL condition restricting which rows qualify


@dataclass(frozen=True)
class RefTarget:
    sources: tuple[RefSource, ...]


@dataclass(frozen=True)
class FieldDef:
    """One body or line field of a record type."""

    name: str  # canonical REST name, e.g. `tranDate`
    column: str  # SQLite column (SuiteQL name), e.g. `trandate`
    kind: Kind
    label: str  # the UI label, used in "Please enter value(s) for: <label>"
    target: RefTarget | None = None
    readonly: bool = False
    on_mainline: bool = False  # transaction header fields stored on the main line
    negate: bool = False  # stored with the posting sign (sales lines are negative)
    choices: tuple[str, ...] = ()
    expr: str | None = None  # SQL expression read instead of the column (derived fields)
    custom: bool = False
    default: Any = None  # stored when the record leaves the field empty (checkboxes: False)
    max_length: int | None = None  # text fields: NetSuite's limit, in bytes of UTF-8

    @property
    def field_id(self) -> str:
        """The lowercase id NetSuite names in messages ("... for the following field: item")."""
        return self.name.lower()


class ValueProblem(Exception):
    """A JSON value the field's kind does not accept."""


@dataclass(frozen=True)
class RefValue:
    """A reference as written by a client: by internal id or by external id."""

    internal_id: int | None = None
    external_id: str | None = None
    shown: str = field(default="", compare=False)


_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_PERCENT = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*%\s*$")
_TRUE = {"true", "t"}
_FALSE = {"false", "f"}


def _decimal(raw: Any) -> Decimal:
    """A JSON number (or numeric string) a number field holds: finite, under MAX_NUMBER.

    A string such as "1e300" parses as a Decimal but is no value NetSuite keeps; refusing it
    here answers "Invalid Field Value" instead of failing later in the arithmetic."""
    if isinstance(raw, bool):
        raise ValueProblem
    if isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        if not math.isfinite(raw):
            raise ValueProblem
        value = Decimal(repr(raw))
    elif isinstance(raw, str):
        try:
            value = Decimal(raw.strip())
        except InvalidOperation:
            raise ValueProblem from None
    else:
        raise ValueProblem
    if not value.is_finite() or abs(value) >= MAX_NUMBER:
        raise ValueProblem
    return value


def _internal_id(raw: Any) -> int:
    """An internal id: at most 15 digits, as a number or a numeric string.

    SQLite holds 64-bit integers; an id past that (`{"id": 2**64}`) is a value no record has,
    so it is refused like any other invalid reference, never passed to the store."""
    if isinstance(raw, bool):
        raise ValueProblem
    if isinstance(raw, int):
        if abs(raw) >= MAX_NUMBER:
            raise ValueProblem
        return raw
    if isinstance(raw, str) and re.fullmatch(r"-?\d{1,15}", raw.strip()):
        return int(raw)
    raise ValueProblem


def parse_reference(raw: Any) -> RefValue:
    """`{"id": "7"}`, `{"id": 7}` or `{"externalId": "X"}` (other keys such as refName ignored)."""
    if not isinstance(raw, dict):
        raise ValueProblem
    keys = {k.lower(): v for k, v in raw.items()}
    if keys.get("id") is not None:
        return RefValue(internal_id=_internal_id(keys["id"]), shown=str(keys["id"]))
    external = keys.get("externalid")
    if isinstance(external, str) and external:
        return RefValue(external_id=external, shown=external)
    if isinstance(external, int) and not isinstance(external, bool):
        return RefValue(external_id=str(external), shown=str(external))
    raise ValueProblem


def parse_value(fd: FieldDef, raw: Any) -> Any:
    """A client's JSON value as the Python value of `fd`; raises `ValueProblem`.

    Lenient where NetSuite is (INFERRED from its examples passing ids both as strings and
    numbers): numbers may come as numeric strings, booleans as "T"/"F".
    """
    kind = fd.kind
    if kind is Kind.TEXT:
        if isinstance(raw, str):
            return raw
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            return str(raw)
        raise ValueProblem
    if kind is Kind.INTEGER:
        value = _decimal(raw)
        if value != value.to_integral_value():
            raise ValueProblem
        return int(value)
    if kind in (Kind.FLOAT, Kind.MONEY):
        return _decimal(raw)
    if kind is Kind.PERCENT:
        if isinstance(raw, str) and (match := _PERCENT.match(raw)):
            return _decimal(match.group(1))
        return _decimal(raw)
    if kind is Kind.RATE:
        if isinstance(raw, str) and (match := _PERCENT.match(raw)):
            _decimal(match.group(1))  # a percentage in range, like any number
            return raw.replace(" ", "")
        return _decimal(raw)
    if kind is Kind.BOOLEAN:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.lower() in _TRUE | _FALSE:
            return raw.lower() in _TRUE
        raise ValueProblem
    if kind is Kind.DATE:
        if not isinstance(raw, str) or not (match := _DATE.match(raw.strip())):
            raise ValueProblem
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            raise ValueProblem from None
    if kind is Kind.REF:
        return parse_reference(raw)
    if kind is Kind.MULTIREF:
        items = raw.get("items") if isinstance(raw, dict) else raw
        if not isinstance(items, list):
            raise ValueProblem
        return [parse_reference(item) for item in items]
    if kind is Kind.ENUM:
        if isinstance(raw, dict):  # the reference form, `{"id": "US"}`
            raw = {str(k).lower(): v for k, v in raw.items()}.get("id")
        if isinstance(raw, str) and raw in fd.choices:
            return raw
        raise ValueProblem
    raise ValueProblem  # DATETIME fields are read-only


def to_db(fd: FieldDef, value: Any) -> Any:
    """A Python value as stored in SQLite."""
    if value is None:
        return None
    kind = fd.kind
    if kind is Kind.BOOLEAN:
        return "T" if value else "F"
    if kind in (Kind.FLOAT, Kind.MONEY, Kind.PERCENT):
        number = float(value)
        return -number if fd.negate and number else number
    if kind is Kind.RATE:
        return value if isinstance(value, str) else str(value)
    if kind is Kind.DATE:
        return value.isoformat()
    if kind is Kind.MULTIREF:
        return id_list(value)
    return value


def from_db(fd: FieldDef, raw: Any) -> Any:
    """A stored SQLite value as the Python value of `fd`."""
    if raw is None:
        return None
    kind = fd.kind
    if kind is Kind.BOOLEAN:
        return raw == "T"
    if kind in (Kind.FLOAT, Kind.MONEY, Kind.PERCENT):
        number = Decimal(repr(float(raw)))
        return -number if fd.negate and number else number
    if kind is Kind.RATE:
        return raw if raw.endswith("%") else Decimal(raw)
    if kind is Kind.DATE:
        return date.fromisoformat(raw)
    if kind is Kind.MULTIREF:
        return parse_id_list(raw)
    return raw


def number_json(value: Decimal) -> float | int:
    """An amount as a JSON number (`39.95`, `1.0`), as NetSuite writes them."""
    return float(value)

"""Record rules: what NetSuite does to a record between receiving it and saving it.

Rules are plain functions `rule(ctx, record)` registered per record type in a `RuleBook`;
they run in registration order inside the save's database transaction, may change the
record (sourcing, defaults, totals) and may reject it by raising `RestError`. What a rule
may consult is its `SaveContext`; the rules themselves are in `core.py` (the REST protocol's)
and the business modules beside it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from harness.sandbox.account import AccountProfile
from harness.sandbox.resterror import user_error
from harness.sandbox.store.db import Store
from harness.sandbox.store.recordstore import Record

Operation = Literal["create", "edit"]


# The columns rules read from the rows a save looks up by id, fetched together once: the
# customer, its currency, each item and the ship method are each consulted by several rules.
LOOKUP_COLUMNS: dict[str, tuple[str, ...]] = {
    "customer": (
        "isinactive",
        "subsidiary",
        "currency",
        "taxable",
        "taxitem",
        "terms",
        "email",
        "pricelevel",
    ),
    "currency": ("exchangerate", "currencyprecision"),
    "item": ("isinactive", "subsidiary", "itemtype", "istaxable", "salesdescription"),
    "shipitem": ("isinactive", "subsidiary", "istaxable", "rate"),
    "subsidiary": ("isinactive", "currency", "country", "fullname"),
}
_LOOKUP_SQL = {
    table: f"SELECT {', '.join(columns)} FROM {table} WHERE id = ?"
    for table, columns in LOOKUP_COLUMNS.items()
}

Row = tuple[object, ...]


@dataclass
class SaveContext:
    """What a rule may consult: the store, the profile, who is saving and what was there.

    Rules only read the store, and the record is written after all of them ran, so within
    one save every read answers the same: `row` and `lookup` remember their answers for
    the life of this context (one save, inside its transaction).
    """

    store: Store
    profile: AccountProfile
    operation: Operation
    role: str | None
    previous: Record | None = None
    notes: dict[str, object] = field(default_factory=dict)
    _rows: dict[tuple[str, tuple[object, ...]], Row | None] = field(
        default_factory=dict, repr=False
    )
    _lookups: dict[tuple[str, object], Mapping[str, object] | None] = field(
        default_factory=dict, repr=False
    )

    def row(self, sql: str, *params: object) -> Row | None:
        key = (sql, params)
        try:
            return self._rows[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable parameter: SQLite refuses it, so no memo either
            return self._fetch(sql, params)
        found = self._rows[key] = self._fetch(sql, params)
        return found

    def lookup(self, table: str, key: object) -> Mapping[str, object] | None:
        """The `LOOKUP_COLUMNS` of the `table` row with id `key`, or None when there is none
        (no key, such as an order without a ship method: `id = NULL` matches no row)."""
        if key is None and table in _LOOKUP_SQL:
            return None
        try:
            return self._lookups[table, key]
        except KeyError:
            pass
        except TypeError:  # an unhashable key: SQLite refuses it, so no memo either
            return _named(table, self._fetch(_LOOKUP_SQL[table], (key,)))
        found = self._lookups[table, key] = _named(table, self.row(_LOOKUP_SQL[table], key))
        return found

    def _fetch(self, sql: str, params: tuple[object, ...]) -> Row | None:
        found: Row | None = self.store.conn.execute(sql, params).fetchone()
        return found


def _named(table: str, row: Row | None) -> dict[str, object] | None:
    return None if row is None else dict(zip(LOOKUP_COLUMNS[table], row, strict=True))


Rule = Callable[[SaveContext, Record], None]


class RuleBook:
    """Rules per record type (lowercase REST name; `*` applies to every type)."""

    def __init__(self) -> None:
        self._rules: dict[str, list[Rule]] = {}

    def add(self, record_type: str, rule: Rule) -> Rule:
        self._rules.setdefault(record_type.lower(), []).append(rule)
        return rule

    def for_type(self, record_type: str) -> list[Rule]:
        return [*self._rules.get("*", []), *self._rules.get(record_type.lower(), [])]

    def run(self, ctx: SaveContext, record: Record) -> None:
        for rule in self.for_type(record.rtype.name):
            rule(ctx, record)


def please_enter(labels: list[str]) -> None:
    """Reject with NetSuite's missing-fields message when `labels` is not empty."""
    if labels:
        raise user_error(f"Please enter value(s) for: {', '.join(labels)}.")

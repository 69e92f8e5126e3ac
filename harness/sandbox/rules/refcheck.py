"""Is a referenced record usable here? Items, ship items, tax codes, locations, segments.

A reference that names no record at all is refused earlier, while the body is read ("You
have entered an Invalid Field Value ..."). What is checked here is the next layer, the one
integrations meet most (reference 1.6): the record exists but is inactive, or is not
available in the transaction's subsidiary.

The answer's form, chosen once for every such reference (items, ship methods, discount
items, tax codes, locations): HTTP 400, code USER_ERROR, detail "Error while accessing a
resource. Invalid <field> reference key <id>[ for subsidiary <s>].", and `o:errorPath`
naming the field (`item.items[0].item`). CONFIRMED texts: "Invalid item reference key 149
for subsidiary 1." and "Invalid location reference key 443"; the USER_ERROR wrapping follows
live REST reports of SOAP-era messages (INFERRED; SOAP would say INVALID_KEY_OR_REF).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from harness.netsuite.errors import BUSINESS_ERROR_PREFIX, error_detail
from harness.sandbox.rules.tax import TaxCode
from harness.sandbox.store.values import parse_id_list

_TAX_CODE_SQL = (
    "SELECT id, itemid, rate, subsidiary, isinactive, exempt, 0 FROM salestaxitem WHERE id = ?"
    " UNION ALL"
    " SELECT id, itemid, rate, subsidiary, isinactive, 'F', 1 FROM taxgroup WHERE id = ?"
)
# A save's readers (`SaveContext.lookup` and `.row`): each read answered once per save.
Lookup = Callable[[str, object], Mapping[str, object] | None]
RowReader = Callable[..., tuple[Any, ...] | None]


def invalid_reference(
    field_id: str,
    key: object,
    path: str,
    subsidiary: int | None = None,
    *,
    entity: int | None = None,
) -> dict[str, str]:
    """The `o:errorDetails` entry for an unusable reference (see the module docstring).

    `for subsidiary S` when the record exists but not in the transaction's subsidiary;
    `for entity N` when it is not one the customer can use (CONFIRMED form, for items).
    """
    where = f" for subsidiary {subsidiary}" if subsidiary is not None else ""
    if entity is not None:
        where = f" for entity {entity}"
    return error_detail(
        f"{BUSINESS_ERROR_PREFIX}Invalid {field_id} reference key {key}{where}.",
        "USER_ERROR",
        path=path,
    )


@dataclass(frozen=True)
class Availability:
    """A referenced record's state: found at all, active, and its subsidiaries."""

    found: bool
    is_inactive: bool = False
    subsidiaries: tuple[int, ...] = ()

    def problem(
        self, field_id: str, key: object, path: str, subsidiary: int | None
    ) -> dict[str, str] | None:
        if not self.found or self.is_inactive:
            return invalid_reference(field_id, key, path)
        if subsidiary is not None and subsidiary not in self.subsidiaries:
            return invalid_reference(field_id, key, path, subsidiary)
        return None


def _availability(conn: sqlite3.Connection, sql: str, key: object, multi: bool) -> Availability:
    row = conn.execute(sql, (key,)).fetchone()
    if row is None:
        return Availability(False)
    subsidiaries = parse_id_list(row[1]) if multi else ([] if row[1] is None else [int(row[1])])
    return Availability(True, row[0] == "T", tuple(subsidiaries))


def _listed(row: Mapping[str, object] | None) -> Availability:
    """A row with `isinactive` and a multi-select `subsidiary` (as a save's lookups give)."""
    if row is None:
        return Availability(False)
    stored = row["subsidiary"]
    subsidiaries = parse_id_list(None if stored is None else str(stored))
    return Availability(True, row["isinactive"] == "T", tuple(subsidiaries))


def item(lookup: Lookup, item_id: object) -> Availability:
    """An item of the item table (inventory, non-inventory, other charge, discount, ...)."""
    return _listed(lookup("item", item_id))


def ship_item(lookup: Lookup, item_id: object) -> Availability:
    return _listed(lookup("shipitem", item_id))


def location(conn: sqlite3.Connection, location_id: object) -> Availability:
    return _availability(
        conn, "SELECT isinactive, subsidiary FROM location WHERE id = ?", location_id, False
    )


def segment(conn: sqlite3.Connection, table: str, segment_id: object) -> Availability:
    """A department or class (`table` is `department` or `classification`)."""
    return _availability(
        conn, f"SELECT isinactive, subsidiary FROM {table} WHERE id = ?", segment_id, True
    )


def tax_code(row_of: RowReader, code_id: object) -> TaxCode | None:
    """A sales tax item or tax group by internal id (they share the item id family)."""
    row = row_of(_TAX_CODE_SQL, code_id, code_id)
    if row is None:
        return None
    return TaxCode(
        id=int(row[0]),
        name=str(row[1]),
        rate=Decimal(repr(float(row[2]))),
        subsidiary=None if row[3] is None else int(row[3]),
        is_inactive=row[4] == "T",
        is_exempt=row[5] == "T",
        is_group=bool(row[6]),
    )


def tax_code_problem(
    code: TaxCode | None, key: object, field_id: str, path: str, subsidiary: int | None
) -> dict[str, str] | None:
    """Inactive, missing, or belonging to another subsidiary's nexus."""
    if code is None or code.is_inactive:
        return invalid_reference(field_id, key, path)
    if subsidiary is not None and code.subsidiary is not None and code.subsidiary != subsidiary:
        return invalid_reference(field_id, key, path, subsidiary)
    return None

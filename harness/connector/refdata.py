"""NetSuite reference data a connector resolves by name: items, ship items, tax codes.

Lookups are batched SuiteQL queries, cached for the connector's life: a regression run
pushes hundreds of orders that name the same few dozen records.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from harness.netsuite.client import NetSuiteClient


def sql_text(value: str) -> str:
    """A SuiteQL string literal (single quotes doubled)."""
    return "'" + value.replace("'", "''") + "'"


@dataclass(frozen=True)
class Ref:
    """A NetSuite record found by its name."""

    id: str
    name: str


KnownRefs = dict[tuple[str, str], "Ref | None"]


class RefCache:
    """Name -> Ref per SuiteQL table, filled in batches, misses remembered too.

    `known` may be shared by the connectors of one run: an account's items, ship items and
    tax codes don't change while its orders land (customers are never cached here).
    """

    def __init__(self, client: NetSuiteClient, known: KnownRefs | None = None) -> None:
        self._client = client
        self._known: KnownRefs = known if known is not None else {}

    @property
    def known(self) -> KnownRefs:
        """What was learnt so far (to share with another connector of the same run)."""
        return self._known

    def resolve(self, table: str, names: Iterable[str], column: str = "itemid") -> dict[str, Ref]:
        """The records of `table` whose `column` equals one of `names` (exact match)."""
        wanted = {name for name in names if name}
        missing = sorted(name for name in wanted if (table, name) not in self._known)
        # A NUL can't be carried by a SuiteQL literal nor held by a NetSuite text field
        # (INFERRED): a name holding one is not found, without asking.
        asked = [name for name in missing if "\x00" not in name]
        if missing:
            listed = ", ".join(sql_text(name) for name in asked)
            rows = (
                self._client.suiteql_all(
                    f"SELECT id, {column} AS name FROM {table} WHERE {column} IN ({listed})"
                )
                if asked
                else []
            )
            for name in missing:
                self._known[(table, name)] = None
            for row in rows:
                self._known[(table, row["name"])] = Ref(str(row["id"]), row["name"])
        found = {name: self._known[(table, name)] for name in wanted}
        return {name: ref for name, ref in found.items() if ref is not None}

    def one(self, table: str, name: str, column: str = "itemid") -> Ref | None:
        return self.resolve(table, [name], column).get(name)

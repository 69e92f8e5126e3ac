"""A role's row scope on a translated query: each scoped table read through a filter.

A role limited to some subsidiaries sees only their customers and transactions in SuiteQL
too (INFERRED: NetSuite applies the role's restrictions to search results; see
`rules/permissions.py`). The translation itself is shared by every role (it is cached per
query text), so the scope is applied afterwards: every reference to a scoped table becomes a
subquery of that table with the role's condition, under the same alias, so the query reads
as it did with the other rows gone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from functools import lru_cache

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from harness.sandbox.suiteql.errors import unsupported
from harness.sandbox.suiteql.translate import Translation


def quoted(name: str) -> exp.Identifier:
    return exp.to_identifier(name, quoted=True)


RowFilters = Mapping[str, str]  # table (lowercase) -> SQLite condition on its own columns


def scoped(translation: Translation, filters: RowFilters) -> Translation:
    """`translation` with every scoped table it reads filtered; unchanged when none is read."""
    if not any(table in filters for table in translation.tables):
        return translation
    # Rewritten without its literals' values, so every query of one template shares it.
    bare = replace(translation, params=())
    return replace(_scoped(bare, tuple(sorted(filters.items()))), params=translation.params)


@lru_cache(maxsize=256)
def _scoped(translation: Translation, filters: tuple[tuple[str, str], ...]) -> Translation:
    """The rewrite, remembered: a restricted role asks the same few queries again and again."""
    wanted = dict(filters)
    try:
        tree = sqlglot.parse_one(translation.sql, read="sqlite")
        own = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
        for table in list(tree.find_all(exp.Table)):
            name = table.name.lower()
            if name in own or name not in wanted or table.args.get("db"):
                continue
            alias = table.alias or table.name
            rows = sqlglot.parse_one(
                f'SELECT * FROM "{table.name}" WHERE {wanted[name]}', read="sqlite"
            )
            table.replace(exp.Subquery(this=rows, alias=exp.TableAlias(this=quoted(alias))))
        sql = tree.sql(dialect="sqlite", identify=True)
    except SqlglotError as error:  # pragma: no cover - the SQL is sqlglot's own output
        raise unsupported(
            f"The query could not be limited to the role's records: {error}."
        ) from None
    return Translation(
        sql=sql,
        page_sql=translation.page_sql.replace(translation.sql, sql, 1),
        count_sql=translation.count_sql.replace(translation.sql, sql, 1),
        columns=translation.columns,
        tables=translation.tables,
        literal_sensitive=translation.literal_sensitive,
    )

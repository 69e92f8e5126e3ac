"""SuiteQL for the embedded sandbox: NetSuite's query language run against the SQLite store.

`SuiteQLEngine.run` answers `POST /query/v1/suiteql?limit=&offset=` the way NetSuite does
(reference/netsuite-rest.md sections 4.2, 5 and 7). Choices where no source is definite:

- Rows omit null columns (INFERRED from live samples), and an empty string counts as null,
  as in Oracle.
- Every value is a string: numbers without a spurious `.0` (`"3"`, `"49.5"`), booleans as
  the stored `T`/`F`, and date columns (declared DATE/DATETIME/TIMESTAMP, stored ISO) in the
  account's date format, `MM/DD/YYYY` unless configured (INFERRED; datetimes show the date
  only, as SuiteQL does without TO_CHAR).
- `offset` must be a multiple of `limit` (CONFIRMED-weak), `limit` is 1..1000, and a result
  over 100,000 rows is refused whatever the page (CONFIRMED cap, INFERRED text).
- LIKE is case-sensitive as in Oracle: a literal pattern becomes GLOB, so no connection-wide
  pragma is touched.
- The query runs under an SQLite authorizer that permits reads only, so nothing a query says
  can modify the store; callers serialise use of the connection. The authorizer is installed
  once and lets everything through outside a query: installing one expires every prepared
  statement on the connection, so each query (and the schema check) would otherwise compile
  again. Query statements start with a marker comment, so none of them can be a statement
  prepared (unchecked) outside a query and kept in the connection's statement cache.
- `allowed_tables` is the role's view: every record table the query names is checked and a
  hidden one fails as "Record '<table>' was not found." (400, as SuiteQL answers; see
  errors.py). Tables reached only through BUILTIN.DF are not checked (INFERRED: the
  display value is what REST's refName shows too).
- SYSDATE is the store's clock as wall time in the account's time zone (so TRUNC(SYSDATE) is
  the account's today); stored UTC timestamps are shown in that zone. Comparisons between
  SYSDATE and stored timestamps are textual and ignore the zone offset (a known limit).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from functools import lru_cache
from typing import Any

from harness.sandbox.suiteql import functions
from harness.sandbox.suiteql.dates import compile_format, parse_stored
from harness.sandbox.suiteql.errors import (
    MAX_PAGE_SIZE,
    MAX_TOTAL_RESULTS,
    SuiteQLError,
    parameter_error,
    query_error,
    record_not_found,
    too_many_results,
    unsupported,
)
from harness.sandbox.suiteql.schema import Schema, read_schema, schema_version
from harness.sandbox.suiteql.template import (
    Template,
    make_template,
    split_literals,
    with_placeholders,
)
from harness.sandbox.suiteql.translate import OutputColumn, Translation, translate

__all__ = ["SuiteQLEngine", "SuiteQLError", "SuiteQLPage"]

_READ_ACTIONS = frozenset(
    {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE}
)
_QUERY_MARK = "/* suiteql */ "  # starts every query statement: its own statement-cache entries
_READING: set[int] = set()  # ids of the connections running a SuiteQL query right now


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class SuiteQLPage:
    rows: list[dict[str, str | None]]
    total: int  # every row the query matches (`totalResults`), not just this page


class SuiteQLEngine:
    """Runs SuiteQL on one store connection. Translations are cached per query with its
    string literals left out (template.py), or per exact text when a literal's value
    shapes the translation; both caches live as long as the tables and columns do."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        references: Mapping[tuple[str, str], tuple[str, str]],
        *,
        date_format: str = "MM/DD/YYYY",
        time_zone: tzinfo = UTC,
        clock: Callable[[], datetime] = _utc_now,
        cache_size: int = 256,
    ) -> None:
        """`references` maps (table, column) to (target table, display column) for
        BUILTIN.DF; `date_format` (an Oracle model) and `time_zone` are the account's
        preferences; `clock` is the store's, for SYSDATE."""
        self._date_form = compile_format(date_format)
        self._zone = time_zone
        self._conn = conn
        self._references = dict(references)
        self._date_format = date_format
        self._schema: Schema | None = None
        self._translate = lru_cache(maxsize=cache_size)(self._translate_uncached)
        self._template = lru_cache(maxsize=cache_size)(self._template_uncached)
        functions.register(conn, zone=time_zone, clock=clock)
        conn.set_authorizer(_read_guard(id(conn)))

    def run(
        self,
        q: str,
        *,
        limit: int,
        offset: int,
        allowed_tables: Callable[[str], bool] | None = None,
    ) -> SuiteQLPage:
        _check_window(limit, offset)
        translation = self._translation(q)
        if allowed_tables is not None:
            for table in sorted(translation.tables):
                if not allowed_tables(table):
                    raise record_not_found(table)
        with self._read_only():
            page_sql = _QUERY_MARK + translation.page_sql
            rows = self._conn.execute(page_sql, (limit + 1, offset)).fetchall()
            total = self._total(translation, rows, limit, offset)
        if total > MAX_TOTAL_RESULTS:
            raise too_many_results(total)
        return SuiteQLPage([self._row(translation.columns, row) for row in rows[:limit]], total)

    def _translation(self, q: str) -> Translation:
        if self._schema is None or self._schema.version != schema_version(self._conn):
            self._refresh_schema()
        skeleton = split_literals(q)
        if skeleton is None or not skeleton.values:
            return self._translate(q)
        template = self._template(skeleton.segments)
        if template is None:
            return self._translate(q)
        return template.bind(skeleton.values)

    def _refresh_schema(self) -> None:
        """SQLite bumps the schema version on any change, a restore from backup too (the
        store's reset): translations are only dropped when tables or columns really differ."""
        fresh = read_schema(self._conn)
        if self._schema is None or fresh.tables != self._schema.tables:
            self._translate.cache_clear()
            self._template.cache_clear()
        self._schema = fresh

    def _translate_uncached(self, q: str) -> Translation:
        assert self._schema is not None
        return translate(q, self._schema, self._references, self._date_format)

    def _template_uncached(self, segments: tuple[str, ...]) -> Template | None:
        """The shared translation of every query with these segments around its literals,
        or None when the literals' values matter (then each query is translated as written)."""
        assert self._schema is not None
        q = with_placeholders(segments)
        try:
            translation = translate(q, self._schema, self._references, self._date_format)
        except Exception:
            # Whatever a placeholder trips over, the query as written decides: translated
            # as itself, it answers or is refused in its own words.
            return None
        return make_template(translation, len(segments) - 1)

    def _total(self, translation: Translation, rows: list[Any], limit: int, offset: int) -> int:
        """The page query fetches one row more than asked: most results fit in it, so the
        count costs no second execution."""
        if len(rows) <= limit and (rows or offset == 0):
            return offset + len(rows)
        return int(self._conn.execute(_QUERY_MARK + translation.count_sql).fetchone()[0])

    @contextmanager
    def _read_only(self) -> Iterator[None]:
        _READING.add(id(self._conn))
        try:
            yield
        except sqlite3.Error as error:
            if "not authorized" in str(error):
                raise unsupported("SuiteQL is read-only: the query tried to change data.") from None
            raise query_error(f"Search error occurred: {error}.") from None
        finally:
            _READING.discard(id(self._conn))

    def _row(self, columns: Sequence[OutputColumn], row: Sequence[Any]) -> dict[str, str | None]:
        shown: dict[str, str | None] = {}
        for column, value in zip(columns, row, strict=True):
            text = self._text(value, column.is_date)
            if text is not None:
                shown[column.name] = text
        return shown

    def _text(self, value: object, is_date: bool) -> str | None:
        if value is None:
            return None
        if isinstance(value, int | float):
            return functions.number_text(value)
        text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
        if text == "":
            return None
        if is_date:
            moment = parse_stored(text)
            if moment is not None:
                if moment.tzinfo is not None:
                    moment = moment.astimezone(self._zone)
                return self._date_form.render(moment)
        return text


def _check_window(limit: int, offset: int) -> None:
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE_SIZE:
        raise parameter_error("limit", limit, f"Provide an integer from 1 to {MAX_PAGE_SIZE}.")
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise parameter_error("offset", offset, "Provide an integer of 0 or more.")
    if offset % limit:
        raise parameter_error(
            "offset", offset, f"The offset must be a multiple of the limit ({limit})."
        )


def _read_guard(
    conn_id: int,
) -> Callable[[int, str | None, str | None, str | None, str | None], int]:
    """The connection's authorizer: reads only while a query runs on it, anything otherwise.
    Keyed by the connection, so a second engine on the same connection guards the first's
    queries too."""

    def authorize(
        action: int, _arg1: str | None, _arg2: str | None, _db: str | None, _trigger: str | None
    ) -> int:
        if action in _READ_ACTIONS or conn_id not in _READING:
            return sqlite3.SQLITE_OK
        return sqlite3.SQLITE_DENY

    return authorize

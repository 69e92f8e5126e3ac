"""SuiteQL for the embedded sandbox: NetSuite's query language run against the SQLite store.

`SuiteQLEngine.run` answers `POST /query/v1/suiteql?limit=&offset=` the way NetSuite does
(reference/netsuite-rest.md sections 4.2, 5 and 7). Choices where no source is definite:

- Rows omit null columns (INFERRED from live samples), and an empty string counts as null,
  as in Oracle.
- Every value is a string: numbers without a spurious `.0` (`"3"`, `"49.5"`), booleans as
  the stored `T`/`F`, and date columns (declared DATE/DATETIME/TIMESTAMP, stored ISO) in the
  account's date format, `MM/DD/YYYY` unless configured (INFERRED; datetimes show the date
  only, as SuiteQL does without TO_CHAR).
- `offset` must be a multiple of `limit` (CONFIRMED-weak) and at most 100,000, `limit` is
  1..1000, and a result over 100,000 rows is refused whatever the page (CONFIRMED cap,
  INFERRED text).
- LIKE is case-sensitive as in Oracle: a literal pattern becomes GLOB, so no connection-wide
  pragma is touched.
- Every query runs under a budget (budget.py): a time limit from its arrival to its last
  row, caps on its text, nesting and result size; going over is a 400 naming the limit.
- Only functions SuiteQL documents may be called (allowlist.py), and the query runs under an
  SQLite authorizer that permits reads and those functions only, so nothing a query says can
  modify the store or reach SQLite's internals (readers.py). Query statements start with a
  marker comment, so none of them can be a statement prepared (unchecked) outside a query and
  kept in the connection's statement cache.
- On the store's query connection each query runs on a reader of its own, outside the store's
  lock: queries do not wait for one another, and a slow one holds no lock anybody needs. A
  write waits for the reads already running (at most the time limit) before it commits.
- `allowed_tables` is the role's view: every record table the query names is checked and a
  hidden one fails as "Record '<table>' was not found." (400, as SuiteQL answers; see
  errors.py). Tables reached only through BUILTIN.DF are not checked (INFERRED: the
  display value is what REST's refName shows too). `row_filters` is the role's row scope
  (scope.py): the rows of subsidiaries it may not access are left out.
- SYSDATE is the store's clock as wall time in the account's time zone (so TRUNC(SYSDATE) is
  the account's today); stored UTC timestamps are shown in that zone. Comparisons between
  SYSDATE and stored timestamps are textual and ignore the zone offset (a known limit).
"""

from __future__ import annotations

import math
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import astuple, dataclass
from datetime import UTC, datetime, tzinfo
from functools import lru_cache, partial
from typing import Any

from harness.sandbox.suiteql import errors, functions
from harness.sandbox.suiteql.budget import QueryBudget
from harness.sandbox.suiteql.dates import compile_format, parse_stored
from harness.sandbox.suiteql.errors import (
    MAX_PAGE_SIZE,
    MAX_TOTAL_RESULTS,
    SuiteQLError,
    parameter_error,
    query_error,
    record_not_found,
)
from harness.sandbox.suiteql.limits import check_text
from harness.sandbox.suiteql.readers import (
    QueryRun,
    ReaderPool,
    ReaderSource,
    SharedConnection,
    end_query,
    prepare,
    start_query,
)
from harness.sandbox.suiteql.schema import Schema, read_schema, schema_fingerprint, schema_version
from harness.sandbox.suiteql.scope import RowFilters, scoped
from harness.sandbox.suiteql.template import (
    Template,
    make_template,
    split_literals,
    with_placeholders,
)
from harness.sandbox.suiteql.translate import OutputColumn, Translation, translate

__all__ = ["QueryBudget", "SuiteQLEngine", "SuiteQLError", "SuiteQLPage"]

_QUERY_MARK = "/* suiteql */ "  # starts every query statement: its own statement-cache entries
_NO_SUCH_FUNCTION = re.compile(r"no such function: (\w+)")


def _utc_now() -> datetime:
    return datetime.now(UTC)


_NO_TEMPLATE = "no template"  # kept for a skeleton whose literals shape its translation


class _SharedTranslations:
    """What the engines of this process translated, for any engine whose tables (the
    schema's fingerprint: every definition), BUILTIN.DF references, date format and budget
    (by its values) are the same: a process with many sandboxes of one profile (a test
    suite) translates each query once, not once per sandbox; parsing with
    sqlglot is most of a query's first answer. Translations are frozen, so sharing them
    shares nothing mutable. A schema read without its fingerprint is not shared, and what one
    translator made is not handed out by another (a test replaces `translate`)."""

    def __init__(self, limit: int = 4096) -> None:
        self._kept: dict[tuple[Any, ...], Translation | Template | str] = {}
        self._limit = limit

    def key(
        self, query: str | tuple[str, ...], schema: Schema, context: tuple[Any, ...],
        budget: QueryBudget,
    ) -> tuple[Any, ...] | None:
        if not schema.fingerprint:
            return None
        return (query, schema.fingerprint, context, astuple(budget), translate)

    def get(self, key: tuple[Any, ...] | None) -> Translation | Template | str | None:
        return None if key is None else self._kept.get(key)

    def keep(self, key: tuple[Any, ...] | None, made: Translation | Template | str) -> None:
        if key is None:
            return
        if len(self._kept) >= self._limit:
            self._kept.clear()  # rare: a process asking thousands of different queries
        self._kept[key] = made

    def clear(self) -> None:
        self._kept.clear()


_SHARED = _SharedTranslations()


def forget_shared_translations() -> None:
    """Empty the process's shared translations (a test that counts parses starts afresh)."""
    _SHARED.clear()


@dataclass
class SuiteQLPage:
    rows: list[dict[str, str | None]]
    total: int  # every row the query matches (`totalResults`), not just this page


class SuiteQLEngine:
    """Runs SuiteQL on one store connection. Translations are cached per query with its
    string literals left out (template.py), or per exact text when a literal's value
    shapes the translation; both caches live as long as the tables and columns do. Behind
    them, engines of one process with the same tables, references, date format and budget
    share what they translated (`_SharedTranslations`)."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        references: Mapping[tuple[str, str], tuple[str, str]],
        *,
        date_format: str = "MM/DD/YYYY",
        time_zone: tzinfo = UTC,
        clock: Callable[[], datetime] = _utc_now,
        cache_size: int = 256,
        budget: QueryBudget | None = None,
    ) -> None:
        """`references` maps (table, column) to (target table, display column) for
        BUILTIN.DF; `date_format` (an Oracle model) and `time_zone` are the account's
        preferences; `clock` is the store's, for SYSDATE. A `conn` that can open readers
        (`ReaderSource`, the store's query connection) runs each query on a reader of its
        own; any other serves one query at a time."""
        self.budget = budget or QueryBudget()
        self._date_form = compile_format(date_format)
        self._zone = time_zone
        self._references = dict(references)
        self._date_format = date_format
        self._context = (tuple(sorted(self._references.items())), date_format)
        self._schema: tuple[Schema, int] | None = None
        self._schema_lock = threading.Lock()
        self._translate = lru_cache(maxsize=cache_size)(self._translate_uncached)
        self._template = lru_cache(maxsize=cache_size)(self._template_uncached)
        register = partial(functions.register, zone=time_zone, clock=clock)
        self._readers: ReaderPool | SharedConnection
        self._unlocked: Callable[[], AbstractContextManager[None]]
        if isinstance(conn, ReaderSource):
            self._readers = ReaderPool(conn, conn, self._setup(register))
            self._unlocked = conn.unlocked
        else:
            self._readers = SharedConnection(conn, self._setup(register))
            self._unlocked = nullcontext

    def _setup(
        self, register: Callable[[sqlite3.Connection], None]
    ) -> Callable[[sqlite3.Connection], None]:
        def setup(conn: sqlite3.Connection) -> None:
            prepare(conn, self.budget, register)

        return setup

    def run(
        self,
        q: str,
        *,
        limit: int,
        offset: int,
        allowed_tables: Callable[[str], bool] | None = None,
        row_filters: RowFilters | None = None,
    ) -> SuiteQLPage:
        budget = self.budget  # one budget for the whole query, even if it is replaced meanwhile
        deadline = time.monotonic() + budget.time_limit_seconds
        _check_window(limit, offset)
        check_text(q, budget)
        with self._unlocked():
            conn = self._readers.acquire()
            try:
                translation = self._translation(q, self._current_schema(conn), budget)
                if allowed_tables is not None:
                    for table in sorted(translation.tables):
                        if not allowed_tables(table):
                            raise record_not_found(table)
                if row_filters:
                    translation = scoped(translation, row_filters)
                if time.monotonic() > deadline:
                    raise errors.time_limit_exceeded(budget.time_limit_seconds)
                rows, total = self._execute(conn, translation, limit, offset, deadline, budget)
            finally:
                self._readers.release(conn)
        if total > MAX_TOTAL_RESULTS:
            raise errors.too_many_results()
        return SuiteQLPage(rows[:limit], total)

    # --- translation -----------------------------------------------------------------------

    def _current_schema(self, conn: sqlite3.Connection) -> Schema:
        """SQLite bumps the schema version on any change, a restore from backup too (the
        store's reset when it cannot copy rows back): the tables are only read again, and
        translations only dropped, when the definitions really differ (one query tells)."""
        version = schema_version(conn)
        known = self._schema  # (schema, the version it was last confirmed for), set at once
        if known is not None and known[1] == version:
            return known[0]
        with self._schema_lock:
            known = self._schema
            if known is not None and known[1] == version:
                return known[0]
            if known is not None and schema_fingerprint(conn) == known[0].fingerprint:
                self._schema = (known[0], version)
                return known[0]
            fresh = read_schema(conn)
            self._translate.cache_clear()
            self._template.cache_clear()
            self._schema = (fresh, version)
            return fresh

    def _translation(self, q: str, schema: Schema, budget: QueryBudget) -> Translation:
        try:
            skeleton = split_literals(q)
            if skeleton is None or not skeleton.values:
                return self._translate(q, schema, budget)
            template = self._template(skeleton.segments, schema, budget)
            if template is None:
                return self._translate(q, schema, budget)
            return template.bind(skeleton.values)
        except RecursionError:
            raise errors.nested_too_deeply() from None

    def _translate_uncached(self, q: str, schema: Schema, budget: QueryBudget) -> Translation:
        key = _SHARED.key(q, schema, self._context, budget)
        found = _SHARED.get(key)
        if isinstance(found, Translation):
            return found
        translation = translate(q, schema, self._references, self._date_format, budget)
        _SHARED.keep(key, translation)
        return translation

    def _template_uncached(
        self, segments: tuple[str, ...], schema: Schema, budget: QueryBudget
    ) -> Template | None:
        """The shared translation of every query with these segments around its literals,
        or None when the literals' values matter (then each query is translated as written)."""
        key = _SHARED.key(segments, schema, self._context, budget)
        found = _SHARED.get(key)
        if found is not None:
            return found if isinstance(found, Template) else None
        q = with_placeholders(segments)
        try:
            translation = translate(q, schema, self._references, self._date_format, budget)
        except Exception:
            # Whatever a placeholder trips over, the query as written decides: translated
            # as itself, it answers or is refused in its own words.
            template = None
        else:
            template = make_template(translation, len(segments) - 1)
        _SHARED.keep(key, template if template is not None else _NO_TEMPLATE)
        return template

    # --- execution -------------------------------------------------------------------------

    def _execute(
        self,
        conn: sqlite3.Connection,
        translation: Translation,
        limit: int,
        offset: int,
        deadline: float,
        budget: QueryBudget,
    ) -> tuple[list[dict[str, str | None]], int]:
        """The page's rows and the total, read-only and allow-listed, stopped at the deadline."""
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, budget.max_value_bytes)
        run = start_query(conn, deadline)
        try:
            rows = self._page(conn, translation, limit, offset, budget)
            return rows, self._total(conn, translation, len(rows), limit, offset)
        except (sqlite3.Error, MemoryError) as error:
            raise self._failure(error, run, budget) from None
        finally:
            end_query(conn)

    def _page(
        self,
        conn: sqlite3.Connection,
        translation: Translation,
        limit: int,
        offset: int,
        budget: QueryBudget,
    ) -> list[dict[str, str | None]]:
        """The page's rows, one more than asked if there is one, shown as NetSuite shows
        them; fetched one by one, so the result-size cap holds before the rows pile up."""
        window = translation.bindings(page_limit=limit + 1, page_offset=offset)
        cursor = conn.execute(_QUERY_MARK + translation.page_sql, window)
        try:
            rows: list[dict[str, str | None]] = []
            size = 0
            for row in cursor:
                shown, length = self._row(translation.columns, row)
                size += length
                if size > budget.max_result_bytes:
                    raise errors.results_too_large(budget.max_result_bytes)
                rows.append(shown)
            return rows
        finally:
            cursor.close()

    def _total(
        self,
        conn: sqlite3.Connection,
        translation: Translation,
        fetched: int,
        limit: int,
        offset: int,
    ) -> int:
        """The page query fetches one row more than asked: most results fit in it, so the
        count costs no second execution."""
        if fetched <= limit and (fetched or offset == 0):
            return offset + fetched
        window = translation.bindings(count_limit=MAX_TOTAL_RESULTS + 1)
        cursor = conn.execute(_QUERY_MARK + translation.count_sql, window)
        try:
            return int(cursor.fetchone()[0])
        finally:
            cursor.close()

    def _failure(
        self, error: sqlite3.Error | MemoryError, run: QueryRun, budget: QueryBudget
    ) -> SuiteQLError:
        """What went wrong, in NetSuite's shape and the query's terms."""
        if isinstance(error, MemoryError):
            return errors.out_of_memory()
        text = str(error)
        reason = functions.take_failure()
        if "interrupted" in text:
            return errors.time_limit_exceeded(budget.time_limit_seconds)
        if "not authorized" in text:
            if run.refused_function is not None:
                return errors.unknown_function(run.refused_function.upper())
            return errors.unsupported("SuiteQL is read-only: the query tried to change data.")
        if "user-defined function raised exception" in text:
            return errors.function_failed(reason or "A function could not compute a value.")
        if "Could not decode to UTF-8" in text:
            return errors.not_valid_text("A result of the query")
        if "string or blob too big" in text:
            return errors.value_too_large(budget.max_value_bytes)
        if "parser stack overflow" in text or "Expression tree is too large" in text:
            return errors.nested_too_deeply()
        missing = _NO_SUCH_FUNCTION.search(text)
        if missing is not None:
            return errors.unsupported(
                f"The function {missing.group(1).upper()} is not available in the embedded sandbox."
            )
        return query_error(f"Search error occurred: {error}.")

    # --- rows ------------------------------------------------------------------------------

    def _row(
        self, columns: Sequence[OutputColumn], row: Sequence[Any]
    ) -> tuple[dict[str, str | None], int]:
        """The row as NetSuite shows it, and the length of its text."""
        shown: dict[str, str | None] = {}
        length = 0
        for column, value in zip(columns, row, strict=True):
            text = self._text(value, column.is_date)
            if text is not None:
                shown[column.name] = text
                length += len(text)
        return shown, length

    def _text(self, value: object, is_date: bool) -> str | None:
        if value is None:
            return None
        if isinstance(value, float) and not math.isfinite(value):
            raise errors.function_failed("Numeric overflow: a value is out of range (ORA-01426).")
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
    if offset > MAX_TOTAL_RESULTS:
        # INFERRED: SuiteQL returns at most 100,000 results, so no page starts past them.
        raise parameter_error(
            "offset",
            _shown_number(offset),
            f"SuiteQL returns at most {MAX_TOTAL_RESULTS} results; the offset cannot be larger.",
        )
    if offset % limit:
        raise parameter_error(
            "offset", offset, f"The offset must be a multiple of the limit ({limit})."
        )


def _shown_number(value: int) -> int | str:
    """A number short enough to repeat in a message (a client may send 10^30 or worse)."""
    if value.bit_length() <= 128:
        return value
    return f"a number of about {int(value.bit_length() * math.log10(2)) + 1} digits"

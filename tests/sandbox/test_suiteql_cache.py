"""SuiteQL translations shared by queries that differ only in string literals.

The template cache must never change a result: every test runs a first query to fill the
cache and then a second with other literals, whose expected rows come from the data below.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlglot
from hypothesis import given
from hypothesis import strategies as st

from harness.sandbox.suiteql import engine as engine_module
from harness.sandbox.suiteql.budget import QueryBudget
from harness.sandbox.suiteql.engine import (
    SuiteQLEngine,
    SuiteQLError,
    forget_shared_translations,
)
from harness.sandbox.suiteql.schema import Schema, read_schema
from harness.sandbox.suiteql.template import make_template, split_literals, with_placeholders
from harness.sandbox.suiteql.translate import Translation, translate

CUSTOMERS = [
    # id, email, lastname, datecreated (TIMESTAMP, UTC)
    (1, "jane@example.com", "Doe", "2024-01-02T10:00:00Z"),
    (2, "ops@acme.test", "O'Brien", "2024-02-03T07:30:00Z"),
    (3, "Guest@Example.com", "Rush_100%", "2023-12-31T23:00:00Z"),
]
TRANSACTIONS = [
    # id, tranid, trandate (DATE), externalid, memo
    (100, "SO100", "2024-01-31", "WOO-1", "first order"),
    (101, "SO101", "2024-02-15", "WOO-2", "Rush_order 100%"),
    (102, "SO102", "2024-03-01", "WOO-3", "rush order"),
]
SCHEMA = """
CREATE TABLE customer (id INTEGER PRIMARY KEY, email TEXT, lastname TEXT, datecreated TIMESTAMP);
CREATE TABLE "transaction" (
    id INTEGER PRIMARY KEY, tranid TEXT, trandate DATE, externalid TEXT, memo TEXT
);
"""
REFERENCES: dict[tuple[str, str], tuple[str, str]] = {}


@pytest.fixture
def conn() -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(":memory:")
    connection.executescript(SCHEMA)
    connection.executemany("INSERT INTO customer VALUES (?, ?, ?, ?)", CUSTOMERS)
    connection.executemany('INSERT INTO "transaction" VALUES (?, ?, ?, ?, ?)', TRANSACTIONS)
    connection.commit()
    yield connection
    connection.close()


@pytest.fixture
def engine(conn: sqlite3.Connection) -> SuiteQLEngine:
    moment = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
    return SuiteQLEngine(conn, REFERENCES, clock=lambda: moment)


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text sqlglot is asked to parse (from a process that has translated nothing:
    engines share their translations)."""
    forget_shared_translations()
    calls: list[str] = []
    genuine = sqlglot.parse_one

    def counting(sql: str, *args: Any, **kwargs: Any) -> Any:
        calls.append(sql)
        return genuine(sql, *args, **kwargs)

    monkeypatch.setattr(sqlglot, "parse_one", counting)
    return calls


def rows(engine: SuiteQLEngine, q: str) -> list[dict[str, str | None]]:
    return engine.run(q, limit=1000, offset=0).rows


def ids(engine: SuiteQLEngine, q: str) -> list[str | None]:
    return [row["id"] for row in rows(engine, q)]


# --- the scanner ------------------------------------------------------------------------------


def test_literals_are_split_out_with_doubled_quotes_read_as_one() -> None:
    skeleton = split_literals("SELECT id FROM customer WHERE lastname = 'O''Brien' AND x = ''")
    assert skeleton is not None
    assert skeleton.values == ("O'Brien", "")
    assert skeleton.segments == ("SELECT id FROM customer WHERE lastname = ", " AND x = ", "")


def test_a_quote_inside_a_quoted_identifier_is_not_a_literal() -> None:
    skeleton = split_literals("SELECT \"it's\" FROM customer WHERE email = 'a@b.test'")
    assert skeleton is not None
    assert skeleton.values == ("a@b.test",)


@pytest.mark.parametrize(
    "q",
    [
        "SELECT id FROM customer WHERE email = 'a' -- it's",
        "SELECT id FROM customer /* 'x' */ WHERE email = 'a'",
        "SELECT id FROM customer WHERE email = q'[it's]'",
        "SELECT id FROM customer WHERE email = N'a'",
        "SELECT id FROM customer WHERE email = 'a\\'",
        "SELECT id FROM customer WHERE email = 'unclosed",
        "SELECT id FROM customer WHERE email = 'suiteql_literal_0'",
    ],
)
def test_text_the_scanner_could_misread_is_not_split(q: str) -> None:
    assert split_literals(q) is None


# --- templates give the direct translation ----------------------------------------------------


def written_in(translation: Translation) -> Translation:
    """`translation` with its bound literals written into its SQL, quoted as SQL quotes them."""

    def text(sql: str) -> str:
        def literal(found: re.Match[str]) -> str:
            return "'" + translation.params[int(found[1])].replace("'", "''") + "'"

        return re.sub(r":suiteql_literal_(\d+)\b", literal, sql)

    return replace(
        translation,
        sql=text(translation.sql),
        page_sql=text(translation.page_sql),
        count_sql=text(translation.count_sql),
        params=(),
    )

SHAPES = [
    "SELECT id FROM customer WHERE LOWER(email) = '{0}'",
    "SELECT COUNT(*) AS n FROM transaction WHERE externalid = '{0}'",
    "SELECT id, '{0}' AS label FROM customer WHERE lastname IN ('{0}', '{1}') ORDER BY id",
    "SELECT id FROM customer WHERE email = '{0}' OR lastname = UPPER('{1}') || 'x'",
    "SELECT NVL(memo, '{0}') AS memo FROM transaction WHERE tranid <> '{1}'",
    "SELECT CASE WHEN memo = '{0}' THEN 'a' ELSE '{1}' END AS m FROM transaction",
]


@pytest.fixture(scope="module")
def schema() -> Schema:
    connection = sqlite3.connect(":memory:")
    connection.executescript(SCHEMA)
    return read_schema(connection)


@given(
    shape=st.sampled_from(SHAPES),
    first=st.text(max_size=12),
    second=st.text(max_size=12),
)
def test_a_template_bound_to_any_literals_is_the_direct_translation(
    schema: Schema, shape: str, first: str, second: str
) -> None:
    q = shape.format(first.replace("'", "''"), second.replace("'", "''"))
    skeleton = split_literals(q)
    if skeleton is None:
        return  # text the scanner refuses is translated as written
    assert set(skeleton.values) <= {first, second, "a", "x"}
    shared = translate(with_placeholders(skeleton.segments), schema, REFERENCES, "MM/DD/YYYY")
    template = make_template(shared, len(skeleton.values))
    assert template is not None
    bound = template.bind(skeleton.values)
    assert bound.params == skeleton.values
    assert written_in(bound) == translate(q, schema, REFERENCES, "MM/DD/YYYY")


def test_every_binding_of_a_template_is_one_statement(schema: Schema) -> None:
    """The values are parameters, never text: SQLite prepares the statement once."""
    q = "SELECT id FROM customer WHERE LOWER(email) = '{}' AND lastname <> '{}'"
    first, second = split_literals(q.format("a@b.test", "x")), split_literals(q.format("c", "y"))
    assert first is not None and second is not None and first.segments == second.segments
    shared = translate(with_placeholders(first.segments), schema, REFERENCES, "MM/DD/YYYY")
    template = make_template(shared, 2)
    assert template is not None
    one, other = template.bind(first.values), template.bind(second.values)
    assert (one.sql, one.page_sql, one.count_sql) == (other.sql, other.page_sql, other.count_sql)
    assert "a@b.test" not in one.page_sql and one.params == ("a@b.test", "x")


@pytest.mark.parametrize(
    "shape",
    [
        "SELECT id FROM transaction WHERE trandate >= '{0}'",  # date text read in the format
        "SELECT id FROM transaction WHERE trandate IN ('{0}')",
        "SELECT id FROM transaction WHERE memo LIKE '{0}'",  # the pattern becomes GLOB
        "SELECT id FROM transaction WHERE trandate = TO_DATE('{0}', 'MM/DD/YYYY')",
        "SELECT TO_CHAR(trandate, '{0}') AS d FROM transaction",
        "SELECT TO_CHAR(SYSDATE, '{0}') AS d FROM dual",  # the parser reads this model
        "SELECT TRUNC(trandate, '{0}') AS d FROM transaction",
        "SELECT id FROM transaction WHERE trandate = DATE '{0}'",
    ],
)
def test_translations_that_read_a_literal_are_not_templates(schema: Schema, shape: str) -> None:
    skeleton = split_literals(shape.format("MM"))
    assert skeleton is not None
    try:
        shared = translate(with_placeholders(skeleton.segments), schema, REFERENCES, "MM/DD/YYYY")
    except SuiteQLError:
        return  # refused with a placeholder in it: no template either
    assert shared.literal_sensitive
    assert make_template(shared, len(skeleton.values)) is None


# --- results through the engine ----------------------------------------------------------------


def test_a_second_lookup_with_another_email_is_not_parsed_again(
    engine: SuiteQLEngine, parses: list[str]
) -> None:
    lookup = "SELECT id FROM customer WHERE LOWER(email) = '{}'"
    assert ids(engine, lookup.format("jane@example.com")) == ["1"]
    assert len(parses) == 1
    assert ids(engine, lookup.format("ops@acme.test")) == ["2"]
    assert ids(engine, lookup.format("nobody@example.com")) == []
    assert len(parses) == 1


def test_quotes_inside_literals_find_the_right_rows(
    engine: SuiteQLEngine, parses: list[str]
) -> None:
    by_name = "SELECT id, lastname FROM customer WHERE lastname = '{}'"
    assert rows(engine, by_name.format("Doe")) == [{"id": "1", "lastname": "Doe"}]
    assert rows(engine, by_name.format("O''Brien")) == [{"id": "2", "lastname": "O'Brien"}]
    assert rows(engine, by_name.format("O''Brien'' OR ''1''=''1")) == []
    assert len(parses) == 1


def test_in_lists_of_each_length_bind_their_own_values(engine: SuiteQLEngine) -> None:
    assert ids(engine, "SELECT id FROM transaction WHERE externalid IN ('WOO-1', 'WOO-3')") == [
        "100",
        "102",
    ]
    assert ids(engine, "SELECT id FROM transaction WHERE externalid IN ('WOO-2', 'WOO-9')") == [
        "101"
    ]
    assert ids(engine, "SELECT id FROM transaction WHERE externalid IN ('WOO-2')") == ["101"]


def test_date_comparisons_read_each_query_s_own_date(
    engine: SuiteQLEngine, parses: list[str]
) -> None:
    since = "SELECT id FROM transaction WHERE trandate >= '{}' ORDER BY id"
    assert ids(engine, since.format("02/01/2024")) == ["101", "102"]
    assert ids(engine, since.format("03/01/2024")) == ["102"]
    assert ids(engine, since.format("2024-01-31")) == ["100", "101", "102"]  # ISO accepted
    between = "SELECT id FROM transaction WHERE trandate BETWEEN '{}' AND '{}' ORDER BY id"
    assert ids(engine, between.format("01/01/2024", "01/31/2024")) == ["100"]
    assert ids(engine, between.format("02/15/2024", "03/31/2024")) == ["101", "102"]
    # Each query is translated as written; each shape also tried once with placeholders.
    assert len(parses) == (1 + 3) + (1 + 2)


def test_like_patterns_keep_their_own_wildcards_and_case(engine: SuiteQLEngine) -> None:
    like = "SELECT id FROM transaction WHERE memo LIKE '{}' ORDER BY id"
    assert ids(engine, like.format("Rush%")) == ["101"]
    assert ids(engine, like.format("rush%")) == ["102"]
    assert ids(engine, like.format("%order%")) == ["100", "101", "102"]
    assert ids(engine, like.format("first_order")) == ["100"]


def test_to_date_and_to_char_use_each_query_s_own_text(engine: SuiteQLEngine) -> None:
    on = "SELECT id FROM transaction WHERE trandate = TO_DATE('{}', '{}')"
    assert ids(engine, on.format("01/31/2024", "MM/DD/YYYY")) == ["100"]
    assert ids(engine, on.format("2024-02-15", "YYYY-MM-DD")) == ["101"]
    shown = "SELECT TO_CHAR(trandate, '{}') AS d FROM transaction WHERE id = 100"
    assert rows(engine, shown.format("YYYY-MM-DD")) == [{"d": "2024-01-31"}]
    assert rows(engine, shown.format("DD.MM.YYYY")) == [{"d": "31.01.2024"}]
    clock = "SELECT TO_CHAR(SYSDATE, '{}') AS d FROM dual"
    assert rows(engine, clock.format("YYYY-MM-DD")) == [{"d": "2024-03-01"}]
    assert rows(engine, clock.format("MM/DD/YYYY HH24:MI")) == [{"d": "03/01/2024 12:00"}]


@pytest.mark.parametrize(
    "shape",
    [
        "SELECT nosuch FROM customer WHERE email = '{}'",
        "SELECT id FROM customer WHERE email = '{}' AND",  # the column depends on the literal
        "SELECT id FROM transaction WHERE trandate = TO_DATE('{}', 'MM/DD/YYYY')",
    ],
)
def test_an_error_is_worded_for_the_query_as_written(
    conn: sqlite3.Connection, engine: SuiteQLEngine, shape: str
) -> None:
    with pytest.raises(SuiteQLError):
        rows(engine, shape.format("a@b.test"))
    q = shape.format("someone.else@example.com")
    with pytest.raises(SuiteQLError) as cached:
        rows(engine, q)
    with pytest.raises(SuiteQLError) as fresh:
        rows(SuiteQLEngine(conn, REFERENCES), q)
    assert cached.value.detail == fresh.value.detail
    assert "a@b.test" not in cached.value.detail


def test_a_restored_store_keeps_its_translations(
    conn: sqlite3.Connection, engine: SuiteQLEngine, parses: list[str]
) -> None:
    lookup = "SELECT id FROM customer WHERE email = '{}'"
    assert ids(engine, lookup.format("jane@example.com")) == ["1"]
    copy = sqlite3.connect(":memory:")
    conn.backup(copy)
    conn.execute("DELETE FROM customer WHERE id = 1")
    conn.commit()
    copy.backup(conn)  # what a reset does: the schema version moves, the tables do not
    assert ids(engine, lookup.format("ops@acme.test")) == ["2"]
    assert len(parses) == 1
    conn.execute("ALTER TABLE customer ADD COLUMN phone TEXT")
    assert rows(engine, "SELECT * FROM customer WHERE email = 'ops@acme.test'")[0]["id"] == "2"
    assert ids(engine, lookup.format("jane@example.com")) == ["1"]
    assert len(parses) == 3  # a real change of columns drops every translation


# --- shared by the engines of a process ---------------------------------------------------------


def _other_store(extra: str = "") -> sqlite3.Connection:
    """A store with the same tables as `conn` (and `extra` statements), other rows."""
    other = sqlite3.connect(":memory:")
    other.executescript(SCHEMA + extra)
    other.execute(
        "INSERT INTO customer (id, email, lastname) VALUES (7, 'jane@example.com', 'Roe')"
    )
    other.commit()
    return other


def test_an_engine_of_the_same_tables_parses_nothing_another_translated(
    engine: SuiteQLEngine, parses: list[str]
) -> None:
    lookup = "SELECT id, lastname FROM customer WHERE email = '{}'"
    assert rows(engine, lookup.format("jane@example.com")) == [{"id": "1", "lastname": "Doe"}]
    assert len(parses) == 1
    other = _other_store()
    try:
        second = SuiteQLEngine(other, REFERENCES)
        # its own rows, through the first engine's translation
        assert rows(second, lookup.format("jane@example.com")) == [{"id": "7", "lastname": "Roe"}]
        assert len(parses) == 1
    finally:
        other.close()


@pytest.mark.parametrize(
    "differs", ["a column", "the date format", "the budget", "the references"]
)
def test_an_engine_that_differs_translates_for_itself(
    engine: SuiteQLEngine, parses: list[str], differs: str
) -> None:
    lookup = "SELECT id FROM customer WHERE email = 'jane@example.com'"
    assert ids(engine, lookup) == ["1"]
    column = "ALTER TABLE customer ADD COLUMN phone TEXT;"
    other = _other_store(column if differs == "a column" else "")
    try:
        second = SuiteQLEngine(
            other,
            {("customer", "lastname"): ("customer", "email")} if differs == "the references"
            else REFERENCES,
            date_format="DD.MM.YYYY" if differs == "the date format" else "MM/DD/YYYY",
            budget=QueryBudget(max_columns=999) if differs == "the budget" else None,
        )
        assert ids(second, lookup) == ["7"]
        assert len(parses) == 2
    finally:
        other.close()


def test_a_replaced_translator_neither_reads_nor_leaves_shared_translations(
    engine: SuiteQLEngine, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    q = "SELECT id FROM customer WHERE id = 1"
    assert ids(engine, q) == ["1"]
    genuine = engine_module.translate
    made: list[str] = []

    def replaced(*args: Any) -> Translation:
        made.append(args[0])
        page = "SELECT 'x' AS id LIMIT :page_limit OFFSET :page_offset"
        return replace(genuine(*args), page_sql=page)

    with monkeypatch.context() as patch:
        patch.setattr(engine_module, "translate", replaced)
        other = _other_store()
        try:
            assert ids(SuiteQLEngine(other, REFERENCES), q) == ["x"]
        finally:
            other.close()
    assert made == [q]
    other = _other_store()
    try:
        seven = "SELECT id FROM customer WHERE id = 7"
        assert ids(SuiteQLEngine(other, REFERENCES), seven) == ["7"]
    finally:
        other.close()

"""What one SuiteQL query may cost the sandbox: time, text, nesting and result size.

NetSuite runs SuiteQL on a shared database and refuses queries that would monopolise it; the
embedded sandbox is shared too (`harness sandbox serve` in CI), so every query runs under a
budget and answers a 400 in NetSuite's shape when it goes over. NetSuite publishes only some of
these numbers (the 1,000-value IN list); the others are INFERRED: generous for any query a
connector sends, small enough that no query can stall or exhaust the server.
"""

from __future__ import annotations

from dataclasses import dataclass

# CONFIRMED: "You can't use more than 1000 arguments in a single IN clause."
# https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/article_0824094533.html
MAX_IN_VALUES = 1000
# The store's writers wait this long for a query's read to end before a commit gives up: it
# must stay above any time limit (store/db.py waits 60 s).
MAX_TIME_LIMIT_SECONDS = 30.0


@dataclass(frozen=True, eq=False)
class QueryBudget:
    """The limits one query runs under (all INFERRED unless noted). Compared and hashed by
    identity: translations are cached per budget, and hashing ten fields per query costs."""

    time_limit_seconds: float = 5.0  # from the request's arrival to its last row
    max_query_chars: int = 100_000  # checked before parsing, so a 2 MB query costs nothing
    max_paren_depth: int = 30  # the parser recurses (some 20 frames) per parenthesis
    max_expression_depth: int = 500  # e.g. an OR chain of 500 terms (SQLite stops at 1,000)
    max_query_nesting: int = 8  # subqueries within subqueries (SQLite's parser stops at ~12)
    max_result_bytes: int = 10_000_000  # the text of one page of rows
    max_value_bytes: int = 4_000_000  # one value or stored row (long text holds 1M characters)
    max_columns: int = 1000  # NetSuite retrieves at most 1,000 columns per query
    # SQLite's memory in this process (its hard heap limit, which SQLite keeps per process):
    # values copied into many columns, sorts and materialised subqueries all count, so no
    # query can grow the server without bound. Stores of real accounts use a few MB.
    max_sqlite_heap_bytes: int = 256 * 2**20

    def __post_init__(self) -> None:
        if not 0 < self.time_limit_seconds <= MAX_TIME_LIMIT_SECONDS:
            raise ValueError(
                f"time_limit_seconds must be above 0 and at most {MAX_TIME_LIMIT_SECONDS:g}"
                f" (the store's writers wait that long for a read), got {self.time_limit_seconds}"
            )
        for name in (
            "max_query_chars",
            "max_paren_depth",
            "max_expression_depth",
            "max_query_nesting",
            "max_result_bytes",
            "max_value_bytes",
            "max_columns",
            "max_sqlite_heap_bytes",
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")

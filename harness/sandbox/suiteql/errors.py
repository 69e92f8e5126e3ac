"""SuiteQL failures as NetSuite reports them (reference/netsuite-rest.md sections 4.2 and 5).

Every failure is a `SuiteQLError` carrying what the sandbox app needs for the error body:
status, `o:errorCode`, detail and `o:errorQueryParam`.
"""

from __future__ import annotations

from collections.abc import Iterable

INVALID_PARAMETER = "INVALID_PARAMETER"
# CONFIRMED (live samples): SuiteQL query errors are 400 INVALID_PARAMETER with
# o:errorQueryParam "q", and their detail starts with this text.
SEARCH_PREFIX = "Invalid search query. Detailed unprocessed description follows. "
# NetSuite's words for a statement it will not run (seen in live samples); the sandbox adds why.
UNSUPPORTED = "Search error occurred: Invalid or unsupported search."
MAX_PAGE_SIZE = 1000
MAX_TOTAL_RESULTS = 100_000


class SuiteQLError(Exception):
    """A query NetSuite would refuse, with the parts of its REST error body."""

    def __init__(self, status: int, code: str, detail: str, query_param: str | None) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.query_param = query_param

    def __repr__(self) -> str:
        return f"SuiteQLError({self.status}, {self.code!r}, {self.detail!r}, {self.query_param!r})"


def query_error(description: str) -> SuiteQLError:
    """The query (`q`) is at fault."""
    return SuiteQLError(400, INVALID_PARAMETER, SEARCH_PREFIX + description, "q")


def unsupported(reason: str) -> SuiteQLError:
    return query_error(f"{UNSUPPORTED} {reason}")


def invalid_search_type(table: str) -> SuiteQLError:
    """CONFIRMED text for a table that does not exist."""
    return query_error(f"Invalid search type: {table}.")


def unknown_identifier(name: str, available: Iterable[tuple[str, str]]) -> SuiteQLError:
    """CONFIRMED text for a column no table in scope has; `available` is (alias, table)."""
    identifiers = ", ".join(f"{alias}={table}" for alias, table in available)
    return query_error(
        f"Search error occurred: Unknown identifier '{name}'. "
        f"Available identifiers are: {{{identifiers}}}."
    )


def record_not_found(table: str) -> SuiteQLError:
    """A table the role may not see: CONFIRMED-weak (public client tests quote this text for
    SuiteQL against a record the role lacks), chosen over a 403 because SuiteQL answers
    permission gaps as a search error on `q`."""
    return query_error(f"Search error occurred: Record '{table}' was not found.")


def parameter_error(name: str, value: object, expected: str) -> SuiteQLError:
    """A bad `limit`/`offset`. INFERRED text; the code and query param follow section 4.1."""
    return SuiteQLError(
        400,
        INVALID_PARAMETER,
        f"Invalid value for the query parameter '{name}': {value!r}. {expected}",
        name,
    )


def too_many_results(total: int) -> SuiteQLError:
    """CONFIRMED: SuiteQL over REST stops at 100,000 results. INFERRED text and code."""
    return query_error(
        f"Search error occurred: The query returns {total} results; SuiteQL through REST web "
        f"services returns at most {MAX_TOTAL_RESULTS}. Narrow the query or use SuiteAnalytics "
        "Connect."
    )

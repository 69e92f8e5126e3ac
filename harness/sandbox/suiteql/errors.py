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


def too_many_results() -> SuiteQLError:
    """CONFIRMED: SuiteQL over REST stops at 100,000 results. INFERRED text and code. The
    count stops one past the cap, so the text does not say by how much it is exceeded."""
    return query_error(
        f"Search error occurred: The query returns more than {MAX_TOTAL_RESULTS} results, the "
        "most SuiteQL through REST web services returns. Narrow the query or use "
        "SuiteAnalytics Connect."
    )


# --- the query budget (budget.py). NetSuite's wording for these is unpublished: INFERRED text in
# its shape (400 INVALID_PARAMETER on `q`, "Search error occurred: ..."), each naming the limit.


def time_limit_exceeded(seconds: float) -> SuiteQLError:
    return query_error(
        f"Search error occurred: The query ran longer than the time limit of {seconds:g} "
        "seconds and was stopped. Narrow it (filters, fewer joins) and run it again."
    )


def query_too_long(length: int, limit: int) -> SuiteQLError:
    return query_error(
        f"Search error occurred: The query is {length} characters long; at most {limit} "
        "are accepted."
    )


def too_deep(what: str, depth: int, limit: int, hint: str = "") -> SuiteQLError:
    return query_error(
        f"Search error occurred: The query nests {what} {depth} levels deep; at most {limit} "
        f"are supported.{' ' + hint if hint else ''}"
    )


def nested_too_deeply() -> SuiteQLError:
    """Nesting no single limit names (CASE within CASE within ...) that still exhausts the
    parser or the translation."""
    return query_error(
        "Search error occurred: The query nests expressions too deeply to be read. "
        "Flatten it (fewer nested CASE, functions or subqueries)."
    )


def too_many_in_values(count: int, limit: int) -> SuiteQLError:
    """CONFIRMED limit (at most 1,000 values in one IN list), INFERRED text (Oracle's own
    ORA-01795 says "maximum number of expressions in a list is 1000")."""
    return query_error(
        f"Search error occurred: An IN list holds {count} values; at most {limit} are allowed "
        "in a single IN clause."
    )


def bind_parameters(marker: str) -> SuiteQLError:
    return query_error(
        f"Search error occurred: SuiteQL through REST web services takes no bind parameters "
        f"(found {marker}). Write each value into the query text as a literal."
    )


def unknown_function(name: str) -> SuiteQLError:
    """A function outside SuiteQL's supported list. NetSuite refuses these (it "doesn't allow
    you to use unsupported SQL functions in your query"); its exact words are INFERRED."""
    return unsupported(f"The function {name} is not a SuiteQL function.")


def results_too_large(limit: int) -> SuiteQLError:
    return query_error(
        f"Search error occurred: The rows of this page hold more than {limit} bytes of text. "
        "Select fewer or shorter columns, or ask for a smaller page (limit)."
    )


def value_too_large(limit: int) -> SuiteQLError:
    return query_error(
        f"Search error occurred: The query computes a value longer than {limit} bytes."
    )


def out_of_memory() -> SuiteQLError:
    return query_error("Search error occurred: The query needs more memory than is available.")


def too_many_columns(limit: int) -> SuiteQLError:
    return query_error(f"Search error occurred: The query returns more than {limit} columns.")


def not_valid_text(where: str) -> SuiteQLError:
    return query_error(
        f"Search error occurred: {where} holds text that is not valid Unicode (UTF-8)."
    )


def function_failed(reason: str) -> SuiteQLError:
    """A value Oracle refuses to compute: division by zero, a number read from text that is
    not one (INFERRED: NetSuite reports the Oracle error as a search error)."""
    return query_error(f"Search error occurred: {reason}")

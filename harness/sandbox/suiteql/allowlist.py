"""The functions a SuiteQL query may call: the ones NetSuite documents, nothing of SQLite's.

NetSuite "doesn't allow you to use unsupported SQL functions in your query, which prevents SQL
injection and other unauthorized access to data" (ORA:section_156257770590). Its list
("SuiteQL Supported and Unsupported Functions", ORA:section_158513731864; the same list as of
2020.1 in https://docs.tibco.com/pub/tdv/8.5.4/doc/html/en-US/AdapterHelp/AdapterHelp/word-frame_netsuite.63.22.html)
is `SUPPORTED`. A call is checked by the name the query wrote, not by what the parser made of
it: sqlglot reads IFNULL as NVL and CHAR_LENGTH as LENGTH, but NetSuite refuses both.

The same rule holds one level down: `SQLITE_FUNCTIONS` are the SQLite functions a translation
may call, and the connection's authorizer refuses any other (readers.py), so even a
translation bug cannot reach `fts3_tokenizer`, `load_extension` or `randomblob`.
"""

from __future__ import annotations

from sqlglot import exp

from harness.sandbox.suiteql import functions
from harness.sandbox.suiteql.errors import unknown_function

__all__ = ["SQLITE_FUNCTIONS", "SUPPORTED", "check_functions"]


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


SUPPORTED = _names(
    """
    ABS ACOS ADD_MONTHS APPROX_COUNT_DISTINCT ASCII ASCIISTR ASIN ATAN ATAN2 AVG BFILENAME
    BITAND CEIL CHARTOROWID CHR COALESCE COMPOSE CONCAT CORR CORR_K CORR_S COS COSH COUNT
    COVAR_POP COVAR_SAMP CURRENT_DATE CURRENT_TIMESTAMP DECODE DECOMPOSE DENSE_RANK EMPTY_BLOB
    EMPTY_CLOB EXP FLOOR FROM_TZ GREATEST INITCAP INSTR LAST_DAY LEAST LENGTH LENGTH2 LENGTH4
    LENGTHB LENGTHC LN LOCALTIMESTAMP LOG LOWER LPAD LTRIM MAX MEDIAN MIN MOD MONTHS_BETWEEN
    NANVL NEW_TIME NEXT_DAY NLSSORT NLS_INITCAP NLS_LOWER NLS_UPPER NULLIF NVL NVL2 ORA_HASH
    POWER RANK REGEXP_INSTR REGEXP_REPLACE REGEXP_SUBSTR REMAINDER REPLACE ROUND ROW_NUMBER RPAD
    RTRIM SIGN SIN SINH SOUNDEX SQRT SUBSTR SUM SYS_EXTRACT_UTC TAN TANH TO_BINARY_DOUBLE
    TO_BINARY_FLOAT TO_CHAR TO_CLOB TO_DATE TO_MULTI_BYTE TO_NCHAR TO_NCLOB TO_NUMBER
    TO_SINGLE_BYTE TO_TIMESTAMP TO_TIMESTAMP_TZ TRANSLATE TRUNC TZ_OFFSET UNISTR UPPER VSIZE
    WIDTH_BUCKET
    """
)

# Written without a name-and-parenthesis call, so the parser keeps no name for them: SQL
# syntax (CAST, CASE, EXTRACT(... FROM ...), TRIM(... FROM ...), EXISTS, AND/OR), DECODE,
# SYSDATE and CURRENT_DATE, and the DATE '...'/TIMESTAMP '...' literals. INFERRED for
# EXTRACT, TRIM and SYSDATE, which the list omits but SuiteQL queries use everywhere.
_SYNTAX: frozenset[type[exp.Expr]] = frozenset(
    {
        exp.Cast, exp.Case, exp.If, exp.DecodeCase, exp.Extract, exp.Trim, exp.Exists,
        exp.CurrentDate, exp.CurrentTimestamp, exp.DateStrToDate, exp.StrToTime, exp.And,
        exp.Or,
    }
)  # fmt: skip

# SQLite's own functions that translations call (the SuiteQL functions above, rewritten),
# plus the ones the sandbox registers; everything else is refused at execution.
SQLITE_FUNCTIONS = _names(
    """
    abs acos asin atan atan2 avg ceil ceiling char coalesce cos cosh count date datetime
    dense_rank exp floor glob ifnull instr julianday length like ln log log10 lower ltrim max
    min mod nullif pow power rank replace round row_number rtrim sign sin sinh soundex sqrt
    strftime substr substring sum tan tanh time total trim trunc unicode upper
    """
) | frozenset(name.lower() for name in functions.REGISTERED)


def check_functions(tree: exp.Expr, q: str) -> None:
    """Refuse the first call of a function SuiteQL does not support, by its written name."""
    for node in tree.walk():
        if not isinstance(node, exp.Func):
            continue
        name = _written_name(node, q)
        if name is None:
            if type(node) in _SYNTAX:
                continue
            name = type(node).sql_names()[0]  # parsed by a rule of its own, e.g. TO_NUMBER
        if isinstance(node.parent, exp.Dot) and node.parent.expression is node:
            owner = node.parent.this
            if isinstance(owner, exp.Identifier | exp.Column) and owner.name.lower() == "builtin":
                continue  # BUILTIN.<name>: oracle.py decides which of them run
            raise unknown_function(f"{owner.sql(dialect='oracle').upper()}.{name}")
        if name not in SUPPORTED:
            raise unknown_function(name)


def _written_name(node: exp.Func, q: str) -> str | None:
    """The function's name as the query spells it (the parser notes where it stands)."""
    if isinstance(node, exp.Anonymous) and isinstance(node.this, str):
        return node.this.strip('"').upper()
    start, end = node.meta.get("start"), node.meta.get("end")
    if isinstance(start, int) and isinstance(end, int):
        return q[start : end + 1].strip('"').upper()
    return None

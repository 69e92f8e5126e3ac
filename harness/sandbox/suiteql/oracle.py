"""Oracle and NetSuite syntax that SQLite lacks, rewritten before names are resolved.

Parsing is sqlglot's Oracle dialect. This module refuses anything but a single SELECT (SuiteQL
is read-only) and any query over its budget or calling a function SuiteQL lacks, makes
identifiers case-insensitive as in Oracle, and rewrites what needs no knowledge of the schema:
`ROWNUM`, `TO_DATE`/`TRUNC`/`TO_NUMBER`, null-safe `||`, case-sensitive `LIKE`, and the
arithmetic Oracle refuses where SQLite answers NULL or 0 (`1/0`, `CAST('abc' AS NUMBER)`).
`BUILTIN.DF` is only marked here: it needs the resolved column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypeGuard

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, SqlglotError

from harness.sandbox.suiteql import functions
from harness.sandbox.suiteql.allowlist import check_functions
from harness.sandbox.suiteql.budget import QueryBudget
from harness.sandbox.suiteql.dates import compile_format, model_from_strftime
from harness.sandbox.suiteql.dates import to_stored as iso_text
from harness.sandbox.suiteql.errors import nested_too_deeply, query_error, unsupported
from harness.sandbox.suiteql.limits import check_parens, check_tree

DATE_META = "suiteql_date"  # node meta: the node yields a date (ISO text in SQLite)
DF_MARKER = "SUITEQL_BUILTIN_DF"  # stands for BUILTIN.DF until its column is resolved
WITH_KEYS = ("with_", "with")
# Anything that could change the store: SuiteQL is read-only.
_WRITES: tuple[type[exp.Expr], ...] = (
    exp.DML, exp.DDL, exp.Command, exp.Pragma, exp.Into, exp.Transaction, exp.Commit,
    exp.Rollback, exp.Set, exp.Use, exp.Attach, exp.Detach, exp.Copy, exp.LoadData, exp.Grant,
    exp.Revoke, exp.Analyze, exp.Cache, exp.Uncache, exp.Refresh, exp.Kill, exp.TruncateTable,
    exp.Alter, exp.Drop, exp.Merge,
)  # fmt: skip
_DATE_TYPES = ("date", "datetime", "timestamp")
# Where the parser keeps a string literal as the value it is written as.
_VALUE_PARENTS: tuple[type[exp.Expr], ...] = (
    exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.In, exp.Between, exp.Select,
    exp.Alias, exp.Paren, exp.DPipe, exp.Coalesce, exp.Case, exp.If, exp.Upper, exp.Lower,
    exp.Anonymous, exp.Tuple,
)  # fmt: skip
_TRUNC_DAY = {"DD", "DDD", "J", "D", "DAY"}
_TRUNC_MONTH = {"MM", "MON", "MONTH", "RM"}
_TRUNC_YEAR = {"YYYY", "YEAR", "Y", "YY", "YYY", "SYYYY", "SYEAR"}


@dataclass
class LiteralUse:
    """Set when a string literal's value shaped the translation (a date read from text, a LIKE
    pattern, a format model or TRUNC unit): such a translation holds for that text only, so
    it cannot serve as a template for the same query with other literals."""

    seen: bool = False

    def note(self, *nodes: exp.Expr | None) -> None:
        if any(is_text(node) for node in nodes):
            self.seen = True

    def note_parsed(self, tree: exp.Expr) -> None:
        """The parser itself reads some literals (a TO_CHAR model becomes strftime's, DATE
        'x' a date): any string literal outside a plain value position counts as read."""
        for literal in tree.find_all(exp.Literal):
            if literal.is_string and not isinstance(literal.parent, _VALUE_PARENTS):
                self.seen = True
                return


def is_text(node: exp.Expr | None) -> TypeGuard[exp.Literal]:
    return isinstance(node, exp.Literal) and node.is_string


def parse_query(q: str, budget: QueryBudget | None = None) -> exp.Expr:
    """The single SELECT in `q`, identifiers lower-cased, or SuiteQLError."""
    budget = budget or QueryBudget()
    if not q.strip():
        raise query_error("Search error occurred: Syntax error: the query is empty.")
    check_parens(q, budget)
    tree = _parse(q)
    _refuse_writes(tree)
    check_tree(tree, budget)
    check_functions(tree, q)
    for identifier in tree.find_all(exp.Identifier):
        identifier.set("this", identifier.name.lower())  # Oracle names are case-insensitive
    return tree


def rewrite_oracle(tree: exp.Expr, date_model: str, literals: LiteralUse | None = None) -> exp.Expr:
    """Rewrite the schema-independent Oracle specifics in place; returns the query root.
    `literals` is told when a string literal's value shaped a rewrite."""
    _mark_builtin_calls(tree)
    _rewrite_rownum(tree)
    _rewrite_functions(tree, date_model, literals if literals is not None else LiteralUse())
    while isinstance(tree, exp.Subquery) and not any(
        value for key, value in tree.args.items() if key != "this"
    ):
        tree = tree.this  # a query in parentheses
    return tree


def _parse(q: str) -> exp.Expr:
    try:
        tree = sqlglot.parse_one(q, read="oracle")
    except ParseError as error:
        raise _syntax_error(error) from None
    except SqlglotError as error:
        raise query_error(f"Search error occurred: Syntax error: {error}.") from None
    except RecursionError:
        # Nesting the parenthesis count does not see (CASE within CASE): too deep to read.
        raise nested_too_deeply() from None
    if tree is None:
        raise query_error("Search error occurred: Syntax error: the query is empty.")
    return tree


def _syntax_error(error: ParseError) -> Exception:
    if not error.errors:
        return query_error(f"Search error occurred: Syntax error: {error}.")
    first = error.errors[0]
    description = str(first.get("description", "")).split(" but got <Token", 1)[0]
    description = re.sub(r"<class '[\w.]+\.(\w+)'>", r"\1", description)
    return query_error(
        f"Search error occurred: Syntax error at line {first.get('line')}, column "
        f"{first.get('col')} near '{first.get('highlight')}': {description}."
    )


def _refuse_writes(tree: exp.Expr) -> None:
    if isinstance(tree, exp.Block):
        raise _read_only("several statements")
    if not isinstance(tree, exp.Query):
        raise _read_only(_statement_kind(tree))
    for node in tree.walk():
        if isinstance(node, _WRITES):
            raise _read_only(_statement_kind(node))


def _statement_kind(node: exp.Expr) -> str:
    if isinstance(node, exp.Command):
        return str(node.this).upper()
    if isinstance(node, exp.Into):
        return "SELECT INTO"
    return type(node).__name__.upper()


def _read_only(kind: str) -> Exception:
    return unsupported(f"SuiteQL is read-only: only one SELECT query can run (got {kind}).")


def _mark_builtin_calls(tree: exp.Expr) -> None:
    for dot in list(tree.find_all(exp.Dot)):
        owner, call = dot.this, dot.expression
        if not isinstance(owner, exp.Identifier | exp.Column) or owner.name != "builtin":
            continue
        name = call.name.upper() if isinstance(call, exp.Anonymous) else call.sql()
        if name != "DF" or not isinstance(call, exp.Anonymous) or len(call.expressions) != 1:
            raise unsupported(f"BUILTIN.{name} is not available in the embedded sandbox.")
        dot.replace(exp.Anonymous(this=DF_MARKER, expressions=[call.expressions[0]]))


def _rewrite_rownum(tree: exp.Expr) -> None:
    """`WHERE ROWNUM <= n` becomes a LIMIT on the rows the WHERE lets through."""
    for select in list(tree.find_all(exp.Select)):
        where = select.args.get("where")
        conjuncts = _conjuncts(where.this) if where else []
        bound: int | None = None
        kept: list[exp.Expr] = []
        found = False
        for conjunct in conjuncts:
            is_rownum, limit = _rownum_bound(conjunct)
            if not is_rownum:
                kept.append(conjunct)
                continue
            found = True
            if limit is not None:
                bound = limit if bound is None else min(bound, limit)
        if found:
            select.set("where", exp.Where(this=exp.and_(*kept, copy=False)) if kept else None)
        if any(_is_rownum(c) and _owner(c) is select for c in select.find_all(exp.Column)):
            raise unsupported("ROWNUM is only supported as 'ROWNUM <= n' in a WHERE clause.")
        if bound is not None:
            _apply_rownum(select, max(bound, 0))


def _conjuncts(node: exp.Expr) -> list[exp.Expr]:
    if isinstance(node, exp.And):
        return _conjuncts(node.this) + _conjuncts(node.expression)
    if isinstance(node, exp.Paren) and isinstance(node.this, exp.And):
        return _conjuncts(node.this)
    return [node]


def _is_rownum(node: exp.Expr) -> bool:
    return isinstance(node, exp.Column) and not node.table and node.name == "rownum"


def _owner(node: exp.Expr) -> exp.Expr | None:
    return node.find_ancestor(exp.Select)


def _int_literal(node: exp.Expr | None) -> int | None:
    if isinstance(node, exp.Literal) and not node.is_string and node.name.isdecimal():
        return int(node.name)
    return None


_MIRRORED: dict[type[exp.Expr], type[exp.Expr]] = {
    exp.LTE: exp.GTE, exp.LT: exp.GT, exp.EQ: exp.EQ, exp.GTE: exp.LTE, exp.GT: exp.LT,
}  # fmt: skip


def _rownum_bound(node: exp.Expr) -> tuple[bool, int | None]:
    """(is a ROWNUM comparison, the most rows it lets through or None for all)."""
    kind = type(node)
    if kind not in _MIRRORED:
        return False, None
    left, right = node.args.get("this"), node.args.get("expression")
    if left is not None and _is_rownum(left) and _int_literal(right) is not None:
        number = _int_literal(right)
    elif right is not None and _is_rownum(right) and _int_literal(left) is not None:
        number, kind = _int_literal(left), _MIRRORED[kind]
    else:
        return False, None
    assert number is not None
    # Oracle numbers rows as they pass the filter, so ROWNUM = 2 or ROWNUM > 1 never holds.
    if kind is exp.LTE:
        return True, number
    if kind is exp.LT:
        return True, number - 1
    if kind is exp.EQ:
        return True, 1 if number == 1 else 0
    if kind is exp.GT:
        return True, None if number < 1 else 0
    return True, None if number <= 1 else 0


def _apply_rownum(select: exp.Select, bound: int) -> None:
    aggregated = any(select.args.get(key) for key in ("group", "distinct", "having")) or any(
        _owner(node) is select
        for expression in select.expressions
        for node in expression.find_all(exp.AggFunc, exp.Window)
    )
    if not aggregated:
        limit, offset = select.args.get("limit"), select.args.get("offset")
        count = _window_count(limit)
        skipped = _int_literal(offset.expression) if offset is not None else 0
        if skipped is None or (limit is not None and count is None):
            raise unsupported("ROWNUM together with a non-literal OFFSET or FETCH.")
        # ROWNUM filters before OFFSET/FETCH: at most `bound` rows reach them.
        rows = max(bound - skipped, 0)
        select.set("limit", exp.Limit(expression=exp.Literal.number(min(rows, count or rows))))
        return
    from_ = select.args.get("from_")
    if from_ is None or select.args.get("joins"):
        raise unsupported("ROWNUM with aggregates is only supported on a single table.")
    # Aggregates see only the first `bound` rows: filter and cut the table first.
    source = from_.this
    inner = exp.Select().select(exp.Star(), copy=False).from_(source.copy(), copy=False)
    where = select.args.get("where")
    if where is not None:
        inner.set("where", where)
        select.set("where", None)
    inner.set("limit", exp.Limit(expression=exp.Literal.number(bound)))
    alias = exp.TableAlias(this=exp.to_identifier(source.alias_or_name))
    from_.set("this", exp.Subquery(this=inner, alias=alias))


def _window_count(limit: exp.Expr | None) -> int | None:
    if isinstance(limit, exp.Fetch):
        return _int_literal(limit.args.get("count"))
    if isinstance(limit, exp.Limit):
        return _int_literal(limit.expression)
    return None


def _rewrite_functions(tree: exp.Expr, date_model: str, literals: LiteralUse) -> None:
    for node in reversed(list(tree.walk(bfs=False))):
        if isinstance(node, exp.Fetch):
            options = node.args.get("limit_options")
            if options is not None and (
                options.args.get("with_ties") or options.args.get("percent")
            ):
                raise unsupported("FETCH ... PERCENT or WITH TIES is not supported.")
        elif isinstance(node, exp.ToNumber):
            node.replace(exp.Anonymous(this=functions.TO_NUMBER, expressions=[node.this]))
        elif isinstance(node, exp.Div):
            operands = [node.this, node.expression]
            node.replace(exp.Anonymous(this=functions.DIVIDE, expressions=operands))
        elif isinstance(node, exp.Cast) and node.to.this in exp.DataType.NUMERIC_TYPES:
            # The cast keeps SQLite's type; the text is read as Oracle reads a number first,
            # and an integer type rounds (half away from zero) where SQLite would truncate.
            number: exp.Expr = exp.Anonymous(this=functions.TO_NUMBER, expressions=[node.this])
            if node.to.this in exp.DataType.INTEGER_TYPES:
                number = exp.Round(this=number)
            node.set("this", number)
        elif isinstance(node, exp.StrToDate):
            model_node = node.args.get("format")
            literals.note(node.this, model_node)
            model = model_from_strftime(model_node.name) if model_node is not None else date_model
            node.replace(_to_date(node.this, model))
        elif isinstance(node, exp.Anonymous) and node.name.upper() == "TO_TIMESTAMP":
            arguments = node.expressions
            literals.note(*arguments)
            model = arguments[1].name if len(arguments) > 1 else date_model
            node.replace(_to_date(arguments[0], model))
        elif isinstance(node, exp.CurrentTimestamp | exp.CurrentDate):
            node.replace(dated(exp.Anonymous(this=functions.SYSDATE, expressions=[])))
        elif isinstance(node, exp.DateTrunc):
            literals.note(node.args.get("unit"))
            node.replace(truncate_date(node.this, node.args.get("unit")))
        elif isinstance(node, exp.Cast) and node.to.is_type(*_DATE_TYPES):
            node.meta[DATE_META] = True  # SQLite's DATE()/DATETIME() keep ISO text
        elif isinstance(node, exp.DPipe):
            node.replace(_null_safe_concat(node))
        elif isinstance(node, exp.Like) and not isinstance(node.parent, exp.Escape):
            literals.note(node.expression)
            node.replace(_case_sensitive_like(node, None))
        elif isinstance(node, exp.Escape) and isinstance(node.this, exp.Like):
            literals.note(node.this.expression, node.expression)
            node.replace(_case_sensitive_like(node.this, node.expression))


def dated(node: exp.Expr) -> exp.Expr:
    node.meta[DATE_META] = True
    return node


def _to_date(value: exp.Expr, model: str) -> exp.Expr:
    try:
        form = compile_format(model)
        if isinstance(value, exp.Literal) and value.is_string:
            return dated(
                exp.Literal.string(iso_text(form.parse(value.name), with_time=form.has_time))
            )
    except ValueError as error:
        raise query_error(f"Search error occurred: Invalid date value: {error}.") from None
    call = exp.Anonymous(this=functions.TO_DATE, expressions=[value, exp.Literal.string(model)])
    return dated(call)


def truncate_date(value: exp.Expr, unit: exp.Expr | None) -> exp.Expr:
    element = unit.name.upper() if unit is not None else "DD"
    if element in _TRUNC_DAY:
        return dated(exp.Anonymous(this="DATE", expressions=[value]))
    for elements, pattern in ((_TRUNC_MONTH, "%Y-%m-01"), (_TRUNC_YEAR, "%Y-01-01")):
        if element in elements:
            strftime = exp.Anonymous(
                this="STRFTIME", expressions=[exp.Literal.string(pattern), value]
            )
            return dated(strftime)
    raise unsupported(f"TRUNC of a date to '{element}' is not supported.")


def _null_safe_concat(node: exp.DPipe) -> exp.Expr:
    """Oracle's `||` treats NULL as an empty string; SQLite's would make the result NULL."""
    operands: list[exp.Expr] = []
    for operand in (node.this, node.expression):
        if isinstance(operand, exp.DPipe):
            operands.append(operand)
        else:
            operands.append(exp.Coalesce(this=operand, expressions=[exp.Literal.string("")]))
    return exp.DPipe(this=operands[0], expression=operands[1])


def _case_sensitive_like(like: exp.Like, escape: exp.Expr | None) -> exp.Expr:
    """Oracle's LIKE is case-sensitive, SQLite's is not. A literal pattern becomes GLOB
    (case-sensitive, still uses indexes, leaves the connection's pragmas alone); a pattern
    computed per row goes through a regular-expression function."""
    pattern = like.expression
    escape_char = escape.name if isinstance(escape, exp.Literal) else None
    match: exp.Expr
    if isinstance(pattern, exp.Literal) and pattern.is_string and (escape is None or escape_char):
        # An empty pattern is NULL in Oracle, which matches nothing.
        glob = _glob(pattern.name, escape_char) if pattern.name else None
        text = exp.Literal.string(glob) if glob is not None else exp.Null()
        match = exp.Glob(this=like.this, expression=text)
    else:
        arguments = [like.this, pattern, escape if escape is not None else exp.Null()]
        match = exp.Anonymous(this=functions.LIKE, expressions=arguments)
    return exp.Not(this=match) if like.args.get("negate") else match


def _glob(pattern: str, escape: str | None) -> str:
    parts: list[str] = []
    characters = iter(pattern)
    for character in characters:
        if escape is not None and character == escape:
            parts.append(_glob_literal(next(characters, "")))
        elif character == "%":
            parts.append("*")
        elif character == "_":
            parts.append("?")
        else:
            parts.append(_glob_literal(character))
    return "".join(parts)


def _glob_literal(character: str) -> str:
    return f"[{character}]" if character in "*?[" else character

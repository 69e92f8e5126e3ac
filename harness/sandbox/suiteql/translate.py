"""SuiteQL text -> one SQLite query, checked against the store's schema.

After the Oracle rewrites (oracle.py), every table and column is resolved scope by scope
the way NetSuite does, so unknown names fail with NetSuite's words; then the rewrites that
depend on column types run (`BUILTIN.DF`, date arithmetic and comparisons, `TO_CHAR`), and each
result column gets its key and whether it holds a date.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from sqlglot import exp
from sqlglot.errors import ErrorLevel, SqlglotError

from harness.sandbox.suiteql import functions
from harness.sandbox.suiteql.budget import QueryBudget
from harness.sandbox.suiteql.dates import compile_format, parse_stored
from harness.sandbox.suiteql.dates import to_stored as iso_text
from harness.sandbox.suiteql.errors import (
    invalid_search_type,
    query_error,
    too_many_columns,
    unknown_identifier,
    unsupported,
)
from harness.sandbox.suiteql.oracle import (
    DATE_META,
    DF_MARKER,
    WITH_KEYS,
    LiteralUse,
    dated,
    is_text,
    parse_query,
    rewrite_oracle,
    truncate_date,
)
from harness.sandbox.suiteql.schema import Schema

References = Mapping[tuple[str, str], tuple[str, str]]
_BINDING = "suiteql_binding"  # node meta: what a resolved column refers to
_TEXT_TYPES = ("varchar", "char", "text", "nvarchar", "nchar")


@dataclass(frozen=True)
class OutputColumn:
    name: str  # the row key: lower-case column name, alias, or exprN
    is_date: bool  # shown in the account's date format


# A template's placeholder literals are `'suiteql_literal_N'`; its SQL parameters, the same
# names (template.py).
LITERAL_STEM = "suiteql_literal_"


def literal_parameter(index: int) -> str:
    """The name of the SQL parameter that holds a query's `index`th string literal."""
    return f"{LITERAL_STEM}{index}"


@dataclass(frozen=True)
class Translation:
    sql: str
    page_sql: str  # `sql` with `LIMIT :page_limit OFFSET :page_offset` for the requested page
    count_sql: str  # counts `sql`'s rows, up to `:count_limit`
    columns: tuple[OutputColumn, ...]
    tables: frozenset[str]  # record tables the query names (for role permissions)
    # A string literal's value shaped the SQL (date text, LIKE pattern, format model, unit):
    # this translation holds for these exact literals only.
    literal_sensitive: bool = False
    # The query's string literals where its SQL holds them as parameters (`:suiteql_literal_N`,
    # see template.py); empty where they are written into the SQL.
    params: tuple[str, ...] = ()

    def bindings(self, **window: int) -> dict[str, str | int]:
        """What the SQL's parameters are bound to: its literals, and the `window` asked for
        (`page_limit` and `page_offset`, or `count_limit`)."""
        literals = {literal_parameter(index): value for index, value in enumerate(self.params)}
        return {**literals, **window}


@dataclass(frozen=True)
class _Binding:
    is_date: bool
    origin: tuple[str, str] | None  # (table, column) when it is a stored column


@dataclass
class _Source:
    alias: str
    label: str  # what NetSuite lists after `alias=` in "Available identifiers"
    columns: dict[str, _Binding]


@dataclass
class _Scope:
    sources: dict[str, _Source]
    parent: _Scope | None
    select_names: frozenset[str]

    def available(self) -> list[tuple[str, str]]:
        return [(alias, source.label) for alias, source in self.sources.items()]


_Outputs = list[tuple[str, _Binding]]


def translate(
    q: str,
    schema: Schema,
    references: References,
    date_model: str,
    budget: QueryBudget | None = None,
) -> Translation:
    """The SQLite form of SuiteQL `q`, or SuiteQLError as NetSuite words it."""
    literals = LiteralUse()
    parsed = parse_query(q, budget)
    literals.note_parsed(parsed)
    tree = rewrite_oracle(parsed, date_model, literals)
    resolver = _Resolver(schema, references, date_model, literals)
    outputs = resolver.query(tree, None, {})
    budget = budget or QueryBudget()
    if len(outputs) > budget.max_columns:
        raise too_many_columns(budget.max_columns)
    try:
        sql = tree.sql(dialect="sqlite", identify=True, unsupported_level=ErrorLevel.RAISE)
    except SqlglotError as error:
        raise unsupported(str(error)) from None
    own_window = tree.args.get("limit") or tree.args.get("offset")
    window = "LIMIT :page_limit OFFSET :page_offset"
    page_sql = f"SELECT * FROM ({sql}) {window}" if own_window else f"{sql} {window}"
    return Translation(
        sql=sql,
        page_sql=page_sql,
        # Counting stops one row past the most SuiteQL returns: a larger result is refused
        # whatever its size, so a huge one costs no more than that.
        count_sql=f"SELECT COUNT(*) FROM (SELECT 1 FROM ({sql}) LIMIT :count_limit)",
        columns=tuple(OutputColumn(name, binding.is_date) for name, binding in outputs),
        tables=frozenset(resolver.tables),
        literal_sensitive=literals.seen,
    )


# --- resolution against the schema ------------------------------------------------------------


class _Resolver:
    """Resolves names scope by scope and applies the rewrites that depend on column types."""

    def __init__(
        self, schema: Schema, references: References, date_model: str, literals: LiteralUse
    ) -> None:
        self._schema = schema
        self._literals = literals
        self._references = references
        self._date_model = date_model
        self._date_form = compile_format(date_model)
        self._names = itertools.count(1)
        self.tables: set[str] = set()

    def query(self, node: exp.Expr, parent: _Scope | None, ctes: dict[str, _Outputs]) -> _Outputs:
        if isinstance(node, exp.Subquery):
            return self.query(node.this, parent, ctes)
        ctes = self._ctes(node, parent, ctes)
        if isinstance(node, exp.SetOperation):
            outputs = self.query(node.left, parent, ctes)
            self.query(node.right, parent, ctes)
            return outputs
        if isinstance(node, exp.Select):
            return self._select(node, parent, ctes)
        raise unsupported(f"'{node.sql(dialect='oracle')}' is not a query.")

    def _ctes(
        self, node: exp.Expr, parent: _Scope | None, ctes: dict[str, _Outputs]
    ) -> dict[str, _Outputs]:
        with_ = next((node.args[key] for key in WITH_KEYS if node.args.get(key)), None)
        if with_ is None:
            return ctes
        for cte in with_.expressions:
            ctes = {**ctes, cte.alias: self.query(cte.this, parent, ctes)}
        return ctes

    def _select(
        self, select: exp.Select, parent: _Scope | None, ctes: dict[str, _Outputs]
    ) -> _Outputs:
        sources: dict[str, _Source] = {}
        derived: set[int] = set()
        from_ = select.args.get("from_")
        items = [from_.this] if from_ is not None else []
        items += [join.this for join in select.args.get("joins") or []]
        for item in items:
            source, node = self._source(item, parent, ctes)
            derived.add(id(node))
            sources[source.alias] = source
        scope = _Scope(sources, parent, frozenset(select.named_selects))
        own, nested = _own_nodes(select, derived)
        for subquery in nested:
            outputs = self.query(subquery, scope, ctes)
            if outputs and outputs[0][1].is_date:
                subquery.meta[DATE_META] = True
        for node, in_order in own:
            if isinstance(node, exp.Column):
                self._bind(node, scope, in_order)
        for node, _ in own:
            self._rewrite_typed(node)
        return self._outputs(select, scope)

    def _source(
        self, item: exp.Expr, parent: _Scope | None, ctes: dict[str, _Outputs]
    ) -> tuple[_Source, exp.Expr]:
        if isinstance(item, exp.Table) and isinstance(item.this, exp.Identifier):
            name, alias = item.name, item.alias_or_name
            if item.args.get("db") or item.args.get("catalog"):
                raise invalid_search_type(".".join(part.name for part in item.parts))
            if name in ctes:
                return _Source(alias, name, _columns(ctes[name])), item
            table = self._schema.tables.get(name)
            if table is not None:
                self.tables.add(name)
                columns = {
                    column: _Binding(column in table.date_columns, (name, column))
                    for column in table.columns
                }
                return _Source(alias, name, columns), item
            if name == "dual":  # Oracle's one-row table
                dual = exp.Subquery(
                    this=exp.Select().select(
                        exp.alias_(exp.Literal.string("X"), "dummy"), copy=False
                    ),
                    alias=exp.TableAlias(this=exp.to_identifier(alias)),
                )
                item.replace(dual)
                return _Source(alias, "dual", {"dummy": _Binding(False, None)}), dual
            raise invalid_search_type(name)
        if isinstance(item, exp.Subquery):
            outputs = self.query(item.this, parent, ctes)
            if not item.alias:
                item.set(
                    "alias",
                    exp.TableAlias(this=exp.to_identifier(f"suiteql_derived{next(self._names)}")),
                )
            return _Source(item.alias, item.alias, _columns(outputs)), item
        raise unsupported(f"'{item.sql(dialect='oracle')}' cannot be queried.")

    def _bind(self, column: exp.Column, scope: _Scope, in_order: bool) -> None:
        qualifier, name = column.table, column.name
        shown = "*" if isinstance(column.this, exp.Star) else name
        written = f"{qualifier}.{shown}" if qualifier else shown
        if column.args.get("db") or column.args.get("catalog"):
            raise unknown_identifier(column.sql(dialect="oracle"), scope.available())
        level: _Scope | None = scope
        while level is not None:
            if qualifier:
                source = level.sources.get(qualifier)
                if source is not None:
                    if isinstance(column.this, exp.Star):
                        return
                    binding = source.columns.get(name)
                    if binding is None:
                        raise unknown_identifier(written, scope.available())
                    column.meta[_BINDING] = binding
                    return
            else:
                for source in level.sources.values():
                    if name in source.columns:
                        column.meta[_BINDING] = source.columns[name]
                        return
            level = level.parent
        if in_order and not qualifier and name in scope.select_names:
            return  # ORDER BY a select-list alias
        raise unknown_identifier(written, scope.available())

    # --- type-dependent rewrites ---

    def _is_date(self, node: exp.Expr | None) -> bool:
        if node is None:
            return False
        if node.meta.get(DATE_META):
            return True
        if isinstance(node, exp.Column):
            binding = node.meta.get(_BINDING)
            return isinstance(binding, _Binding) and binding.is_date
        if isinstance(node, exp.Paren | exp.Alias | exp.Min | exp.Max | exp.Coalesce):
            return self._is_date(node.this)
        if isinstance(node, exp.Nvl2):
            return self._is_date(node.args.get("true")) or self._is_date(node.args.get("false"))
        if isinstance(node, exp.Case):
            branches = [branch.args.get("true") for branch in node.args.get("ifs") or []]
            return any(self._is_date(branch) for branch in [*branches, node.args.get("default")])
        return False

    def _rewrite_typed(self, node: exp.Expr) -> None:
        if isinstance(node, exp.Anonymous) and node.name == DF_MARKER:
            node.replace(self._display_value(node.expressions[0]))
        elif isinstance(node, exp.ToChar):
            node.replace(self._to_char(node.this, node.args.get("format")))
        elif isinstance(node, exp.Cast) and node.to.is_type(*_TEXT_TYPES):
            node.replace(self._to_char(node.this, None))  # CAST(x AS VARCHAR2) is TO_CHAR(x)
        elif isinstance(node, exp.Anonymous) and node.name.upper() == "TRUNC":
            arguments = node.expressions
            if arguments and self._is_date(arguments[0]):
                unit = arguments[1] if len(arguments) > 1 else None
                self._literals.note(unit)
                node.replace(truncate_date(arguments[0], unit))
        elif isinstance(node, exp.Add | exp.Sub):
            self._date_arithmetic(node)
        elif isinstance(node, exp.EQ | exp.NEQ | exp.GT | exp.GTE | exp.LT | exp.LTE):
            self._date_comparison(node.this, [node.expression])
            self._date_comparison(node.expression, [node.this])
        elif isinstance(node, exp.Between):
            self._date_comparison(node.this, [node.args.get("low"), node.args.get("high")])
        elif isinstance(node, exp.In):
            self._date_comparison(node.this, list(node.expressions))

    def _display_value(self, argument: exp.Expr) -> exp.Expr:
        """BUILTIN.DF: the referenced record's display column; any other value shows itself."""
        binding = argument.meta.get(_BINDING)
        origin = binding.origin if isinstance(binding, _Binding) else None
        target = self._references.get(origin) if origin is not None else None
        table = self._schema.tables.get(target[0]) if target is not None else None
        if (
            target is None
            or table is None
            or target[1] not in table.columns
            or "id" not in table.columns
        ):
            # The value shows itself; parenthesised so the result key stays exprN either way.
            fallback = exp.Paren(this=argument.copy())
            fallback.this.meta.update(argument.meta)
            return fallback
        # Every SuiteQL record table keys its rows by `id`.
        alias = f"suiteql_df{next(self._names)}"
        lookup = (
            exp.Select()
            .select(exp.column(target[1], table=alias), copy=False)
            .from_(exp.to_table(table.name).as_(alias), copy=False)
            .where(
                exp.EQ(this=exp.column("id", table=alias), expression=argument.copy()), copy=False
            )
        )
        display = exp.Subquery(this=lookup)
        if target[1] in table.date_columns:
            display.meta[DATE_META] = True
        return display

    def _to_char(self, value: exp.Expr, model: exp.Expr | None) -> exp.Expr:
        if model is None:
            # Without a model Oracle uses the session's date format: the account's.
            model = exp.Literal.string(self._date_model) if self._is_date(value) else exp.Null()
        elif isinstance(model, exp.Literal):
            self._literals.note(model)
            try:
                compile_format(model.name)
            except ValueError as error:
                raise query_error(f"Search error occurred: Invalid date format: {error}.") from None
        return exp.Anonymous(this=functions.TO_CHAR, expressions=[value, model])

    def _date_arithmetic(self, node: exp.Add | exp.Sub) -> None:
        left, right = node.this, node.expression
        left_date, right_date = self._is_date(left), self._is_date(right)
        if isinstance(node, exp.Sub) and left_date and right_date:
            node.replace(exp.Anonymous(this=functions.DAYS_BETWEEN, expressions=[left, right]))
        elif isinstance(node, exp.Sub) and left_date:
            days = exp.Neg(this=exp.paren(right, copy=False))
            node.replace(dated(exp.Anonymous(this=functions.ADD_DAYS, expressions=[left, days])))
        elif isinstance(node, exp.Add) and left_date != right_date:
            date, days = (left, right) if left_date else (right, left)
            node.replace(dated(exp.Anonymous(this=functions.ADD_DAYS, expressions=[date, days])))

    def _date_comparison(self, side: exp.Expr, others: list[exp.Expr | None]) -> None:
        """A text literal compared with a date is read in the account's date format, as
        Oracle converts it with the session format. INFERRED: ISO text is also accepted
        (the store's own form); anything else is compared as written."""
        if not self._is_date(side):
            return
        for other in others:
            if is_text(other):
                self._literals.note(other)
                other.replace(self._date_literal(other.name))

    def _date_literal(self, text: str) -> exp.Expr:
        try:
            return dated(exp.Literal.string(iso_text(self._date_form.parse(text), with_time=False)))
        except ValueError:
            return (
                dated(exp.Literal.string(text)) if parse_stored(text) else exp.Literal.string(text)
            )

    # --- the select list ---

    def _outputs(self, select: exp.Select, scope: _Scope) -> _Outputs:
        expressions: list[exp.Expr] = []
        outputs: _Outputs = []
        unnamed = 0
        for expression in select.expressions:
            for item in self._expand_star(expression, scope):
                if isinstance(item, exp.Alias):
                    name, inner = item.alias, item.this
                elif isinstance(item, exp.Column):
                    name, inner = item.name, item
                else:
                    # INFERRED: NetSuite names an unaliased expression expr1, expr2, ...
                    unnamed += 1
                    name, inner = f"expr{unnamed}", item
                    item = exp.alias_(item, name)
                binding = inner.meta.get(_BINDING)
                origin = binding.origin if isinstance(binding, _Binding) else None
                outputs.append((name, _Binding(self._is_date(inner), origin)))
                expressions.append(item)
        select.set("expressions", expressions)
        return outputs

    def _expand_star(self, expression: exp.Expr, scope: _Scope) -> Iterator[exp.Expr]:
        if isinstance(expression, exp.Star):
            sources = list(scope.sources.values())
        elif isinstance(expression, exp.Column) and isinstance(expression.this, exp.Star):
            sources = [scope.sources[expression.table]]
        else:
            yield expression
            return
        for source in sources:
            for name, binding in source.columns.items():
                column = exp.column(name, table=source.alias)
                column.meta[_BINDING] = binding
                yield column


def _columns(outputs: _Outputs) -> dict[str, _Binding]:
    columns: dict[str, _Binding] = {}
    for name, binding in outputs:
        columns.setdefault(name, binding)
    return columns


def _own_nodes(
    select: exp.Select, derived: set[int]
) -> tuple[list[tuple[exp.Expr, bool]], list[exp.Expr]]:
    """The nodes of `select` itself in post-order (children first), flagged when inside its
    ORDER BY, and the nested queries to resolve as scopes of their own. Iterative: an
    expression may be hundreds of levels deep (a long OR chain)."""
    own: list[tuple[exp.Expr, bool]] = []
    nested: list[exp.Expr] = []
    # (node, inside ORDER BY, its children are done)
    stack: list[tuple[exp.Expr, bool, bool]] = [(select, False, False)]
    while stack:
        node, in_order, done = stack.pop()
        if done:
            own.append((node, in_order))
            continue
        if node is not select:
            if isinstance(node, exp.Query):
                if id(node) not in derived:
                    nested.append(node)
                continue
            stack.append((node, in_order, True))
        children: list[tuple[exp.Expr, bool, bool]] = []
        for child in node.iter_expressions():
            if node is select and child.arg_key in WITH_KEYS:
                continue
            child_in_order = in_order or (node is select and child.arg_key == "order")
            children.append((child, child_in_order, False))
        stack.extend(reversed(children))
    return own, nested

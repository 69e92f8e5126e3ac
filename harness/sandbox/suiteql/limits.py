"""The shape a query may have: checked on its text before parsing and on its tree after.

Text first, because parsing is the expensive part: an over-long query or one with hundreds of
nested parentheses is refused before the parser sees it (the parser recurses per parenthesis).
The tree check then bounds what everything downstream walks: expression depth (an OR chain of
1,000 terms is 1,000 levels deep), subqueries within subqueries, IN lists (NetSuite's own
limit), and bind-parameter markers, which SuiteQL over REST does not take.
"""

from __future__ import annotations

import re

from sqlglot import exp

from harness.sandbox.suiteql.budget import MAX_IN_VALUES, QueryBudget
from harness.sandbox.suiteql.errors import (
    bind_parameters,
    not_valid_text,
    query_too_long,
    too_deep,
    too_many_in_values,
)

__all__ = ["check_text", "check_tree"]

# A lone UTF-16 surrogate (JSON "\ud800") cannot be encoded in any answer or stored anywhere.
_SURROGATE = re.compile("[\ud800-\udfff]")
# String literals, quoted identifiers and comments: parentheses inside them do not nest.
_NOT_CODE = re.compile(r"'(?:[^']|'')*'|\"[^\"]*\"|--[^\n]*|/\*.*?\*/", re.DOTALL)
_PARENS = re.compile(r"[()]")


def check_text(q: str, budget: QueryBudget) -> None:
    """Checks every query needs, cached or not: cheap, so run on each request."""
    if len(q) > budget.max_query_chars:
        raise query_too_long(len(q), budget.max_query_chars)
    if _SURROGATE.search(q) is not None:
        raise not_valid_text("The query")


def check_parens(q: str, budget: QueryBudget) -> None:
    """Before parsing: the parser recurses once per open parenthesis."""
    if q.count("(") <= budget.max_paren_depth:
        return
    depth = deepest = 0
    for paren in _PARENS.findall(_NOT_CODE.sub("", q)):
        depth = depth + 1 if paren == "(" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    if deepest > budget.max_paren_depth:
        raise too_deep("parentheses", deepest, budget.max_paren_depth)


def check_tree(tree: exp.Expr, budget: QueryBudget) -> None:
    """After parsing, without recursion (the tree may be thousands of levels deep)."""
    stack: list[tuple[exp.Expr, int, int]] = [(tree, 1, 0)]
    while stack:
        node, depth, nesting = stack.pop()
        if isinstance(node, exp.Select):
            nesting += 1
        if depth > budget.max_expression_depth or nesting > budget.max_query_nesting:
            _refuse_depth(tree, budget)
        if isinstance(node, exp.Placeholder | exp.Parameter):
            raise bind_parameters(_marker(node))
        if isinstance(node, exp.In) and len(node.expressions) > MAX_IN_VALUES:
            raise too_many_in_values(len(node.expressions), MAX_IN_VALUES)
        for child in node.iter_expressions():
            stack.append((child, depth + 1, nesting))


def _refuse_depth(tree: exp.Expr, budget: QueryBudget) -> None:
    """Say how deep the whole query goes, not just where the walk noticed."""
    deepest = nested = 0
    stack: list[tuple[exp.Expr, int, int]] = [(tree, 1, 0)]
    while stack:
        node, depth, nesting = stack.pop()
        nesting += isinstance(node, exp.Select)
        deepest, nested = max(deepest, depth), max(nested, nesting)
        stack.extend((child, depth + 1, nesting) for child in node.iter_expressions())
    if nested > budget.max_query_nesting:
        raise too_deep("subqueries", nested, budget.max_query_nesting)
    raise too_deep(
        "expressions",
        deepest,
        budget.max_expression_depth,
        "Write a long list of alternatives as IN (...).",
    )


def _marker(node: exp.Placeholder | exp.Parameter) -> str:
    if isinstance(node, exp.Parameter):
        return f"'@{node.name}'"
    return f"':{node.name}'" if node.name not in ("", "?") else "'?'"

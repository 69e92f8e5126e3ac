"""Conditions of the account's scripts and workflows, evaluated safely over a record.

A condition is a small expression over the record's body fields (REST names, any case):
`total > 5000`, `orderStatus == 'B' and not memo`, `entity in (1001, 1002)`. Python's own
parser reads it, and only a whitelist of node kinds is interpreted (names, constants,
comparisons, `and`/`or`/`not`, `+ - * /`, tuples and lists for `in`); anything else (calls,
attributes, subscripts, lambdas, ...) is refused when the profile is loaded, so nothing in a
profile can run code. A field the record leaves empty is `None`; comparing `None` with a
number is false rather than an error, as a saved search's filter on an empty field is.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harness.sandbox.account import Condition


class ExpressionError(ValueError):
    """A condition that is not a valid expression (message names the expression and why)."""


_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}
_ARITHMETIC: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_OPERATORS: dict[str, str] = {
    "equal": "==",
    "notEqual": "!=",
    "greater": ">",
    "greaterOrEqual": ">=",
    "less": "<",
    "lessOrEqual": "<=",
}


def _number(value: object) -> object:
    """Numbers as Decimal, so 5000 compares exactly with an amount like Decimal('5000.01')."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


def _check(node: ast.AST, source: str) -> None:
    allowed = (
        ast.Expression,
        ast.BoolOp,
        ast.And,
        ast.Or,
        ast.UnaryOp,
        ast.Not,
        ast.USub,
        ast.UAdd,
        ast.BinOp,
        ast.Compare,
        ast.Name,
        ast.Load,
        ast.Constant,
        ast.Tuple,
        ast.List,
        *_COMPARE,
        *_ARITHMETIC,
    )
    for child in ast.walk(node):
        if not isinstance(child, allowed):
            raise ExpressionError(
                f"condition {source!r}: {type(child).__name__} is not allowed (expected field "
                "names, constants, comparisons, and/or/not, + - * /)"
            )
        if isinstance(child, ast.Constant) and not isinstance(
            child.value, int | float | str | bool | type(None)
        ):
            raise ExpressionError(f"condition {source!r}: constant {child.value!r} not allowed")


@dataclass(frozen=True)
class Expression:
    """A parsed, checked condition; `matches(values)` evaluates it over a record's fields."""

    source: str
    tree: ast.Expression

    def matches(self, values: Mapping[str, Any]) -> bool:
        lowered = {key.lower(): value for key, value in values.items()}
        try:
            return bool(_evaluate(self.tree.body, lowered))
        except (TypeError, ArithmeticError):
            return False  # an empty or mistyped field never satisfies a condition


def _evaluate(node: ast.expr, values: Mapping[str, Any]) -> Any:
    if isinstance(node, ast.Constant):
        return _number(node.value)
    if isinstance(node, ast.Name):
        if node.id in ("true", "True"):
            return True
        if node.id in ("false", "False"):
            return False
        if node.id in ("null", "None"):
            return None
        return _number(values.get(node.id.lower()))
    if isinstance(node, ast.BoolOp):
        results = (_evaluate(value, values) for value in node.values)
        return all(results) if isinstance(node.op, ast.And) else any(results)
    if isinstance(node, ast.UnaryOp):
        operand = _evaluate(node.operand, values)
        if isinstance(node.op, ast.Not):
            return not operand
        return -operand if isinstance(node.op, ast.USub) else +operand
    if isinstance(node, ast.BinOp):
        arithmetic = _ARITHMETIC[type(node.op)]
        return arithmetic(_evaluate(node.left, values), _evaluate(node.right, values))
    if isinstance(node, ast.Compare):
        left = _evaluate(node.left, values)
        for comparison, right_node in zip(node.ops, node.comparators, strict=True):
            right = _evaluate(right_node, values)
            if not _COMPARE[type(comparison)](left, right):
                return False
            left = right
        return True
    if isinstance(node, ast.Tuple | ast.List):
        return tuple(_evaluate(element, values) for element in node.elts)
    raise ExpressionError(f"unexpected {type(node).__name__}")  # unreachable after _check


def compile_expression(source: str) -> Expression:
    """Parse and check `source`; raises `ExpressionError` naming what is wrong."""
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"condition {source!r}: not an expression ({exc.msg})") from None
    _check(tree, source)
    return Expression(source, tree)


def _literal(value: object) -> str:
    if value is None:
        return "None"
    if isinstance(value, str):
        return repr(value)
    return str(value)


def condition_expression(condition: Condition | str) -> Expression:
    """An expression for either form of a profile condition."""
    if isinstance(condition, str):
        return compile_expression(condition)
    name = condition.field
    if condition.operator == "empty":
        return compile_expression(f"{name} == None or {name} == ''")
    if condition.operator == "notEmpty":
        return compile_expression(f"{name} != None and {name} != ''")
    return compile_expression(
        f"{name} {_OPERATORS[condition.operator]} {_literal(condition.value)}"
    )

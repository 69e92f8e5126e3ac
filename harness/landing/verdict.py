"""The result of landing one order: outcome, mismatches and diagnosis (DESIGN.md section 3)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any, Literal, get_args

__all__ = ["CATEGORIES", "OUTCOMES", "Category", "Diagnosis", "Mismatch", "Outcome", "Verdict"]

Category = Literal[
    "auth",
    "permission",
    "required-field",
    "item-mapping",
    "customer-match",
    "address",
    "tax",
    "shipping",
    "discount",
    "sync-rule",
    "script-or-workflow",
    "validation-rule",
    "governance",
    "transport",
    "invalid-order",
    "write-back",
    "connector-crash",
]
CATEGORIES: tuple[Category, ...] = get_args(Category)

Outcome = Literal["landed", "landed-wrong", "rejected", "not-pushed", "invalid-order"]
OUTCOMES: tuple[Outcome, ...] = get_args(Outcome)


def _plain(value: Any) -> Any:
    """JSON-friendly value: Decimals as strings keep their exact digits."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True)
class Mismatch:
    """One field that landed differently from what WooCommerce says it should be."""

    field: str
    expected: Any
    actual: Any

    def to_json(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "expected": _plain(self.expected),
            "actual": _plain(self.actual),
        }


@dataclass(frozen=True)
class Diagnosis:
    """Why an order did not land right, in words a store owner understands."""

    category: Category
    summary: str
    hint: str
    evidence: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "evidence": list(self.evidence)}


@dataclass(frozen=True)
class Verdict:
    """Landing result for one order; truthy only when the order landed exactly right."""

    order: str
    outcome: Outcome
    scenario: str | None = None
    sales_order_id: str | None = None
    mismatches: tuple[Mismatch, ...] = field(default_factory=tuple)
    diagnosis: Diagnosis | None = None

    def __bool__(self) -> bool:
        return self.outcome == "landed"

    def __repr__(self) -> str:
        """One line, most telling first: `assert verdict` shows it (cut at ~240 characters)."""
        parts: list[str] = [self.outcome]
        if self.scenario:
            parts.append(f"scenario {self.scenario!r}")
        parts.append(f"order {self.order!r}")
        if self.diagnosis is not None:
            parts.append(f"{self.diagnosis.category}: {self.diagnosis.summary}")
        if self.mismatches:
            shown = "; ".join(
                f"{m.field} expected {_plain(m.expected)!r} got {_plain(m.actual)!r}"
                for m in self.mismatches[:3]
            )
            more = len(self.mismatches) - 3
            parts.append(f"mismatches: {shown}" + (f" (+{more} more)" if more > 0 else ""))
        if self.sales_order_id:
            parts.append(f"salesOrder {self.sales_order_id}")
        return f"Verdict({', '.join(parts)})"

    def met(self, expected: str) -> bool:
        """Whether this verdict is what a scenario expected (`landed` or a failure category)."""
        if expected == "landed":
            return self.outcome == "landed"
        return self.diagnosis is not None and self.diagnosis.category == expected

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "order": self.order,
            "outcome": self.outcome,
            "sales_order_id": self.sales_order_id,
            "mismatches": [m.to_json() for m in self.mismatches],
            "diagnosis": self.diagnosis.to_json() if self.diagnosis else None,
        }

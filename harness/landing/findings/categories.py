"""Which cause each mismatched field points at, and which cause is told first.

Every mismatch has a category. When several causes are wrong at once, the earliest in
`RANK` explains the later ones (wrong lines change the tax NetSuite computes, a dropped
shipping cost changes the tax and the total), so it is the diagnosis's primary cause and
the others are listed after it. A wrong `total` alone is its own finding; beside any other
cause it is only that cause's consequence.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from harness.landing.verdict import Category, Mismatch

RANK: tuple[Category, ...] = (
    "customer-match",
    "item-mapping",
    "shipping",
    "discount",
    "tax",
    "address",
    "sync-rule",
    "validation-rule",
    "write-back",
)
CONSEQUENCES = frozenset({"total"})


def category_of(field: str) -> Category:
    """The cause a mismatched field points at (`lines[...]` -> item-mapping, ...)."""
    if field.startswith("customer"):
        return "customer-match"
    if field.startswith("lines[tax]"):
        return "tax"
    if field.startswith("lines["):
        return "item-mapping"
    if field == "taxTotal":
        return "tax"
    if field in ("shipMethod", "shippingCost"):
        return "shipping"
    if field in ("discountItem", "discountTotal"):
        return "discount"
    if field.startswith(("billingAddress", "shippingAddress")):
        return "address"
    if field in ("externalId", "otherRefNum"):
        return "sync-rule"
    if field.startswith("writeBack"):
        return "write-back"
    return "validation-rule"


@dataclass(frozen=True)
class Finding:
    """One cause of a wrong landing: its mismatches and, once worded, what to say."""

    category: Category
    mismatches: tuple[Mismatch, ...]
    summary: str = ""
    hint: str = ""
    evidence: tuple[str, ...] = ()

    @property
    def fields(self) -> str:
        """`taxTotal` or `billingAddress, shippingAddress` (at most three, then a count)."""
        names = list(dict.fromkeys(m.field for m in self.mismatches))
        more = f" +{len(names) - 3} more" if len(names) > 3 else ""
        return ", ".join(names[:3]) + more


def group(mismatches: Iterable[Mismatch]) -> list[Finding]:
    """The mismatches by category, unworded; a `total` beside other causes is left out."""
    found = list(mismatches)
    causes = [m for m in found if m.field not in CONSEQUENCES]
    by_category: dict[Category, list[Mismatch]] = {}
    for m in causes or found:
        by_category.setdefault(category_of(m.field), []).append(m)
    return [Finding(category, tuple(ms)) for category, ms in by_category.items()]


def ranked(findings: Sequence[Finding]) -> list[Finding]:
    """Primary cause first (by `RANK`; categories outside it after, in their order)."""
    order = {category: index for index, category in enumerate(RANK)}
    return sorted(findings, key=lambda f: order.get(f.category, len(RANK)))


def also(others: Sequence[Finding]) -> str:
    """` Also wrong: tax (taxTotal), address (billingAddress).` or ''."""
    if not others:
        return ""
    listed = ", ".join(f"{f.category} ({f.fields})" for f in others)
    return f" Also wrong: {listed}."

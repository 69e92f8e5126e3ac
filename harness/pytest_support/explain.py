"""A verdict in full, for a failing test's report: outcome, field diff, diagnosis, evidence."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harness.landing.verdict import Verdict


def explain(verdict: Verdict, expected: str | None = None) -> str:
    """Several lines: what landed, what differs (a table), and why (summary, hint, evidence)."""
    from harness.landing.compare import render_diff

    who = f"order {verdict.order}"
    if verdict.scenario:
        who += f" (scenario {verdict.scenario!r})"
    head = f"{who}: {verdict.outcome}"
    if expected is not None:
        met = verdict.met(expected)
        head += f"; expected {expected}" + (" (met)" if met else " (NOT met)")
    if verdict.sales_order_id:
        head += f"; salesOrder {verdict.sales_order_id}"
    lines = [head]
    if verdict.mismatches:
        lines += ["", render_diff(verdict.mismatches)]
    diagnosis = verdict.diagnosis
    if diagnosis is not None:
        lines += ["", f"diagnosis: {diagnosis.category}: {diagnosis.summary}"]
        if diagnosis.hint:
            lines.append(f"hint: {diagnosis.hint}")
        if diagnosis.evidence:
            lines.append("evidence:")
            lines.extend(f"  {item}" for item in diagnosis.evidence)
    return "\n".join(lines)

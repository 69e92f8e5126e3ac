"""A verdict in full, for a failing test's report: outcome, field diff, diagnosis, evidence.

Everything here reaches the terminal, and most of it comes from an order, a connector or
NetSuite: it passes through `visible`, so a control character in a SKU is shown, not run."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from harness.report.visible import visible

if TYPE_CHECKING:
    from harness.landing.verdict import Verdict
    from harness.pytest_support.lander import Landed

SECTION = "netsuite landing"


def verdict_text(verdict: Verdict, expected: str | None = None) -> str:
    """Several lines: what landed, what differs (a table), and why (summary, hint, evidence)."""
    from harness.landing.compare import render_diff

    who = f"order {visible(verdict.order)}"
    if verdict.scenario:
        who += f" (scenario {verdict.scenario!r})"
    head = f"{who}: {verdict.outcome}"
    if expected is not None:
        met = verdict.met(expected)
        head += f"; expected {expected}" + (" (met)" if met else " (NOT met)")
    if verdict.sales_order_id:
        head += f"; salesOrder {visible(verdict.sales_order_id)}"
    lines = [head]
    if verdict.mismatches:
        lines += ["", render_diff(verdict.mismatches)]
    diagnosis = verdict.diagnosis
    if diagnosis is not None:
        lines += ["", f"diagnosis: {diagnosis.category}: {visible(diagnosis.summary)}"]
        if diagnosis.hint:
            lines.append(f"hint: {visible(diagnosis.hint)}")
        if diagnosis.evidence:
            lines.append("evidence:")
            lines.extend(f"  {visible(item)}" for item in diagnosis.evidence)
    # The diff table's cells hold the order's and NetSuite's values as they are.
    return visible("\n".join(lines), lines=True)


def landing_sections(landed: Sequence[Landed]) -> list[tuple[str, str]]:
    """Report sections for a failing test: the landings that went wrong (or, when all went
    as expected and something else failed, every landing)."""
    wrong = [one for one in landed if not (one.met if one.met is not None else one.verdict)]
    return [(SECTION, verdict_text(one.verdict, one.expected)) for one in wrong or landed]


def explain_comparison(op: str, left: object, right: object) -> list[str] | None:
    """Assertion lines for a comparison involving verdicts (None: not ours to explain)."""
    from harness.landing.verdict import Verdict

    found = [side for side in (left, right) if isinstance(side, Verdict)]
    if not found:
        return None
    lines = [visible(f"{left!r} {op} {right!r}")]
    for verdict in found:
        lines.extend(verdict_text(verdict).splitlines())
    return lines

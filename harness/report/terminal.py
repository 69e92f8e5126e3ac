"""The result table people read at the end of a run (rich)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.markup import escape
from rich.table import Table

from harness.runner import ScenarioResult


def result_table(results: Sequence[ScenarioResult], title: str = "Scenario results") -> Table:
    """One row per scenario: what was expected, what happened, and why."""
    table = Table(title=title, show_lines=False)
    table.add_column("scenario", no_wrap=True, overflow="ellipsis")
    table.add_column("expected", no_wrap=True, min_width=8)
    table.add_column("outcome", no_wrap=True)
    table.add_column("met", justify="center", min_width=3)
    table.add_column("sales order", min_width=5)
    table.add_column("diagnosis", overflow="ellipsis", no_wrap=True, max_width=72)
    for result in results:
        verdict = result.verdict
        diagnosis = verdict.diagnosis
        why = escape(f"[{diagnosis.category}] {diagnosis.summary}") if diagnosis else ""
        table.add_row(
            escape(result.scenario),
            result.expected,
            verdict.outcome,
            "[green]✓[/green]" if result.met else "[red]✗[/red]",
            verdict.sales_order_id or "",
            why,
        )
    return table

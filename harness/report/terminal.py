"""The result table people read at the end of a run (rich)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

from harness.report.visible import markup
from harness.runner import ScenarioResult

# Below this many columns (a CI log is 80) the diagnoses go under the table, one per line.
WIDE = 120


def result_table(
    results: Sequence[ScenarioResult], title: str = "Scenario results", *, wide: bool = True
) -> Table:
    """One row per scenario: what was expected, what happened, and (when `wide`) why."""
    table = Table(title=title, show_lines=False)
    table.add_column("scenario", no_wrap=True, overflow="ellipsis", max_width=32)
    table.add_column("expected", no_wrap=True, overflow="ellipsis", max_width=18)
    table.add_column("outcome", no_wrap=True, min_width=12)
    table.add_column("met", justify="center", no_wrap=True, min_width=3)
    table.add_column("SO", no_wrap=True, min_width=4)
    if wide:
        table.add_column("diagnosis", overflow="fold", min_width=12)
    for result in results:
        verdict = result.verdict
        row = [
            markup(result.scenario),
            markup(result.expected),
            verdict.outcome,
            "[green]✓[/green]" if result.met else "[red]✗[/red]",
            markup(verdict.sales_order_id or ""),
        ]
        if wide:
            diagnosis = verdict.diagnosis
            row.append(
                markup(_short(f"[{diagnosis.category}] {diagnosis.summary}")) if diagnosis else ""
            )
        table.add_row(*row)
    return table


def print_results(console: Console, results: Sequence[ScenarioResult], title: str) -> None:
    """The table; on a narrow console the diagnoses follow it, one line each (wrapped)."""
    wide = console.width >= WIDE
    console.print(result_table(results, title, wide=wide))
    if wide:
        return
    for result in results:
        diagnosis = result.verdict.diagnosis
        if diagnosis is None:
            continue
        mark = "[green]✓[/green]" if result.met else "[red]✗[/red]"
        console.print(
            f"{mark} [bold]{markup(result.scenario)}[/bold] "
            f"[dim]\\[{markup(diagnosis.category)}][/dim] {markup(diagnosis.summary)}",
            overflow="fold",
        )


def _short(text: str, limit: int = 110) -> str:
    """At most `limit` characters: the table is an index; the HTML report has the rest."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

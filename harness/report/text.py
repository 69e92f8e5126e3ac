"""One verdict or one diagnosis, printed for a person (rich): `harness land` and `explain`."""

from __future__ import annotations

from rich.console import Console

from harness.landing.compare import render_diff
from harness.landing.verdict import Diagnosis, Verdict
from harness.report.visible import markup


def print_diagnosis(console: Console, diagnosis: Diagnosis, *, indent: str = "  ") -> None:
    """Category and summary, the fix, and the evidence lines."""
    console.print(
        f"{indent}[bold]\\[{markup(diagnosis.category)}][/bold] {markup(diagnosis.summary)}",
        overflow="fold",
    )
    console.print(f"{indent}[cyan]fix:[/cyan] {markup(diagnosis.hint)}", overflow="fold")
    if diagnosis.evidence:
        console.print(f"{indent}[dim]evidence:[/dim]")
        for line in diagnosis.evidence:
            console.print(f"{indent}  - {markup(line)}", overflow="fold", highlight=False)


def print_verdict(console: Console, verdict: Verdict) -> None:
    """`✓ order #727 landed as Sales Order 5`, or what went wrong and why."""
    if verdict.outcome == "landed":
        console.print(
            f"[green]✓[/green] order #{markup(verdict.order)} landed as Sales Order "
            f"{markup(verdict.sales_order_id or '?')}"
        )
        return
    where = f" (Sales Order {markup(verdict.sales_order_id)})" if verdict.sales_order_id else ""
    console.print(f"[red]✗[/red] order #{markup(verdict.order)} {verdict.outcome}{where}")
    if verdict.diagnosis is not None:
        print_diagnosis(console, verdict.diagnosis)
    if verdict.mismatches:
        console.print("  [dim]expected vs actual:[/dim]")
        for line in render_diff(verdict.mismatches).splitlines():
            console.print(f"    {markup(line)}", highlight=False, soft_wrap=True)

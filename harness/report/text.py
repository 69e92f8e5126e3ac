"""One verdict or one diagnosis, printed for a person (rich): `harness land` and `explain`.

Every paragraph is word-wrapped to the console's width with its continuation lines indented,
and never broken inside a word: a URL, a record path or a JSON fragment in an error message
stays whole, also in an 80-column CI log."""

from __future__ import annotations

from rich.console import Console

from harness.landing.compare import render_diff
from harness.landing.verdict import Diagnosis, Verdict
from harness.report.visible import markup
from harness.report.wrapping import print_wrapped


def print_diagnosis(console: Console, diagnosis: Diagnosis, *, indent: str = "  ") -> None:
    """Category and summary, the fix, and the evidence lines."""
    hang = indent + "    "
    print_wrapped(
        console,
        f"[bold]\\[{markup(diagnosis.category)}][/bold] {markup(diagnosis.summary, lines=True)}",
        indent=indent,
        hang=hang,
    )
    print_wrapped(
        console,
        f"[cyan]fix:[/cyan] {markup(diagnosis.hint, lines=True)}",
        indent=indent,
        hang=hang,
    )
    if diagnosis.evidence:
        console.print(f"{indent}[dim]evidence:[/dim]")
        for line in diagnosis.evidence:
            print_wrapped(
                console, f"- {markup(line)}", indent=indent + "  ", hang=hang
            )


def print_verdict(console: Console, verdict: Verdict, tran_id: str | None = None) -> None:
    """`✓ order #727 landed as Sales Order SO1005 (id 5)`, or what went wrong and why;
    `tran_id` is the Sales Order's number, when known."""
    sales_order = markup(verdict.sales_order_id or "?")
    if tran_id:
        sales_order = f"{markup(tran_id)} (id {sales_order})"
    if verdict.outcome == "landed":
        print_wrapped(
            console,
            f"[green]✓[/green] order #{markup(verdict.order)} landed as Sales Order {sales_order}",
        )
        return
    where = f" (Sales Order {sales_order})" if verdict.sales_order_id else ""
    print_wrapped(console, f"[red]✗[/red] order #{markup(verdict.order)} {verdict.outcome}{where}")
    if verdict.diagnosis is not None:
        print_diagnosis(console, verdict.diagnosis)
    if verdict.mismatches:
        console.print("  [dim]expected vs actual:[/dim]")
        for line in render_diff(verdict.mismatches).splitlines():
            console.print(f"    {markup(line)}", highlight=False, soft_wrap=True)

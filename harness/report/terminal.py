"""The result of a run as people read it at its end, in a terminal or a CI log (rich).

A table when it fits the console with every name whole; otherwise (a CI log is often 80
columns) one line per scenario. Names are never cut. The diagnoses follow, word-wrapped
without breaking a word, so a URL or a path in them stays whole.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

from harness.report.salesorder import sales_order_label
from harness.report.visible import markup
from harness.report.wrapping import print_wrapped
from harness.runner import ScenarioResult

MET = "[green]✓[/green]"
NOT_MET = "[red]✗[/red]"
LEGEND = f"{MET} met its expectation   {NOT_MET} did not"
NEGATIVE_LEGEND = (
    "A scenario that expects a diagnosis category (such as item-mapping) is a negative "
    "scenario: its order must fail in exactly that way, so [green]rejected[/green] next to "
    f"{MET} is the pass it was written for (rejected as expected)."
)


def _mark(result: ScenarioResult) -> str:
    return MET if result.met else NOT_MET


def _outcome(result: ScenarioResult) -> str:
    """The outcome, green when it is what the scenario expected, red when not."""
    colour = "green" if result.met else "red"
    return f"[{colour}]{result.verdict.outcome}[/{colour}]"


def result_table(results: Sequence[ScenarioResult]) -> Table:
    """One row per scenario: what was expected, what happened, met or not, the Sales Order."""
    table = Table()
    table.add_column("scenario", no_wrap=True)
    table.add_column("expected", no_wrap=True)
    table.add_column("outcome", no_wrap=True)
    table.add_column("met", justify="center", no_wrap=True)
    table.add_column("Sales Order", no_wrap=True)
    for result in results:
        table.add_row(
            markup(result.scenario),
            markup(result.expected),
            _outcome(result),
            _mark(result),
            markup(sales_order_label(result, none="none")),
        )
    return table


def fits(console: Console, table: Table) -> bool:
    """Whether `table` shows every cell whole on `console`."""
    # Measured without the console's limit: within it, rich reports a width that fits by
    # cutting cells.
    unlimited = console.options.update_width(10_000)
    return console.measure(table, options=unlimited).maximum <= console.width


def result_line(result: ScenarioResult) -> str:
    """`✓ unknown-sku: rejected [item-mapping], as expected` (rich markup)."""
    verdict = result.verdict
    text = f"{_mark(result)} [bold]{markup(result.scenario)}[/bold]: {_outcome(result)}"
    if verdict.diagnosis is not None:
        text += f" \\[{markup(verdict.diagnosis.category)}]"
    if not result.met:
        text += f", expected {markup(result.expected)}"
    elif result.expected != "landed":
        text += ", as expected"
    if verdict.sales_order_id:
        text += f" · Sales Order {markup(sales_order_label(result))}"
    return text


def print_legend(console: Console, results: Sequence[ScenarioResult]) -> None:
    """What ✓ and ✗ mean, and, when the run has negative scenarios, what those are."""
    print_wrapped(console, LEGEND, hang="")
    if any(result.expected != "landed" for result in results):
        print_wrapped(console, NEGATIVE_LEGEND, hang="")


def print_results(console: Console, results: Sequence[ScenarioResult], title: str) -> None:
    """`title` (rich markup), the legend, then the table and the diagnoses under it; or, when
    the table would not fit, a line per scenario with its diagnosis right under it."""
    print_wrapped(console, f"[bold]{title}[/bold]")
    print_legend(console, results)
    console.print()
    table = result_table(results)
    if fits(console, table):
        console.print(table)
        for result in results:
            diagnosis = result.verdict.diagnosis
            if diagnosis is not None:
                print_wrapped(
                    console,
                    f"{_mark(result)} [bold]{markup(result.scenario)}[/bold] "
                    f"[dim]\\[{markup(diagnosis.category)}][/dim] "
                    f"{markup(diagnosis.summary, lines=True)}",
                    hang="    ",
                )
        return
    for result in results:
        print_wrapped(console, result_line(result), hang="  ")
        diagnosis = result.verdict.diagnosis
        if diagnosis is not None:
            print_wrapped(
                console, markup(diagnosis.summary, lines=True), indent="    ", hang="    "
            )

"""`harness explain`: NetSuite errors in any file (or standard input), diagnosed and printed."""

from __future__ import annotations

import sys

import click

from harness.cli.errors import reported
from harness.cli.options import json_option


@click.command("explain", short_help="Diagnose NetSuite errors in any log, export or report.")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@json_option("Print the findings as JSON.")
def explain(file: str, as_json: bool) -> None:
    """Find and explain the NetSuite errors in FILE (`-` reads standard input): an error
    body (REST JSON, SuiteScript/RESTlet error, SOAP fault, HTML page), a connector's log
    (text, JSON lines, stack traces), a CSV error export, or a file the harness wrote (call
    log, run report, pytest report, JUnit XML, `harness land --json`). One finding per
    cause: category, summary, the fix and the evidence; a repeated cause counts its orders.

    Exit 0 when something was found, or the file is one of the harness's with nothing to
    explain; 1 when the text holds no NetSuite error; 2 when it cannot be read."""
    from harness.commands.explain import explain_file
    from harness.report.text import print_diagnosis
    from harness.report.visible import json_text, markup, terminal_console
    from harness.report.wrapping import print_wrapped

    with reported():
        found = explain_file(file)
    if as_json:
        click.echo(json_text(found.to_json()))
    else:
        console = terminal_console()
        name = "standard input" if file == "-" else file
        total = sum(finding.count for finding in found.findings)
        console.print(  # one line, however long the file's path: a heading to search for
            f"{markup(name)}: {markup(found.about)}; {total} failure(s) in "
            f"{len(found.findings)} finding(s)",
            soft_wrap=True,
        )
        if not found.findings:
            print_wrapped(console, _nothing(found.ours))
        for finding in found.findings:
            expected = {True: " (expected by the scenario)", False: "", None: ""}[finding.expected]
            print_wrapped(console, f"[bold]{markup(finding.where)}[/bold]{expected}")
            print_diagnosis(console, finding.diagnosis)
            if finding.orders:
                print_wrapped(
                    console, f"orders: {markup(', '.join(finding.orders))}", indent="  "
                )
            if finding.records:
                print_wrapped(
                    console, f"records: {markup(', '.join(finding.records))}", indent="  "
                )
    if not found.findings and not found.ours:
        sys.exit(1)


def _nothing(ours: bool) -> str:
    if ours:
        return "Nothing to explain: no failed request or diagnosis in it."
    return "No NetSuite error found in it."

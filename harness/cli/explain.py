"""`harness explain`: a NetSuite error body, call log or connector log, diagnosed and printed."""

from __future__ import annotations

import sys

import click

from harness.cli.errors import reported
from harness.cli.options import json_option


@click.command("explain", short_help="Diagnose a NetSuite error body, call log or connector log.")
@click.argument("file", type=click.Path(dir_okay=False))
@json_option("Print the findings as JSON.")
def explain(file: str, as_json: bool) -> None:
    """Explain a NetSuite error body (JSON or HTML), a harness call log (JSON lines) or a
    connector's log: category, summary, the fix and the evidence, per failed request.

    Exit 0 when the file was read (whatever it holds), 1 when no NetSuite error is in it, 2
    when it cannot be read."""
    import json

    from rich.console import Console

    from harness.commands.explain import explain_file
    from harness.report.text import print_diagnosis

    with reported():
        found = explain_file(file)
    if as_json:
        click.echo(json.dumps(found.to_json(), indent=2, ensure_ascii=False))
    else:
        console = Console()
        what = {
            "error-body": "a NetSuite error body",
            "html-page": "an HTML page from NetSuite",
            "call-log": f"a call log of {found.requests} requests",
            "text-log": "a connector log",
        }[found.kind]
        console.print(f"{file}: {what}, {len(found.findings)} failed request(s)", soft_wrap=True)
        for finding in found.findings:
            console.print(f"[bold]{finding.where}[/bold]")
            print_diagnosis(console, finding.diagnosis)
    if not found.findings and found.kind != "call-log":
        sys.exit(1)

"""The doctor's checklist printed for a person: ✓/✗ per row, grouped, a hint under each ✗."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console

from harness.commands.doctor.checks import Check
from harness.report.visible import markup
from harness.report.wrapping import print_wrapped


def print_checks(console: Console, checks: Sequence[Check], about: str = "") -> None:
    """`about` (target, account, credential) first, then the rows."""
    if about:
        console.print(f"[bold]doctor:[/bold] {markup(about)}", highlight=False, soft_wrap=True)
    section = None
    for check in checks:
        if check.section != section:
            section = check.section
            console.print(f"[bold]{markup(section)}[/bold]")
        mark = (
            "[green]✓[/green]" if check.ok else "[red]✗[/red]" if check.checked else "[dim]–[/dim]"
        )
        print_wrapped(
            console, f"{mark} {markup(check.name)}: {markup(check.detail)}", indent="  ",
            hang="    ",
        )
        if check.hint and not check.ok and check.checked:
            print_wrapped(
                console, f"[cyan]→[/cyan] {markup(check.hint)}", indent="      ", hang="        "
            )
    failed = sum(not check.ok and check.checked for check in checks)
    skipped = sum(not check.checked for check in checks)
    summary = "all checks passed" if not failed else f"{failed} of {len(checks)} checks failed"
    if skipped:
        summary += f", {skipped} not checked"
    console.print(("[green]" if not failed else "[red]") + summary + "[/]")

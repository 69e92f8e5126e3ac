"""`harness cassettes`: the recorded NetSuite exchanges, checked and their problems printed."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from harness.cli.errors import InputError, reported
from harness.cli.options import TextFile, catalogue_option, mapping_option


@click.group("cassettes")
def cassettes() -> None:
    """Recorded NetSuite exchanges for offline replay."""


@cassettes.command("check", short_help="Find stale, orphaned, unscrubbed or unplayable cassettes.")
@click.argument("directory", default="cassettes", type=click.Path(file_okay=False))
@catalogue_option("Scenario catalogue the cassettes were recorded from.")
@mapping_option("Connector mapping the cassettes were recorded with.")
@click.option(
    "--nodeids",
    "nodeids_file",
    type=TextFile(),
    default=None,
    help="Test node ids, one per line (`pytest --collect-only -q`): "
    "enables the orphan check for cassettes of tests outside the catalogue.",
)
@click.option(
    "--max-age",
    "max_age_days",
    type=click.FloatRange(min=0),
    default=None,
    metavar="DAYS",
    help="Call cassettes older than this stale.",
)
def cassettes_check(
    directory: str,
    catalogue_path: str | None,
    mapping_path: str | None,
    nodeids_file: str | None,
    max_age_days: float | None,
) -> None:
    """Stale, orphaned, unscrubbed or unplayable cassettes under DIRECTORY (default:
    cassettes).

    Exit 0 when every cassette is sound, 1 when any has a problem, 2 when the directory or
    a file given cannot be read."""
    from harness.catalogue.spec import load_catalogue
    from harness.commands.cassettes import (
        audit,
        count_cassettes,
        environment_secrets,
        read_nodeids,
    )
    from harness.mapping import load_mapping
    from harness.report.visible import visible

    folder = Path(directory)
    if not folder.is_dir():
        raise InputError(f"{folder}: no such cassette directory")
    with reported():
        catalogue = load_catalogue(catalogue_path)
        mapping = load_mapping(mapping_path)
    nodeids = read_nodeids(nodeids_file) if nodeids_file is not None else None
    with reported(unreadable=lambda reason: f"{folder}: a cassette cannot be read ({reason})"):
        problems = audit(
            folder,
            catalogue,
            mapping,
            nodeids=nodeids,
            secrets=environment_secrets(),
            max_age_days=max_age_days,
        )
    count = count_cassettes(folder)
    for problem in problems:
        click.echo(visible(problem))
    broken = len({problem.path for problem in problems})
    click.echo(f"{count} cassettes in {folder}: {broken} with problems ({len(problems)} found)")
    if problems:
        sys.exit(1)

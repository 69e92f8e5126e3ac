"""`harness init [DIR]`: a starter project for a store, printed as the files it wrote."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from harness.cli.errors import InputError


@click.command("init", short_help="Write a starter project for your store.")
@click.argument("directory", metavar="[DIR]", default=".", type=click.Path(file_okay=False))
@click.option("--force", is_flag=True, help="Replace starter files that are already there.")
def init(directory: str, force: bool) -> None:
    """Write a starter project into DIR (default: the current directory): your connector
    (store_connector.py, plain requests) and the conftest.py handing it to the pytest plugin,
    the catalogue as tests, a catalogue, account profile and mapping to make your own, the
    plugin's settings (pytest.ini), a GitHub Actions workflow and a README of next steps.
    It runs green as written: `pytest` and `harness run` in DIR. Never overwrites a file
    unless --force (exit 2)."""
    from harness.commands.init import InitError, ProjectExistsError, write_project

    try:
        written = write_project(directory, force=force)
    except ProjectExistsError as exc:
        raise InputError(str(exc)) from None
    except InitError as exc:
        raise click.ClickException(str(exc)) from None
    root = Path(directory)
    for path in written:
        click.echo(f"wrote {path}")
    go = "" if root.resolve() == Path.cwd().resolve() else f"cd {shlex.quote(directory)} && "
    click.echo(f"next: {go}pytest   (then read {root / 'README.md'})")

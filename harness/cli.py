"""The `harness` command."""

from __future__ import annotations

import click

from harness import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="harness")
def main() -> None:
    """Prove WooCommerce orders land in NetSuite as correct Sales Orders."""


@main.command()
def run() -> None:
    """Run the scenario catalogue against a target."""
    click.echo("harness run: not implemented yet")


@main.group()
def sandbox() -> None:
    """The embedded NetSuite sandbox."""


if __name__ == "__main__":  # pragma: no cover
    main()

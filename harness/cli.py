"""The `harness` command."""

from __future__ import annotations

import sys

import click

from harness import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="harness")
def main() -> None:
    """Prove WooCommerce orders land in NetSuite as correct Sales Orders."""


@main.command()
@click.option("--catalogue", "catalogue_path", type=click.Path(dir_okay=False), default=None,
              help="Scenario catalogue (default: scenarios/catalogue.yaml).")
@click.option("-k", "selector", default=None, help="Only scenarios whose name contains this.")
@click.option("--seed", type=int, default=0, show_default=True, help="Run seed.")
def run(catalogue_path: str | None, selector: str | None, seed: int) -> None:
    """Run the scenario catalogue against a target."""
    from rich.console import Console
    from rich.table import Table

    from harness.woo.generate import generate, load_catalogue
    from harness.yamlfile import ConfigFileError

    console = Console()
    try:
        catalogue = load_catalogue(catalogue_path)
    except ConfigFileError as exc:
        raise click.ClickException(str(exc)) from None
    scenarios = [s for s in catalogue.scenarios if not selector or selector in s.name]
    if not scenarios:
        raise click.ClickException(f"no scenario name contains {selector!r}")
    table = Table(title=f"Scenario catalogue (seed {seed})")
    for column in ("scenario", "expect", "order", "lines", "total", "currency", "invariants"):
        table.add_column(column)
    broken = 0
    for spec in scenarios:
        order = generate(spec, seed)
        violations = order.check_invariants()
        broken += bool(violations)
        table.add_row(
            spec.name,
            spec.expect,
            order.number,
            str(len(order.line_items)),
            str(order.total),
            order.currency,
            "ok" if not violations else f"{len(violations)} broken",
        )
    console.print(table)
    if broken:
        sys.exit(1)


@main.group()
def sandbox() -> None:
    """The embedded NetSuite sandbox."""


@sandbox.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Loopback address to bind.")
@click.option("--port", type=int, default=0, show_default=True, help="Port (0: any free port).")
@click.option(
    "--account",
    "account_path",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Account profile YAML (default: the demo store, scenarios/accounts/demo.yaml).",
)
def sandbox_serve(host: str, port: int, account_path: str | None) -> None:
    """Serve the embedded NetSuite over HTTP until interrupted (Ctrl-C).

    Prints the KEY=value settings a client needs first, then serves.
    """
    from harness.sandbox.account import SandboxConfigError
    from harness.sandbox.serve import Sandbox

    try:
        embedded = Sandbox(account_path)
    except SandboxConfigError as exc:
        raise click.ClickException(str(exc)) from None
    server = embedded.serve_http(host, port)
    try:
        for key, value in embedded.client_environment(server.url).items():
            click.echo(f"{key}={value}")
        sys.stdout.flush()
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        embedded.close()


if __name__ == "__main__":  # pragma: no cover
    main()

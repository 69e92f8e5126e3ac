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
@click.option(
    "--catalogue",
    "catalogue_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Scenario catalogue (default: scenarios/catalogue.yaml).",
)
@click.option("-k", "selector", default=None, help="Only scenarios whose name contains this.")
@click.option(
    "--target",
    type=click.Choice(["sim"]),
    default="sim",
    show_default=True,
    help="Where orders land: sim = the embedded sandbox, in-process.",
)
@click.option(
    "--account",
    type=click.Path(dir_okay=False),
    default=None,
    help="Account profile for the embedded sandbox (default: the demo store).",
)
@click.option(
    "--mapping",
    "mapping_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Connector mapping (default: scenarios/mappings/demo.yaml).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Run seed.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Parallel worker processes.",
)
@click.option(
    "--report-dir",
    type=click.Path(file_okay=False),
    default="reports",
    show_default=True,
    help="Where the JSON and JUnit reports are written.",
)
def run(
    catalogue_path: str | None,
    selector: str | None,
    target: str,
    account: str | None,
    mapping_path: str | None,
    seed: int,
    workers: int,
    report_dir: str,
) -> None:
    """Run the scenario catalogue against a target; exit 0 only if every scenario met its
    expectation."""
    from pathlib import Path

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from harness.connector.mapping import load_mapping
    from harness.report.files import write_json, write_junit
    from harness.report.terminal import result_table
    from harness.runner import RunConfig, run_catalogue, select
    from harness.sandbox.account import SandboxConfigError, profile_from
    from harness.woo.generate import load_catalogue
    from harness.yamlfile import ConfigFileError

    console = Console()
    try:
        catalogue = load_catalogue(catalogue_path)
        load_mapping(mapping_path)
        profile_from(account)
    except (ConfigFileError, SandboxConfigError) as exc:
        raise click.ClickException(str(exc)) from None
    names = [spec.name for spec in select(catalogue, selector)]
    if not names:
        raise click.ClickException(f"no scenario name contains {selector!r}")
    config = RunConfig(catalogue_path, mapping_path, account, seed)
    columns = (
        *Progress.get_default_columns()[:1],
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(f"{target}: landing", total=len(names))
        results = run_catalogue(
            config, names, workers=workers, on_result=lambda _: progress.advance(task)
        )
    console.print(result_table(results, title=f"{len(results)} scenarios on {target}, seed {seed}"))
    out = Path(report_dir)
    out.mkdir(parents=True, exist_ok=True)
    json_path = write_json(results, out / "harness-report.json", target=target, seed=seed)
    junit_path = write_junit(results, out / "harness-junit.xml", target=target)
    met = sum(result.met for result in results)
    console.print(f"{met}/{len(results)} scenarios met their expectation")
    console.print(f"reports: {json_path}  {junit_path}")
    if met != len(results):
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

"""`harness sandbox`: the embedded NetSuite served over HTTP, and snapshots of a live account."""

from __future__ import annotations

import sys

import click

from harness.cli.errors import reported
from harness.cli.options import account_option


@click.group("sandbox")
def sandbox() -> None:
    """The embedded NetSuite sandbox."""


@sandbox.command("serve", short_help="Serve the embedded NetSuite over HTTP.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Loopback address to bind.")
@click.option("--port", type=int, default=0, show_default=True, help="Port (0: any free port).")
@account_option(
    "Account profile YAML (default: the demo store's).",
    must_exist=True,
)
@click.option(
    "--faults",
    "fault_spec",
    default=None,
    metavar="SPEC",
    help="Random faults on every request, e.g. "
    "latency=20ms,jitter=5ms,5xx=0.05,drop=0.02,429-burst=3@0.01,seed=7 (default: the "
    "profile's faultPlan, if any).",
)
def sandbox_serve(host: str, port: int, account: str | None, fault_spec: str | None) -> None:
    """Serve the embedded NetSuite over HTTP until interrupted (Ctrl-C).

    Prints the KEY=value settings a client needs first, then serves.
    """
    from harness.sandbox.faults import FaultPlan, FaultPlanError
    from harness.sandbox.serve import Sandbox

    with reported(options={FaultPlanError: "--faults"}):
        plan = FaultPlan.parse(fault_spec) if fault_spec is not None else None
    with reported():
        embedded = Sandbox(account, faults=plan)
    if plan is not None and not plan.is_quiet:
        click.echo(f"# faults: {plan}", err=True)
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


@sandbox.command("snapshot", short_help="Mirror a live account's reference data into a profile.")
@click.option(
    "--out",
    "out_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="Where to write the account profile YAML.",
)
@click.option(
    "--customers",
    type=click.IntRange(min=0),
    default=20,
    show_default=True,
    help="How many (most recent, active) customers to copy; 0 for none.",
)
@click.option("--name", default=None, help="The profile's account name.")
def sandbox_snapshot(out_path: str, customers: int, name: str | None) -> None:
    """Mirror the reference data of the NetSuite account in NETSUITE_* (read through
    SuiteQL) into an account profile the embedded sandbox loads (`--account FILE`).

    Credentials are never copied: the profile gets fake ones of its own."""
    from harness.commands.snapshot import snapshot_account

    with reported(
        netsuite="NetSuite refused a snapshot query",
        unwritable=lambda reason: f"{out_path}: {reason}",
    ):
        profile, notes = snapshot_account(out_path, customers=customers, name=name)
    for note in notes[1:]:
        click.echo(f"left out: {note}")
    click.echo(
        f"{out_path}: {len(profile.subsidiaries)} subsidiaries, {len(profile.currencies)} "
        f"currencies, {len(profile.items)} items, {len(profile.shipItems)} ship items, "
        f"{len(profile.taxItems) + len(profile.taxGroups)} tax codes, "
        f"{len(profile.customers)} customers"
    )
    click.echo(f"use it with: harness run --account {out_path}")

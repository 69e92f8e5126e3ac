"""`harness sandbox`: the embedded NetSuite served over HTTP, and snapshots of a live account."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import click

from harness.cli.errors import Listening, reported, serve_until_stopped
from harness.cli.options import account_option

if TYPE_CHECKING:
    from harness.sandbox.tls import TlsCertificate


@click.group("sandbox")
def sandbox() -> None:
    """The embedded NetSuite sandbox."""


def _address(_: click.Context, param: click.Parameter, value: str) -> str:
    """The --host to bind: a name that resolves, checked before anything is started."""
    import socket

    try:
        socket.getaddrinfo(value, None, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as exc:
        reason = exc.strerror if isinstance(exc, socket.gaierror) else str(exc)
        raise click.BadParameter(
            f"{value!r} is not an address or a host name that resolves ({reason}); "
            f"expected an address of this machine, e.g. 127.0.0.1"
        ) from None
    return value


@sandbox.command("serve", short_help="Serve the embedded NetSuite over HTTP.")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    callback=_address,
    help="Loopback address to bind.",
)
@click.option(
    "--port",
    type=click.IntRange(min=0, max=65535),
    default=0,
    show_default=True,
    help="Port (0: any free port).",
)
@account_option("Account profile YAML (default: the demo store's).")
@click.option(
    "--faults",
    "fault_spec",
    default=None,
    metavar="SPEC",
    # `\b` keeps click from re-wrapping the table and the example (a token split mid-way
    # would not paste back).
    help="Random faults on every request, as KEY=VALUE pairs joined by commas (default: "
    "the profile's faultPlan, if any):\n\n"
    "\b\n"
    "latency=20ms      every answer waits this long\n"
    "jitter=5ms        plus or minus up to this\n"
    "5xx=0.05          share answered 503 (maintenance)\n"
    "drop=0.02         share processed, answer lost\n"
    "429-burst=3@0.01  bursts of 3 429s at 1% of requests\n"
    "seed=7            the random seed\n\n"
    "\b\n"
    "e.g. --faults latency=20ms,5xx=0.05,seed=7",
)
@click.option(
    "--tls",
    is_flag=True,
    help="Serve HTTPS with a new self-signed certificate for the account's NetSuite host and "
    "the loopback addresses; prints the CA file to trust (REQUESTS_CA_BUNDLE, "
    "NODE_EXTRA_CA_CERTS).",
)
def sandbox_serve(
    host: str, port: int, account: str | None, fault_spec: str | None, tls: bool
) -> None:
    """Serve the embedded NetSuite over HTTP until interrupted (Ctrl-C).

    Prints the KEY=value settings a client needs first, then serves. With --tls, a client with
    NetSuite's host written in reaches it through /etc/hosts or curl's --resolve.

    Exit 0 when interrupted, 2 when it cannot start (a wrong option, a port in use, a
    profile it cannot read).
    """
    from harness.sandbox.faults import FaultPlan, FaultPlanError
    from harness.sandbox.serve import Sandbox

    with reported(options={FaultPlanError: "--faults"}):
        plan = FaultPlan.parse(fault_spec) if fault_spec is not None else None
    with reported():
        embedded = Sandbox(account, faults=plan)
    if plan is not None and not plan.is_quiet:
        click.echo(f"# faults: {plan}", err=True)
    with tempfile.TemporaryDirectory(prefix="harness-sandbox-tls-") as directory:
        certificate = _certificate(Path(directory), embedded.host, host) if tls else None
        with reported(
            listening=Listening(host, port),
            unwritable=lambda reason: f"--host {host} --port {port}: {reason}",
        ):
            server = embedded.serve_http(host, port, tls=certificate)
        try:
            settings = embedded.client_environment(server.url)
            if certificate is not None:
                ca = str(certificate.ca_path)
                settings |= {"REQUESTS_CA_BUNDLE": ca, "NODE_EXTRA_CA_CERTS": ca}
                listening = server.url.rsplit(":", 1)[1]
                click.echo(
                    f"# TLS certificate for {embedded.host}: {ca}; e.g. curl --cacert {ca} "
                    f"--resolve {embedded.host}:{listening}:127.0.0.1 "
                    f"https://{embedded.host}:{listening}/services/rest/...",
                    err=True,
                )
            serve_until_stopped(server, settings)
        finally:
            server.stop()
            embedded.close()


def _certificate(directory: Path, account_host: str, bind_host: str) -> TlsCertificate:
    from harness.sandbox.tls import write_certificate

    hosts = [account_host, "localhost", "127.0.0.1", "::1"]
    if bind_host not in ("0.0.0.0", "::", ""):
        hosts.append(bind_host)
    return write_certificate(directory, hosts)


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

    Credentials are never copied: the profile gets fake ones of its own.

    Exit 0 when the profile was written, 1 when NetSuite refused a query or the file could
    not be written, 2 when it cannot start (missing NETSUITE_* credentials)."""
    from harness.commands.snapshot import snapshot_account
    from harness.report.visible import visible

    with reported(
        netsuite="NetSuite refused a snapshot query",
        unwritable=lambda reason: f"{out_path}: {reason}",
    ):
        profile, notes = snapshot_account(out_path, customers=customers, name=name)
    for note in notes[1:]:
        click.echo(f"left out: {visible(note)}")
    click.echo(
        f"{out_path}: {len(profile.subsidiaries)} subsidiaries, {len(profile.currencies)} "
        f"currencies, {len(profile.items)} items, {len(profile.shipItems)} ship items, "
        f"{len(profile.taxItems) + len(profile.taxGroups)} tax codes, "
        f"{len(profile.customers)} customers"
    )
    click.echo(f"use it with: harness run --account {out_path}")

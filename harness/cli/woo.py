"""`harness woo`: the embedded WooCommerce store served over HTTP."""

from __future__ import annotations

import click

from harness.cli.errors import reported, serve_until_stopped
from harness.cli.options import catalogue_option


@click.group("woo")
def woo() -> None:
    """The embedded WooCommerce store."""


@woo.command("serve", short_help="Serve the embedded WooCommerce store over HTTP.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Loopback address to bind.")
@click.option("--port", type=int, default=0, show_default=True, help="Port (0: any free port).")
@catalogue_option("Catalogue whose store: section the store sells (default: the demo store's).")
@click.option(
    "--with-sandbox",
    "sandbox_port",
    type=int,
    default=None,
    metavar="PORT",
    help="Also serve the embedded NetSuite sandbox on PORT (0: any free port) and print its "
    "NETSUITE_* settings: both ends of a pull-style connector in one command.",
)
@click.option(
    "--account",
    type=click.Path(),
    default=None,
    help="With --with-sandbox: the sandbox's account profile (default: the demo account).",
)
def woo_serve(
    host: str,
    port: int,
    catalogue_path: str | None,
    sandbox_port: int | None,
    account: str | None,
) -> None:
    """Serve the embedded WooCommerce REST API v3 (/wp-json/wc/v3) until interrupted (Ctrl-C).

    Prints the KEY=value settings a connector needs first (WOO_URL, WOO_CONSUMER_KEY,
    WOO_CONSUMER_SECRET, and the key under the names `harness reconcile` reads), then serves.
    Over plain HTTP a client signs with OAuth 1.0a, as WooCommerce requires; from this machine
    HTTP Basic with the key and secret works too. With --with-sandbox PORT the embedded
    NetSuite is served beside it and its NETSUITE_* settings are printed too.

    Exit 0 when interrupted, 2 when it cannot start (a catalogue or profile it cannot use, an
    address it cannot listen on).
    """
    from harness.catalogue.spec import catalogue_path as resolve
    from harness.sandbox.serve import Sandbox
    from harness.woostore import EmbeddedStore

    if account is not None and sandbox_port is None:
        raise click.UsageError("--account names the sandbox's profile: give --with-sandbox PORT")
    with reported(unreadable=lambda reason: f"--catalogue {catalogue_path}: {reason}"):
        store = EmbeddedStore(resolve(catalogue_path))
    netsuite = None
    if sandbox_port is not None:
        with reported():
            netsuite = Sandbox(account)
    with reported(unwritable=lambda reason: f"--host {host} --port {port}: {reason}"):
        server = store.serve_http(host, port)
    settings = store.client_environment(server.url)
    served = None
    if netsuite is not None:
        listening = f"--host {host} --with-sandbox {sandbox_port}"
        with reported(unwritable=lambda reason: f"{listening}: {reason}"):
            try:
                served = netsuite.serve_http(host, sandbox_port or 0)
            except BaseException:
                server.stop()
                raise
        settings |= netsuite.client_environment(served.url)
    try:
        serve_until_stopped(server, settings)
    finally:
        server.stop()
        if served is not None:
            served.stop()

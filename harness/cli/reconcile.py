"""`harness reconcile`: a store's real orders against NetSuite's Sales Orders, printed."""

from __future__ import annotations

import sys
from datetime import date

import click

from harness.cli.errors import InputError, reported
from harness.cli.options import json_option, mapping_option, target_option, unreadable_text


def _date(_: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"expected a date like 2024-06-01 (got {value!r})") from None


@click.command("reconcile", short_help="Compare a store's real orders with NetSuite.")
@click.option(
    "--store",
    "store_url",
    default=None,
    metavar="URL",
    help="The WooCommerce store (https, or http on a loopback address such as `harness woo "
    "serve`), read through REST v3 with "
    "WOOCOMMERCE_CONSUMER_KEY / WOOCOMMERCE_CONSUMER_SECRET.",
)
@click.option(
    "--orders",
    "orders_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="An export of the store's orders (JSON list of REST v3 orders) instead.",
)
@click.option(
    "--since",
    required=True,
    callback=_date,
    metavar="DATE",
    help="First day (YYYY-MM-DD, store time) of orders to check.",
)
@click.option(
    "--until",
    callback=_date,
    default=None,
    metavar="DATE",
    help="Last day to check (default: up to now).",
)
@target_option(
    "live",
    "sim",
    help="live: the NetSuite account in NETSUITE_* (NETSUITE_BASE_URL may point at a served "
    "sandbox). sim: a fresh embedded sandbox (for trying the command out).",
)
@mapping_option("Connector mapping: its externalId / PO # templates and synced statuses.")
@json_option("Print the reconciliation as JSON.")
def reconcile(
    store_url: str | None,
    orders_file: str | None,
    since: date,
    until: date | None,
    target: str,
    mapping_path: str | None,
    as_json: bool,
) -> None:
    """The orders a store really has vs the Sales Orders in NetSuite: missing, duplicated,
    different totals, and orders per day in both.

    Exit 0 when every store order is in NetSuite, 1 when any is missing, 2 when it cannot
    start (a wrong option, an export it cannot read, missing credentials)."""
    import json
    import os
    from urllib.parse import urlsplit

    from harness.commands.reconcile.compare import query_client
    from harness.commands.reconcile.compare import reconcile as compare
    from harness.commands.reconcile.storeorders import (
        KEY_ENV,
        SECRET_ENV,
        ReconcileError,
        load_order_export,
        on_this_machine,
        read_store_orders,
    )
    from harness.mapping import load_mapping
    from harness.report.reconcile import print_reconciliation
    from harness.report.visible import terminal_console

    if (store_url is None) == (orders_file is None):
        raise click.UsageError("give exactly one of --store URL or --orders FILE")
    if until is not None and until < since:
        raise click.UsageError(f"--until {until} is before --since {since}")
    # What the command was given is checked before any request: its faults are exit 2.
    if orders_file is not None:
        problem = unreadable_text(orders_file)
        if problem:
            raise InputError(f"--orders {problem}")
        with reported(options={ReconcileError: "--orders"}):
            raw = load_order_export(orders_file)
    elif (parts := urlsplit(store_url or "")).scheme != "https" and not (
        parts.scheme == "http" and on_this_machine(parts.hostname)  # `harness woo serve`
    ):
        raise click.BadParameter(
            f"{store_url!r}: expected an https:// URL (WooCommerce takes the consumer key and "
            "secret in HTTP Basic auth only over HTTPS), or an http:// URL on this machine "
            "such as `harness woo serve` prints",
            param_hint="--store",
        )
    elif not (os.environ.get(KEY_ENV) and os.environ.get(SECRET_ENV)):
        raise InputError(f"--store needs {KEY_ENV} and {SECRET_ENV} set (a REST API key)")
    with reported():
        mapping = load_mapping(mapping_path)
        if orders_file is None:
            raw = read_store_orders(store_url, None, since=since, until=until)
        with query_client(target) as client:
            found = compare(raw, client, mapping, since=since, until=until)
    if as_json:
        click.echo(json.dumps(found.to_json(), indent=2))
    else:
        print_reconciliation(terminal_console(), found)
    if not found.ok:
        sys.exit(1)


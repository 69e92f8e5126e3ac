"""`harness land`: one real WooCommerce order (or a list) landed and verified, then printed."""

from __future__ import annotations

import sys

import click

from harness.cli.errors import reported
from harness.cli.options import (
    CONNECTOR_OPTIONS,
    account_option,
    allow_production_option,
    connector_settings,
    each_of,
    json_option,
    keep_records_option,
    lock_timeout_option,
    mapping_option,
    target_option,
)


@click.command("land", short_help="Land one real WooCommerce order and verify it.")
@click.argument("order_file", metavar="ORDER.json", type=click.Path(dir_okay=False))
@target_option(
    "sim",
    "live",
    help="sim: the embedded sandbox (reset before each order). live: the NetSuite account in "
    "NETSUITE_* (the records made are deleted afterwards unless --keep-records).",
)
@account_option("Account profile for the embedded sandbox (sim; default: the demo store).")
@mapping_option()
@json_option(
    "Print the verdict as JSON (a list of them for a list of orders): scenario, order, "
    "outcome, sales_order_id, mismatches, diagnosis {category, summary, hint, evidence}."
)
@allow_production_option()
@keep_records_option("live: keep what the order created.")
@lock_timeout_option()
@each_of(CONNECTOR_OPTIONS)
def land(
    order_file: str,
    target: str,
    account: str | None,
    mapping_path: str | None,
    as_json: bool,
    allow_production: bool,
    keep_records: bool,
    lock_timeout: float,
    connector_spec: str,
    webhook_secret: str | None,
    landing_timeout: float,
    landing_query: str | None,
) -> None:
    """Push one real WooCommerce order (REST v3 JSON; a list lands each) through the
    reference connector, or yours (--connector), and verify it.

    Exit 0 when every order landed exactly right, 1 when one did not (a file that is not an
    order is an invalid-order verdict), 2 when it cannot start (a wrong option, a file it
    cannot read, missing credentials)."""
    from harness.commands.land import land_orders, read_order_file
    from harness.mapping import load_mapping
    from harness.report.salesorder import tran_id_from_calls
    from harness.report.text import print_verdict
    from harness.report.visible import json_text, terminal_console, visible
    from harness.targets.settings import TargetSettings

    with reported(unreadable=lambda reason: f"{order_file}: cannot read the order file ({reason})"):
        read, many = read_order_file(order_file)
    with reported():
        mapping = load_mapping(mapping_path)
    if target == "live" and account is not None:
        raise click.UsageError("--account names an account profile for --target sim")
    options = connector_settings(connector_spec, webhook_secret, landing_timeout, landing_query)
    settings = TargetSettings(
        kind="live" if target == "live" else "sim",
        account=account,
        allow_production=allow_production,
        keep_records=keep_records,
        lock_timeout=lock_timeout,
    )
    with reported():
        landings = land_orders(
            read,
            mapping,
            settings,
            connector=connector_spec,
            connector_options=options,
            on_leftover=lambda line: click.echo(f"left in the account: {visible(line)}", err=True),
        )
    if as_json:
        verdicts = [landing.verdict.to_json() for landing in landings]
        shown = verdicts if many else verdicts[0]
        click.echo(json_text(shown))
    else:
        console = terminal_console()
        for landing in landings:
            found = landing.verdict.sales_order_id
            number = tran_id_from_calls(landing.calls, found) if found else None
            print_verdict(console, landing.verdict, number)
    if not all(landing.verdict.outcome == "landed" for landing in landings):
        sys.exit(1)

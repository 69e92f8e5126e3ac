"""`harness doctor`: the preflight checklist of a NetSuite target, printed as ✓/✗ rows."""

from __future__ import annotations

import sys

import click

from harness.cli.errors import reported
from harness.cli.options import (
    account_option,
    allow_production_option,
    catalogue_option,
    json_option,
    mapping_option,
)


@click.command("doctor", short_help="Preflight checklist of a NetSuite target.")
@click.option(
    "--target",
    type=click.Choice(["sim", "live"]),
    default=None,
    help="sim: the embedded sandbox. live: the NetSuite account in NETSUITE_*. Default: live "
    "when NETSUITE_ACCOUNT is set, else sim.",
)
@account_option("Account profile (sim; default: the demo store).")
@mapping_option()
@catalogue_option("Scenario catalogue whose SKUs must be sellable.")
@click.option(
    "--credential",
    default=None,
    help="sim: the profile's TBA credential to check (default: its first).",
)
@click.option(
    "--admin-credential",
    default=None,
    metavar="NAME",
    help="sim: a credential of an administrator role to compare with (added to the "
    "profile in memory, as an Administrator role, when the profile has none).",
)
@click.option(
    "--admin-token",
    default=None,
    metavar="TOKEN_ID:TOKEN_SECRET",
    help="live: an administrator's access token of the same integration record (or "
    "NETSUITE_ADMIN_TOKEN_ID / NETSUITE_ADMIN_TOKEN_SECRET).",
)
@click.option(
    "--scenario",
    "scenario_name",
    default=None,
    help="The test order to land (sim default: the first scenario expected to land; "
    "live: only when given, and its records are deleted afterwards).",
)
@allow_production_option()
@json_option("Print the checks as JSON.")
def doctor(
    target: str | None,
    account: str | None,
    mapping_path: str | None,
    catalogue_path: str | None,
    credential: str | None,
    admin_credential: str | None,
    admin_token: str | None,
    scenario_name: str | None,
    allow_production: bool,
    as_json: bool,
) -> None:
    """Preflight of a target: login, role permissions, SKUs, ship items, tax codes,
    discount and fee items, mandatory fields, synced statuses and a test order (with an
    administrator credential, whether permissions are the cause).

    Exit 0 when every check passed, 1 on any ✗, 2 when it cannot start (a wrong option, a
    file it cannot read, missing credentials)."""
    import json
    import os

    from harness.catalogue.spec import load_catalogue
    from harness.commands.doctor.preflight import (
        admin_token_from_env,
        describe_live,
        describe_sim,
        doctor_live,
        doctor_sim,
        scenario_to_land,
    )
    from harness.mapping import load_mapping
    from harness.report.visible import visible

    if target is None:
        target = "live" if os.environ.get("NETSUITE_ACCOUNT", "").strip() else "sim"

    if target == "sim" and admin_token:
        raise click.UsageError("--admin-token is for --target live; in sim use --admin-credential")
    if target == "live" and (admin_credential or credential or account):
        raise click.UsageError(
            "--account, --credential and --admin-credential name profile entries (--target sim)"
        )
    with reported():
        mapping = load_mapping(mapping_path)
        catalogue = load_catalogue(catalogue_path)
        spec = scenario_to_land(catalogue, scenario_name, target)
        about = (
            describe_sim(account, credential)
            if target == "sim"
            else describe_live(allow_production)
        )
        if not as_json:
            click.echo(f"doctor: {visible(about)}")
        if target == "sim":
            checks = doctor_sim(account, credential, admin_credential, mapping, catalogue, spec)
        else:
            checks = doctor_live(
                mapping,
                catalogue,
                spec,
                admin_token or admin_token_from_env(),
                allow_production,
                on_leftover=lambda line: click.echo(
                    f"left in the account: {visible(line)}", err=True
                ),
            )
    if as_json:
        click.echo(json.dumps([check.to_json() for check in checks], indent=2))
    else:
        from harness.report.doctor import print_checks
        from harness.report.visible import terminal_console

        print_checks(terminal_console(), checks)
    if not all(check.ok for check in checks):
        sys.exit(1)

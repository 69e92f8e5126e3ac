"""The `harness` command: thin Click wrappers around the library (see docs/cli.md)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from harness import __version__

F = TypeVar("F", bound=Callable[..., Any])


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="harness")
def main() -> None:
    """Prove WooCommerce orders land in NetSuite as correct Sales Orders."""


def _fail(message: str, code: int = 2) -> NoReturn:
    """Print a one-paragraph error (no traceback) and exit with `code`."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


# -- harness run -------------------------------------------------------------------------------

# Every option of `harness run`, in --help order. A new group of options (e.g. for an external
# connector) is one more list appended here plus the keyword it adds to `run`.
RUN_OPTIONS: list[Callable[[F], F]] = [
    click.option(
        "--catalogue",
        "catalogue_path",
        type=click.Path(dir_okay=False),
        default=None,
        help="Scenario catalogue (default: scenarios/catalogue.yaml).",
    ),
    click.option("-k", "selector", default=None, help="Only scenarios whose name contains this."),
    click.option(
        "--target",
        type=click.Choice(["sim", "live", "replay"]),
        default="sim",
        show_default=True,
        help="Where orders land. sim: the embedded sandbox, in-process. live: the NetSuite "
        "account in NETSUITE_* (records are deleted after each scenario). replay: the "
        "cassettes recorded by `pytest --ns-target=record scenarios/test_catalogue.py`.",
    ),
    click.option(
        "--account",
        type=click.Path(dir_okay=False),
        default=None,
        help="Account profile for the embedded sandbox (sim only; default: the demo store).",
    ),
    click.option(
        "--mapping",
        "mapping_path",
        type=click.Path(dir_okay=False),
        default=None,
        help="Connector mapping (default: scenarios/mappings/demo.yaml).",
    ),
    click.option("--seed", type=int, default=0, show_default=True, help="Run seed."),
    click.option(
        "--workers",
        type=click.IntRange(min=1),
        default=1,
        show_default=True,
        help="Parallel worker processes (sim; live and replay run one scenario at a time).",
    ),
    click.option(
        "--report-dir",
        type=click.Path(file_okay=False),
        default="reports",
        show_default=True,
        help="Where the JSON, JUnit and HTML reports are written.",
    ),
    click.option(
        "--cassettes",
        type=click.Path(file_okay=False),
        default="cassettes",
        show_default=True,
        help="Cassette directory (replay).",
    ),
    click.option(
        "--allow-production",
        is_flag=True,
        help="Let --target live use a production account (no _SB<n>, _RP or TSTDRV suffix).",
    ),
    click.option(
        "--keep-records",
        is_flag=True,
        help="live: keep the records each scenario created instead of deleting them.",
    ),
]


# A connector we don't own (harness.connector.external), instead of the reference connector.
RUN_OPTIONS += [
    click.option(
        "--connector",
        "connector_spec",
        default="reference",
        show_default=True,
        metavar="SPEC",
        help="The connector under test: reference, webhook:URL (a WooCommerce webhook "
        "receiver), command:\"PROGRAM ARGS\" (run per order; order JSON on stdin or in "
        "{order_file}), or python:module:function (or python:path/file.py:function). sim only.",
    ),
    click.option(
        "--webhook-secret",
        envvar="WOO_WEBHOOK_SECRET",
        default=None,
        help="webhook: the secret deliveries are signed with (or $WOO_WEBHOOK_SECRET).",
    ),
    click.option(
        "--sandbox-port",
        type=click.IntRange(min=0, max=65535),
        default=0,
        show_default=True,
        help="External connectors: the loopback port the embedded sandbox is served on (0: any "
        "free port). Start a webhook connector with NETSUITE_BASE_URL=http://127.0.0.1:PORT "
        "and the credentials `harness sandbox serve` prints.",
    ),
    click.option(
        "--landing-timeout",
        type=click.FloatRange(min=0),
        default=10.0,
        show_default=True,
        help="External connectors: seconds to wait for each order's Sales Order to appear.",
    ),
    click.option(
        "--landing-query",
        default=None,
        metavar="SUITEQL",
        help="External connectors: SuiteQL finding the Sales Order, first column its id; "
        "{external_id}, {other_ref_num}, {number} or {id} are filled in (default: by "
        "externalId or PO #).",
    ),
]


def run_options(command: F) -> F:
    for option in reversed(RUN_OPTIONS):
        command = option(command)
    return command


@main.command(short_help="Run the scenario catalogue against a target.")
@run_options
def run(
    catalogue_path: str | None,
    selector: str | None,
    target: str,
    account: str | None,
    mapping_path: str | None,
    seed: int,
    workers: int,
    report_dir: str,
    cassettes: str,
    allow_production: bool,
    keep_records: bool,
    connector_spec: str,
    webhook_secret: str | None,
    sandbox_port: int,
    landing_timeout: float,
    landing_query: str | None,
) -> None:
    """Run the scenario catalogue against a target; exit 0 only if every scenario met its
    expectation. Writes harness-report.json, harness-junit.xml and harness-report.html."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from harness.catalogue.orders import scenario_orders
    from harness.catalogue.spec import load_catalogue
    from harness.mapping import load_mapping
    from harness.pytest_support.options import OptionError
    from harness.report.files import write_json, write_junit
    from harness.report.html import write_html
    from harness.report.terminal import print_results
    from harness.runner import RunConfig, ScenarioResult, run_catalogue, select
    from harness.sandbox.account import profile_from
    from harness.yamlfile import ConfigFileError

    console = Console()
    if target != "sim" and account is not None:
        raise click.UsageError(
            "--account names an account profile for --target sim; a live or replayed account "
            "comes from NETSUITE_ACCOUNT (or the mapping's `account:` for replay)"
        )
    try:
        catalogue = load_catalogue(catalogue_path)
        load_mapping(mapping_path)
        if target == "sim":
            profile_from(account)
    except ConfigFileError as exc:
        raise click.ClickException(str(exc)) from None
    names = [spec.name for spec in select(catalogue, selector)]
    if not names:
        raise click.ClickException(f"no scenario name contains {selector!r}")
    config = RunConfig(catalogue_path, mapping_path, account, seed)
    external = _external_options(
        connector_spec, target, webhook_secret, landing_timeout, landing_query
    )
    columns = (
        *Progress.get_default_columns()[:1],
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    account_target = None
    if target != "sim":
        from harness.account_run import prepare_account

        try:
            account_target = prepare_account(
                "live" if target == "live" else "replay",
                mapping=mapping_path,
                cassettes=Path(cassettes),
                allow_production=allow_production,
            )
        except OptionError as exc:
            raise click.ClickException(str(exc)) from None
    leftovers: list[str] = []
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(f"{target}: landing", total=len(names))

        def advance(_: ScenarioResult) -> None:
            progress.advance(task)

        if external is not None:
            from harness.external_run import run_external

            results = run_external(
                config, names, connector_spec, external, port=sandbox_port, on_result=advance
            )
        elif account_target is None:
            results = run_catalogue(config, names, workers=workers, on_result=advance)
        else:
            from harness.account_run import run_on_account

            results = run_on_account(
                account_target,
                config,
                names,
                keep_records=keep_records,
                on_result=advance,
                on_leftover=leftovers.append,
            )
    print_results(console, results, f"{len(results)} scenarios on {target}, seed {seed}")
    out = Path(report_dir)
    out.mkdir(parents=True, exist_ok=True)
    json_path = write_json(results, out / "harness-report.json", target=target, seed=seed)
    junit_path = write_junit(results, out / "harness-junit.xml", target=target)
    orders = scenario_orders(catalogue, names, seed)
    html_path = write_html(
        results, out / "harness-report.html", target=target, seed=seed, orders=orders
    )
    for line in leftovers:
        console.print(f"[yellow]left in the account:[/yellow] {line}", markup=True)
    met = sum(result.met for result in results)
    console.print(f"{met}/{len(results)} scenarios met their expectation")
    console.print(f"reports: {html_path}  {json_path}  {junit_path}", soft_wrap=True)
    if met != len(results):
        sys.exit(1)


def _external_options(
    spec: str,
    target: str,
    secret: str | None,
    timeout: float,
    query: str | None,
) -> dict[str, Any] | None:
    """The driver options for `--connector SPEC`, checked now; None for the reference one."""
    from harness.connector.external import ExternalConnectorError, LandingQueryError
    from harness.external_run import REFERENCE, check_spec

    if spec == REFERENCE:
        return None
    if target != "sim":
        raise click.UsageError(f"--connector {spec} runs against --target sim only")
    options: dict[str, Any] = {"timeout": timeout}
    if query:
        options["landing_query"] = query
    if spec.lower().startswith("webhook:") and secret:
        options["secret"] = secret
    try:
        check_spec(spec, options)
    except (ExternalConnectorError, LandingQueryError) as exc:
        raise click.ClickException(str(exc)) from None
    return options


# -- harness land ------------------------------------------------------------------------------


@main.command(short_help="Land one real WooCommerce order and verify it.")
@click.argument("order_file", metavar="ORDER.json", type=click.Path(dir_okay=False))
@click.option(
    "--target",
    type=click.Choice(["sim", "live"]),
    default="sim",
    show_default=True,
    help="sim: the embedded sandbox (reset before each order). live: the NetSuite account in "
    "NETSUITE_* (the records made are deleted afterwards unless --keep-records).",
)
@click.option(
    "--account",
    type=click.Path(dir_okay=False),
    default=None,
    help="Account profile for the embedded sandbox (sim; default: the demo store).",
)
@click.option(
    "--mapping",
    "mapping_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Connector mapping (default: scenarios/mappings/demo.yaml).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the Verdict JSON (DESIGN shape).")
@click.option("--allow-production", is_flag=True, help="live: allow a production account.")
@click.option("--keep-records", is_flag=True, help="live: keep what the order created.")
def land(
    order_file: str,
    target: str,
    account: str | None,
    mapping_path: str | None,
    as_json: bool,
    allow_production: bool,
    keep_records: bool,
) -> None:
    """Push one real WooCommerce order (REST v3 JSON; a list lands each) through the
    reference connector and verify it. Exit 0 when every order landed exactly right."""
    import json

    from rich.console import Console

    from harness.commands.land import land_all, read_order_file
    from harness.landing.verify import LandingCheckError
    from harness.mapping import load_mapping
    from harness.report.text import print_verdict
    from harness.yamlfile import ConfigFileError

    try:
        read, many = read_order_file(order_file)
    except OSError as exc:
        _fail(f"{order_file}: cannot read the order file ({exc.strerror or exc})")
    try:
        mapping = load_mapping(mapping_path)
    except ConfigFileError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        with _land_target(target, account, mapping_path, allow_production) as where:
            landings = land_all(read, where, mapping)
            if target == "live" and not keep_records:
                _delete_created(where, landings)
    except LandingCheckError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        verdicts = [landing.verdict.to_json() for landing in landings]
        shown = verdicts if many else verdicts[0]
        click.echo(json.dumps(shown, indent=2, ensure_ascii=False))
    else:
        console = Console()
        for landing in landings:
            print_verdict(console, landing.verdict)
    if not all(landing.verdict.outcome == "landed" for landing in landings):
        sys.exit(1)


def _land_target(
    target: str, account: str | None, mapping_path: str | None, allow_production: bool
) -> Any:
    """A context manager giving the runner `Target` that `harness land` pushes into."""
    from contextlib import contextmanager

    from harness.pytest_support.options import OptionError
    from harness.runner import SimTarget
    from harness.sandbox.account import SandboxConfigError

    if target == "sim":
        try:
            return SimTarget(account)
        except SandboxConfigError as exc:
            raise click.ClickException(str(exc)) from None
    if account is not None:
        raise click.UsageError("--account names an account profile for --target sim")
    from harness.account_run import AccountTarget, prepare_account

    try:
        run_target = prepare_account(
            "live", mapping=mapping_path, allow_production=allow_production
        )
    except OptionError as exc:
        raise click.ClickException(str(exc)) from None

    @contextmanager
    def live() -> Any:
        yield AccountTarget(run_target)

    return live()


def _delete_created(target: Any, landings: Any) -> None:
    from harness.account_run import cleanup

    for landing in landings:
        for line in cleanup(target.run, landing.as_result()):
            click.echo(f"left in the account: {line}", err=True)


# -- harness explain ---------------------------------------------------------------------------


@main.command(short_help="Diagnose a NetSuite error body, call log or connector log.")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
def explain(file: str, as_json: bool) -> None:
    """Explain a NetSuite error body (JSON or HTML), a harness call log (JSON lines) or a
    connector's log: category, summary, the fix and the evidence, per failed request.

    Exit 0 when the file was read (whatever it holds), 1 when no NetSuite error is in it, 2
    when it cannot be read."""
    import json

    from rich.console import Console

    from harness.commands.explain import ExplainError, explain_file
    from harness.report.text import print_diagnosis

    try:
        found = explain_file(file)
    except ExplainError as exc:
        _fail(str(exc))
    if as_json:
        click.echo(json.dumps(found.to_json(), indent=2, ensure_ascii=False))
    else:
        console = Console()
        what = {
            "error-body": "a NetSuite error body",
            "html-page": "an HTML page from NetSuite",
            "call-log": f"a call log of {found.requests} requests",
            "text-log": "a connector log",
        }[found.kind]
        console.print(f"{file}: {what}, {len(found.findings)} failed request(s)", soft_wrap=True)
        for finding in found.findings:
            console.print(f"[bold]{finding.where}[/bold]")
            print_diagnosis(console, finding.diagnosis)
    if not found.findings and found.kind != "call-log":
        sys.exit(1)


# -- harness reconcile -------------------------------------------------------------------------


def _date(_: click.Context, param: click.Parameter, value: str | None) -> Any:
    from datetime import date

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"expected a date like 2024-06-01 (got {value!r})") from None


@main.command(short_help="Compare a store's real orders with NetSuite.")
@click.option("--store", "store_url", default=None, metavar="URL",
              help="The WooCommerce store (https), read through REST v3 with "
              "WOOCOMMERCE_CONSUMER_KEY / WOOCOMMERCE_CONSUMER_SECRET.")
@click.option("--orders", "orders_file", type=click.Path(dir_okay=False), default=None,
              help="An export of the store's orders (JSON list of REST v3 orders) instead.")
@click.option("--since", required=True, callback=_date, metavar="DATE",
              help="First day (YYYY-MM-DD, store time) of orders to check.")
@click.option("--until", callback=_date, default=None, metavar="DATE",
              help="Last day to check (default: up to now).")
@click.option(
    "--target",
    type=click.Choice(["live", "sim"]),
    default="live",
    show_default=True,
    help="live: the NetSuite account in NETSUITE_* (NETSUITE_BASE_URL may point at a served "
    "sandbox). sim: a fresh embedded sandbox (for trying the command out).",
)
@click.option("--mapping", "mapping_path", type=click.Path(dir_okay=False), default=None,
              help="Connector mapping: its externalId / PO # templates and synced statuses.")
@click.option("--json", "as_json", is_flag=True, help="Print the reconciliation as JSON.")
def reconcile(
    store_url: str | None,
    orders_file: str | None,
    since: Any,
    until: Any,
    target: str,
    mapping_path: str | None,
    as_json: bool,
) -> None:
    """The orders a store really has vs the Sales Orders in NetSuite: missing, duplicated,
    different totals, and orders per day in both. Exit 1 when any order is missing."""
    import json
    import os

    from rich.console import Console

    from harness.mapping import load_mapping
    from harness.netsuite.errors import NetSuiteError
    from harness.commands.reconcile import (
        KEY_ENV,
        SECRET_ENV,
        ReconcileError,
        fetch_store_orders,
        load_order_export,
    )
    from harness.commands.reconcile import reconcile as compare
    from harness.report.reconcile import print_reconciliation
    from harness.yamlfile import ConfigFileError

    if (store_url is None) == (orders_file is None):
        raise click.UsageError("give exactly one of --store URL or --orders FILE")
    if until is not None and until < since:
        raise click.UsageError(f"--until {until} is before --since {since}")
    try:
        mapping = load_mapping(mapping_path)
    except ConfigFileError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        if store_url is not None:
            key, secret = os.environ.get(KEY_ENV, ""), os.environ.get(SECRET_ENV, "")
            if not key or not secret:
                raise click.ClickException(f"--store needs {KEY_ENV} and {SECRET_ENV} set")
            raw = fetch_store_orders(store_url, key, secret, since=since, until=until)
        else:
            assert orders_file is not None
            raw = load_order_export(orders_file)
        with _query_client(target) as client:
            found = compare(raw, client, mapping, since=since, until=until)
    except ReconcileError as exc:
        raise click.ClickException(str(exc)) from None
    except NetSuiteError as exc:
        raise click.ClickException(f"NetSuite: {exc}") from None
    if as_json:
        click.echo(json.dumps(found.to_json(), indent=2))
    else:
        print_reconciliation(Console(), found)
    if not found.ok:
        sys.exit(1)


def _query_client(target: str) -> Any:
    """A context manager giving a NetSuite client for reading (`live` from NETSUITE_*)."""
    from contextlib import contextmanager

    from harness.netsuite.auth import AuthConfigError

    @contextmanager
    def live() -> Any:
        from harness.netsuite.client import NetSuiteClient

        try:
            yield NetSuiteClient.from_env()
        except AuthConfigError as exc:
            raise click.ClickException(f"NETSUITE_* settings: {exc}") from None

    @contextmanager
    def sim() -> Any:
        from harness.runner import SimTarget

        with SimTarget() as embedded:
            yield embedded.client()

    return live() if target == "live" else sim()


# -- harness doctor ----------------------------------------------------------------------------

ADMIN_TOKEN_ENV = ("NETSUITE_ADMIN_TOKEN_ID", "NETSUITE_ADMIN_TOKEN_SECRET")


@main.command(short_help="Preflight checklist of a NetSuite target.")
@click.option("--target", type=click.Choice(["sim", "live"]), default="sim", show_default=True,
              help="sim: the embedded sandbox. live: the NetSuite account in NETSUITE_*.")
@click.option("--account", type=click.Path(dir_okay=False), default=None,
              help="Account profile (sim; default: the demo store).")
@click.option("--mapping", "mapping_path", type=click.Path(dir_okay=False), default=None,
              help="Connector mapping (default: scenarios/mappings/demo.yaml).")
@click.option("--catalogue", "catalogue_path", type=click.Path(dir_okay=False), default=None,
              help="Scenario catalogue whose SKUs must be sellable.")
@click.option("--credential", default=None,
              help="sim: the profile's TBA credential to check (default: its first).")
@click.option("--admin-credential", default=None, metavar="NAME",
              help="sim: a credential of an administrator role to compare with (added to the "
              "profile in memory, as an Administrator role, when the profile has none).")
@click.option("--admin-token", default=None, metavar="TOKEN_ID:TOKEN_SECRET",
              help="live: an administrator's access token of the same integration record (or "
              "NETSUITE_ADMIN_TOKEN_ID / NETSUITE_ADMIN_TOKEN_SECRET).")
@click.option("--scenario", "scenario_name", default=None,
              help="The test order to land (sim default: the first scenario expected to land; "
              "live: only when given, and its records are deleted afterwards).")
@click.option("--allow-production", is_flag=True, help="live: allow a production account.")
@click.option("--json", "as_json", is_flag=True, help="Print the checks as JSON.")
def doctor(
    target: str,
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
    administrator credential, whether permissions are the cause). Exit 1 on any ✗."""
    import json
    import os

    from harness.catalogue.spec import load_catalogue
    from harness.mapping import load_mapping
    from harness.yamlfile import ConfigFileError

    if target == "sim" and admin_token:
        raise click.UsageError("--admin-token is for --target live; in sim use --admin-credential")
    if target == "live" and (admin_credential or credential or account):
        raise click.UsageError(
            "--account, --credential and --admin-credential name profile entries (--target sim)"
        )
    try:
        mapping = load_mapping(mapping_path)
        catalogue = load_catalogue(catalogue_path)
    except ConfigFileError as exc:
        raise click.ClickException(str(exc)) from None
    spec = None
    if scenario_name is not None:
        try:
            spec = catalogue.get(scenario_name)
        except KeyError:
            raise click.BadParameter(f"no scenario {scenario_name!r} in the catalogue",
                                     param_hint="--scenario") from None
    elif target == "sim":
        spec = next((s for s in catalogue.scenarios if s.expect == "landed"), None)
    if target == "sim":
        checks = _doctor_sim(account, credential, admin_credential, mapping, catalogue, spec)
    else:
        token = admin_token or (
            ":".join(os.environ.get(name, "") for name in ADMIN_TOKEN_ENV)
            if all(os.environ.get(name) for name in ADMIN_TOKEN_ENV) else None
        )
        checks = _doctor_live(mapping, catalogue, spec, token, allow_production)
    if as_json:
        click.echo(json.dumps([check.to_json() for check in checks], indent=2))
    else:
        from rich.console import Console

        from harness.report.doctor import print_checks

        print_checks(Console(), checks)
    if not all(check.ok for check in checks):
        sys.exit(1)


def _doctor_sim(
    account: str | None,
    credential: str | None,
    admin_credential: str | None,
    mapping: Any,
    catalogue: Any,
    spec: Any,
) -> list[Any]:
    from typing import cast

    from harness.commands.doctor import checks as doctor
    from harness.netsuite.calllog import CallLog
    from harness.runner import SimTarget, run_scenario
    from harness.sandbox.account import SandboxConfigError, profile_from

    try:
        profile = profile_from(account)
    except SandboxConfigError as exc:
        raise click.ClickException(str(exc)) from None
    if admin_credential is not None:
        profile = doctor.with_administrator(profile, admin_credential)
    try:
        main_role = doctor.role_of(profile, credential)
        admin_role = doctor.role_of(profile, admin_credential) if admin_credential else None
    except KeyError as exc:
        raise click.BadParameter(str(exc.args[0]), param_hint="--credential") from None
    with SimTarget(cast(Any, profile)) as sim:
        client = sim.client(credential, CallLog())
        checks = [doctor.check_auth(client), *doctor.check_permissions(client)]
        create, _ = doctor.check_sales_order_create(client)
        checks.append(create)
        sim.isolate()
        checks += doctor.check_items(client, catalogue, mapping)
        checks += doctor.check_reference_data(client, mapping)
        checks += doctor.check_mandatory_from_profile(profile, mapping)
        checks.append(doctor.check_statuses(mapping))
        if spec is not None:

            class _As:
                """The sandbox, signing every request with one chosen credential."""

                name = "sim"

                def __init__(self, chosen: str | None) -> None:
                    self.chosen = chosen

                def client(self, _: str | None = None, calllog: Any = None) -> Any:
                    return sim.client(self.chosen, calllog)

                def isolate(self) -> None:
                    sim.isolate()

            def land(scenario: Any, as_admin: str | None) -> Any:
                return run_scenario(scenario, 0, _As(as_admin or credential), mapping)

            def gap() -> list[str]:
                assert admin_role is not None
                return doctor.role_gap(profile, main_role.id, admin_role.id)

            checks += doctor.check_landing(land, spec, admin=admin_credential, gap=gap)
    return checks


def _doctor_live(
    mapping: Any, catalogue: Any, spec: Any, admin_token: str | None, allow_production: bool
) -> list[Any]:
    from dataclasses import replace

    from harness.commands.doctor import checks as doctor
    from harness.account_run import AccountTarget, cleanup, prepare_account
    from harness.netsuite.calllog import CallLog
    from harness.pytest_support.options import OptionError
    from harness.runner import run_scenario

    try:
        run_target = prepare_account("live", allow_production=allow_production)
    except OptionError as exc:
        raise click.ClickException(str(exc)) from None
    admin_target = None
    if admin_token is not None:
        token_id, _, token_secret = admin_token.partition(":")
        if not token_id or not token_secret or run_target.credentials is None:
            raise click.BadParameter("expected TOKEN_ID:TOKEN_SECRET of a TBA token",
                                     param_hint="--admin-token")
        from harness.netsuite.auth import AuthConfigError

        try:
            admin_credentials = replace(
                run_target.credentials, token_id=token_id, token_secret=token_secret
            )
        except AuthConfigError as exc:
            raise click.BadParameter(str(exc), param_hint="--admin-token") from None
        admin_target = replace(
            run_target,
            credentials=admin_credentials,
            secrets=(*run_target.secrets, *admin_credentials.secrets()),
        )
    client = run_target.client(CallLog())
    checks = [doctor.check_auth(client), *doctor.check_permissions(client)]
    create, labels = doctor.check_sales_order_create(client)
    checks.append(create)
    checks += doctor.check_items(client, catalogue, mapping)
    checks += doctor.check_reference_data(client, mapping)
    checks += doctor.check_mandatory_from_probe(labels)
    checks.append(doctor.check_statuses(mapping))
    if spec is not None:

        def land(scenario: Any, as_admin: str | None) -> Any:
            chosen = admin_target if as_admin and admin_target is not None else run_target
            result = run_scenario(scenario, 0, AccountTarget(chosen), mapping)
            for line in cleanup(chosen, result):
                click.echo(f"left in the account: {line}", err=True)
            return result

        admin = "administrator" if admin_target is not None else None
        checks += doctor.check_landing(land, spec, admin=admin)
    return checks


# -- harness cassettes --------------------------------------------------------------------------


@main.group()
def cassettes() -> None:
    """Recorded NetSuite exchanges for offline replay."""


@cassettes.command("check", short_help="Find stale, orphaned, unscrubbed or unplayable cassettes.")
@click.argument("directory", default="cassettes", type=click.Path(file_okay=False))
@click.option("--catalogue", "catalogue_path", type=click.Path(dir_okay=False), default=None,
              help="Scenario catalogue the cassettes were recorded from.")
@click.option("--mapping", "mapping_path", type=click.Path(dir_okay=False), default=None,
              help="Connector mapping the cassettes were recorded with.")
@click.option("--nodeids", "nodeids_file", type=click.Path(exists=True, dir_okay=False),
              default=None, help="Test node ids, one per line (`pytest --collect-only -q`): "
              "enables the orphan check for cassettes of tests outside the catalogue.")
@click.option("--max-age", "max_age_days", type=click.FloatRange(min=0), default=None,
              metavar="DAYS", help="Call cassettes older than this stale.")
def cassettes_check(
    directory: str,
    catalogue_path: str | None,
    mapping_path: str | None,
    nodeids_file: str | None,
    max_age_days: float | None,
) -> None:
    """Stale, orphaned, unscrubbed or unplayable cassettes under DIRECTORY (default:
    cassettes). Exit 1 when any cassette has a problem."""
    from harness.commands.cassettes import audit, environment_secrets
    from harness.catalogue.spec import load_catalogue
    from harness.mapping import load_mapping
    from harness.yamlfile import ConfigFileError

    folder = Path(directory)
    if not folder.is_dir():
        _fail(f"{folder}: no such cassette directory")
    try:
        catalogue = load_catalogue(catalogue_path)
        mapping = load_mapping(mapping_path)
    except ConfigFileError as exc:
        raise click.ClickException(str(exc)) from None
    nodeids = None
    if nodeids_file is not None:
        lines = Path(nodeids_file).read_text(encoding="utf-8").splitlines()
        nodeids = [line.strip() for line in lines if "::" in line]
    problems = audit(folder, catalogue, mapping, nodeids=nodeids,
                     secrets=environment_secrets(), max_age_days=max_age_days)
    count = sum(1 for _ in folder.rglob("*.yaml"))
    for problem in problems:
        click.echo(str(problem))
    broken = len({problem.path for problem in problems})
    click.echo(f"{count} cassettes in {folder}: {broken} with problems ({len(problems)} found)")
    if problems:
        sys.exit(1)


# -- harness sandbox ---------------------------------------------------------------------------


@main.group()
def sandbox() -> None:
    """The embedded NetSuite sandbox."""


@sandbox.command("serve", short_help="Serve the embedded NetSuite over HTTP.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Loopback address to bind.")
@click.option("--port", type=int, default=0, show_default=True, help="Port (0: any free port).")
@click.option(
    "--account",
    "account_path",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Account profile YAML (default: the demo store, scenarios/accounts/demo.yaml).",
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
def sandbox_serve(
    host: str, port: int, account_path: str | None, fault_spec: str | None
) -> None:
    """Serve the embedded NetSuite over HTTP until interrupted (Ctrl-C).

    Prints the KEY=value settings a client needs first, then serves.
    """
    from harness.sandbox.account import SandboxConfigError
    from harness.sandbox.faults import FaultPlan, FaultPlanError
    from harness.sandbox.serve import Sandbox

    plan = None
    if fault_spec is not None:
        try:
            plan = FaultPlan.parse(fault_spec)
        except FaultPlanError as exc:
            raise click.BadParameter(str(exc), param_hint="--faults") from None
    try:
        embedded = Sandbox(account_path, faults=plan)
    except SandboxConfigError as exc:
        raise click.ClickException(str(exc)) from None
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
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False),
              help="Where to write the account profile YAML.")
@click.option("--customers", type=click.IntRange(min=0), default=20, show_default=True,
              help="How many (most recent, active) customers to copy; 0 for none.")
@click.option("--name", default=None, help="The profile's account name.")
def sandbox_snapshot(out_path: str, customers: int, name: str | None) -> None:
    """Mirror the reference data of the NetSuite account in NETSUITE_* (read through
    SuiteQL) into an account profile the embedded sandbox loads (`--account FILE`).

    Credentials are never copied: the profile gets fake ones of its own."""
    from harness.netsuite.auth import AuthConfigError
    from harness.netsuite.client import NetSuiteClient
    from harness.netsuite.errors import NetSuiteError
    from harness.commands.snapshot import SnapshotError, snapshot, write_snapshot

    try:
        client = NetSuiteClient.from_env()
    except AuthConfigError as exc:
        raise click.ClickException(f"NETSUITE_* settings: {exc}") from None
    try:
        data, notes = snapshot(client, client.account_id, name=name, customers=customers)
        profile = write_snapshot(data, out_path)
    except NetSuiteError as exc:
        raise click.ClickException(f"NetSuite refused a snapshot query: {exc}") from None
    except SnapshotError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"{out_path}: {exc.strerror or exc}") from None
    for note in notes[1:]:
        click.echo(f"left out: {note}")
    click.echo(
        f"{out_path}: {len(profile.subsidiaries)} subsidiaries, {len(profile.currencies)} "
        f"currencies, {len(profile.items)} items, {len(profile.shipItems)} ship items, "
        f"{len(profile.taxItems) + len(profile.taxGroups)} tax codes, "
        f"{len(profile.customers)} customers"
    )
    click.echo(f"use it with: harness run --account {out_path}")


if __name__ == "__main__":  # pragma: no cover
    main()

"""`harness run`: the scenario catalogue against a target, with a progress bar and reports."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import cast

import click

from harness.cli.errors import Listening, reported
from harness.cli.options import (
    CONNECTOR_OPTIONS,
    F,
    account_option,
    allow_production_option,
    catalogue_option,
    connector_settings,
    each_of,
    keep_records_option,
    lock_timeout_option,
    mapping_option,
    report_dir_option,
    target_option,
)

# Every option of `harness run`, in --help order. A new group of options (e.g. for an external
# connector) is one more list appended here plus the keyword it adds to `run`.
RUN_OPTIONS: list[Callable[[F], F]] = [
    catalogue_option(),
    click.option(
        "-k",
        "selector",
        default=None,
        metavar="EXPRESSION",
        help="Only the scenarios this pytest -k expression selects, matched against scenario "
        "names: `tax`, `not role`, `tax and not exempt`.",
    ),
    target_option(
        "sim",
        "live",
        "record",
        "replay",
        help="Where orders land. sim: the embedded sandbox, in-process. live: the NetSuite "
        "account in NETSUITE_* (records are deleted after each scenario). record: live, and "
        "each scenario's exchanges written to --cassettes, scrubbed. replay: those cassettes "
        "answer, nothing reaches the network.",
    ),
    account_option(
        "Account profile for the embedded sandbox (sim only; default: the demo store).",
    ),
    mapping_option(),
    click.option("--seed", type=int, default=0, show_default=True, help="Run seed."),
    click.option(
        "--workers",
        type=click.IntRange(min=1),
        default=1,
        show_default=True,
        help="Parallel worker processes (sim; live and replay run one scenario at a time).",
    ),
    report_dir_option(),
    click.option(
        "--cassettes",
        type=click.Path(file_okay=False),
        default="cassettes",
        show_default=True,
        help="Cassette directory (record, replay).",
    ),
    allow_production_option(
        "Let --target live/record use a production account (no _SB<n>, _RP or TSTDRV suffix).",
    ),
    keep_records_option(
        "live, record: keep the records each scenario created instead of deleting them.",
    ),
    lock_timeout_option(),
]


# A connector we don't own (harness.connector.external), instead of the reference connector.
RUN_OPTIONS += [
    *CONNECTOR_OPTIONS,
    click.option(
        "--sandbox-port",
        type=click.IntRange(min=0, max=65535),
        default=0,
        show_default=True,
        help="External connectors: the loopback port of the embedded sandbox (sim) or the "
        "recording proxy (record, replay); 0: any free port. Start a webhook connector with "
        "NETSUITE_BASE_URL=http://127.0.0.1:PORT.",
    ),
]


run_options = each_of(RUN_OPTIONS)


def _check_writable(folder: Path) -> None:
    """Create `folder` if needed and prove a file can be written in it (raises OSError)."""
    import tempfile

    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile(dir=folder):
        pass


@click.command("run", short_help="Run the scenario catalogue against a target.")
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
    lock_timeout: float,
    connector_spec: str,
    webhook_secret: str | None,
    sandbox_port: int,
    landing_timeout: float,
    landing_query: str | None,
) -> None:
    """Run the scenario catalogue against a target; exit 0 only if every scenario met its
    expectation. Writes harness-report.json, harness-junit.xml and harness-report.html."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from harness.catalogue.orders import scenario_orders
    from harness.catalogue.spec import load_catalogue
    from harness.mapping import load_mapping
    from harness.recording.paths import scenario_nodeid
    from harness.report.files import write_json, write_junit
    from harness.report.html import write_html
    from harness.report.terminal import print_results
    from harness.report.visible import markup, terminal_console
    from harness.runner import RunConfig, ScenarioResult, SelectorError, run_catalogue, select
    from harness.runner.drivers import cannot_run
    from harness.sandbox.account import profile_from
    from harness.targets.scenario import not_runnable

    console = terminal_console()
    if target != "sim" and account is not None:
        raise click.UsageError(
            "--account names an account profile for --target sim; a live or replayed account "
            "comes from NETSUITE_ACCOUNT (or the mapping's `account:` for replay)"
        )
    with reported():
        catalogue = load_catalogue(catalogue_path)
        load_mapping(mapping_path)
        # sim: the embedded sandbox of this profile's account
        where = profile_from(account).account.id if target == "sim" else ""
    try:
        chosen = select(catalogue, selector)
    except SelectorError as exc:
        raise click.UsageError(str(exc)) from None
    if not chosen:
        raise click.ClickException(f"no scenario matches -k {selector!r}")
    config = RunConfig(catalogue_path, mapping_path, account, seed)
    external = connector_settings(connector_spec, webhook_secret, landing_timeout, landing_query)
    columns = (
        *Progress.get_default_columns()[:1],
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    account_target = None
    if target != "sim":
        from harness.targets.account import prepare_account
        from harness.targets.settings import CLI_SPELLING, TargetKind, TargetSettings

        kind = cast(TargetKind, target)
        settings = TargetSettings(
            kind=kind,
            cassettes=Path(cassettes),
            allow_production=allow_production,
            keep_records=keep_records,
            lock_timeout=lock_timeout,
        )
        with reported():
            default = load_mapping(mapping_path).account if kind == "replay" else None
            account_target = prepare_account(settings, CLI_SPELLING, default_account=default)
    names = []
    for spec in chosen:
        reason = account_target and not_runnable(account_target, spec, scenario_nodeid(spec.name))
        reason = reason or cannot_run(connector_spec, spec)
        if reason:
            console.print(f"deselected {markup(spec.name)}: {markup(reason)}", soft_wrap=True)
        else:
            names.append(spec.name)
    if not names:
        raise click.ClickException("every selected scenario was deselected (see above)")
    # The reports' folder is checked before the first order: a run is not wasted on it.
    out = Path(report_dir)
    try:
        _check_writable(out)
    except OSError as exc:
        raise click.BadParameter(
            f"{report_dir}: cannot write the reports there ({exc.strerror or exc})",
            param_hint="--report-dir",
        ) from None

    def unwritable(reason: str) -> str:
        return f"--report-dir {report_dir}: cannot write the reports there ({reason})"

    leftovers: list[str] = []
    # A landing may stop the run: no slot of the account's budget in time, a refused file.
    port = Listening("127.0.0.1", sandbox_port, port_option="--sandbox-port", only_binding=False)
    with reported(listening=port), Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(f"{target}: landing", total=len(names))

        def advance(_: ScenarioResult) -> None:
            progress.advance(task)

        if external is not None:
            from harness.runner import run_external

            results = run_external(
                config,
                names,
                connector_spec,
                external,
                account=account_target,
                port=sandbox_port,
                on_result=advance,
                on_leftover=leftovers.append,
            )
        elif account_target is None:
            results = run_catalogue(config, names, workers=workers, on_result=advance)
        else:
            from harness.runner import run_on_account

            results = run_on_account(
                account_target,
                config,
                names,
                on_result=advance,
                on_leftover=leftovers.append,
            )
    where = account_target.account_id if account_target else where
    about = {"connector": connector_spec, "account": where}
    title = (
        f"{len(results)} scenarios · connector {markup(connector_spec)} · {target} "
        f"{markup(where)} · seed {seed}"
    )
    print_results(console, results, title)
    for line in leftovers:
        console.print(f"[yellow]left in the account:[/yellow] {markup(line)}", markup=True)
    with reported(unwritable=unwritable):
        json_path = write_json(
            results, out / "harness-report.json", target=target, seed=seed, **about
        )
        junit_path = write_junit(results, out / "harness-junit.xml", target=target, **about)
        orders = scenario_orders(catalogue, names, seed)
        html_path = write_html(
            results, out / "harness-report.html", target=target, seed=seed, orders=orders, **about
        )
    met = sum(result.met for result in results)
    console.print(f"{met}/{len(results)} scenarios met their expectation")
    console.print(f"reports: {html_path}  {json_path}  {junit_path}", soft_wrap=True)
    if met != len(results):
        sys.exit(1)

"""`harness run`: the scenario catalogue against a target, with a progress bar and reports."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, cast

import click

from harness.cli.errors import InputError, Listening, reported
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
    seed_sweep_options,
    target_option,
)

if TYPE_CHECKING:
    from harness.catalogue.spec import Catalogue, ScenarioSpec
    from harness.runner import ScenarioResult
    from harness.woo.order import WooOrder

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
    *seed_sweep_options(),
    click.option(
        "--workers",
        type=click.IntRange(min=1),
        default=1,
        show_default=True,
        help="Parallel worker processes, each with a sandbox of its own (sim, with the "
        "reference connector or a python:, command: or pull:command: one; live, record, "
        "replay, webhook: connectors and pollers you started land one scenario at a time).",
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


def _some_names(scenarios: Sequence[ScenarioSpec], shown: int = 4) -> str:
    names = [spec.name for spec in scenarios[:shown]]
    return ", ".join(names) + (", ..." if len(scenarios) > shown else "")


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
    seeds: tuple[int, ...] | None,
    repeat: int | None,
    all_calls: bool,
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
    """Run the scenario catalogue against a target and write harness-report.json,
    harness-junit.xml and harness-report.html.

    Exit 0 when every scenario met its expectation (in every seed of a sweep), 1 when any did
    not, 2 when the run cannot start (a wrong option, an input file it cannot read, missing
    credentials)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from harness.catalogue.orders import scenario_orders
    from harness.catalogue.spec import load_catalogue
    from harness.cli.sweep import print_sweep, reproduce_options, sweep_seeds
    from harness.connector.drivers.pyfunc import importable_from
    from harness.mapping import load_mapping
    from harness.recording.paths import scenario_nodeid
    from harness.report.files import write_json, write_junit
    from harness.report.html import write_html
    from harness.report.terminal import print_results
    from harness.report.visible import markup, terminal_console
    from harness.runner import RunConfig, SelectorError, format_seeds, run_catalogue, select
    from harness.runner.connectors import catalogue_folder, one_at_a_time
    from harness.runner.drivers import cannot_run
    from harness.sandbox.account import profile_from
    from harness.targets.scenario import not_runnable

    console = terminal_console()
    ctx = click.get_current_context()
    sweep = sweep_seeds(ctx, seed, seeds, repeat)
    if all_calls and sweep is None:
        raise click.UsageError(
            "--all-calls keeps every landing's calls in a seed sweep (--seeds or --repeat); "
            "a run of one seed keeps them all already"
        )
    if sweep is not None and target != "sim":
        raise click.UsageError(
            f"--seeds/--repeat sweep seeds in the embedded sandbox (--target sim), not "
            f"--target {target}; on an account or cassettes, sweep them with pytest "
            "--ns-seeds (one cassette per scenario and seed)"
        )
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
        raise click.BadParameter(
            f"no scenario name matches {selector!r} (the catalogue has "
            f"{len(catalogue.scenarios)}: {_some_names(catalogue.scenarios)}); the expression "
            "is matched against scenario names, e.g. -k tax, -k 'coupon or fee'",
            param_hint="-k",
        )
    config = RunConfig(catalogue_path, mapping_path, account, seed, every_call=all_calls)
    with importable_from(catalogue_folder(catalogue_path)):  # a python: connector beside it
        external = connector_settings(
            connector_spec, webhook_secret, landing_timeout, landing_query
        )
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
    checked = account_target or profile_from(account)  # sim: what its profile lacks
    for spec in chosen:
        reason = not_runnable(checked, spec, scenario_nodeid(spec.name))
        reason = reason or cannot_run(connector_spec, spec)
        if reason:
            console.print(f"deselected {markup(spec.name)}: {markup(reason)}", soft_wrap=True)
        else:
            names.append(spec.name)
    if not names:
        raise InputError("every selected scenario was deselected (see above)")
    serial = workers > 1 and one_at_a_time(
        connector_spec,
        on_account=account_target is not None,
        port=sandbox_port,
        store_port=(external or {}).get("store_port"),
    )
    if serial:
        console.print(f"--workers {workers}: {markup(serial)}; landings run one at a time",
                      soft_wrap=True)
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
        landings = len(names) * (len(sweep) if sweep else 1)
        task = progress.add_task(f"{target}: landing", total=landings)

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
                seeds=sweep,
                workers=workers,
            )
        elif account_target is None:
            results = run_catalogue(config, names, workers=workers, seeds=sweep, on_result=advance)
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
    if sweep is None:
        title = (
            f"{len(results)} scenarios · connector {markup(connector_spec)} · {target} "
            f"{markup(where)} · seed {seed}"
        )
        print_results(console, results, title)
    else:
        title = (
            f"Seed sweep: {len(names)} scenarios × {len(sweep)} seeds ({format_seeds(sweep)}) · "
            f"connector {markup(connector_spec)} · {target} {markup(where)}"
        )
        options = reproduce_options(ctx)
        print_sweep(console, results, title, catalogue_names=catalogue.names, options=options)
    for line in leftovers:
        console.print(f"[yellow]left in the account:[/yellow] {markup(line)}", markup=True)
    with reported(unwritable=unwritable):
        json_path = write_json(
            results, out / "harness-report.json", target=target, seed=seed, seeds=sweep, **about
        )
        junit_path = write_junit(results, out / "harness-junit.xml", target=target, **about)
        if sweep is None:
            shown, orders = list(results), scenario_orders(catalogue, names, seed)
        else:
            shown, orders = _named_by_seed(results, catalogue)
        html_seed = seed if sweep is None else None
        html_path = write_html(
            shown,
            out / "harness-report.html",
            target=target,
            seed=html_seed,
            orders=orders,
            **about,
        )
    met = sum(result.met for result in results)
    if sweep is None:
        console.print(f"{met}/{len(results)} scenarios met their expectation")
    console.print(f"reports: {html_path}  {json_path}  {junit_path}", soft_wrap=True)
    if met != len(results):
        sys.exit(1)


def _named_by_seed(
    results: Sequence[ScenarioResult], catalogue: Catalogue
) -> tuple[list[ScenarioResult], dict[str, WooOrder]]:
    """A sweep's results for the HTML report, which shows each result's `scenario`: there,
    each is named with its seed (`new-customer[seed=3]`). Only the failed landings' orders
    are made again for it: a thousand orders would cost seconds, and a met landing's order
    is one `harness run -k NAME --seed S` away."""
    from harness.catalogue.orders import pushed_orders

    named = [dataclasses.replace(result, scenario=result.name, seed=None) for result in results]
    orders: dict[str, WooOrder] = {}
    for result in results:
        if result.seed is not None and not result.met:
            *_, orders[result.name] = pushed_orders(catalogue.get(result.scenario), result.seed)
    return named, orders

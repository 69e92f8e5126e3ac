"""Options more than one verb takes, each declared once as a decorator (`@mapping_option()`).

A verb passes its own help text where the option means something narrower there."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

MAPPING_HELP = "Connector mapping (default: the demo store's)."
CATALOGUE_HELP = "Scenario catalogue (default: the demo store's)."


def unreadable_text(path: str) -> str | None:
    """Why `path` cannot be read as UTF-8 text, or None when it can."""
    try:
        with open(path, "rb") as file:
            file.read().decode("utf-8")
    except OSError as exc:
        return f"{path}: cannot read it ({exc.strerror or exc})"
    except UnicodeDecodeError as exc:
        return (
            f"{path}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset "
            f"{exc.start}); save it as UTF-8"
        )
    return None


class TextFile(click.Path):
    """A file the command reads as UTF-8 text (YAML, node ids): one that is missing, may not
    be read or is not text is the option's fault, said before anything runs (exit 2)."""

    name = "text file"

    def __init__(self) -> None:
        super().__init__(exists=True, dir_okay=False)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        path = super().convert(value, param, ctx)
        problem = unreadable_text(click.format_filename(path))
        if problem is not None:
            self.fail(problem, param, ctx)
        return path


def mapping_option(help: str = MAPPING_HELP) -> Callable[[F], F]:
    """`--mapping FILE`, passed as `mapping_path` (None: the demo mapping)."""
    return click.option("--mapping", "mapping_path", type=TextFile(), default=None, help=help)


def catalogue_option(help: str = CATALOGUE_HELP) -> Callable[[F], F]:
    """`--catalogue FILE`, passed as `catalogue_path` (None: the demo catalogue)."""
    return click.option("--catalogue", "catalogue_path", type=TextFile(), default=None, help=help)


def account_option(help: str) -> Callable[[F], F]:
    """`--account FILE`: an account profile for the embedded sandbox (None: the demo store)."""
    return click.option("--account", type=TextFile(), default=None, help=help)


def target_option(*choices: str, help: str) -> Callable[[F], F]:
    """`--target`, one of `choices`; the first is the default."""
    return click.option(
        "--target",
        type=click.Choice(list(choices)),
        default=choices[0],
        show_default=True,
        help=help,
    )


def report_dir_option() -> Callable[[F], F]:
    """`--report-dir DIR`: where the JSON, JUnit and HTML reports go."""
    return click.option(
        "--report-dir",
        type=click.Path(file_okay=False),
        default="reports",
        show_default=True,
        help="Where the JSON, JUnit and HTML reports are written.",
    )


def json_option(help: str) -> Callable[[F], F]:
    """`--json`, passed as `as_json`: machine-readable output instead of the terminal's."""
    return click.option("--json", "as_json", is_flag=True, help=help)


def allow_production_option(help: str = "live: allow a production account.") -> Callable[[F], F]:
    """`--allow-production`: let a live target be a production account."""
    return click.option("--allow-production", is_flag=True, help=help)


def keep_records_option(help: str) -> Callable[[F], F]:
    """`--keep-records`: a live target keeps what the orders created."""
    return click.option("--keep-records", is_flag=True, help=help)


def lock_timeout_option() -> Callable[[F], F]:
    """`--lock-timeout SECONDS`: the longest wait for a slot of a live account's budget."""
    from harness.netsuite.lockfolder import DEFAULT_LOCK_TIMEOUT

    return click.option(
        "--lock-timeout",
        type=click.FloatRange(min=0, max=10**9),
        default=DEFAULT_LOCK_TIMEOUT,
        show_default=True,
        metavar="SECONDS",
        help="live, record: the longest wait for a slot of the account's concurrency budget "
        "(shared with every run on this machine) before failing with who holds them.",
    )


def each_of(options: list[Callable[[Any], Any]]) -> Callable[[F], F]:
    """One decorator applying `options` in order (the first is the first in --help)."""

    def apply(command: F) -> F:
        for option in reversed(options):
            command = option(command)
        return command

    return apply


def _keep_store_port(ctx: click.Context, _: click.Parameter, value: int | None) -> int | None:
    ctx.meta["harness.store_port"] = value  # read by connector_settings
    return value


# The connector under test, when it is not the reference connector (harness.connector.external).
CONNECTOR_OPTIONS: list[Callable[[Any], Any]] = [
    click.option(
        "--connector",
        "connector_spec",
        default="reference",
        show_default=True,
        metavar="SPEC",
        help="The connector under test: reference, webhook:URL (a WooCommerce webhook "
        'receiver), command:"PROGRAM ARGS" (run per order; order JSON on stdin or in '
        "{order_file}), python:module:function (or python:path/file.py:function), or a "
        'pull-style connector polling the embedded store: pull:command:"PROGRAM ARGS" (run '
        "once per change) or pull: (a poller you started, at --store-port). In record and "
        "replay, a connector in another process reaches NetSuite through a loopback recording "
        "proxy (NETSUITE_BASE_URL).",
    ),
    click.option(
        "--store-port",
        type=click.IntRange(min=0, max=65535),
        default=None,
        expose_value=False,
        callback=_keep_store_port,
        help="pull: connectors: the loopback port of the embedded WooCommerce store (WOO_URL); "
        "default 8766 for a poller you started, any free port for pull:command:.",
    ),
    click.option(
        "--webhook-secret",
        envvar="WOO_WEBHOOK_SECRET",
        default=None,
        help="webhook: the secret deliveries are signed with (or $WOO_WEBHOOK_SECRET).",
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


def connector_settings(
    spec: str,
    secret: str | None,
    timeout: float,
    query: str | None,
) -> dict[str, Any] | None:
    """The driver options for `--connector SPEC`, checked now; None for the reference one."""
    from harness.cli.errors import reported
    from harness.connector.external import ExternalConnectorError, LandingQueryError
    from harness.runner import REFERENCE, check_spec

    if spec == REFERENCE:
        return None
    options: dict[str, Any] = {"timeout": timeout}
    if query:
        options["landing_query"] = query
    if spec.lower().startswith("webhook:") and secret:
        options["secret"] = secret
    context = click.get_current_context(silent=True)
    store_port = context.meta.get("harness.store_port") if context is not None else None
    if spec.lower().startswith("pull:") and store_port is not None:
        options["store_port"] = store_port
    # A connector that cannot be driven is a wrong option value (exit 2), said before any run.
    with reported(
        options={LandingQueryError: "--landing-query", ExternalConnectorError: "--connector"}
    ):
        check_spec(spec, options)
    return options


class SeedList(click.ParamType[tuple[int, ...]]):
    """`--seeds`: `A..B` (inclusive), `1,5,9`, or both; a bad value is the option's fault."""

    name = "seeds"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from harness.runner import SeedsError, parse_seeds

        if isinstance(value, tuple):
            return value
        try:
            return parse_seeds(str(value))
        except SeedsError as exc:
            self.fail(str(exc), param, ctx)


def seed_sweep_options() -> list[Callable[[Any], Any]]:
    """`--seeds SEEDS` and `--repeat N`: every scenario at several seeds, in one run;
    `--all-calls` keeps every landing's calls in its reports."""
    from harness.runner.selection import MAX_SEEDS

    return [
        click.option(
            "--seeds",
            type=SeedList(),
            default=None,
            metavar="A..B|S,S,...",
            help="Sweep seeds (sim): every scenario at each of these seeds (1..29 both included, "
            "1,5,9, or 1..3,7), all in one pool of --workers; one summary says per scenario "
            "in how many seeds it met its expectation and how to reproduce each failed seed. "
            "Not with --seed.",
        ),
        click.option(
            "--repeat",
            type=click.IntRange(min=1, max=MAX_SEEDS),
            default=None,
            metavar="N",
            help="Sweep N seeds from --seed: --seed, --seed+1, ..., --seed+N-1.",
        ),
        click.option(
            "--all-calls",
            is_flag=True,
            default=False,
            help="With --seeds/--repeat: keep the API calls of every landing in the reports, "
            "not only of those that missed their expectation (each is then redacted and "
            "written: slower, and the JSON report grows by ~16 KB a landing).",
        ),
    ]

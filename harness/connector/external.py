"""Drivers for connectors we don't own: a webhook URL, a command, a Python function, a store,
a poller of the embedded store.

`connector_from_spec("webhook:http://127.0.0.1:8080/hook", secret="s")` and its siblings
`command:...`, `python:pkg.mod:func`, `store:https://staging.example`, `pull:command:...` give
a factory that `harness.runner.run_scenario` uses like the reference connector's. Each
connector hands the order over the way that connector is really triggered, then proves the
landing by polling NetSuite; what the connector said is kept as evidence (`PushResult.said`).

In sim mode a connector in another process reaches the embedded sandbox over HTTP:
`serve_for_connectors(target)` serves it on a loopback port and copies the connector's
NetSuite exchanges into each scenario's call log, so diagnoses can quote them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol
from wsgiref.types import WSGIApplication

from harness.connector.drivers.command import CommandConnector, CommandRun
from harness.connector.drivers.common import (
    Answer,
    ConnectorFactory,
    DriverFactory,
    ExternalConnector,
    ExternalConnectorError,
    judge,
    netsuite_environment,
)
from harness.connector.drivers.observe import ObservedServer
from harness.connector.drivers.pyfunc import PythonConnector, load_function
from harness.connector.drivers.watch import (
    DEFAULT_TIMEOUT,
    Landing,
    LandingQuery,
    LandingQueryError,
    LandingWatch,
    OrderRefs,
)
from harness.connector.drivers.webhook import WebhookConnector, WebhookSettings
from harness.mapping import Mapping as OrderMapping
from harness.netsuite.client import NetSuiteClient
from harness.woo.webhook import WebhookError

__all__ = [
    "KINDS",
    "Answer",
    "CommandConnector",
    "CommandRun",
    "ConnectorFactory",
    "DriverFactory",
    "ExternalConnector",
    "ExternalConnectorError",
    "Landing",
    "LandingQuery",
    "LandingQueryError",
    "LandingWatch",
    "ObservedServer",
    "OrderRefs",
    "PythonConnector",
    "WebhookConnector",
    "WebhookSettings",
    "connector_from_spec",
    "judge",
    "load_function",
    "netsuite_environment",
    "serve_for_connectors",
]

KINDS = ("webhook", "command", "python", "store", "pull")

_COMMON = {
    "netsuite_url",  # how another process reaches NetSuite (sim: the served sandbox)
    "observe",  # an ObservedServer: its URL, and its exchanges in each scenario's log
    "timeout",  # seconds to wait for the Sales Order to appear
    "poll_interval",  # first pause between lookups (then growing)
    "max_poll_interval",
    "landing_query",  # SuiteQL template finding the Sales Order
    "settle",  # seconds to wait after each answer before looking
    "prefix",  # the run's reference prefix (mapping templates' {prefix})
    "sleep",  # injectable for tests
}
_OPTIONS: dict[str, set[str]] = {
    "webhook": {
        "secret",
        "webhook_id",
        "source_url",
        "delivery_timeout",
        "retry_delays",
        "session",
    },
    "command": {"command_timeout", "output_cap", "cwd", "env"},
    "python": set(),
    # store_port: where the store is served; store_catalogue: whose `store:` it holds
    "pull": {"command_timeout", "output_cap", "cwd", "env", "store_port", "store_catalogue"},
    "store": {
        "consumer_key",
        "consumer_secret",
        "run_id",
        "set_paid",
        "verify",
        "store_timeout",
        "line_items_by",
        "session",
    },
}


class _SandboxHolder(Protocol):
    """Anything holding an embedded sandbox (a `SimTarget`)."""

    @property
    def sandbox(self) -> Any: ...


@contextmanager
def serve_for_connectors(
    target: _SandboxHolder | WSGIApplication, host: str = "127.0.0.1", port: int = 0
) -> Iterator[ObservedServer]:
    """The sim target's sandbox over HTTP, its exchanges observed (`connector_from_spec(...,
    observe=server)`); stopped on exit."""
    sandbox = getattr(target, "sandbox", None)
    app: WSGIApplication = sandbox.app if sandbox is not None else target  # type: ignore[assignment]
    server = ObservedServer(app, host, port).start()
    try:
        yield server
    finally:
        server.stop()


def split_spec(spec: str) -> tuple[str, str]:
    """`kind:rest` -> (kind, rest), with the kind checked."""
    kind, sep, rest = spec.partition(":")
    kind = kind.strip().lower()
    if not sep or kind not in KINDS or not (rest.strip() or kind == "pull"):
        raise ExternalConnectorError(
            f'connector {spec!r} is not one of webhook:URL, command:"program args", '
            "python:module:function (or python:path/file.py:function), store:URL, "
            'pull:command:"program args", pull: or pull:http://127.0.0.1:PORT'
        )
    return kind, rest.strip()


def _check_options(kind: str, options: dict[str, Any]) -> None:
    allowed = _COMMON | _OPTIONS[kind]
    unknown = sorted(set(options) - allowed)
    if unknown:
        raise ExternalConnectorError(
            f"option {unknown[0]!r} does not apply to a {kind} connector; expected some of "
            + ", ".join(sorted(allowed))
        )


WatchFactory = Callable[[NetSuiteClient, OrderMapping], LandingWatch]
Make = Callable[[NetSuiteClient, OrderMapping, LandingWatch], "ExternalConnector"]


def _watch_factory(options: dict[str, Any]) -> WatchFactory:
    query = LandingQuery(options.get("landing_query"))  # checked now, not per scenario
    timeout = float(options.get("timeout", DEFAULT_TIMEOUT))
    extra: dict[str, Any] = {}
    if "sleep" in options:
        extra["sleep"] = options["sleep"]

    def watch(client: NetSuiteClient, mapping: OrderMapping) -> LandingWatch:
        return LandingWatch(
            client,
            mapping,
            query=query,
            timeout=timeout,
            first_interval=float(options.get("poll_interval", 0.05)),
            max_interval=float(options.get("max_poll_interval", 1.0)),
            prefix=str(options.get("prefix", "")),
            **extra,
        )

    return watch


def connector_from_spec(spec: str, **options: Any) -> DriverFactory:
    """A factory `(client, mapping) -> Connector` for `run_scenario`, from a spec string.

    `webhook:URL` (needs `secret`), `command:PROGRAM ARGS` (`{order_file}`, `{topic}`),
    `python:module:function` or `python:path/file.py:function`, `store:URL` (needs
    `consumer_key`, `consumer_secret`), `pull:command:PROGRAM ARGS` (`{state_dir}`), `pull:`
    or `pull:http://127.0.0.1:PORT` (a poller of the embedded store; `store_port`). Options
    are checked here, so a typo fails at once.
    Close the factory when the run ends: it tears down what its connectors left behind.
    """
    kind, rest = split_spec(spec)
    _check_options(kind, options)
    watch = _watch_factory(options)
    observe: ObservedServer | None = options.get("observe")
    netsuite_url: str | None = options.get("netsuite_url") or (observe.url if observe else None)
    settle = float(options.get("settle", 0.0))

    def bind(client: NetSuiteClient) -> None:
        if observe is not None:
            observe.observe(client.calllog)

    def factory(make: Make) -> DriverFactory:
        """A connector per (client, mapping), its exchanges observed, with its own watch."""

        def build(client: NetSuiteClient, mapping: OrderMapping) -> ExternalConnector:
            bind(client)
            return make(client, mapping, watch(client, mapping))

        return DriverFactory(spec, build)

    if kind == "webhook":
        secret = options.get("secret")
        if not secret:
            raise ExternalConnectorError(
                "a webhook connector needs the webhook secret (--webhook-secret / secret=...): "
                "WooCommerce signs every delivery with it and the connector verifies it"
            )
        settings = WebhookSettings(
            rest,
            str(secret),
            webhook_id=int(options.get("webhook_id", 1)),
            source_url=options.get("source_url"),
            timeout=float(options.get("delivery_timeout", 30.0)),
            retry_delays=tuple(options.get("retry_delays", ())),
            sleep=options.get("sleep"),
            session=options.get("session"),
        )
        try:
            settings.webhook()  # the URL is checked now
        except WebhookError as error:
            raise ExternalConnectorError(str(error)) from None

        return factory(
            lambda client, mapping, watching: WebhookConnector(
                client, mapping, settings, watching, settle=settle
            )
        )

    if kind == "command":
        from harness.connector.drivers.command import split_command

        argv = split_command(rest)
        return factory(
            lambda client, mapping, watching: CommandConnector(
                client,
                mapping,
                argv,
                watching,
                netsuite_url=netsuite_url,
                timeout=float(options.get("command_timeout", 60.0)),
                output_cap=int(options.get("output_cap", 64 * 1024)),
                cwd=options.get("cwd"),
                env=options.get("env"),
                settle=settle,
                # its exchanges are seen when it reaches NetSuite through the served loopback
                observed=observe is not None and not options.get("netsuite_url"),
            )
        )

    if kind == "python":
        function = load_function(rest)

        # In-process: the function reaches NetSuite where the harness's client does (the
        # intercepted sandbox host in sim mode) unless told otherwise.
        return factory(
            lambda client, mapping, watching: PythonConnector(
                client,
                mapping,
                function,
                watching,
                netsuite_url=options.get("netsuite_url"),
                settle=settle,
                label=rest,
            )
        )

    if kind == "pull":
        from harness.connector.drivers.pull import pull_factory

        return pull_factory(rest, options, watch, bind, settle)

    from harness.connector.drivers.store import store_factory

    return store_factory(rest, options, watch, bind, settle)

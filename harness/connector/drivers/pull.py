"""Drive a pull-style connector: the harness is the shop, the connector polls it.

Production connectors often pull: a scheduled flow lists the orders modified since its last
run (`GET /wp-json/wc/v3/orders?modified_after=...`, page by page), pushes each to NetSuite
and writes back to the store. Here the harness places each scenario's order in the embedded
store (`StoreSide`: as a checkout would, later edited as a shop manager would), then lets the
connector poll:

- `pull:command:PROGRAM ARGS`: the harness runs the program once per change (one poll), with
  `WOO_URL`, `WOO_CONSUMER_KEY`, `WOO_CONSUMER_SECRET` and the `NETSUITE_*` settings in its
  environment; `{state_dir}` in an argument is a folder of the run's own for its cursor;
- `pull:` or `pull:http://127.0.0.1:PORT`: a poller the user started, pointed at the store the
  harness serves there; the harness waits for it to pull the order.

Then, as for every driver, NetSuite is watched for the Sales Order; an order the connector
never pulled is "not verified: the connector never pulled order N within S s", never a pass.
The store as the connector left it (meta, notes, status) goes to verification in the
`PushResult` (`store`), where the mapping's write-back is checked. `ReferencePullConnector`
is the reference connector run the same way, in-process.
"""

from __future__ import annotations

import os
import shlex
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from harness.connector.drivers.command import (
    CommandRun,
    describe_run,
    run_command,
    split_command,
)
from harness.connector.drivers.common import (
    Answer,
    DriverFactory,
    ExternalConnector,
    ExternalConnectorError,
    Topic,
    netsuite_environment,
)
from harness.connector.drivers.storeside import StoreRequest, StoreSide
from harness.connector.drivers.watch import Landing, LandingWatch
from harness.connector.poller import ReferencePoller
from harness.connector.reference import ReferenceConnector
from harness.mapping import Mapping as OrderMapping
from harness.netsuite.client import NetSuiteClient
from harness.push import PushResult
from harness.woo.generate import STORE_UTC_OFFSET
from harness.woo.order import WooOrder

DEFAULT_STORE_PORT = 8766  # a poller the user started finds the store here (`pull:`)
QUIET = 0.3  # seconds without another write to the order: its write-back is done
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def never_pulled(number: str, seconds: float, seen: list[StoreRequest]) -> str:
    """Why an order was not verified when the connector never asked the store for it."""
    lists = [r for r in seen if r.order_id is None and r.method in ("GET", "HEAD")]
    if not seen:
        asked = "it made no request to the store"
    elif not lists:
        asked = "it never listed the orders"
    else:
        shown = "; ".join(r.describe() for r in lists[-3:])
        asked = f"its {len(lists)} order list(s) did not hold it ({shown})"
    return (
        f"not verified: the connector never pulled order {number} within {seconds:g} s: "
        f"{asked}"
    )


def _pulled(order_id: int, seen: list[StoreRequest]) -> bool:
    return any(order_id in r.listed or (r.order_id == order_id and r.method == "GET")
               for r in seen)


def _cursor(request: StoreRequest) -> datetime | None:
    """The moment (GMT) a list asked for orders modified after, if it asked."""
    given = request.query.get("modified_after")
    if request.order_id is not None or request.method not in ("GET", "HEAD") or not given:
        return None
    try:
        moment = datetime.fromisoformat(given[-1].strip().replace("Z", "+00:00")[:25])
    except ValueError:
        return None
    if moment.tzinfo is not None:
        return moment.astimezone(UTC).replace(tzinfo=None)
    gmt = request.query.get("dates_are_gmt", ["false"])[-1].lower() in ("1", "true")
    return moment if gmt else moment - STORE_UTC_OFFSET


def moved_past(order: WooOrder, seen: list[StoreRequest]) -> StoreRequest | None:
    """The list request whose `modified_after` is past the order's last change: a connector
    that asks for that will not pull the order again."""
    modified = order.date_modified_gmt
    if modified is None:
        return None
    changed = modified.replace(tzinfo=None) if modified.tzinfo is None else (
        modified.astimezone(UTC).replace(tzinfo=None))
    return next((r for r in seen if (c := _cursor(r)) is not None and c >= changed), None)


class PullConnector(ExternalConnector):
    """A connector that polls the embedded store: run per change (a command), or polling on
    its own schedule (a poller the user started)."""

    kind = "pull"

    def __init__(
        self,
        client: NetSuiteClient,
        mapping: OrderMapping,
        watch: LandingWatch,
        side: StoreSide,
        *,
        command: list[str] | None = None,
        netsuite_url: str | None = None,
        timeout: float = 60.0,
        output_cap: int = 64 * 1024,
        cwd: str | None = None,
        env: dict[str, str] | None = None,
        settle: float = 0.0,
        observed: bool = False,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(client, mapping, watch, settle=settle)
        self.side = side
        self.argv = command
        self.synchronous = command is not None
        self.observed = observed
        self.timeout = timeout
        self.output_cap = output_cap
        self.cwd = cwd
        self.sleep = sleep
        where = self.side.server.url if self.side.server else self.side.store.url
        self.name = f"pull:command:{shlex.join(command)}" if command else f"pull:{where}"
        # Registers every credential it hands over: the program may print any of them.
        netsuite = netsuite_environment(client, netsuite_url) if command else {}
        self.env = {**os.environ, **(env or {}), **netsuite, **side.environment()}
        self.runs: list[CommandRun] = []
        self._mark = 0
        self._started = 0.0

    # -- one change, one poll ---------------------------------------------------------------

    def deliver(self, order: WooOrder, topic: Topic) -> Answer:
        self._mark = len(self.side.traffic)
        try:
            self.side.deliver(order)
        except ValueError as error:
            return Answer("pull", topic, False, "was not given the order", not_sent=str(error))
        self._started = time.monotonic()  # the order is in the store from now on
        if self.argv is not None:
            return self._poll_once(topic)
        return self._await_poller(order, topic)

    def _poll_once(self, topic: Topic) -> Answer:
        assert self.argv is not None
        argv = [arg.replace("{state_dir}", self.side.state_dir) for arg in self.argv]
        run = run_command(argv, stdin=b"", env=self.env, timeout=self.timeout,
                          output_cap=self.output_cap, cwd=self.cwd)
        scrub = self.calllog.redactor
        run = replace(run, argv=tuple(scrub.text(a) for a in run.argv),
                      stdout=scrub.text(run.stdout), stderr=scrub.text(run.stderr))
        self.runs.append(run)
        return Answer("pull", topic, run.exit_code == 0,
                      f"polled the store once and {describe_run(run, self.timeout)}",
                      status=run.exit_code, duration_ms=run.duration_ms, detail=run.to_dict())

    def _await_poller(self, order: WooOrder, topic: Topic) -> Answer:
        """Wait (up to the landing timeout) until the poller asks the store for the order, or
        asks only for orders changed after it (it will never pull it)."""
        deadline = self._started + self.watch.timeout
        while True:
            seen = self.side.traffic.since(self._mark)
            detail = {"store": [r.describe() for r in seen[-8:]]}
            if _pulled(order.id, seen):
                waited = time.monotonic() - self._started
                return Answer("pull", topic, True, f"pulled the order after {waited:.1f} s",
                              detail=detail)
            if time.monotonic() >= deadline or self._moved_on(order):
                return Answer("pull", topic, False, "did not pull the order", detail=detail)
            self.sleep(0.02)

    def wait_for_landing(self, order: WooOrder, wait: bool) -> Landing:
        """A poller: watch NetSuite until it is done with this change of the order (its
        cursor moved past it, or its write-back is over) or the timeout passes. A Sales
        Order found is not enough: it may hold an earlier version of the order."""
        if self.synchronous:
            return super().wait_for_landing(order, wait)
        if not self.answers or not self.answers[-1].ok:  # never pulled: one look
            return self.watch.check(order)
        started = time.monotonic()
        interval, polls = 0.05, 0
        while True:
            landing = self.watch.check(order)
            polls += 1
            waited = time.monotonic() - started
            if self._moved_on(order) or waited >= self.watch.timeout or (
                landing.found and self._written_back(order)
            ):
                return replace(landing, polls=polls, waited_s=waited)
            self.sleep(min(interval, self.watch.timeout - waited))
            interval = min(interval * 1.6, 0.5)

    def _moved_on(self, order: WooOrder) -> StoreRequest | None:
        try:
            stored = self.side.store.order(order.id)
        except KeyError:
            return None
        return moved_past(stored, self.side.traffic.since(self._mark))

    def _written_back(self, order: WooOrder) -> bool:
        """Its writes to the order since this change have stopped for `QUIET` seconds; or,
        for the first version, there is nothing to write back."""
        writes = [r for r in self.side.traffic.since(self._mark)
                  if r.writes and r.order_id == order.id]
        if not writes:
            first = self.answers[-1].topic == "order.created"
            return first and not self.mapping.write_back.declared
        return time.monotonic() - writes[-1].when >= QUIET

    def push(self, order: WooOrder) -> PushResult:
        result = super().push(order)
        seen = self.side.traffic.since(self._mark)
        number = order.number or str(order.id)
        waited = round(time.monotonic() - self._started, 1)
        if result.status != "pushed" and not _pulled(order.id, seen):
            problem = never_pulled(number, waited, seen)
            past = self._moved_on(order)
            if past is not None and order.date_modified_gmt is not None:
                problem += (
                    f"; it asks only for orders changed after the order's last change "
                    f"({self.side.store.order(order.id).date_modified_gmt} GMT): a cursor kept "
                    "from an earlier run, or a clock of its own ahead of the store's?"
                )
            said = f"{problem}; the connector {result.said}" if result.said else problem
            result = replace(result, status="not-landed", problem=said, error=None)
        elif result.status == "not-landed" and (past := self._moved_on(order)) is not None:
            problem = (
                f"the connector pulled order {number} and moved on without a Sales Order for "
                f"it appearing in NetSuite (its next poll was {past.describe()}, after "
                f"{waited:g} s)"
            )
            result = replace(result, problem=problem)
        return replace(result, store=self.side.after(order.id))


class ReferencePullConnector:
    """The reference connector as a scheduled flow (`ReferencePoller`) reading the embedded
    store in-process: each change to the order, then one poll."""

    name = "reference (pull)"

    def __init__(self, connector: ReferenceConnector, side: StoreSide | None = None) -> None:
        self.connector = connector
        self.side = side or StoreSide()
        self.side.traffic.calllog = connector.client.calllog
        self.poller = ReferencePoller(connector, self.side.session(), self.side.store.url)

    @property
    def mapping(self) -> OrderMapping:
        return self.connector.mapping

    def push(self, order: WooOrder) -> PushResult:
        number = order.number or str(order.id)
        mark = len(self.side.traffic)
        try:
            self.side.deliver(order)
        except ValueError as error:
            return PushResult(number, "failed", problem=f"the store did not take it: {error}",
                              reads_mapping=True)
        poll = self.poller.poll()
        result = poll.results.get(order.id)
        if result is None:
            result = PushResult(number, "not-landed", reads_mapping=True, problem=never_pulled(
                number, 0, self.side.traffic.since(mark)))
        return replace(result, said=poll.describe(), store=self.side.after(order.id))


class PullFactory(DriverFactory):
    """A `DriverFactory` that also owns the store its connectors poll."""

    def __init__(self, spec: str, build: Callable[[NetSuiteClient, OrderMapping],
                 ExternalConnector], side: StoreSide) -> None:
        super().__init__(spec, build)
        self.side = side

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.side.close()


def store_address(rest: str, options: dict[str, Any]) -> tuple[str, int]:
    """Where the store is served: `--store-port`, the URL of `pull:URL`, or (a poller the
    user started) the default port; a command gets any free port."""
    port = options.get("store_port")
    if rest.lower().startswith("command:"):
        return "127.0.0.1", int(port or 0)
    if not rest:
        return "127.0.0.1", int(DEFAULT_STORE_PORT if port is None else port)
    parts = urlsplit(rest)
    if parts.scheme != "http" or parts.hostname not in _LOOPBACK or parts.path not in ("", "/"):
        raise ExternalConnectorError(
            f"pull:{rest} is not an address the harness can serve the store on; expected "
            "pull: (port --store-port, default 8766), pull:http://127.0.0.1:PORT, or "
            'pull:command:"PROGRAM ARGS"'
        )
    return parts.hostname or "127.0.0.1", int(port if port is not None else parts.port or 80)


def pull_factory(
    rest: str,
    options: dict[str, Any],
    watch: Callable[[NetSuiteClient, OrderMapping], LandingWatch],
    bind: Callable[[NetSuiteClient], None],
    settle: float,
) -> DriverFactory:
    """The factory of `pull:...` connectors: one store for the run, emptied per scenario."""
    host, port = store_address(rest, options)
    command = split_command(rest[len("command:"):]) if rest.lower().startswith("command:") else None
    side = StoreSide(options.get("store_catalogue"), real_time=command is None)
    try:
        side.serve(host, port)
    except OSError as error:
        side.close()
        raise ExternalConnectorError(
            f"the store cannot be served on {host}:{port} ({error.strerror or error}); stop "
            "what listens there, or choose another --store-port (0: any free port)"
        ) from None
    observe = options.get("observe")
    netsuite_url = options.get("netsuite_url") or (observe.url if observe else None)
    extra: dict[str, Any] = {"sleep": options["sleep"]} if "sleep" in options else {}

    def build(client: NetSuiteClient, mapping: OrderMapping) -> ExternalConnector:
        bind(client)
        side.reset()
        side.traffic.calllog = client.calllog
        return PullConnector(
            client, mapping, watch(client, mapping), side,
            command=command,
            netsuite_url=netsuite_url,
            timeout=float(options.get("command_timeout", 60.0)),
            output_cap=int(options.get("output_cap", 64 * 1024)),
            cwd=options.get("cwd"),
            env=options.get("env"),
            settle=settle,
            observed=command is not None and observe is not None
            and not options.get("netsuite_url"),
            **extra,
        )

    return PullFactory(f"pull:{rest}", build, side)

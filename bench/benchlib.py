"""What every benchmark script shares: the machine, timing, tables, and landing targets.

Each `bench_*.py` prints the machine it ran on and Markdown tables of medians and ratios
measured in the same run, so a table can be pasted into `bench/README.md` as it is.
The targets here answer the same client code three ways: the embedded sandbox in-process
(`SimTarget`, from the runner), canned `responses` registrations replaying one landing
(`StaticTarget`), and the embedded sandbox served by a process of its own over a loopback
socket (`HttpTarget`).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import platform
import re
import statistics
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from http import HTTPStatus
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from wsgiref.types import StartResponse, WSGIEnvironment

import requests
import responses
from responses.registries import OrderedRegistry

from harness.catalogue.spec import ScenarioSpec
from harness.mapping import Mapping
from harness.netsuite.auth import tba_auth
from harness.netsuite.calllog import CallLog
from harness.netsuite.client import NetSuiteClient
from harness.runner import ScenarioResult, run_scenario
from harness.runner.core import RunCaches
from harness.sandbox.account import AccountProfile
from harness.sandbox.serve import Sandbox
from harness.targets.sim import SimTarget
from harness.wsgi import LoopbackServer, request_body

_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


# -- the machine ---------------------------------------------------------------------------


def cpu_model() -> str:
    """The CPU's marketing name (Linux /proc/cpuinfo; elsewhere what `platform` knows)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def machine() -> str:
    """One line: CPU model, logical cores, Python version and OS."""
    return (
        f"{cpu_model()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def load_average() -> str:
    """The 1-minute load average: wall times mean little when it exceeds the core count."""
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "unknown"


THIS_TREE = Path(__file__).resolve().parents[1]


def trees(against: str | None) -> list[tuple[str, Path]]:
    """The trees a comparing script measures: this one, and `--against`'s checkout if given."""
    found = [("this tree", THIS_TREE)]
    if against:
        found.append((against, Path(against).resolve()))
    return found


def tree_environment(tree: Path) -> dict[str, str]:
    """This environment with `tree`'s harness first on the path, no account of the shell's,
    and bytecode kept, as `make test` keeps it."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONDONTWRITEBYTECODE", "PYTEST_ADDOPTS") and not k.startswith("NETSUITE_")
    }
    env["PYTHONPATH"] = str(tree)
    return env


def print_header(title: str) -> None:
    print(f"## {title}\n")
    print(f"Machine: {machine()}; load average {load_average()} when the results were printed.\n")


def cpu_all() -> float:
    """CPU seconds of this process and of its children that have ended."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


# -- timing and tables ---------------------------------------------------------------------


def cpu_seconds(run: Callable[[], None]) -> float:
    """CPU seconds this process spends in `run` (server threads included), steadier than
    wall time on a shared machine."""
    began = time.process_time()
    run()
    return time.process_time() - began


def wall_seconds(run: Callable[[], None]) -> float:
    began = time.perf_counter()
    run()
    return time.perf_counter() - began


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A Markdown table, columns padded so it also reads well in a terminal."""
    cells = [[str(h) for h in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(cells[0]), rule, *(line(row) for row in cells[1:])])


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def ratio(value: float, floor: float) -> str:
    return f"{value / floor:.2f}×" if floor > 0 else "n/a"


def trees_table(
    first: str,
    columns: Sequence[str],
    rows: Sequence[tuple[str, Sequence[str], Sequence[float]]],
    compared: str,
) -> str:
    """A column per tree compared (`trees`); with two trees, a last column `compared`: the
    first tree's value over the other's. Each row: its name, a cell per tree, and the value
    per tree the ratio is taken of."""
    two = len(columns) == 2
    headers = [first, *columns, *([compared] if two else [])]
    body = [
        [name, *cells, *([ratio(values[0], values[1])] if two else [])]
        for name, cells, values in rows
    ]
    return table(headers, body)


# -- capturing and replaying exchanges -----------------------------------------------------


@dataclass(frozen=True)
class Exchange:
    """One request as sent and the sandbox's answer to it."""

    method: str
    url: str
    status: int
    headers: dict[str, str]
    body: bytes


def _body_bytes(request: requests.PreparedRequest) -> bytes | str | None:
    body = request.body
    if body is not None and not isinstance(body, bytes | str):
        body = b"".join(body)
    return body


@contextmanager
def capturing(sandbox: Sandbox) -> Iterator[list[Exchange]]:
    """Answer the sandbox's host from the sandbox, keeping every exchange in a list."""
    seen: list[Exchange] = []

    def answer(request: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        method, url = request.method or "GET", request.url or ""
        status, headers, body = sandbox.handle(
            method, url, dict(request.headers), _body_bytes(request)
        )
        seen.append(Exchange(method, url, status, dict(headers), body))
        return status, headers, body

    pattern = re.compile(rf"^https?://{re.escape(sandbox.host)}(?:[/?#].*)?$", re.I)
    mock = responses.RequestsMock(assert_all_requests_are_fired=False)
    for method in _METHODS:
        mock.add_callback(method, pattern, callback=answer, content_type=None)
    with mock:
        yield seen


def register_static(mock: responses.RequestsMock, exchanges: Sequence[Exchange]) -> None:
    """The exchanges as plain `responses` registrations, answered in the recorded order."""
    for exchange in exchanges:
        headers = {k: v for k, v in exchange.headers.items() if k.lower() != "content-type"}
        content_type = next(
            (v for k, v in exchange.headers.items() if k.lower() == "content-type"), None
        )
        mock.add(
            exchange.method,
            exchange.url,
            body=exchange.body,
            status=exchange.status,
            headers=headers,
            content_type=content_type,
        )


def tba_client(sandbox: Sandbox, base_url: str, calllog: CallLog | None) -> NetSuiteClient:
    """A client signing with the profile's first TBA credential, as the runner's are."""
    c = sandbox.profile.credentials.tba[0]
    auth = tba_auth(sandbox.account_id, c.consumerKey, c.consumerSecret, c.tokenId, c.tokenSecret)
    return NetSuiteClient(
        base_url,
        auth,
        calllog=calllog,
        account_id=sandbox.account_id,
        secrets=(c.consumerSecret, c.tokenSecret),
    )


class StaticTarget:
    """A landing answered by canned registrations: the floor of any mocked test.

    `load(exchanges)` names the answers of the next scenario; `isolate()` (called by the
    runner at the start of the scenario) registers them afresh, as a mocked test would."""

    name = "static"

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.mock = responses.RequestsMock(
            registry=OrderedRegistry, assert_all_requests_are_fired=False
        )
        self._next: Sequence[Exchange] = ()

    def __enter__(self) -> StaticTarget:
        self.mock.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.mock.stop(allow_assert=False)

    def load(self, exchanges: Sequence[Exchange]) -> None:
        self._next = exchanges

    def client(
        self, credential: str | None = None, calllog: CallLog | None = None
    ) -> NetSuiteClient:
        del credential  # one signer: the canned answers do not check signatures
        return tba_client(self.sandbox, self.sandbox.base_url, calllog)

    def isolate(self) -> None:
        self.mock.reset()
        register_static(self.mock, self._next)


class ServingProcess:
    """A child process serving on a loopback port, driven through a pipe: `ask(command)`
    gets its answer; "cpu" is the CPU seconds it has spent (all its threads)."""

    def __init__(self, serve: Callable[[Connection], None]) -> None:
        context = multiprocessing.get_context("fork")
        self._commands, theirs = context.Pipe()
        self._process = context.Process(target=serve, args=(theirs,), daemon=True)
        self._process.start()
        self.url = str(self._commands.recv())

    def ask(self, command: object) -> object:
        self._commands.send(command)
        return self._commands.recv()

    def cpu_seconds(self) -> float:
        return float(self.ask("cpu"))  # type: ignore[arg-type]

    def stop(self) -> None:
        self.ask("stop")
        self._process.join(timeout=10)


def _answer_commands(commands: Connection, url: str, act: Callable[[object], object]) -> None:
    """A serving child's side of the pipe: its URL first, then answers until "stop"."""
    commands.send(url)
    while (command := commands.recv()) != "stop":
        commands.send(time.process_time() if command == "cpu" else act(command))
    commands.send(None)


def _serve_sandbox(profile: AccountProfile, commands: Connection) -> None:
    """A sandbox of `profile`, served; "reset" resets it. What the process inherited from the
    benchmark (its landings, its own sandbox) is frozen out of the garbage collector's sight,
    as if the server had started on its own: its full collections would otherwise walk it."""
    gc.freeze()
    sandbox = Sandbox(profile)
    server = sandbox.serve_http()
    _answer_commands(commands, server.url, lambda command: sandbox.reset())
    server.stop()


def _serve_canned(commands: Connection) -> None:
    """Canned answers over HTTP, in order; a list of exchanges replaces the queue."""
    gc.freeze()  # as `_serve_sandbox`
    queue: deque[Exchange] = deque()

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
        request_body(environ)  # read, as any server reads it
        if not queue:
            start_response("500 Internal Server Error", [("Content-Length", "0")])
            return [b""]
        exchange = queue.popleft()
        headers = [
            (k, v)
            for k, v in exchange.headers.items()
            if k.lower() not in ("content-length", "transfer-encoding")
        ]
        headers.append(("Content-Length", str(len(exchange.body))))
        start_response(f"{exchange.status} {HTTPStatus(exchange.status).phrase}", headers)
        return [exchange.body]

    def load(exchanges: object) -> None:
        queue.clear()
        queue.extend(exchanges)  # type: ignore[call-overload]

    server = LoopbackServer(app, threads=4).start()
    _answer_commands(commands, server.url, load)
    server.stop()


class HttpTarget:
    """The embedded sandbox served on a loopback port by a process of its own, as
    `harness sandbox serve` serves it: clients reach it over a socket, and its CPU time is
    read from that process (`server_cpu_seconds`), not mixed into the client's."""

    name = "http"

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self._server: ServingProcess | None = None

    def __enter__(self) -> HttpTarget:
        self._server = ServingProcess(partial(_serve_sandbox, self.sandbox.profile))
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    @property
    def server(self) -> ServingProcess:
        assert self._server is not None, "use the target as a context manager"
        return self._server

    @property
    def url(self) -> str:
        return self.server.url

    def server_cpu_seconds(self) -> float:
        """CPU seconds the serving process has spent so far."""
        return self.server.cpu_seconds()

    def client(
        self, credential: str | None = None, calllog: CallLog | None = None
    ) -> NetSuiteClient:
        if credential is None:
            return tba_client(self.sandbox, self.url, calllog)
        known = {c.name: c for c in self.sandbox.profile.credentials.tba}
        c = known[credential]
        auth = tba_auth(
            self.sandbox.account_id, c.consumerKey, c.consumerSecret, c.tokenId, c.tokenSecret
        )
        return NetSuiteClient(
            self.url,
            auth,
            calllog=calllog,
            account_id=self.sandbox.account_id,
            secrets=(c.consumerSecret, c.tokenSecret),
        )

    def isolate(self) -> None:
        self.server.ask("reset")


class StaticHttpTarget(HttpTarget):
    """Canned answers served over HTTP by a process of its own: the floor of any landing
    over a socket (client, transport and a server that does nothing but answer)."""

    name = "static-http"

    def __init__(self, sandbox: Sandbox) -> None:
        super().__init__(sandbox)
        self._next: Sequence[Exchange] = ()

    def __enter__(self) -> StaticHttpTarget:
        self._server = ServingProcess(_serve_canned)
        return self

    def load(self, exchanges: Sequence[Exchange]) -> None:
        self._next = exchanges

    def client(
        self, credential: str | None = None, calllog: CallLog | None = None
    ) -> NetSuiteClient:
        del credential  # one signer: the canned answers do not check signatures
        return tba_client(self.sandbox, self.url, calllog)

    def isolate(self) -> None:
        self.server.ask(list(self._next))


def served_cpu_seconds(target: HttpTarget, run: Callable[[], None]) -> float:
    """CPU seconds of `run` in this process plus what the serving process spent meanwhile."""
    server_before = target.server_cpu_seconds()
    client = cpu_seconds(run)
    return client + target.server_cpu_seconds() - server_before


@dataclass(frozen=True)
class Captured:
    """One scenario landed in-process: its result and every exchange it made."""

    result: ScenarioResult
    exchanges: tuple[Exchange, ...]


def capture_scenario(
    target: SimTarget,
    spec: ScenarioSpec,
    seed: int,
    mapping: Mapping,
    caches: RunCaches | None = None,
) -> Captured:
    """Land one scenario in the target's sandbox (reset first), keeping its exchanges.
    With `caches`, what earlier landings of the run learnt is not asked again."""
    target.sandbox.reset()
    with capturing(target.sandbox) as seen:
        result = run_scenario(spec, seed, KeepState(target), mapping, caches=caches)
    return Captured(result, tuple(seen))


class KeepState:
    """A SimTarget that never resets: orders accumulate (or the reset was already done)."""

    def __init__(self, target: SimTarget) -> None:
        self._target = target
        self.name = target.name

    def client(
        self, credential: str | None = None, calllog: CallLog | None = None
    ) -> NetSuiteClient:
        return self._target.client(credential, calllog)

    def isolate(self) -> None:
        return None

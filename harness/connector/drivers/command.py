"""Drive a connector that is a program: run it once per order, the order JSON on stdin.

The command line is split like a shell would (`shlex`) but run without one. `{order_file}`
in an argument is replaced by the path of a file holding the order JSON (stdin is then
empty); `{topic}` by `order.created` or `order.updated`. The `NETSUITE_*` environment points
the program at the target. Output is kept up to a cap; a run past its timeout is killed
together with everything it started (its process group).
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from harness.connector.drivers.common import (
    Answer,
    ExternalConnector,
    ExternalConnectorError,
    Topic,
    capped,
    netsuite_environment,
)
from harness.connector.drivers.watch import LandingWatch
from harness.mapping import Mapping as OrderMapping
from harness.netsuite.client import NetSuiteClient
from harness.woo.order import WooOrder

DEFAULT_COMMAND_TIMEOUT = 60.0
DEFAULT_OUTPUT_CAP = 64 * 1024


@dataclass(frozen=True)
class CommandRun:
    """One run of the command: exit code (None when killed), output kept, time taken."""

    argv: tuple[str, ...]
    exit_code: int | None
    stdout: str
    stderr: str
    duration_ms: float
    timed_out: bool = False
    stdout_cut: int = 0  # bytes beyond the cap, read and dropped
    stderr_cut: int = 0

    def to_dict(self) -> dict[str, object]:
        return {
            "argv": list(self.argv),
            "exit_code": self.exit_code,
            "stdout": self.stdout,
            "stderr": self.stderr,
            "duration_ms": self.duration_ms,
            "timed_out": self.timed_out,
            "stdout_cut": self.stdout_cut,
            "stderr_cut": self.stderr_cut,
        }


class _CappedReader(threading.Thread):
    """Drains a pipe so the child never blocks, keeping the first `cap` bytes."""

    def __init__(self, stream: IO[bytes], cap: int) -> None:
        super().__init__(daemon=True)
        self.stream = stream
        self.cap = cap
        self.kept = bytearray()
        self.cut = 0

    def run(self) -> None:
        while chunk := self.stream.read(8192):
            room = self.cap - len(self.kept)
            self.kept += chunk[:room]
            self.cut += max(0, len(chunk) - room)
        self.stream.close()

    def text(self) -> str:
        return self.kept.decode("utf-8", errors="replace")


def split_command(command: str | list[str] | tuple[str, ...]) -> list[str]:
    """The argument list of a command line (shell quoting rules, no shell)."""
    try:
        argv = shlex.split(command) if isinstance(command, str) else list(command)
    except ValueError as exc:
        raise ExternalConnectorError(f"command {command!r} cannot be split: {exc}") from None
    if not argv:
        raise ExternalConnectorError("the connector command is empty; expected a program to run")
    return argv


def run_command(
    argv: list[str],
    *,
    stdin: bytes,
    env: Mapping[str, str],
    timeout: float,
    output_cap: int = DEFAULT_OUTPUT_CAP,
    cwd: str | Path | None = None,
) -> CommandRun:
    """Run `argv` to completion or `timeout`; on timeout kill its whole process group."""
    started = time.perf_counter()
    try:
        process = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=dict(env),
            cwd=cwd,
            start_new_session=True,  # its own process group, so a kill reaches its children
        )
    except OSError as exc:
        return CommandRun(tuple(argv), None, "", f"could not start: {exc}", 0.0)
    assert process.stdin and process.stdout and process.stderr
    readers = [_CappedReader(process.stdout, output_cap), _CappedReader(process.stderr, output_cap)]
    for reader in readers:
        reader.start()
    # A program that does not read its input (or exits first) closes the pipe: writing, and
    # flushing on close, then fail with EPIPE; its exit code tells the rest.
    with contextlib.suppress(BrokenPipeError):
        process.stdin.write(stdin)
    with contextlib.suppress(BrokenPipeError):
        process.stdin.close()
    timed_out = False
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    for reader in readers:
        reader.join(timeout=2)
    out, err = readers
    return CommandRun(
        tuple(argv),
        None if timed_out else process.returncode,
        out.text(),
        err.text(),
        round((time.perf_counter() - started) * 1000, 3),
        timed_out,
        out.cut,
        err.cut,
    )


def describe_run(run: CommandRun, timeout: float) -> str:
    """One line: `exited 1; stderr: KeyError: 'sku'` or `was killed after 5 s`."""
    if run.timed_out:
        head = f"was killed after {timeout:g} s (timeout)"
    elif run.exit_code is None:
        head = f"did not run: {run.stderr}"
        return head
    else:
        head = f"exited {run.exit_code}"
    parts = [head]
    if run.stderr.strip():
        parts.append(f"stderr: {capped(run.stderr, 300)}")
    if run.stdout.strip():
        parts.append(f"stdout: {capped(run.stdout, 300)}")
    return "; ".join(parts)


class CommandConnector(ExternalConnector):
    """A connector run as a command once per order."""

    kind = "command"
    synchronous = True

    def __init__(
        self,
        client: NetSuiteClient,
        mapping: OrderMapping,
        command: str | list[str],
        watch: LandingWatch,
        *,
        netsuite_url: str | None = None,
        timeout: float = DEFAULT_COMMAND_TIMEOUT,
        output_cap: int = DEFAULT_OUTPUT_CAP,
        cwd: str | Path | None = None,
        env: Mapping[str, str] | None = None,
        settle: float = 0.0,
        observed: bool = False,
    ) -> None:
        super().__init__(client, mapping, watch, settle=settle)
        self.observed = observed
        self.argv = split_command(command)
        self.name = f"command:{shlex.join(self.argv)}"
        self.timeout = timeout
        self.output_cap = output_cap
        self.cwd = cwd
        # Registers every credential it hands over: the program may print any of them.
        netsuite = netsuite_environment(client, netsuite_url)
        self.env = {**os.environ, **(env or {}), **netsuite}
        self.runs: list[CommandRun] = []
        self._tmp = tempfile.TemporaryDirectory(prefix="harness-order-")

    def deliver(self, order: WooOrder, topic: Topic) -> Answer:
        body = json.dumps(order.to_wire(), ensure_ascii=False).encode("utf-8")
        uses_file = any("{order_file}" in arg for arg in self.argv)
        order_file = Path(self._tmp.name) / f"order-{order.id}-{len(self.runs) + 1}.json"
        if uses_file:
            order_file.write_bytes(body)
        argv = [
            arg.replace("{order_file}", str(order_file)).replace("{topic}", topic)
            for arg in self.argv
        ]
        run = run_command(
            argv,
            stdin=b"" if uses_file else body,
            env={**self.env, "WOO_WEBHOOK_TOPIC": topic},
            timeout=self.timeout,
            output_cap=self.output_cap,
            cwd=self.cwd,
        )
        order_file.unlink(missing_ok=True)
        scrub = self.client.calllog.redactor
        run = CommandRun(
            tuple(scrub.text(arg) for arg in run.argv),
            run.exit_code,
            scrub.text(run.stdout),
            scrub.text(run.stderr),
            run.duration_ms,
            run.timed_out,
            run.stdout_cut,
            run.stderr_cut,
        )
        self.runs.append(run)
        return Answer(
            "command",
            topic,
            run.exit_code == 0,
            describe_run(run, self.timeout),
            status=run.exit_code,
            duration_ms=run.duration_ms,
            detail=run.to_dict(),
        )

    def close(self) -> None:
        self._tmp.cleanup()

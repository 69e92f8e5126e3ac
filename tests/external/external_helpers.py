"""Helpers for the external-connector tests: a scripted HTTP receiver, the example connector."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "webhook_connector"
SECRET = "whsec-test-8d1f0c"


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """An HTTP endpoint that records requests and answers `(status, body)` from a script
    (the last entry repeats)."""

    answers: list[tuple[int, bytes]] = field(default_factory=lambda: [(200, b"{}")])
    received: list[Received] = field(default_factory=list)
    url: str = ""
    _server: ThreadingHTTPServer | None = None

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.received.append(
                    Received("POST", self.path, dict(self.headers.items()), body)
                )
                index = min(len(receiver.received) - 1, len(receiver.answers) - 1)
                status, answer = receiver.answers[index]
                self.send_response(status)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()
        self.url = f"http://127.0.0.1:{self._server.server_port}/hook"
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


@contextmanager
def receiver(answers: Sequence[tuple[int, bytes]] = ((200, b"{}"),)) -> Iterator[Receiver]:
    running = Receiver(list(answers)).start()
    try:
        yield running
    finally:
        running.stop()


@dataclass
class Example:
    """The example webhook connector running in its own process."""

    url: str
    process: subprocess.Popen[str]


@contextmanager
def example_connector(
    netsuite_env: Mapping[str, str], bugs: Sequence[str] = (), secret: str = SECRET
) -> Iterator[Example]:
    argv = [sys.executable, str(EXAMPLE / "connector.py"), "--port", "0", "--secret", secret]
    for bug in bugs:
        argv += ["--bug", bug]
    env = {**os.environ, **netsuite_env}
    env.pop("CONNECTOR_BUGS", None)
    process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        if not line.startswith("listening on "):
            raise RuntimeError(f"the example connector did not start (said {line!r})")
        yield Example(line.removeprefix("listening on ") + "/woo/webhook", process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()

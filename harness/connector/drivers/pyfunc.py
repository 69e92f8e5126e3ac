"""Drive a connector that is a Python function: call it in-process with each order.

`module:function` or `path/to/file.py:function`: a module is imported from the current
directory or the run's project folders (pytest's rootdir, the directory of the catalogue:
`importable_from`), else from `sys.path`; a relative file likewise. The function gets the
order as a dict (the WooCommerce JSON), or as a `WooOrder` when its first parameter is
annotated so, or as JSON text when annotated `str`. While it runs, the `NETSUITE_*`
environment points at the target, and its `requests` traffic to the target's host is copied
into the call log (in sim mode that traffic is answered by the embedded sandbox, which
intercepts the host).
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import io
import json
import os
import sys
import time
import traceback
import typing
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from contextvars import ContextVar
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import requests

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
from harness.netsuite.calllog import CallLog
from harness.netsuite.client import NetSuiteClient
from harness.netsuite.redact import Redactor
from harness.woo.order import WooOrder

# Folders a `python:` connector's module is looked up in, besides the current directory: the
# project root of the run (pytest's rootdir, the directory of the catalogue), set by
# `importable_from`.
_PROJECT_FOLDERS: ContextVar[tuple[Path, ...]] = ContextVar("python_connector_folders", default=())


@contextmanager
def importable_from(*folders: str | Path | None) -> Iterator[None]:
    """While active, `python:` connectors are also looked up in `folders` (None: skipped),
    after the current directory."""
    extra = tuple(Path(folder).resolve() for folder in folders if folder is not None)
    token = _PROJECT_FOLDERS.set(_PROJECT_FOLDERS.get() + extra)
    try:
        yield
    finally:
        _PROJECT_FOLDERS.reset(token)


def search_folders() -> list[Path]:
    """Where a connector's module or file is looked up: the current directory, then the
    project folders (`importable_from`), each once."""
    folders: list[Path] = []
    for folder in (Path.cwd(), *_PROJECT_FOLDERS.get()):
        if folder not in folders:
            folders.append(folder)
    return folders


@contextmanager
def _on_path(folders: list[Path]) -> Iterator[None]:
    """`folders` first on `sys.path` while importing, as Python puts the current directory
    (`python -m`) or a script's own folder: the project's module wins over a namesake."""
    added = [str(folder) for folder in folders if str(folder) not in sys.path]
    sys.path[:0] = added
    try:
        yield
    finally:
        for folder in added:
            if folder in sys.path:
                sys.path.remove(folder)


def _connector_file(where: str) -> Path:
    """A connector file: as given (absolute, or from the current directory), else from a
    project folder."""
    path = Path(where)
    if path.is_file():
        return path
    if not path.is_absolute():
        for folder in search_folders()[1:]:
            if (folder / path).is_file():
                return folder / path
    looked = ", ".join(str(folder) for folder in search_folders())
    raise ExternalConnectorError(
        f"python connector file {where} does not exist (looked in {looked})"
    )


def _import_module(where: str) -> ModuleType:
    """`pkg.mod` from the current directory or a project folder, else from `sys.path`."""
    folders = search_folders()
    try:
        with _on_path(folders):
            return importlib.import_module(where)
    except SystemExit as exc:
        raise _import_failure(f"python connector module {where}", exc) from None
    except Exception as exc:
        looked = ", ".join(str(folder) for folder in folders)
        missing = isinstance(exc, ModuleNotFoundError) and exc.name == where.split(".")[0]
        also = f" (looked on sys.path and in {looked})" if missing else ""
        raise ExternalConnectorError(
            f"python connector module {where} failed to import: {type(exc).__name__}: {exc}{also}"
        ) from None


def load_function(target: str) -> Callable[..., Any]:
    """`pkg.mod:func` or `path/to/file.py:func` -> the function. A module is imported from
    the current directory or the project folders (`importable_from`), else from `sys.path`;
    a relative file path is read from the current directory, else from a project folder."""
    where, sep, attribute = target.rpartition(":")
    if not sep or not where or not attribute:
        raise ExternalConnectorError(
            f"python connector {target!r} names no function; expected module:function or "
            "path/to/file.py:function"
        )
    if where.endswith(".py") or os.sep in where or "/" in where:
        path = _connector_file(where)
        name = f"harness_connector_{abs(hash(str(path.resolve())))}"
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise ExternalConnectorError(f"python connector file {where} cannot be imported")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        # Like running the file as a script: its own directory comes first on the path,
        # so it can import the modules beside it.
        try:
            with _on_path([path.resolve().parent]):
                spec.loader.exec_module(module)
        except (Exception, SystemExit) as exc:
            raise _import_failure(f"python connector file {where}", exc) from None
    else:
        module = _import_module(where)
    function = getattr(module, attribute, None)
    if not callable(function):
        raise ExternalConnectorError(
            f"python connector {target!r}: {where} has no function {attribute!r}"
        )
    return typing.cast(Callable[..., Any], function)


def argument_kind(function: Callable[..., Any]) -> type:
    """What the function wants: WooOrder, str (JSON text) or dict (the default)."""
    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):
        return dict
    if not parameters:
        raise ExternalConnectorError(
            f"python connector {getattr(function, '__name__', function)!r} takes no argument; "
            "expected one (the order)"
        )
    try:
        hints = typing.get_type_hints(function)
    except Exception:
        hints = {}
    wanted = hints.get(parameters[0].name, parameters[0].annotation)
    if isinstance(wanted, type) and issubclass(wanted, WooOrder):
        return WooOrder
    if isinstance(wanted, str) and wanted.rsplit(".", 1)[-1] == "WooOrder":
        return WooOrder
    if wanted in (str, "str"):
        return str
    return dict


@contextmanager
def patched_environ(values: Mapping[str, str]) -> Iterator[None]:
    """`os.environ` with `values` for the duration (restored afterwards)."""
    from unittest import mock  # here: it loads asyncio, 50 ms of every process's start-up

    with mock.patch.dict(os.environ, values):
        yield


@contextmanager
def recorded_requests(
    calllog: CallLog, host: str, *, skip: Callable[[requests.Session], bool] | None = None
) -> Iterator[None]:
    """Copy every `requests` exchange with `host` into `calllog` while active, except those
    of a session `skip` names (one that logs its own)."""
    original = requests.Session.send

    def send(session: requests.Session, request: requests.PreparedRequest, **kwargs: Any) -> Any:
        if urlsplit(request.url or "").hostname != host or (skip is not None and skip(session)):
            return original(session, request, **kwargs)
        started = time.perf_counter()
        try:
            response = original(session, request, **kwargs)
        except requests.RequestException as exc:
            calllog.note_exchange(request, exc, time.perf_counter() - started)
            raise
        calllog.note_exchange(request, response, time.perf_counter() - started)
        return response

    from unittest import mock  # see patched_environ

    with mock.patch.object(requests.Session, "send", send):
        yield


def raised(exc: BaseException) -> str:
    """How a connector's function ended: `raised KeyError: 'sku'`, `called sys.exit(3)`."""
    if isinstance(exc, SystemExit):
        return f"called sys.exit({exc.code!r})"
    return f"raised {type(exc).__name__}: {exc}"


def _import_failure(what: str, exc: BaseException) -> ExternalConnectorError:
    """The import of a connector's module failed: how, and for a script that exits as it is
    imported, why."""
    if isinstance(exc, SystemExit):
        return ExternalConnectorError(
            f"{what} called sys.exit({exc.code!r}) while being imported: a script's top level "
            "runs on import, so put its command-line part under "
            "`if __name__ == \"__main__\":`"
        )
    return ExternalConnectorError(f"{what} failed to import: {type(exc).__name__}: {exc}")


def where(exc: BaseException) -> str:
    """` (at file.py:42 in push)`: the innermost frame, so a failure is found without a
    traceback."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return ""
    last = frames[-1]
    return f" (at {Path(last.filename).name}:{last.lineno} in {last.name})"


class PythonConnector(ExternalConnector):
    """A connector that is a Python function, called with each order."""

    kind = "python"
    synchronous = True

    def __init__(
        self,
        client: NetSuiteClient,
        mapping: OrderMapping,
        function: Callable[..., Any] | str,
        watch: LandingWatch,
        *,
        netsuite_url: str | None = None,
        settle: float = 0.0,
        label: str | None = None,
    ) -> None:
        super().__init__(client, mapping, watch, settle=settle)
        self.function = load_function(function) if isinstance(function, str) else function
        if label is None:
            label = function if isinstance(function, str) else getattr(function, "__qualname__", "")
        self.name = f"python:{label}"
        self.argument = argument_kind(self.function)
        self.env = netsuite_environment(client, netsuite_url)
        self.observed = True  # its requests run in this process, copied into the call log
        self.host = urlsplit(self.env["NETSUITE_BASE_URL"]).hostname or ""

    def _argument(self, order: WooOrder) -> Any:
        if self.argument is WooOrder:
            return order
        if self.argument is str:
            return json.dumps(order.to_wire(), ensure_ascii=False)
        return order.to_wire()

    def deliver(self, order: WooOrder, topic: Topic) -> Answer:
        started = time.perf_counter()
        scrub = self.client.calllog.redactor
        printed = _Printed()
        try:
            with (
                patched_environ(self.env),
                recorded_requests(self.client.calllog, self.host),
                printed.captured(),
            ):
                returned = self.function(self._argument(order))
        except (Exception, SystemExit) as exc:  # sys.exit() in a function is its answer too
            duration = round((time.perf_counter() - started) * 1000, 3)
            text = f"{raised(exc)}{where(exc)}" + printed.said(scrub)
            return Answer(
                "python",
                topic,
                isinstance(exc, SystemExit) and exc.code in (0, None),  # exited as done
                capped(scrub.text(text)),
                duration_ms=duration,
                detail=printed.detail(scrub),
            )
        finally:
            printed.replay(scrub)
        duration = round((time.perf_counter() - started) * 1000, 3)
        shown = scrub.text(capped(repr(returned), 300))
        return Answer(
            "python",
            topic,
            True,
            f"returned {shown}",
            duration_ms=duration,
            detail=printed.detail(scrub),
        )


class _Printed:
    """What the function printed while it ran: kept, then passed on redacted to the streams
    it was meant for (a connector's debug print of its settings must not reach a terminal or
    pytest's captured output as it is)."""

    def __init__(self) -> None:
        self.stdout = io.StringIO()
        self.stderr = io.StringIO()

    @contextmanager
    def captured(self) -> Iterator[None]:
        with redirect_stdout(self.stdout), redirect_stderr(self.stderr):
            yield

    def replay(self, scrub: Redactor) -> None:
        for text, stream in ((self.stdout, sys.stdout), (self.stderr, sys.stderr)):
            if text.getvalue():
                stream.write(scrub.text(text.getvalue()))

    def said(self, scrub: Redactor) -> str:
        parts = [
            f"; {name}: {capped(scrub.text(text.getvalue()), 300)}"
            for name, text in (("stderr", self.stderr), ("stdout", self.stdout))
            if text.getvalue().strip()
        ]
        return "".join(parts)

    def detail(self, scrub: Redactor) -> dict[str, Any]:
        return {
            name: scrub.text(text.getvalue())
            for name, text in (("stdout", self.stdout), ("stderr", self.stderr))
            if text.getvalue()
        }

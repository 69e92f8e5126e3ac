"""One error-handling context for every verb: the library's known exception families become
Click's one-line `Error: ...` and an exit code; anything unforeseen is still one line (the
`harness` group's last resort), its traceback only on request (HARNESS_TRACEBACK=1).

Exit 2: the command could not start with what it was given: an option's value is wrong (as
Click says), an input file is missing, unreadable or not in the form the command takes (a
YAML file that does not parse or that its schema refuses), or a setting it needs is missing
(a live account's NETSUITE_* credentials). Exit 1: the command ran and found a problem (a
NetSuite refusal, no concurrency slot in time, a report it could not write).
Every message passes through `visible`: text from an order, a connector or NetSuite reaches
the terminal with its control characters shown, not executed.
"""

from __future__ import annotations

import errno
import gc
import os
import signal
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

import click

from harness.report.visible import visible

Reason = Callable[[str], str]


TRACEBACK_ENV = "HARNESS_TRACEBACK"


class InputError(click.ClickException):
    """`Error: <message>` and exit 2: the command cannot start with what it was given (an
    input it cannot read, a setting it needs)."""

    exit_code = 2


@dataclass(frozen=True)
class Listening:
    """Where a command listens, so a failed bind names the option at fault."""

    host: str
    port: int
    host_option: str = "--host"
    port_option: str = "--port"
    # Whether binding is all the guarded code does: only then is a refusal (EACCES) the
    # port's fault and not, say, a connector program that may not be run.
    only_binding: bool = True


def _bind_error(exc: OSError, where: Listening) -> click.ClickException | None:
    """A bind that failed because of the address asked for: the option's fault (exit 2)."""
    if exc.errno == errno.EADDRINUSE:
        return click.BadParameter(
            f"port {where.port} is already in use on {where.host}: stop what listens there, "
            f"or choose another port (0: any free port)",
            param_hint=where.port_option,
        )
    if exc.errno == errno.EADDRNOTAVAIL and where.only_binding:
        return click.BadParameter(
            f"{where.host} is not an address of this machine ({exc.strerror}); "
            f"expected one of its own, e.g. 127.0.0.1",
            param_hint=where.host_option,
        )
    if exc.errno == errno.EACCES and where.only_binding:
        return click.BadParameter(
            f"not allowed to listen on port {where.port} ({exc.strerror}): ports below 1024 "
            f"need privileges; choose a higher one (0: any free port)",
            param_hint=where.port_option,
        )
    return None


@contextmanager
def reported(
    *,
    netsuite: str = "NetSuite",
    unreadable: Reason | None = None,
    unwritable: Reason | None = None,
    options: Mapping[type[Exception], str] | None = None,
    listening: Listening | None = None,
) -> Iterator[None]:
    """Raise the one-line error for a known exception raised inside.

    `netsuite` starts a NetSuiteError's line. An OSError is only caught when the caller says
    what it means: `unreadable(reason)` (the input, exit 2; text that is not UTF-8 too) or
    `unwritable(reason)` (the output, exit 1), or `listening` (a bind to that address failed:
    the --host/--port option's fault). `options` names the option an exception type is a bad
    value of."""
    try:
        yield
    except click.ClickException as exc:
        exc.message = visible(exc.message, lines=True)  # type: ignore[misc]
        raise
    except Exception as exc:
        failure = None
        if isinstance(exc, OSError) and listening is not None:
            failure = _bind_error(exc, listening)
        if failure is None:
            failure = _one_line(exc, netsuite, unreadable, unwritable, options or {})
        if failure is None:
            raise
        failure.message = visible(failure.message, lines=True)  # type: ignore[misc]
        raise failure from None


def _one_line(
    exc: Exception,
    netsuite: str,
    unreadable: Reason | None,
    unwritable: Reason | None,
    options: Mapping[type[Exception], str],
) -> click.ClickException | None:
    from harness.commands.doctor.preflight import DoctorOptionError
    from harness.commands.explain import ExplainError
    from harness.commands.reconcile.storeorders import ReconcileError
    from harness.commands.snapshot import SnapshotError
    from harness.connector.external import ExternalConnectorError, LandingQueryError
    from harness.landing.verify import LandingCheckError
    from harness.netsuite.auth import AuthConfigError
    from harness.netsuite.errors import NetSuiteError
    from harness.netsuite.governance import GovernanceLockError, LockFolderError
    from harness.runner.pool import WorkerDiedError
    from harness.targets.settings import TargetConfigError
    from harness.woo.order import WooOrderError
    from harness.yamlfile import ConfigFileError

    for family, option in options.items():
        if isinstance(exc, family):
            return click.BadParameter(str(exc), param_hint=option)
    if isinstance(exc, DoctorOptionError):
        return click.BadParameter(exc.message, param_hint=exc.option)
    if isinstance(exc, ExplainError):
        return InputError(str(exc))
    if isinstance(exc, AuthConfigError):
        return InputError(f"NETSUITE_* settings: {exc}")
    if isinstance(exc, TargetConfigError) and exc.setting != "lock folder":
        return InputError(str(exc))
    if isinstance(exc, NetSuiteError):
        return click.ClickException(f"{netsuite}: {exc}")
    if isinstance(exc, (GovernanceLockError, LockFolderError)):  # before OSError: a TimeoutError
        return click.ClickException(str(exc))
    if isinstance(exc, OSError) and unreadable is not None:
        return InputError(unreadable(str(exc.strerror or exc)))
    if isinstance(exc, UnicodeError) and unreadable is not None:
        return InputError(unreadable(f"not UTF-8 text: {exc}"))
    if isinstance(exc, OSError) and unwritable is not None:
        return click.ClickException(unwritable(str(exc.strerror or exc)))
    said_in_full = (
        ConfigFileError,  # MappingError and SandboxConfigError among them
        TargetConfigError,
        WooOrderError,
        LandingCheckError,
        ExternalConnectorError,
        LandingQueryError,
        ReconcileError,
        SnapshotError,
        WorkerDiedError,
    )
    if isinstance(exc, ConfigFileError):
        return InputError(str(exc))
    if isinstance(exc, said_in_full):
        return click.ClickException(str(exc))
    return None


class HarnessGroup(click.Group):
    """The `harness` group: an exception no verb foresaw still ends in one line and exit 1,
    naming its type; `HARNESS_TRACEBACK=1` shows the traceback instead (for a bug report)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            if os.environ.get(TRACEBACK_ENV, "").strip() not in ("", "0"):
                raise
            text = visible(f"{type(exc).__name__}: {exc}")
            raise click.ClickException(
                f"unexpected {text} (a bug in the harness: please report it with the output "
                f"of the same command run with {TRACEBACK_ENV}=1)"
            ) from None


def stop_on_signals() -> None:
    """Ctrl-C (SIGINT) and a job's stop (SIGTERM) end a serving verb the same clean way: as
    KeyboardInterrupt in the main thread. SIGINT is set even when it came in ignored: a
    job a non-interactive shell starts in the background ignores it, and a server that
    ignores Ctrl-C could only be killed."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


class Serving(Protocol):
    def wait(self) -> None: ...


def serve_until_stopped(server: Serving, settings: Mapping[str, str]) -> None:
    """Print the settings a client needs (`KEY=value` lines), then serve until Ctrl-C or a
    job's stop, either of which ends it cleanly (exit 0). The signals are taken before the
    settings are printed: a job that stops the server as soon as it has read them still gets
    that clean stop. The caller stops the server afterwards."""
    try:
        stop_on_signals()
        for key, value in settings.items():
            click.echo(f"{key}={value}")
        sys.stdout.flush()
        # What start-up made (modules, the seeded account) lives as long as the server:
        # out of the collector's sight, full collections stay as cheap as young ones.
        gc.freeze()
        server.wait()
    except KeyboardInterrupt:
        pass

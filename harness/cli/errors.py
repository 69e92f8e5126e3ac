"""One error-handling context for every verb: the library's known exception families become
Click's one-line `Error: ...` and an exit code; anything else still shows its traceback.

Exit 1: the command ran into a problem (a bad file, a refused account, a NetSuite refusal).
Exit 2: the command's input could not be read, or an option's value is wrong (as Click says).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

import click

Reason = Callable[[str], str]


class InputError(click.ClickException):
    """`Error: <message>` and exit 2: what the command was given cannot be read."""

    exit_code = 2


@contextmanager
def reported(
    *,
    netsuite: str = "NetSuite",
    unreadable: Reason | None = None,
    unwritable: Reason | None = None,
    options: Mapping[type[Exception], str] | None = None,
) -> Iterator[None]:
    """Raise the one-line error for a known exception raised inside.

    `netsuite` starts a NetSuiteError's line. An OSError is only caught when the caller says
    what it means: `unreadable(reason)` (the input, exit 2) or `unwritable(reason)` (the
    output, exit 1). `options` names the option an exception type is a bad value of."""
    try:
        yield
    except click.ClickException:
        raise
    except Exception as exc:
        failure = _one_line(exc, netsuite, unreadable, unwritable, options or {})
        if failure is None:
            raise
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
    from harness.commands.reconcile import ReconcileError
    from harness.commands.snapshot import SnapshotError
    from harness.connector.external import ExternalConnectorError, LandingQueryError
    from harness.landing.verify import LandingCheckError
    from harness.netsuite.auth import AuthConfigError
    from harness.netsuite.errors import NetSuiteError
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
        return click.ClickException(f"NETSUITE_* settings: {exc}")
    if isinstance(exc, NetSuiteError):
        return click.ClickException(f"{netsuite}: {exc}")
    if isinstance(exc, OSError) and unreadable is not None:
        return InputError(unreadable(str(exc.strerror or exc)))
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
    )
    if isinstance(exc, said_in_full):
        return click.ClickException(str(exc))
    return None

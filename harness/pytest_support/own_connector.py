"""A connector a test suite brings itself (a redefined `connector` fixture), pushed the way
the `python:` route pushes: with the target's `NETSUITE_*` settings in the environment, its
requests to NetSuite copied into the call log, and an exception it raises kept as its answer.

A store's connector reads `os.environ["NETSUITE_ACCOUNT"]` and friends and talks to NetSuite
with plain `requests`; without this it would find no settings, its calls would be no evidence,
and a refusal it raises would end the test in a traceback instead of a verdict.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

import requests

from harness.connector.drivers.common import (
    capped,
    error_from_call,
    netsuite_environment,
    netsuite_refusals,
)
from harness.connector.drivers.pyfunc import (
    patched_environ,
    raised,
    recorded_requests,
    where,
)
from harness.netsuite.calllog import CallLog
from harness.netsuite.client import NetSuiteClient
from harness.push import Connector, PushResult
from harness.woo.order import WooOrder


def is_harness_connector(connector: object) -> bool:
    """The reference connector and the drivers set up their own environment and call log."""
    from harness.connector.drivers.common import ExternalConnector
    from harness.connector.reference import ReferenceConnector

    return isinstance(connector, (ReferenceConnector, ExternalConnector))


def _logged_by_harness(session: requests.Session) -> bool:
    """A session of a harness client logs its own exchanges (a call log's response hook)."""
    hooks = session.hooks.get("response", [])
    return any(isinstance(getattr(hook, "__self__", None), CallLog) for hook in hooks)


@contextmanager
def netsuite_settings(env: Mapping[str, str], calllog: CallLog) -> Iterator[None]:
    """`os.environ` with `env`, and every `requests` exchange with its NETSUITE_BASE_URL host
    copied into `calllog` (except those a harness client already logs)."""
    host = urlsplit(env["NETSUITE_BASE_URL"]).hostname or ""
    with (
        patched_environ(env),
        recorded_requests(calllog, host, skip=_logged_by_harness),
    ):
        yield


@dataclass
class OwnConnector:
    """`inner`, pushed with the `NETSUITE_*` settings of `client` (the scenario's role).

    `push` returns what `inner.push` returns (a PushResult, or None: the verdict then comes
    from what NetSuite holds and the calls it saw). An exception is the connector's answer:
    `rejected` with NetSuite's error when NetSuite refused one of its writes meanwhile,
    `failed` otherwise. `fatal` exceptions (a replay miss) are raised as they are."""

    inner: Connector
    client: NetSuiteClient
    calllog: CallLog
    fatal: tuple[type[BaseException], ...] = ()

    @property
    def name(self) -> str:
        return str(getattr(self.inner, "name", type(self.inner).__name__))

    def __getattr__(self, attribute: str) -> Any:
        if attribute == "inner":  # not set yet (a copy being made): no recursion
            raise AttributeError(attribute)
        value = getattr(self.inner, attribute)
        if attribute == "with_mapping" and callable(value):
            configure: Callable[..., Connector] = value
            return lambda mapping: replace(self, inner=configure(mapping))
        return value

    def push(self, order: WooOrder) -> PushResult | None:
        mark = len(self.calllog)
        env = netsuite_environment(self.client)
        try:
            with netsuite_settings(env, self.calllog):
                return self.inner.push(order)
        except self.fatal:
            raise
        except (Exception, SystemExit) as exc:  # sys.exit() in push is its answer too
            if isinstance(exc, SystemExit) and exc.code in (0, None):
                return None  # exited as done: what NetSuite holds tells
            said = self.calllog.redactor.text(f"{raised(exc)}{where(exc)}")
            said = capped(said)
        number = order.number or str(order.id)
        refused = netsuite_refusals(self.calllog.calls[mark:])
        if refused:
            return PushResult(number, "rejected", error=error_from_call(refused[-1]), said=said)
        return PushResult(number, "failed", problem=f"the connector {said}", said=said)

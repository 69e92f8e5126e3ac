"""`harness land`: one real WooCommerce order (or a list of them) through the reference
connector into a NetSuite target, verified.

The order comes from a store as REST v3 JSON; it may name products the demo account has never
heard of, be cut off, or not be JSON at all. Every one of those ends in a Verdict (with a
diagnosis), never in a traceback: the point is to learn what NetSuite would make of the order.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Mapping as Settings
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.connector.external import DriverFactory, connector_from_spec
from harness.connector.reference import ReferenceConnector
from harness.landing.diagnose import diagnose_invalid_order
from harness.landing.verdict import Diagnosis, Verdict
from harness.mapping import Mapping
from harness.netsuite.calllog import CallLog
from harness.runner import (
    REFERENCE,
    ConnectorFactory,
    ScenarioResult,
    check_spec,
    clean_up,
    connector_endpoint,
    land,
)
from harness.targets.account import AccountTarget, prepare_account
from harness.targets.base import Target
from harness.targets.settings import CLI_SPELLING, TargetSettings
from harness.targets.sim import SimTarget
from harness.woo.limits import JsonLimitError, read_json
from harness.woo.order import WooOrder, WooOrderError


@dataclass(frozen=True)
class OrderLanding:
    """One order's verdict, the order itself (when it could be read) and its API calls."""

    verdict: Verdict
    order: WooOrder | None
    seconds: float
    calls: tuple[dict[str, Any], ...] = ()

    @property
    def label(self) -> str:
        return f"order #{self.verdict.order}"

    def as_result(self) -> ScenarioResult:
        """As a report row: every real order is expected to land."""
        return ScenarioResult(self.label, "landed", self.verdict, self.seconds, self.calls)


def _invalid(order: str, problems: Sequence[str]) -> Verdict:
    return Verdict(
        order=order,
        outcome="invalid-order",
        diagnosis=diagnose_invalid_order(order, list(problems)),
    )


def _unreadable(problem: str) -> Verdict:
    """A file that holds no order at all (not JSON, an empty list)."""
    diagnosis = Diagnosis(
        "invalid-order",
        f"No WooCommerce order could be read: {problem}.",
        "Save the order as WooCommerce's REST API returns it (GET /wp-json/wc/v3/orders/<id>, "
        "one JSON object, or a JSON list of them).",
        (problem,),
    )
    return Verdict(order="?", outcome="invalid-order", diagnosis=diagnosis)


def _number_of(raw: Any, fallback: str) -> str:
    if isinstance(raw, dict):
        value = raw.get("number") or raw.get("id")
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value):
            return str(value)
    return fallback


def is_list(text: str | bytes) -> bool:
    """Whether an order file holds a JSON list (then its verdicts are printed as one too)."""
    head = text.lstrip()[:1]
    return head in ("[", b"[")


def read_orders(text: str | bytes, *, name: str = "the file") -> list[WooOrder | Verdict]:
    """Each document of an order file: a parsed order, or the `invalid-order` verdict on it.

    A single order (a JSON object) or a list of orders; one bad order in a list does not keep
    the others from landing."""
    try:
        raw = read_json(text)
    except json.JSONDecodeError as exc:
        problem = f"{name} is not JSON (line {exc.lineno} column {exc.colno}: {exc.msg})"
        return [_unreadable(problem)]
    except UnicodeDecodeError:
        return [_unreadable(f"{name} is not UTF-8 text")]
    except JsonLimitError as exc:
        return [_unreadable(f"{name} cannot be read: {exc}")]
    except ValueError as exc:  # NaN or Infinity, which are not JSON
        return [_unreadable(f"{name} is not JSON ({exc})")]
    documents = raw if isinstance(raw, list) else [raw]
    if not documents:
        return [_unreadable(f"{name} holds an empty list")]
    read: list[WooOrder | Verdict] = []
    for index, document in enumerate(documents):
        fallback = f"[{index}]" if isinstance(raw, list) else "?"
        if not isinstance(document, dict):
            kind = type(document).__name__.replace("str", "a string").replace("NoneType", "null")
            problem = f"{name}{fallback if isinstance(raw, list) else ''} is not a JSON object"
            read.append(_unreadable(f"{problem} (got {kind})"))
            continue
        try:
            read.append(WooOrder.parse(document))
        except WooOrderError as exc:
            read.append(_invalid(_number_of(document, fallback), exc.problems))
    return read


def land_order(
    order: WooOrder,
    target: Target,
    mapping: Mapping,
    connector_factory: ConnectorFactory | None = None,
) -> OrderLanding:
    """Push one order with the reference connector (or `connector_factory`'s) and verify it
    (on a fresh target)."""
    started = time.perf_counter()
    if not order.check_invariants():  # an invalid order is judged without the target
        target.isolate()
    calllog = CallLog()
    client = target.client(None, calllog)
    if connector_factory is not None:
        connector = connector_factory(client, mapping)
    else:
        connector = ReferenceConnector(client, mapping)
    landing = land(order, connector, target.client(None, calllog), calllog, mapping)
    calls = tuple(call.to_dict() for call in landing.calls)
    return OrderLanding(landing.verdict, order, time.perf_counter() - started, calls)


def land_all(
    read: Iterable[WooOrder | Verdict],
    target: Target,
    mapping: Mapping,
    connector_factory: ConnectorFactory | None = None,
) -> list[OrderLanding]:
    """Land every readable order; unreadable ones keep their `invalid-order` verdict."""
    return [
        land_order(item, target, mapping, connector_factory)
        if isinstance(item, WooOrder)
        else OrderLanding(item, None, 0.0)
        for item in read
    ]


def read_order_file(path: str | Path) -> tuple[list[WooOrder | Verdict], bool]:
    """`read_orders` for a file, and whether it holds a list (an unreadable file is an
    OSError for the caller)."""
    source = Path(path)
    text = source.read_bytes()
    return read_orders(text, name=source.name), is_list(text)


def open_target(settings: TargetSettings) -> SimTarget | AccountTarget:
    """The target orders land in: a fresh embedded sandbox (`sim`, from the profile named by
    `settings.account`) or the NetSuite account in NETSUITE_* (`live`; raises
    `TargetConfigError` with what to set)."""
    if settings.kind == "sim":
        return SimTarget(settings.account)
    return prepare_account(settings, CLI_SPELLING)


def delete_created(
    target: AccountTarget, landings: Iterable[OrderLanding], on_leftover: Callable[[str], None]
) -> None:
    """Delete what each landing created in a live account; `on_leftover` gets what stays."""
    for landing in landings:
        for line in clean_up(target, landing.as_result()):
            on_leftover(line)


def land_orders(
    read: Iterable[WooOrder | Verdict],
    mapping: Mapping,
    settings: TargetSettings,
    *,
    connector: str = REFERENCE,
    connector_options: Settings[str, Any] | None = None,
    on_leftover: Callable[[str], None] = lambda _: None,
) -> list[OrderLanding]:
    """`land_all` on the target `settings` name, through the reference connector or the one
    `connector` names (`python:`, `command:`, `webhook:`; raises ExternalConnectorError for one
    it cannot drive): a connector in another process reaches NetSuite on a loopback port
    (sim: the sandbox served) or, live, the account itself. A live account is left as it was
    found unless `settings.keep_records`."""
    options = dict(connector_options or {})
    check_spec(connector, options)
    with open_target(settings) as where, ExitStack() as stack:
        factory: DriverFactory | None = None
        if connector != REFERENCE:
            endpoint = stack.enter_context(connector_endpoint(where))
            made = connector_from_spec(connector, observe=endpoint, **options)
            factory = stack.enter_context(made)
        landings = land_all(read, where, mapping, factory)
        if isinstance(where, AccountTarget) and not settings.keep_records:
            delete_created(where, landings, on_leftover)
    return landings

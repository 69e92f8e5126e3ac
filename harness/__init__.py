"""woo-netsuite-harness: prove WooCommerce orders land in NetSuite as correct Sales Orders.

The public API. Names load on first use, so `import harness` (which pytest does for the
plugin in every run) stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "WooOrder": "harness.woo.order",
    "WooOrderError": "harness.woo.order",
    "ScenarioSpec": "harness.catalogue.spec",
    "generate": "harness.woo.generate",
    "load_catalogue": "harness.catalogue.spec",
    "NetSuiteClient": "harness.netsuite.client",
    "RetryPolicy": "harness.netsuite.retry",
    "NetSuiteError": "harness.netsuite.errors",
    "CallLog": "harness.netsuite.calllog",
    "Credentials": "harness.netsuite.credentials",
    "Sandbox": "harness.sandbox.serve",
    "FaultPlan": "harness.sandbox.faults",
    "Connector": "harness.push",
    "PushResult": "harness.push",
    "Mapping": "harness.mapping",
    "load_mapping": "harness.mapping",
    "ReferenceConnector": "harness.connector.reference",
    "connector_from_spec": "harness.connector.external",
    "verify": "harness.landing.verify",
    "Verdict": "harness.landing.verdict",
    "Diagnosis": "harness.landing.verdict",
    "Mismatch": "harness.landing.verdict",
    "run_scenario": "harness.runner",
    "SimTarget": "harness.targets.sim",
}

__all__ = ["__version__", *_EXPORTS]

if TYPE_CHECKING:
    from harness.catalogue.spec import ScenarioSpec, load_catalogue
    from harness.connector.external import connector_from_spec
    from harness.connector.reference import ReferenceConnector
    from harness.landing.verdict import Diagnosis, Mismatch, Verdict
    from harness.landing.verify import verify
    from harness.mapping import Mapping, load_mapping
    from harness.netsuite.calllog import CallLog
    from harness.netsuite.client import NetSuiteClient
    from harness.netsuite.credentials import Credentials
    from harness.netsuite.errors import NetSuiteError
    from harness.netsuite.retry import RetryPolicy
    from harness.push import Connector, PushResult
    from harness.runner import run_scenario
    from harness.sandbox.faults import FaultPlan
    from harness.sandbox.serve import Sandbox
    from harness.targets.sim import SimTarget
    from harness.woo.generate import generate
    from harness.woo.order import WooOrder, WooOrderError


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'harness' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value

"""Fixtures for the report tests: one real run of a few demo scenarios per session."""

from __future__ import annotations

import pytest
from report_helpers import demo_results

from harness.runner import ScenarioResult
from harness.woo.order import WooOrder


@pytest.fixture(scope="session")
def demo_run() -> tuple[list[ScenarioResult], dict[str, WooOrder]]:
    return demo_results()

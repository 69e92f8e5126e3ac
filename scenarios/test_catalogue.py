"""The scenario catalogue as a pytest suite: every scenario must end as it expects.

`make test` runs it against the embedded sandbox; `--ns-target=replay|record|live` runs the
same scenarios against cassettes or a NetSuite account, `--ns-shard K/N` splits them across
machines. A failure shows the field diff and the diagnosis of the landing.
"""

from __future__ import annotations

from harness.catalogue.spec import ScenarioSpec
from harness.pytest_support.lander import Lander


def test_scenario(scenario: ScenarioSpec, land: Lander) -> None:
    verdict = land(scenario)
    assert verdict.met(scenario.expect), verdict

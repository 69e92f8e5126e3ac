"""`pytest --ns-account=PROFILE` where the profile lacks a scenario's credential (a snapshot
of a real account): the scenario's tests are skipped with the reason, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from harness.sandbox.account import DEMO_PROFILE
from tests.plugin.conftest import CATALOGUE_TEST, outcomes

CREDENTIAL = "woo-integration-view-only"
REASON = f"the account profile has no credential '{CREDENTIAL}'"


@pytest.fixture
def lacking(pytester: pytest.Pytester) -> Path:
    """The demo profile without the view-only role's credential, as a snapshot has it."""
    data = yaml.safe_load(DEMO_PROFILE.read_text(encoding="utf-8"))
    data["credentials"]["tba"] = [c for c in data["credentials"]["tba"] if c["name"] != CREDENTIAL]
    path = pytester.path / "mine.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_a_parametrized_scenario_is_skipped_at_collection_with_the_reason(
    pytester: pytest.Pytester, lacking: Path
) -> None:
    pytester.makepyfile(test_lacking_suite=CATALOGUE_TEST)
    result = pytester.runpytest_inprocess(
        f"--ns-account={lacking}", "-k", "role or guest-checkout", "-rs"
    )
    assert outcomes(result) == {"passed": 1, "skipped": 1}
    result.stdout.fnmatch_lines([f"SKIPPED*scenario role-without-salesorder-create: {REASON}"])
    result.stdout.no_fnmatch_line("*KeyError*")


def test_a_marked_test_is_skipped_with_the_reason(
    pytester: pytest.Pytester, lacking: Path
) -> None:
    pytester.makepyfile(
        test_lacking_marker="""
        import pytest

        @pytest.mark.scenario("role-without-salesorder-create")
        def test_role(land):
            assert land().met("permission")
        """
    )
    result = pytester.runpytest_inprocess(f"--ns-account={lacking}", "-rs")
    assert outcomes(result) == {"skipped": 1}
    result.stdout.fnmatch_lines([f"SKIPPED*credential '{CREDENTIAL}' is not in the account*"])
    result.stdout.no_fnmatch_line("*Traceback*")


def test_with_the_demo_profile_the_scenario_runs(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_lacking_suite=CATALOGUE_TEST)
    result = pytester.runpytest_inprocess("-k", "role-without")
    assert outcomes(result) == {"passed": 1}

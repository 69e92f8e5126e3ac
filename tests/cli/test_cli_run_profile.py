"""`harness run --account PROFILE` where the profile lacks a scenario's credential or role (a
snapshot of a real account holds only the credentials it made): that scenario is deselected
with the reason, never a traceback."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from harness.cli.main import main
from harness.sandbox.account import DEMO_PROFILE


def profile_without(tmp_path: Path, *, credential: str | None = None, role: str | None = None
                    ) -> Path:
    """The demo profile without one TBA credential and/or one role (by name)."""
    data = yaml.safe_load(DEMO_PROFILE.read_text(encoding="utf-8"))
    tba = data["credentials"]["tba"]
    data["credentials"]["tba"] = [c for c in tba if c["name"] != credential]
    if role is not None:
        kept = [r for r in data["roles"] if r["name"] != role]
        ids = {r["id"] for r in kept}
        data["roles"] = kept
        for kind in ("tba", "m2m"):
            data["credentials"][kind] = [c for c in data["credentials"][kind] if c["role"] in ids]
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_a_scenario_whose_credential_the_profile_lacks_is_deselected_with_the_reason(
    runner: CliRunner, tmp_path: Path
) -> None:
    profile = profile_without(tmp_path, credential="woo-integration-view-only")
    result = runner.invoke(
        main,
        ["run", "--account", str(profile), "-k", "role or guest-checkout",
         "--report-dir", str(tmp_path / "out")],
    )
    assert result.exit_code == 0, result.output
    assert (
        "deselected role-without-salesorder-create: the account profile has no credential "
        "'woo-integration-view-only'" in result.output
    )
    assert "Traceback" not in result.output and "KeyError" not in result.output
    assert "1/1 scenarios met their expectation" in result.output


def test_a_scenario_whose_role_the_profile_lacks_is_deselected_with_the_reason(
    runner: CliRunner, tmp_path: Path
) -> None:
    profile = profile_without(tmp_path, role="Woo Integration (view-only orders)")
    result = runner.invoke(
        main,
        ["run", "--account", str(profile), "-k", "role or guest-checkout",
         "--report-dir", str(tmp_path / "out")],
    )
    assert result.exit_code == 0, result.output
    assert "deselected role-without-salesorder-create: the account profile has no" in result.output
    assert "1/1 scenarios met their expectation" in result.output


def test_the_demo_profile_still_runs_the_role_scenario(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        main, ["run", "-k", "role-without", "--report-dir", str(tmp_path / "out")]
    )
    assert result.exit_code == 0, result.output
    assert "deselected" not in result.output
    assert "1/1 scenarios met their expectation" in result.output

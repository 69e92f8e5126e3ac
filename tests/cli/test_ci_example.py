"""examples/ci/harness.yml: a workflow that does what docs/cli.md says it does."""

from __future__ import annotations

import os
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from harness.cli.main import main

WORKFLOW = Path(__file__).resolve().parents[2] / "examples" / "ci" / "harness.yml"


def _workflow() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text())
    return data


def _runs(job: dict[str, Any]) -> str:
    return "\n".join(step.get("run", "") for step in job["steps"])


def test_pull_requests_replay_the_catalogue_without_credentials() -> None:
    jobs = _workflow()["jobs"]
    replay = jobs["replay"]
    assert "pull_request" in replay["if"]
    assert "harness run --target replay" in _runs(replay)
    assert "harness cassettes check" in _runs(replay)
    assert "secrets." not in yaml.safe_dump(replay)


def test_the_nightly_smoke_run_is_live_with_secrets_and_never_production() -> None:
    workflow = _workflow()
    assert workflow[True]["schedule"]  # YAML reads the `on:` key as True
    live = workflow["jobs"]["live-smoke"]
    runs = _runs(live)
    assert "harness run --target live" in runs and "harness doctor --target live" in runs
    assert "--allow-production" not in runs
    for name in ("NETSUITE_ACCOUNT", "NETSUITE_CONSUMER_KEY", "NETSUITE_CONSUMER_SECRET",
                 "NETSUITE_TOKEN_ID", "NETSUITE_TOKEN_SECRET"):
        assert live["env"][name] == "${{ secrets." + name + " }}"


def test_big_catalogues_are_sharded_over_a_matrix() -> None:
    sharded = _workflow()["jobs"]["sharded"]
    shards = sharded["strategy"]["matrix"]["shard"]
    assert shards == list(range(1, len(shards) + 1))
    assert f"--ns-shard ${{{{ matrix.shard }}}}/{len(shards)}" in _runs(sharded)


def test_the_pull_request_steps_run_green_on_the_repos_cassettes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every `harness` step of the replay job, exactly as written, in a checkout-like folder
    (the repo's cassettes, no NETSUITE_* at all)."""
    for name in [n for n in os.environ if n.startswith("NETSUITE_")]:
        monkeypatch.delenv(name)
    (tmp_path / "cassettes").symlink_to(WORKFLOW.parents[2] / "cassettes")
    monkeypatch.chdir(tmp_path)
    steps = [
        shlex.split(step["run"])
        for step in _workflow()["jobs"]["replay"]["steps"]
        if step.get("run", "").startswith("harness ")
    ]
    assert len(steps) == 2
    for argv in steps:
        result = CliRunner().invoke(main, argv[1:])
        assert result.exit_code == 0, (argv, result.output)
    assert (tmp_path / "reports" / "harness-report.json").is_file()

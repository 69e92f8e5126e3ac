"""`harness init [DIR]`: the starter project it writes, and that it runs green as written
(the CI workflow's steps, `pytest`, `harness run` through the reference connector and through
the project's own), and never overwrites a file unless forced."""

from __future__ import annotations

import ast
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from harness.catalogue.spec import catalogue_path, load_catalogue
from harness.cli.main import main
from harness.commands.init import ProjectExistsError, starter_files, write_project
from harness.mapping import load_mapping
from harness.sandbox.account import DEMO_PROFILE, load_profile

REPO = Path(__file__).resolve().parents[1]
FILES = [
    "README.md", "catalogue.yaml", "account.yaml", "mapping.yaml", "store_connector.py",
    "conftest.py", "test_orders.py", "pytest.ini", ".github/workflows/harness.yml",
]


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """A new user's shell: no NetSuite account, no catalogue of the repository's."""
    for name in list(os.environ):
        if name.startswith("NETSUITE_") or name == "HARNESS_CATALOGUE":
            monkeypatch.delenv(name)


@pytest.fixture
def project(tmp_path: Path, clean_env: None) -> Path:
    result = CliRunner().invoke(main, ["init", str(tmp_path / "my-store")])
    assert result.exit_code == 0, result.output
    return tmp_path / "my-store"


def test_it_writes_every_starter_file_and_says_what_next(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["init", str(tmp_path / "shop")])
    assert result.exit_code == 0, result.output
    for name in FILES:
        assert (tmp_path / "shop" / name).is_file(), name
        assert f"wrote {tmp_path / 'shop' / name}" in result.output
    assert "pytest" in result.output.splitlines()[-1]
    assert [f.path for f in starter_files()] == FILES


def test_the_configuration_files_load_and_are_the_demo_stores(project: Path) -> None:
    catalogue = load_catalogue(project / "catalogue.yaml")
    assert {"guest-checkout", "unknown-sku", "role-without-salesorder-create"} <= set(
        catalogue.names
    )
    demo = yaml.safe_load(catalogue_path().read_text(encoding="utf-8"))
    mine = yaml.safe_load((project / "catalogue.yaml").read_text(encoding="utf-8"))
    assert mine["store"] == demo["store"]  # the store section as the demo catalogue has it
    assert load_profile(project / "account.yaml") == load_profile(DEMO_PROFILE)
    assert load_mapping(project / "mapping.yaml") == load_mapping(None)
    for name, says in (("account.yaml", "To make it yours:"),
                       ("mapping.yaml", "make it say what your connector does"),
                       ("catalogue.yaml", "What to change:")):
        assert says in (project / name).read_text(), name


def _imported(source: str) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_the_connector_imports_nothing_of_the_harness(project: Path) -> None:
    source = (project / "store_connector.py").read_text()
    assert _imported(source) == {"__future__", "os", "typing", "requests", "requests_oauthlib"}
    assert "os.environ" in source and "NETSUITE_BASE_URL" in source
    assert "harness" not in _imported((project / "conftest.py").read_text())


def test_the_starter_python_is_lint_clean(project: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--isolated",
         "--select", "E,F,W,I,B,UP", "--line-length", "100", str(project)],
        capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_pytest_runs_green_in_the_project(project: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NETSUITE_", "PYTEST_"))}
    env["PYTHONPATH"] = str(REPO)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist"],
        cwd=project, env=env, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "7 passed" in done.stdout
    report = json.loads((project / "reports" / "pytest-report.json").read_text())  # ns_report
    verdicts = {row["scenario"]: row["verdict"] for row in report["landings"]}
    assert report["summary"]["not_met"] == 0 and len(report["landings"]) == 7
    role = verdicts["role-without-salesorder-create"]
    assert (role["outcome"], role["diagnosis"]["category"]) == ("rejected", "permission")


def _workflow(project: Path) -> dict[Any, Any]:
    data: dict[Any, Any] = yaml.safe_load(
        (project / ".github" / "workflows" / "harness.yml").read_text()
    )
    return data


def test_the_ci_workflow_runs_the_sandbox_on_pull_requests_and_the_account_at_night(
    project: Path,
) -> None:
    workflow = _workflow(project)
    assert workflow[True]["schedule"] and "pull_request" in workflow[True]
    jobs = workflow["jobs"]
    assert "secrets." not in yaml.safe_dump(jobs["sandbox"])
    live = "\n".join(step.get("run", "") for step in jobs["live"]["steps"])
    assert "pytest --ns-target=live" in live and "--allow-production" not in live
    for name in ("NETSUITE_ACCOUNT", "NETSUITE_CONSUMER_KEY", "NETSUITE_CONSUMER_SECRET",
                 "NETSUITE_TOKEN_ID", "NETSUITE_TOKEN_SECRET"):
        assert jobs["live"]["env"][name] == "${{ secrets." + name + " }}"
    installs = [s["run"] for s in jobs["sandbox"]["steps"] if "pip install" in s.get("run", "")]
    from harness import __version__

    assert installs == [f'pip install "woo-netsuite-harness=={__version__}"']


def test_the_ci_workflows_harness_steps_run_green_as_written(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    steps = [
        shlex.split(step["run"])
        for step in _workflow(project)["jobs"]["sandbox"]["steps"]
        if step.get("run", "").startswith("harness ")
    ]
    assert steps
    for argv in steps:
        result = CliRunner().invoke(main, argv[1:])
        assert result.exit_code == 0, (argv, result.output)
        assert "6/6 scenarios met their expectation" in result.output
    assert (project / "reports" / "harness-report.html").is_file()


def test_harness_run_through_the_projects_own_connector(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's `harness run --connector python:store_connector:push_order`."""
    monkeypatch.chdir(project)
    readme = (project / "README.md").read_text()
    assert "--connector python:store_connector:push_order" in readme
    imported_before = set(sys.modules)
    try:
        result = CliRunner().invoke(main, [
            "run", "--catalogue", "catalogue.yaml", "--account", "account.yaml",
            "--mapping", "mapping.yaml", "--connector", "python:store_connector:push_order",
        ])
    finally:  # the project's module, imported in this process: no other test's to find
        if "store_connector" not in imported_before:
            sys.modules.pop("store_connector", None)
    assert result.exit_code == 0, result.output
    assert "6/6 scenarios met their expectation" in result.output


def test_it_refuses_to_overwrite_with_one_line_and_exit_2(project: Path) -> None:
    conftest = project / "conftest.py"
    conftest.write_text("# mine\n")
    result = CliRunner().invoke(main, ["init", str(project)])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert "already exists" in lines[0] and "--force" in lines[0]
    assert conftest.read_text() == "# mine\n"


def test_one_existing_file_stops_every_write(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    with pytest.raises(ProjectExistsError, match=r"pytest\.ini already exists"):
        write_project(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pytest.ini"]


def test_force_replaces_the_starter_files(project: Path) -> None:
    (project / "conftest.py").write_text("# mine\n")
    result = CliRunner().invoke(main, ["init", str(project), "--force"])
    assert result.exit_code == 0, result.output
    assert "def connector" in (project / "conftest.py").read_text()


def test_a_file_in_the_way_of_the_directory_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("")
    result = CliRunner().invoke(main, ["init", str(tmp_path / "taken")])
    assert result.exit_code == 2
    assert "is a file" in result.output


def test_the_default_directory_is_the_current_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["init"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "conftest.py").is_file()
    assert result.output.splitlines()[-1].startswith("next: pytest")

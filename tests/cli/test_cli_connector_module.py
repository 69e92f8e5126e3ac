"""`harness run --connector python:module:function`: the module is found in the current
directory and in the directory of the catalogue, as a project keeps them side by side."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from harness.catalogue.spec import catalogue_path
from harness.cli.main import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "webhook_connector"
MODULE = f"import sys\nsys.path.insert(0, {str(EXAMPLE)!r})\nfrom push_once import push\n"


def _project(folder: Path, module: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{module}.py").write_text(MODULE, encoding="utf-8")
    catalogue = folder / "catalogue.yaml"
    catalogue.write_text(catalogue_path().read_text(encoding="utf-8"), encoding="utf-8")
    return catalogue


def _run(runner: CliRunner, tmp_path: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(
        main, ["run", "-k", "guest-checkout", "--report-dir", str(tmp_path / "out"), *args]
    )
    return result.exit_code, result.output


def test_a_module_in_the_current_directory(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _project(tmp_path / "shop", "shop_connector_cwd")
    monkeypatch.chdir(tmp_path / "shop")
    code, output = _run(runner, tmp_path, "--connector", "python:shop_connector_cwd:push")
    assert code == 0, output
    assert "1/1 scenarios met their expectation" in output


def test_a_module_beside_the_catalogue(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalogue = _project(tmp_path / "shop", "shop_connector_beside")
    monkeypatch.chdir(tmp_path)
    code, output = _run(
        runner, tmp_path, "--catalogue", str(catalogue),
        "--connector", "python:shop_connector_beside:push",
    )
    assert code == 0, output
    assert "1/1 scenarios met their expectation" in output


def test_a_module_found_nowhere_says_where_it_looked(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, output = _run(runner, tmp_path, "--connector", "python:no_such_shop_module:push")
    assert code == 2, output
    assert "No module named 'no_such_shop_module'" in output
    assert str(tmp_path.resolve()) in output

"""The result table: readable at 80 columns (a CI log) and with diagnoses on a wide terminal."""

from __future__ import annotations

from report_helpers import NAMES
from rich.console import Console

from harness.report.terminal import print_results
from harness.runner import ScenarioResult
from harness.woo.order import WooOrder

Run = tuple[list[ScenarioResult], dict[str, WooOrder]]


def _printed(results: list[ScenarioResult], width: int) -> str:
    console = Console(width=width, record=True, force_terminal=False, color_system=None)
    print_results(console, results, "demo")
    return console.export_text()


def test_at_80_columns_every_column_shows_and_diagnoses_follow(demo_run: Run) -> None:
    text = _printed(demo_run[0], 80)
    assert all(len(line) <= 80 for line in text.splitlines())
    header = next(line for line in text.splitlines() if "scenario" in line)
    for column in ("expected", "outcome", "met", "SO"):
        assert column in header
    assert "diagnosis" not in header
    for name in NAMES:
        assert name[:20] in text
    assert "[item-mapping] The connector could not send order" in text.replace("\n", " ")


def test_a_wide_terminal_has_a_diagnosis_column(demo_run: Run) -> None:
    text = _printed(demo_run[0], 160)
    header = next(line for line in text.splitlines() if "scenario" in line)
    assert "diagnosis" in header
    assert "✓" in text

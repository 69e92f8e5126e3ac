"""The run's result printed for a terminal or a CI log: at 80 columns every scenario name is
whole and every line fits; on a wide terminal a table with the Sales Order; a legend for
negative scenarios; URLs in diagnoses never broken."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from report_helpers import NAMES
from rich.console import Console

from harness.landing.verdict import Diagnosis
from harness.report.salesorder import sales_order_label, tran_id_from_calls
from harness.report.terminal import print_results, result_line
from harness.report.visible import terminal_console
from harness.report.wrapping import break_offsets, print_wrapped
from harness.runner import ScenarioResult
from harness.woo.order import WooOrder

Run = tuple[list[ScenarioResult], dict[str, WooOrder]]
URL = (
    "https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/record/v1/salesOrder/"
    "eid:woo-5102?expandSubResources=true"
)


def _printed(results: list[ScenarioResult], width: int) -> str:
    console = Console(width=width, record=True, force_terminal=False, color_system=None)
    print_results(console, results, "demo")
    return console.export_text()


def _with_url(results: list[ScenarioResult]) -> list[ScenarioResult]:
    """The run, with a diagnosis whose summary holds a URL longer than a CI log's line."""
    first = results[1]
    diagnosis = Diagnosis(
        "item-mapping", f"NetSuite refused PUT {URL} with 400 and a long explanation", "fix it"
    )
    return [replace(first, verdict=replace(first.verdict, diagnosis=diagnosis)), *results[2:]]


@pytest.mark.parametrize("width", [80, 120])
def test_every_name_is_whole_and_every_line_fits(demo_run: Run, width: int) -> None:
    text = _printed(demo_run[0], width)
    lines = text.splitlines()
    assert all(len(line) <= width for line in lines), [ln for ln in lines if len(ln) > width]
    for name in NAMES:
        assert any(name in line for line in lines), name
    assert "…" not in text


def test_at_80_columns_a_line_per_scenario_with_its_diagnosis_under_it(demo_run: Run) -> None:
    lines = _printed(demo_run[0], 80).splitlines()
    unknown = next(i for i, line in enumerate(lines) if line.startswith("✓ unknown-sku:"))
    assert lines[unknown] == "✓ unknown-sku: rejected [item-mapping], as expected"
    assert lines[unknown + 1].startswith("    The connector could not send order")
    landed = next(line for line in lines if line.startswith("✓ new-customer:"))
    assert landed == "✓ new-customer: landed · Sales Order SO1001 (id 1)"
    assert "┃" not in "".join(lines)  # no table that would be cut


def test_at_120_columns_a_table_with_the_sales_order_column(demo_run: Run) -> None:
    lines = _printed(demo_run[0], 120).splitlines()
    header = next(line for line in lines if "scenario" in line and "┃" in line)
    for column in ("expected", "outcome", "met", "Sales Order"):
        assert column in header
    row = next(line for line in lines if "│ new-customer " in line)
    assert "SO1001 (id 1)" in row and row.rstrip().endswith("│")  # the right border is there
    rejected = next(line for line in lines if "│ unknown-sku " in line)
    assert "│ none " in rejected
    assert any(line.startswith("✓ unknown-sku [item-mapping] The connector") for line in lines)


def test_the_legend_says_what_rejected_beside_a_check_means(demo_run: Run) -> None:
    flat = " ".join(_printed(demo_run[0], 80).split())
    assert "✓ met its expectation ✗ did not" in flat
    assert "negative scenario" in flat and "rejected as expected" in flat
    landed_only = [result for result in demo_run[0] if result.expected == "landed"]
    assert "negative scenario" not in _printed(landed_only, 80)


def test_a_missed_expectation_says_what_was_expected(demo_run: Run) -> None:
    first = demo_run[0][0]
    missed = replace(first, expected="tax")
    shown = Console(width=200, record=True, color_system=None)
    shown.print(result_line(missed))
    assert shown.export_text().strip() == (
        "✗ new-customer: landed, expected tax · Sales Order SO1001 (id 1)"
    )


@pytest.mark.parametrize("width", [80, 120])
def test_a_url_in_a_diagnosis_is_never_broken(demo_run: Run, width: int) -> None:
    text = _printed(_with_url(demo_run[0]), width)
    assert URL in text.splitlines()[next(
        i for i, line in enumerate(text.splitlines()) if URL[:30] in line
    )]
    for line in text.splitlines():
        if URL not in line:
            assert len(line) <= width, line


def test_a_word_longer_than_the_line_gets_a_line_of_its_own() -> None:
    text = "see " + URL + " now"
    assert break_offsets(text, 40, 36) == [4, 4 + len(URL) + 1]
    console = terminal_console(width=40, record=True, color_system=None)
    print_wrapped(console, text, indent="  ", hang="    ")
    assert console.export_text().splitlines() == ["  see", f"    {URL}", "    now"]


def test_continuation_lines_keep_their_indentation() -> None:
    console = terminal_console(width=30, record=True, color_system=None)
    print_wrapped(console, "one two three four five six seven eight nine", indent="  ", hang="    ")
    lines = console.export_text().splitlines()
    assert lines[0].startswith("  one") and all(line.startswith("    ") for line in lines[1:])
    assert all(len(line) <= 30 for line in lines)


def test_the_sales_order_is_named_by_number_and_id(demo_run: Run) -> None:
    landed = demo_run[0][0]
    assert sales_order_label(landed) == "SO1001 (id 1)"
    assert sales_order_label(demo_run[0][1]) == "none"
    # Without the read-back in the calls, the internal id alone.
    assert sales_order_label(replace(landed, calls=())) == "id 1"


def test_the_tran_id_is_read_from_a_truncated_body_too() -> None:
    calls = [
        {"method": "GET", "path": "/services/rest/record/v1/salesOrder/7", "status": 200,
         "response_body": '{"id": "7", "tranId": "SO2040", "item": {"items": [{"am'},
        {"method": "GET", "path": "/services/rest/record/v1/salesOrder/8", "status": 200,
         "response_body": '{"id": "8", "tranId": "SO9"}'},
        {"method": "GET", "path": "/services/rest/record/v1/salesOrder/7", "status": 404,
         "response_body": '{"tranId": "WRONG"}'},
    ]
    assert tran_id_from_calls(calls, "7") == "SO2040"
    assert tran_id_from_calls(calls, "9") is None


def test_land_and_explain_at_80_columns_keep_urls_whole(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from harness.cli.main import main

    log = tmp_path / "connector.log"
    log.write_text(
        f"2024-06-02 10:00:03 ERROR PUT {URL} failed: Please enter value(s) for: Department\n"
    )
    result = CliRunner().invoke(main, ["explain", str(log)], env={"COLUMNS": "80"})
    lines = result.output.splitlines()
    assert any(line.strip() == URL for line in lines), result.output
    assert all(len(line) <= 80 for line in lines if URL not in line and str(log) not in line)
    # Continuation lines keep their indentation: nothing falls back to column 0.
    body = lines[1:]
    assert all(line.startswith(("line ", "  ")) for line in body), result.output

"""Text from an order, a connector or NetSuite reaches the terminal shown, never executed.

A SKU `ESC[2J ESC[31m` would clear the screen and turn it red; a SKU `[red]` would be read as
rich markup; `:warning:` as an emoji code. Every printer (the run table, a verdict, the pytest
sections and summary, the CLI's errors and JSON) shows them as text.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from harness.cli.errors import reported
from harness.cli.main import main
from harness.landing.verdict import Diagnosis, Mismatch, Verdict
from harness.pytest_support.results import LandingRecord, RunResults, summary_lines
from harness.pytest_support.verdict_text import explain_comparison, verdict_text
from harness.report.terminal import print_results
from harness.report.text import print_verdict
from harness.report.visible import json_text, markup, terminal_console, visible
from harness.runner import ScenarioResult
from harness.yamlfile import ConfigFileError

ESC = "\x1b"
# Clear the screen, turn red, plant a hyperlink, overwrite the line, reverse what follows;
# then rich markup and an emoji code.
HOSTILE = "\x1b[2J\x1b[31m\x1b]8;;http://evil.example\x07x\r\u202e\x9b1m[red]EVIL[/red]:warning:"
SHOWN = "\\x1b[2J\\x1b[31m\\x1b]8;;http://evil.example\\x07x\\r\\u202e\\x9b1m[red]EVIL[/red]:warning:"
CLI_DATA = Path(__file__).resolve().parents[1] / "cli" / "data"


def _no_control(text: str) -> None:
    """Nothing a terminal would act on: no ESC, BEL, CR, C1 control or bidi override."""
    for char in (ESC, "\x07", "\r", "\x9b", "\u202e"):
        assert char not in text, f"{char!r} reached the output: {text!r}"


def _printed(print_it: object, width: int = 200) -> str:
    out = io.StringIO()
    console = terminal_console(file=out, width=width, force_terminal=False, color_system=None)
    print_it(console)  # type: ignore[operator]
    return out.getvalue()


def _hostile_verdict() -> Verdict:
    return Verdict(
        order=f"5102{HOSTILE}",
        outcome="rejected",
        scenario=f"sku{HOSTILE}",
        sales_order_id=f"77{HOSTILE}",
        mismatches=(Mismatch("item", f"KAYAK{HOSTILE}", "BEANIE"),),
        diagnosis=Diagnosis(
            "item-mapping",
            f"SKU KAYAK{HOSTILE} has no NetSuite item",
            f"Create item KAYAK{HOSTILE}",
            (f"POST /salesOrder -> 400 {HOSTILE}",),
        ),
    )


# -- the one function --------------------------------------------------------------------------


def test_control_characters_are_shown_as_their_escape_text() -> None:
    assert visible(HOSTILE) == SHOWN
    assert visible("a\x00b\x7fc\u2028d\u2066e") == "a\\x00b\\x7fc\\u2028d\\u2066e"


def test_one_value_shows_its_newlines_a_message_keeps_them() -> None:
    assert visible("line 1\nline 2\tx") == "line 1\\nline 2\\tx"
    assert visible("line 1\nline 2\tx\x1b", lines=True) == "line 1\nline 2\tx\\x1b"


def test_printable_text_is_untouched() -> None:
    text = "Crème brûlée ×2 — 東京 ✓ C:\\path [not markup] 100%"
    assert visible(text) == text


def test_json_for_the_terminal_is_the_same_json_without_raw_controls() -> None:
    document = {"sku": HOSTILE, "name": "Crème"}
    text = json_text(document)
    _no_control(text)
    assert json.loads(text) == document
    assert "Crème" in text  # non-ASCII text stays readable


# -- rich: markup, emoji and a string nobody escaped ---------------------------------------------


def test_markup_in_a_value_is_shown_not_applied() -> None:
    printed = _printed(lambda console: console.print(f"[bold]sku:[/bold] {markup(HOSTILE)}"))
    _no_control(printed)
    assert "sku: " + SHOWN in printed


def test_the_console_shows_controls_even_in_a_string_nobody_escaped() -> None:
    printed = _printed(lambda console: console.print(f"sku: {HOSTILE}", markup=False))
    _no_control(printed)
    assert ":warning:" in printed  # no emoji substitution either


def test_the_run_table_shows_hostile_names_and_diagnoses(tmp_path: Path) -> None:
    result = ScenarioResult(f"sku{HOSTILE}", "landed", _hostile_verdict(), 0.1)
    for width in (200, 80):  # the diagnosis in a column, and under the table
        printed = _printed(lambda console: print_results(console, [result], "t"), width)
        _no_control(printed)
        assert "\\x1b[2J" in printed
        assert "[red]EVIL" in printed.replace("\n", "")


def test_a_verdict_shows_hostile_order_diagnosis_evidence_and_diff() -> None:
    printed = _printed(lambda console: print_verdict(console, _hostile_verdict()))
    _no_control(printed)
    flat = printed.replace("\n", "")
    assert f"SKU KAYAK{SHOWN} has no NetSuite item" in flat
    assert "[red]EVIL[/red]:warning:" in flat
    assert "expected vs actual" in printed


# -- pytest: the failing test's sections, assertion explanations and the summary ---------------


def test_the_pytest_verdict_section_shows_controls() -> None:
    text = verdict_text(_hostile_verdict(), "landed")
    _no_control(text)
    assert f"diagnosis: item-mapping: SKU KAYAK{SHOWN} has no NetSuite item" in text
    assert f"  POST /salesOrder -> 400 {SHOWN}" in text.splitlines()
    lines = explain_comparison("==", _hostile_verdict(), None)
    assert lines is not None
    _no_control("\n".join(lines))


def test_the_pytest_summary_shows_controls() -> None:
    verdict = _hostile_verdict()
    results = RunResults(
        landings=[
            LandingRecord(
                "t.py::test", verdict.scenario, "landed", False, 0.1, verdict.to_json()
            )
        ],
        leftover_records=[f"salesOrder 7{HOSTILE}"],
    )
    text = "\n".join(summary_lines(results))
    _no_control(text)
    assert "\\x1b[2J" in text


def test_a_pytest_run_landing_a_hostile_order_prints_no_control_character(
    pytester: pytest.Pytester,
) -> None:
    order = json.loads((CLI_DATA / "order-unknown-sku.json").read_text(encoding="utf-8"))
    _make_hostile(order)
    (pytester.path / "order.json").write_text(json.dumps(order), encoding="utf-8")
    pytester.makepyfile(
        """
        import json, pathlib
        from harness.woo.order import WooOrder

        def test_hostile(land):
            order = WooOrder.model_validate(json.loads(pathlib.Path("order.json").read_text()))
            verdict = land(order)
            assert verdict.outcome == "landed"
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    output = result.stdout.str() + result.stderr.str()
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    _no_control(output)
    assert "KAYAK\\x1b[2J\\x1b[31m" in output


# -- the CLI: a verdict, its JSON, an error ------------------------------------------------------


def _make_hostile(order: dict[str, object]) -> None:
    """The order's unknown SKU, its name, a customer's name and the note, made hostile."""
    for line in order["line_items"]:  # type: ignore[attr-defined]
        if line["sku"] == "KAYAK-RED":
            line["sku"] = f"KAYAK{HOSTILE}"
            line["name"] = f"Kayak{HOSTILE}"
    order["customer_note"] = f"leave at door{HOSTILE}"
    order["billing"]["first_name"] = f"Jane{HOSTILE}"  # type: ignore[index]


@pytest.fixture
def hostile_order(tmp_path: Path) -> Path:
    order = json.loads((CLI_DATA / "order-unknown-sku.json").read_text(encoding="utf-8"))
    _make_hostile(order)
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(order), encoding="utf-8")
    return path


def test_harness_land_shows_a_hostile_sku_as_text(hostile_order: Path) -> None:
    result = CliRunner().invoke(main, ["land", str(hostile_order)])
    assert result.exit_code == 1, result.output
    _no_control(result.output)
    flat = result.output.replace("\n", "")
    assert f"KAYAK{SHOWN}" in flat
    assert "[red]EVIL[/red]" in flat


def test_harness_land_json_escapes_a_hostile_sku(hostile_order: Path) -> None:
    result = CliRunner().invoke(main, ["land", "--json", str(hostile_order)])
    assert result.exit_code == 1, result.output
    _no_control(result.output)
    assert f"KAYAK{HOSTILE}" in json.loads(result.output)["diagnosis"]["summary"]


def test_an_error_message_shows_controls() -> None:
    with pytest.raises(click.ClickException) as raised, reported():
        raise ConfigFileError([f"mapping.yaml:3: unknown SKU {HOSTILE}"])
    _no_control(raised.value.format_message())
    assert SHOWN in raised.value.format_message()

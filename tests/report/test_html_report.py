"""The HTML report: self-contained, a row per scenario, details per scenario, escaped."""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

from report_helpers import NAMES, with_hostile_name

from harness.report.html import outcome_bars, render_html, write_html
from harness.runner import ScenarioResult
from harness.woo.order import WooOrder

Run = tuple[list[ScenarioResult], dict[str, WooOrder]]


class _Collector(HTMLParser):
    """Tags, attributes and script bodies of a document, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def _parse(text: str) -> _Collector:
    collector = _Collector()
    collector.feed(text)
    return collector


def test_one_row_and_one_detail_section_per_scenario(demo_run: Run) -> None:
    results, orders = demo_run
    page = render_html(results, target="sim", seed=0, orders=orders)
    rows = re.findall(r'<tr class="(met|missed)" data-met', page)
    assert len(rows) == len(NAMES)
    for name in NAMES:
        assert f'id="s-{name}"' in page
        assert f'href="#s-{name}"' in page


def test_details_show_order_diagnosis_and_call_timeline(demo_run: Run) -> None:
    results, orders = demo_run
    page = render_html(results, target="sim", seed=0, orders=orders)
    unknown = page.split('id="s-unknown-sku"', 1)[1].split("</details>", 1)[0]
    assert "HOODIE-PNK-XL" in unknown  # the order's line
    assert "item-mapping" in unknown and "Fix:" in unknown  # the diagnosis
    permission = page.split('id="s-role-without-salesorder-create"', 1)[1].split("</details>")[0]
    assert "/services/rest/record/v1/salesOrder" in permission  # a timeline row
    assert "403" in permission
    assert 'class="lane"' in permission


def test_mismatches_appear_as_an_expected_vs_actual_table(demo_run: Run) -> None:
    from harness.landing.verdict import Mismatch

    results, orders = demo_run
    wrong = replace(
        results[0],
        verdict=replace(
            results[0].verdict,
            outcome="landed-wrong",
            mismatches=(Mismatch("shippingCost", "8.00", "9.95"),),
        ),
    )
    page = render_html([wrong], target="sim", orders=orders)
    assert re.search(r"<td[^>]*>shippingCost</td><td>8\.00</td><td>9\.95</td>", page)


def test_the_chart_counts_outcomes_by_category(demo_run: Run) -> None:
    results, _ = demo_run
    bars = {bar.label: (bar.met, bar.missed, bar.negative) for bar in outcome_bars(results)}
    assert bars == {
        "landed": (1, 0, False),
        "item-mapping": (1, 0, True),
        "permission": (1, 0, True),
        "sync-rule": (1, 0, True),
    }
    page = render_html(results, target="sim")
    assert "<svg" in page and "Outcomes by category" in page


def _missing_two(results: list[ScenarioResult]) -> list[ScenarioResult]:
    """The demo run, but the last two scenarios expected something else than they got."""
    return [
        *results[:2],
        *(replace(result, expected="tax") for result in results[2:]),
    ]


def test_the_chart_colours_say_landed_failed_as_expected_or_not_met(demo_run: Run) -> None:
    from harness.report.svg import EXPECTED_FAILURE_COLOUR, LANDED_COLOUR, MISSED_COLOUR

    page = render_html(_missing_two(demo_run[0]), target="sim")
    chart = page.split("<svg", 1)[1].split("</svg>", 1)[0]
    fills = dict(re.findall(r'fill="(#[0-9a-f]+)" data-kind="([a-z-]+)"', chart))
    assert fills == {
        LANDED_COLOUR: "landed", EXPECTED_FAILURE_COLOUR: "expected-failure",
        MISSED_COLOUR: "missed",
    }
    # The item-mapping bar (unknown-sku failed as expected) is not green.
    item_mapping = chart.split(">item-mapping</text>", 1)[1].split("</rect>", 2)[0]
    assert EXPECTED_FAILURE_COLOUR in item_mapping and LANDED_COLOUR not in item_mapping
    legend = page.split('<ul class="legend chart-legend">', 1)[1].split("</ul>", 1)[0]
    for colour in (LANDED_COLOUR, EXPECTED_FAILURE_COLOUR, MISSED_COLOUR):
        assert f"background:{colour}" in legend
    assert "failed as expected (negative scenario)" in legend and "not met" in legend


def test_scenarios_that_missed_come_first_in_table_and_details(demo_run: Run) -> None:
    results = _missing_two(demo_run[0])
    page = render_html(results, target="sim")
    rows = re.findall(r'<tr class="(met|missed)" data-met="(?:yes|no)"><td><a href="#s-([^"]+)"',
                      page)
    assert rows == [
        ("missed", NAMES[2]), ("missed", NAMES[3]), ("met", NAMES[0]), ("met", NAMES[1])
    ]
    details = re.findall(r'<details class="scenario (met|missed)" id="s-([^"]+)"', page)
    assert details == rows
    assert "the 2 not met are listed first" in page


def test_the_sales_order_cell_names_number_and_id_or_none(demo_run: Run) -> None:
    page = render_html(demo_run[0], target="sim")
    row = page.split('href="#s-new-customer"', 1)[1].split("</tr>", 1)[0]
    assert '<td class="so">SO1001 <span class="id">id 1</span></td>' in row
    rejected = page.split('href="#s-unknown-sku"', 1)[1].split("</tr>", 1)[0]
    assert '<td class="so none">none</td>' in rejected


def test_a_negative_scenario_s_outcome_is_not_painted_as_a_failure(demo_run: Run) -> None:
    page = render_html(_missing_two(demo_run[0]), target="sim")
    rejected = page.split('href="#s-unknown-sku"', 1)[1].split("</tr>", 1)[0]
    assert 'class="badge outcome expected-failure" title="rejected, as expected"' in rejected
    missed = page.split(f'href="#s-{NAMES[2]}"', 1)[1].split("</tr>", 1)[0]
    assert 'class="badge outcome missed"' in missed
    assert "a negative scenario that failed as expected" in page


def test_the_header_names_connector_target_and_account(demo_run: Run) -> None:
    page = render_html(
        demo_run[0], target="replay", connector="webhook:http://127.0.0.1:9000/hook",
        account="1234567_SB1", seed=3,
    )
    header = page.split("<header>", 1)[1].split("</header>", 1)[0]
    assert (
        '<div class="about">connector webhook:http://127.0.0.1:9000/hook · target replay · '
        "account 1234567_SB1 · seed 3</div>"
    ) in header


def test_the_file_needs_no_network(demo_run: Run, tmp_path: Path) -> None:
    results, orders = demo_run
    path = write_html(results, tmp_path / "report.html", target="sim", seed=0, orders=orders)
    page = path.read_text(encoding="utf-8")
    parsed = _parse(page)
    for tag, attrs in parsed.tags:
        assert not (tag in ("script", "img", "iframe") and attrs.get("src")), (tag, attrs)
        assert not (tag == "link" and attrs.get("href")), attrs
    assert "@import" not in page and "url(" not in page


def test_order_values_are_escaped_never_markup(demo_run: Run) -> None:
    results, orders = demo_run
    hostile = {name: with_hostile_name(order) for name, order in orders.items()}
    page = render_html(results, target="sim", orders=hostile)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;pwned&#x27;)&lt;/script&gt;" in page
    parsed = _parse(page)
    assert [tag for tag, _ in parsed.tags].count("script") == 1  # the report's own
    assert not any(tag == "img" for tag, _ in parsed.tags)
    assert all("alert" not in script for script in parsed.scripts)


def test_scenario_names_from_a_catalogue_are_escaped_too(demo_run: Run) -> None:
    results, _ = demo_run
    odd = replace(results[0], scenario='x"><b>bold</b>')
    page = render_html([odd], target="sim")
    assert "<b>bold</b>" not in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page

"""The HTML report in a real headless Chromium: it renders a row per scenario, no order text
runs as script, and its layout holds (rows of one height, the Sales Order on its row's
baseline, the legends shown, scenarios that missed first). Skipped where Debian's
`chromium` is not installed, except in CI (`.ci/run` installs it and sets
HARNESS_REQUIRE_BROWSER, so a failed install cannot hide)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from report_helpers import NAMES, with_hostile_name

from harness.report.html import write_html
from harness.runner import ScenarioResult
from harness.woo.order import WooOrder

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists() and os.environ.get("HARNESS_REQUIRE_BROWSER"):
    raise RuntimeError("HARNESS_REQUIRE_BROWSER is set and /usr/bin/chromium is absent")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is absent")
Run = tuple[list[ScenarioResult], dict[str, WooOrder]]


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}", *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)


@pytest.fixture
def report(demo_run: Run, tmp_path: Path) -> Path:
    results, orders = demo_run
    hostile = {name: with_hostile_name(order) for name, order in orders.items()}
    return write_html(results, tmp_path / "report.html", target="sim", seed=0, orders=hostile)


def test_the_page_renders_a_row_per_scenario(report: Path, tmp_path: Path) -> None:
    done = _chromium(tmp_path, "--dump-dom", report.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    assert len(re.findall(r'<tr class="(?:met|missed)" data-met', dom)) == len(NAMES)
    # The hostile name is text in the rendered DOM, not an element the browser made.
    assert "&lt;script&gt;alert" in dom
    assert "<img src=\"x\"" not in dom


def test_a_screenshot_is_produced(report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    done = _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,2000", report.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 20_000  # a rendered page, not a blank canvas


# Measures the rendered page and writes what it found into the DOM, which --dump-dom prints.
_MEASURE = """<script>
(function () {
  function textBox(node) {
    if (!node) { return null; }
    var range = document.createRange();
    range.selectNodeContents(node);
    var rect = range.getBoundingClientRect();
    return {top: rect.top, bottom: rect.bottom};
  }
  function firstText(cell) {
    var walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    return walker.nextNode();
  }
  var rows = Array.prototype.map.call(
    document.querySelectorAll("table.results tbody tr"), function (row) {
      var name = row.cells[0], so = row.querySelector("td.so");
      return {
        met: row.getAttribute("data-met"),
        height: row.getBoundingClientRect().height,
        name: textBox(firstText(name)),
        so: textBox(firstText(so)),
        nameFont: getComputedStyle(name.querySelector("a")).fontSize,
        soFont: getComputedStyle(so).fontSize
      };
    });
  function legend(selector) {
    var element = document.querySelector(selector);
    if (!element) { return null; }
    var rect = element.getBoundingClientRect();
    return {
      height: rect.height,
      text: element.textContent,
      swatches: Array.prototype.map.call(element.querySelectorAll(".swatch"), function (s) {
        return getComputedStyle(s).backgroundColor;
      })
    };
  }
  var bars = Array.prototype.map.call(
    document.querySelectorAll("svg.chart rect[data-kind]"), function (rect) {
      return [rect.getAttribute("data-kind"), getComputedStyle(rect).fill];
    });
  var out = document.createElement("pre");
  out.id = "layout";
  out.textContent = JSON.stringify({
    rows: rows, chartLegend: legend(".chart-legend"), resultsLegend: legend(".results-legend"),
    bars: bars
  });
  document.body.appendChild(out);
})();
</script>"""


def _layout(report: Path, tmp_path: Path) -> dict[str, object]:
    measured = tmp_path / "measured.html"
    page = report.read_text(encoding="utf-8")
    measured.write_text(page.replace("</body>", _MEASURE + "</body>"), encoding="utf-8")
    done = _chromium(tmp_path, "--window-size=1280,2000", "--dump-dom", measured.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    found = re.search(r'<pre id="layout">(.*?)</pre>', done.stdout, re.S)
    assert found, done.stdout[-2000:]
    text = found.group(1).replace("&quot;", '"').replace("&gt;", ">").replace("&lt;", "<")
    return json.loads(text.replace("&amp;", "&"))  # type: ignore[no-any-return]


def test_the_layout_holds_in_a_browser(demo_run: Run, tmp_path: Path) -> None:
    results, orders = demo_run
    # Two scenarios that missed (expected tax), run last: the report must show them first.
    mixed = [*results[:2], *(replace(result, expected="tax") for result in results[2:])]
    report = write_html(
        mixed, tmp_path / "report.html", target="sim", seed=0, orders=orders,
        account="1234567_SB1",
    )
    layout = _layout(report, tmp_path)
    rows = layout["rows"]
    assert isinstance(rows, list) and len(rows) == len(NAMES)
    assert [row["met"] for row in rows] == ["no", "no", "yes", "yes"]  # not met first
    heights = {round(row["height"]) for row in rows}
    assert len(heights) == 1, rows  # one height, however long the diagnosis
    for row in rows:
        assert row["soFont"] == row["nameFont"], row  # not drawn smaller than its row
        assert abs(row["so"]["bottom"] - row["name"]["bottom"]) <= 1, row  # nor higher
    for key in ("chartLegend", "resultsLegend"):
        legend = layout[key]
        assert isinstance(legend, dict) and legend["height"] > 0, key
    chart_legend = layout["chartLegend"]
    assert isinstance(chart_legend, dict)
    assert "failed as expected" in chart_legend["text"] and "not met" in chart_legend["text"]
    # The legend's swatches are the colours the bars are drawn in, one per kind.
    bars = dict(layout["bars"])  # type: ignore[call-overload]
    assert set(bars) == {"landed", "expected-failure", "missed"}
    assert sorted(chart_legend["swatches"]) == sorted(bars.values())

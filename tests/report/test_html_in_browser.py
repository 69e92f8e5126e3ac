"""The HTML report in a real headless Chromium: it renders a row per scenario, and no order
text runs as script. Skipped where Debian's `chromium` is not installed, except in CI
(`.ci/run` installs it and sets HARNESS_REQUIRE_BROWSER, so a failed install cannot hide)."""

from __future__ import annotations

import os
import re
import subprocess
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

"""The outcome chart of the HTML report: inline SVG, so the file needs nothing from a network.

A bar per category, coloured by what happened against what was expected: green for orders
that landed as expected, slate for orders that failed in the way a negative scenario expects,
red for every scenario that missed its expectation. The legend (HTML) names the three.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class Bar:
    """One category: how many scenarios ended in it and met, or missed, their expectation.

    `negative`: the ones that met it are negative scenarios (they failed as expected)."""

    label: str
    met: int
    missed: int
    negative: bool = False

    @property
    def total(self) -> int:
        return self.met + self.missed

    @property
    def met_colour(self) -> str:
        return EXPECTED_FAILURE_COLOUR if self.negative else LANDED_COLOUR


LANDED_COLOUR = "#2e9e5b"
EXPECTED_FAILURE_COLOUR = "#5b6b8c"
MISSED_COLOUR = "#d64545"
LEGEND = (
    (LANDED_COLOUR, "landed", "landed, as expected"),
    (EXPECTED_FAILURE_COLOUR, "expected-failure", "failed as expected (negative scenario)"),
    (MISSED_COLOUR, "missed", "not met"),
)
_ROW = 26
_LABEL_WIDTH = 150
_BAR_WIDTH = 420
_COUNT_WIDTH = 70


def bar_chart(bars: Sequence[Bar], *, title: str) -> str:
    """A horizontal stacked bar per category (met, then missed), with counts."""
    largest = max((bar.total for bar in bars), default=0) or 1
    height = _ROW * max(1, len(bars)) + 8
    width = _LABEL_WIDTH + _BAR_WIDTH + _COUNT_WIDTH
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
        f"<title>{escape(title)}</title>",
    ]
    for index, bar in enumerate(bars):
        y = 4 + index * _ROW
        met_w = round(_BAR_WIDTH * bar.met / largest, 1)
        missed_w = round(_BAR_WIDTH * bar.missed / largest, 1)
        label = escape(bar.label)
        parts.append(
            f'<text x="{_LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end" '
            f'class="chart-label">{label}</text>'
        )
        parts.append(
            f'<rect x="{_LABEL_WIDTH}" y="{y + 3}" width="{_BAR_WIDTH}" height="16" rx="3" '
            'class="chart-track"/>'
        )
        if met_w:
            kind = "expected-failure" if bar.negative else "landed"
            said = "failed as expected" if bar.negative else "met"
            parts.append(
                f'<rect x="{_LABEL_WIDTH}" y="{y + 3}" width="{met_w}" height="16" rx="3" '
                f'fill="{bar.met_colour}" data-kind="{kind}">'
                f"<title>{label}: {bar.met} {said}</title></rect>"
            )
        if missed_w:
            parts.append(
                f'<rect x="{_LABEL_WIDTH + met_w}" y="{y + 3}" width="{missed_w}" height="16" '
                f'rx="3" fill="{MISSED_COLOUR}" data-kind="missed">'
                f"<title>{label}: {bar.missed} not met</title></rect>"
            )
        count = f"{bar.total}" + (f" ({bar.missed} ✗)" if bar.missed else "")
        parts.append(
            f'<text x="{_LABEL_WIDTH + max(met_w + missed_w, 0) + 6}" y="{y + 15}" '
            f'class="chart-count">{escape(count)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def chart_legend() -> str:
    """What each colour of the chart means (HTML, a swatch and words per colour)."""
    items = "".join(
        f'<li data-kind="{kind}"><i class="swatch" style="background:{colour}"></i>'
        f"{escape(words)}</li>"
        for colour, kind, words in LEGEND
    )
    return f'<ul class="legend chart-legend">{items}</ul>'

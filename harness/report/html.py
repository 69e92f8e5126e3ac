"""The HTML report: one self-contained file people would rather look at than read.

A header naming the connector tested, the target and the account; a summary with a chart of
outcomes by category (coloured by landed, failed as expected, not met, with a legend); a row
per scenario, those that missed their expectation first; and per scenario the order (key
fields), the expected-vs-actual diff, the diagnosis and the timeline of its API calls.
Everything is inline (CSS, a few lines of JS, SVG) so the file opens anywhere, offline, and can
be attached to a CI run. Every value that came from an order or from NetSuite is escaped: a
customer named `<script>` is text here, never markup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from html import escape
from pathlib import Path
from typing import Any

from harness import __version__
from harness.landing.verdict import Mismatch
from harness.netsuite.redact import Redactor
from harness.report.salesorder import sales_order_of
from harness.report.svg import Bar, bar_chart, chart_legend
from harness.runner import ScenarioResult
from harness.woo.order import WooOrder

_STYLE = """
:root{--ok:#2e9e5b;--bad:#d64545;--ink:#1d2330;--mute:#667085;--line:#e4e7ec;--bg:#f6f7f9;
--card:#fff;--accent:#3056d3}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
color:var(--ink);background:var(--bg)}
header{background:#1d2330;color:#fff;padding:22px 32px}
header h1{margin:0 0 4px;font-size:22px;font-weight:600}
header .meta{color:#c0c6d4;font-size:13px}
header .about{margin:8px 0 4px;font-size:15px;overflow-wrap:anywhere}
main{max-width:1180px;margin:0 auto;padding:24px 32px 48px}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:18px 20px;
margin-bottom:20px;box-shadow:0 1px 2px rgba(16,24,40,.04)}
.summary{display:flex;gap:28px;align-items:center;flex-wrap:wrap}
.tiles{display:flex;gap:14px}
.tile{min-width:120px;padding:12px 16px;border-radius:8px;background:var(--bg)}
.tile b{display:block;font-size:28px;line-height:1.1}
.tile.ok b{color:var(--ok)}.tile.bad b{color:var(--bad)}
.tile span{color:var(--mute);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.chart-label{font-size:12px;fill:#344054}.chart-count{font-size:12px;fill:#667085}
.chart-track{fill:#f0f2f5}
h2{font-size:16px;margin:0 0 12px}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:7px 10px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:12px;color:var(--mute);font-weight:600;text-transform:uppercase;
letter-spacing:.03em;white-space:nowrap}
table.results td{white-space:nowrap;vertical-align:middle}
table.results td.why{width:100%;max-width:0}
table.results td.why .clip{overflow:hidden;text-overflow:ellipsis}
tr.missed td{background:#fff5f5}
td.so .id{color:var(--mute)}td.so.none{color:var(--mute)}
.legend{display:flex;flex-wrap:wrap;gap:4px 18px;margin:6px 0 10px;padding:0;list-style:none;
color:#475467;font-size:13px}
.legend li{display:flex;align-items:center;gap:6px}
.swatch{display:inline-block;width:12px;height:12px;border-radius:3px}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:1px 8px;border-radius:999px;font-size:12px;
background:#eef2ff;color:#3538cd;white-space:nowrap}
.badge.outcome.met{background:#e7f6ee;color:#1b7a45}
.badge.outcome.expected-failure{background:#e9ecf3;color:#3e4a66}
.badge.outcome.missed{background:#fdecec;color:#b42318}
.mark{font-weight:700}.mark.ok{color:var(--ok)}.mark.bad{color:var(--bad)}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
.toolbar{display:flex;gap:10px;align-items:center;margin-bottom:10px;color:var(--mute)}
button{font:inherit;border:1px solid var(--line);background:#fff;border-radius:6px;
padding:4px 10px;cursor:pointer}
details.scenario{background:var(--card);border:1px solid var(--line);border-radius:10px;
margin-bottom:12px}
details.scenario>summary{padding:12px 16px;cursor:pointer;display:flex;gap:10px;
align-items:center;list-style:none}
details.scenario>summary::-webkit-details-marker{display:none}
details.scenario>summary::before{content:"▸";color:var(--mute)}
details.scenario[open]>summary::before{content:"▾"}
details.scenario.missed{border-left:4px solid var(--bad)}
details.scenario.met{border-left:4px solid var(--ok)}
.body{padding:4px 18px 16px;display:grid;grid-template-columns:1fr 1fr;gap:16px}
.body>section{min-width:0}.wide{grid-column:1/-1}
h3{font-size:13px;margin:10px 0 6px;color:#344054}
dl{display:grid;grid-template-columns:max-content 1fr;gap:3px 12px;margin:0}
dt{color:var(--mute)}dd{margin:0;overflow-wrap:anywhere}
.diag{border-radius:8px;background:#fff8f0;border:1px solid #fde3c3;padding:10px 12px}
.diag .summary-text{font-weight:600}
.diag .hint{margin-top:6px}
ul.evidence{margin:8px 0 0;padding-left:18px;font:12px/1.5 ui-monospace,Menlo,monospace;
color:#475467}
code,.mono{font:12px ui-monospace,Menlo,Consolas,monospace}
.timeline td{padding:4px 8px}
.lane{position:relative;height:12px;background:#f0f2f5;border-radius:3px;min-width:160px}
.lane i{position:absolute;top:0;bottom:0;border-radius:3px;background:var(--accent)}
.lane i.err{background:var(--bad)}
.status-err{color:var(--bad);font-weight:600}
.empty{color:var(--mute)}
footer{color:var(--mute);font-size:12px;text-align:center;padding:12px}
@media print{details.scenario{break-inside:avoid}}
"""

_SCRIPT = """
function setAll(open){document.querySelectorAll('details.scenario').forEach(function(d){
d.open=open;});}
function onlyMissed(on){document.querySelectorAll('[data-met]').forEach(function(el){
el.style.display=(on&&el.getAttribute('data-met')==='yes')?'none':'';});}
"""


# Registered secrets (`harness.netsuite.redact.register_secret`) are masked in every value
# before it is escaped, and in the finished page.
_SECRETS = Redactor()


def _e(value: Any) -> str:
    """Escaped text of any value (None as an empty string, Decimals with their digits)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return escape(format(value, "f"))
    return escape(_SECRETS.registered(str(value)), quote=True)


def _anchor(name: str) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name)
    return f"s-{safe}"


def _bucket(result: ScenarioResult) -> str:
    verdict = result.verdict
    if verdict.outcome == "landed":
        return "landed"
    return verdict.diagnosis.category if verdict.diagnosis else verdict.outcome


def outcome_bars(results: Sequence[ScenarioResult]) -> list[Bar]:
    """Scenarios per outcome category ("landed" or the diagnosis category), landed first;
    in any other category, the scenarios that met their expectation failed as expected."""
    counts: dict[str, list[int]] = {}
    for result in results:
        pair = counts.setdefault(_bucket(result), [0, 0])
        pair[0 if result.met else 1] += 1
    order = sorted(counts, key=lambda name: (name != "landed", name))
    return [
        Bar(name, counts[name][0], counts[name][1], negative=name != "landed") for name in order
    ]


def not_met_first(results: Sequence[ScenarioResult]) -> list[ScenarioResult]:
    """The scenarios that missed their expectation first, each group in its run order."""
    return sorted(results, key=lambda result: result.met)


def render_html(
    results: Sequence[ScenarioResult],
    *,
    target: str,
    seed: int | None = None,
    orders: Mapping[str, WooOrder] | None = None,
    title: str = "WooCommerce → NetSuite landing report",
    generated_at: datetime | None = None,
    connector: str = "reference",
    account: str | None = None,
) -> str:
    """The whole report as one HTML document; `orders` maps a scenario name to its order.
    Its header names the connector tested, the target and the account."""
    orders = orders or {}
    when = (generated_at or datetime.now(UTC)).isoformat(timespec="seconds")
    met = sum(r.met for r in results)
    missed = len(results) - met
    seconds = sum(r.seconds for r in results)
    about = [("connector", connector), ("target", target), ("account", account or "not named")]
    if seed is not None:
        about.append(("seed", str(seed)))
    header = " · ".join(f"{_e(k)} {_e(v)}" for k, v in about)
    meta = f"{when} · harness {__version__}"
    chart = bar_chart(outcome_bars(results), title="Outcomes by category")
    ordered = not_met_first(results)
    sections = "".join(_scenario(r, orders.get(r.scenario)) for r in ordered)
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{_e(title)}</title><style>{_STYLE}</style><script>{_SCRIPT}</script></head>"
        f'<body><header><h1>{_e(title)}</h1><div class="about">{header}</div>'
        f'<div class="meta">{_e(meta)}</div></header><main>'
        '<section class="card summary" id="summary">'
        '<div class="tiles">'
        f'<div class="tile"><span>scenarios</span><b>{len(results)}</b></div>'
        f'<div class="tile ok"><span>met</span><b>{met}</b></div>'
        f'<div class="tile {"bad" if missed else ""}"><span>not met</span><b>{missed}</b></div>'
        f'<div class="tile"><span>seconds</span><b>{seconds:.1f}</b></div>'
        f'</div><div class="chart-box">{chart}{chart_legend()}</div></section>'
        f'<section class="card" id="results"><h2>Results</h2>{_results_legend(results)}'
        f"{_table(ordered)}</section>"
        '<section id="details"><div class="toolbar"><b>Scenarios</b>'
        '<button type="button" onclick="setAll(true)">expand all</button>'
        '<button type="button" onclick="setAll(false)">collapse all</button>'
        '<label><input type="checkbox" onchange="onlyMissed(this.checked)"> only not met'
        f"</label></div>{sections}</section></main>"
        "<footer>woo-netsuite-harness</footer></body></html>\n"
    )
    return _SECRETS.registered(page)


def write_html(
    results: Sequence[ScenarioResult],
    path: Path,
    *,
    target: str,
    seed: int | None = None,
    orders: Mapping[str, WooOrder] | None = None,
    connector: str = "reference",
    account: str | None = None,
) -> Path:
    """Write the report (UTF-8) and return its path."""
    text = render_html(
        results, target=target, seed=seed, orders=orders, connector=connector, account=account
    )
    path.write_text(text, encoding="utf-8")
    return path


def _badge(result: ScenarioResult) -> str:
    """The outcome, coloured by what it means for the scenario: met, failed as expected (a
    negative scenario), or missed."""
    outcome = result.verdict.outcome
    if not result.met:
        kind = "missed"
    elif result.expected == "landed":
        kind = "met"
    else:
        kind = "expected-failure"
    said = f"{outcome}, as expected" if kind == "expected-failure" else outcome
    return f'<span class="badge outcome {kind}" title="{_e(said)}">{_e(outcome)}</span>'


def _results_legend(results: Sequence[ScenarioResult]) -> str:
    missed = sum(not r.met for r in results)
    first = f"<li>the {missed} not met are listed first</li>" if missed else ""
    return (
        '<ul class="legend results-legend">'
        f"<li>{_mark(True)} met its expectation</li><li>{_mark(False)} not met</li>"
        '<li><span class="badge outcome expected-failure">rejected</span> ✓ a negative '
        "scenario that failed as expected (its order must fail with the category it "
        "expects)</li>"
        f"{first}</ul>"
    )


def _sales_order(result: ScenarioResult) -> str:
    """`SO1001 id 1` (the document number, then the internal id), or `none`."""
    found = sales_order_of(result)
    if found is None:
        return '<td class="so none">none</td>'
    number = f"{_e(found.tran_id)} " if found.tran_id else ""
    return f'<td class="so">{number}<span class="id">id {_e(found.id)}</span></td>'


def _mark(met: bool) -> str:
    return '<span class="mark ok">✓</span>' if met else '<span class="mark bad">✗</span>'


def _table(results: Sequence[ScenarioResult]) -> str:
    rows = []
    for r in results:
        verdict = r.verdict
        diagnosis = verdict.diagnosis
        why = (
            f'<div class="clip"><span class="badge">'
            f"{_e(diagnosis.category)}</span> {_e(diagnosis.summary)}</div>"
            if diagnosis
            else ""
        )
        rows.append(
            f'<tr class="{"met" if r.met else "missed"}" data-met="{"yes" if r.met else "no"}">'
            f'<td><a href="#{_anchor(r.scenario)}">{_e(r.scenario)}</a></td>'
            f"<td>{_e(r.expected)}</td><td>{_badge(r)}</td>"
            f"<td>{_mark(r.met)}</td>{_sales_order(r)}"
            f'<td class="why">{why}</td><td class="num">{r.seconds:.2f}&nbsp;s</td></tr>'
        )
    head = (
        "<tr><th>scenario</th><th>expected</th><th>outcome</th><th>met</th>"
        "<th>sales order</th><th>diagnosis</th><th>time</th></tr>"
    )
    return f'<table class="results"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'


def _scenario(result: ScenarioResult, order: WooOrder | None) -> str:
    verdict = result.verdict
    state = "met" if result.met else "missed"
    parts = [
        f"<section><h3>Order</h3>{_order(order, verdict.order)}</section>",
        f"<section><h3>Diagnosis</h3>{_diagnosis(result)}</section>",
        f'<section class="wide"><h3>Expected vs actual</h3>{_diff(verdict.mismatches)}</section>',
        f'<section class="wide"><h3>API calls</h3>{_calls(result)}</section>',
    ]
    return (
        f'<details class="scenario {state}" id="{_anchor(result.scenario)}" '
        f'data-met="{"yes" if result.met else "no"}"{"" if result.met else " open"}>'
        f"<summary>{_mark(result.met)} <b>{_e(result.scenario)}</b> "
        f'{_badge(result)} <span class="empty">expected {_e(result.expected)}'
        f'</span></summary><div class="body">{"".join(parts)}</div></details>'
    )


def _order(order: WooOrder | None, number: str) -> str:
    if order is None:
        return f"<dl><dt>number</dt><dd>{_e(number)}</dd></dl>"
    billing = order.billing
    who = " ".join(p for p in (billing.first_name, billing.last_name) if p)
    if billing.company:
        who = f"{who} ({billing.company})" if who else billing.company
    rows: list[tuple[str, str]] = [
        ("number", order.number or str(order.id)),
        ("status", order.status),
        ("customer", f"{who} <{billing.email or ''}>" + (" · guest" if order.is_guest else "")),
        ("billing", ", ".join(p for p in (billing.city, billing.state, billing.country) if p)),
        (
            "currency",
            order.currency + (" · prices include tax" if order.prices_include_tax else ""),
        ),
    ]
    for line in order.line_items:
        rows.append(
            (
                "line",
                f"{line.quantity} × {line.sku or '(no SKU)'} {line.name} = "
                f"{format(line.total, 'f')}",
            )
        )
    for ship in order.shipping_lines:
        rows.append(
            ("shipping", f"{ship.method_id} {ship.method_title} = {format(ship.total, 'f')}")
        )
    for coupon in order.coupon_lines:
        rows.append(("coupon", f"{coupon.code} −{format(coupon.discount, 'f')}"))
    for fee in order.fee_lines:
        rows.append(("fee", f"{fee.name} = {format(fee.total, 'f')}"))
    rows.append(("tax", format(order.total_tax, "f")))
    rows.append(("total", f"{format(order.total, 'f')} {order.currency}"))
    body = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in rows)
    return f"<dl>{body}</dl>"


def _diagnosis(result: ScenarioResult) -> str:
    diagnosis = result.verdict.diagnosis
    if diagnosis is None:
        if result.verdict.outcome == "landed":
            return '<p class="empty">Landed exactly as WooCommerce says.</p>'
        return '<p class="empty">No diagnosis was made.</p>'
    evidence = "".join(f"<li>{_e(line)}</li>" for line in diagnosis.evidence)
    return (
        f'<div class="diag"><span class="badge">{_e(diagnosis.category)}</span> '
        f'<span class="summary-text">{_e(diagnosis.summary)}</span>'
        f'<div class="hint"><b>Fix:</b> {_e(diagnosis.hint)}</div>'
        + (f'<ul class="evidence">{evidence}</ul>' if evidence else "")
        + "</div>"
    )


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _diff(mismatches: Sequence[Mismatch]) -> str:
    if not mismatches:
        return '<p class="empty">No differences.</p>'
    rows = "".join(
        f'<tr><td class="mono">{_e(m.field)}</td><td>{_e(_shown(m.expected))}</td>'
        f"<td>{_e(_shown(m.actual))}</td></tr>"
        for m in mismatches
    )
    return (
        "<table><thead><tr><th>field</th><th>expected</th><th>actual</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def _moment(text: Any) -> float | None:
    try:
        return datetime.fromisoformat(str(text).replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def _calls(result: ScenarioResult) -> str:
    if result.calls_kept:
        return _timeline(result.calls)
    return (
        '<p class="empty">Not kept: a seed sweep keeps the calls of the landings that missed '
        "their expectation. <code>harness run -k SCENARIO --seed SEED</code> lands this one "
        "again with them.</p>"
    )


def _timeline(calls: Sequence[Mapping[str, Any]]) -> str:
    if not calls:
        return '<p class="empty">No API calls.</p>'
    starts = [_moment(c.get("time")) for c in calls]
    known = [s for s in starts if s is not None]
    origin = min(known) if known else 0.0
    spans = [
        ((start - origin) * 1000 if start is not None else 0.0, float(c.get("duration_ms") or 0))
        for start, c in zip(starts, calls, strict=True)
    ]
    total = max((offset + length for offset, length in spans), default=0.0) or 1.0
    rows = []
    for call, (offset, length) in zip(calls, spans, strict=True):
        status = int(call.get("status") or 0)
        failed = not 200 <= status < 300
        shown = str(status) if status else "no answer"
        if call.get("error_code"):
            shown += f" {call['error_code']}"
        left = 100 * offset / total
        width = max(0.6, 100 * length / total)
        attempt = int(call.get("attempt") or 1)
        rows.append(
            f'<tr><td class="mono">{_e(call.get("method"))}</td>'
            f'<td class="mono">{_e(call.get("path"))}'
            + (f' <span class="empty">(attempt {attempt})</span>' if attempt > 1 else "")
            + f'</td><td class="mono{" status-err" if failed else ""}">{_e(shown)}</td>'
            f'<td class="num">{length:.1f} ms</td>'
            f'<td><div class="lane"><i class="{"err" if failed else ""}" '
            f'style="left:{left:.2f}%;width:{width:.2f}%"></i></div></td></tr>'
        )
    head = (
        "<tr><th>method</th><th>path</th><th>status</th><th>duration</th>"
        f"<th>timeline ({total:.0f} ms)</th></tr>"
    )
    return f'<table class="timeline"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'

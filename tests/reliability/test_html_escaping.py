"""The HTML report escapes everything that came from an order or from NetSuite: whatever a
customer types, the report's markup is the same as for a customer called `x`."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.catalogue.spec import load_catalogue
from harness.landing.verdict import Diagnosis, Mismatch, Verdict
from harness.mapping import load_mapping
from harness.report.html import render_html
from harness.runner import ScenarioResult, run_scenario
from harness.targets.sim import SimTarget
from harness.woo.generate import generate
from harness.woo.order import WooOrder
from tests.hypothesis_budget import examples

PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "</td></tr></table><h1>owned</h1>",
    "<!-- --><svg onload=alert(3)>",
    "' onmouseover='alert(4)",
    "]]><![CDATA[<b>x</b>",
    "&lt;already escaped&gt;",
    "javascript:alert(5)",
    "</style><style>body{display:none}</style>",
    "</details></section><a href=//evil>",
)
HOSTILE = st.one_of(st.sampled_from(PAYLOADS), st.text(min_size=1, max_size=40))


class Structure(HTMLParser):
    """The document's markup: every tag and attribute name, in order, without text; and
    every attribute value."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.shape: list[str] = []
        self.values: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.shape.append(f"<{tag} {' '.join(sorted(name for name, _ in attrs))}>")
        self.values.extend(value for _, value in attrs if value)

    def handle_endtag(self, tag: str) -> None:
        self.shape.append(f"</{tag}>")

    def handle_comment(self, data: str) -> None:
        self.shape.append("<!---->")


def parsed(document: str) -> Structure:
    parser = Structure()
    parser.feed(document)
    parser.close()
    return parser


def structure(document: str) -> list[str]:
    return parsed(document).shape


@pytest.fixture(scope="module")
def landed() -> tuple[ScenarioResult, WooOrder]:
    spec = load_catalogue().get("coupon-percent")
    with SimTarget() as target:
        result = run_scenario(spec, 3, target, load_mapping())
    return result, generate(spec, 3)


def hostile_copy(
    result: ScenarioResult, order: WooOrder, text: str
) -> tuple[ScenarioResult, WooOrder]:
    """`text` in every place of the report that shows order or NetSuite data."""
    billing = order.billing.model_copy(
        update={"first_name": text, "last_name": text, "company": text, "city": text}
    )
    lines = [line.model_copy(update={"name": text, "sku": text}) for line in order.line_items]
    shipping = [s.model_copy(update={"method_title": text}) for s in order.shipping_lines]
    coupons = [c.model_copy(update={"code": text}) for c in order.coupon_lines]
    copied = order.model_copy(
        update={
            "billing": billing,
            "line_items": lines,
            "shipping_lines": shipping,
            "coupon_lines": coupons,
            "number": text,
        }
    )
    verdict: Verdict = replace(
        result.verdict,
        order=text,
        outcome="landed-wrong",
        sales_order_id=text,
        mismatches=(
            Mismatch(f"item[{text}].description", text, Decimal("1.50")),
            Mismatch("memo", None, text),
        ),
        diagnosis=Diagnosis("tax", text, text, (text, f"PUT {text} -> 400")),
    )
    calls = tuple({**call, "path": text, "error_code": text} for call in result.calls)
    return replace(result, scenario=text, verdict=verdict, calls=calls), copied


def render(result: ScenarioResult, order: WooOrder) -> str:
    return render_html([result], target="sim", seed=3, orders={result.scenario: order})


@settings(
    deadline=None,
    max_examples=examples(60),
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(HOSTILE)
def test_order_and_netsuite_text_never_becomes_markup(
    landed: tuple[ScenarioResult, WooOrder], text: str
) -> None:
    result, order = landed
    benign = render(*hostile_copy(result, order, "x"))

    hostile = render(*hostile_copy(result, order, text))

    assert structure(hostile) == structure(benign)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_appear_only_escaped(
    landed: tuple[ScenarioResult, WooOrder], payload: str
) -> None:
    result, order = landed

    document = render(*hostile_copy(result, order, payload))

    if any(c in payload for c in "<>\"'&"):
        assert payload not in document
    # Text only: in no attribute (a link, a handler, a style) does order data appear.
    assert [v for v in parsed(document).values if payload in v] == []
    assert document.count("<script>") == 1  # the report's own few lines of script


def test_a_real_landing_with_hostile_names_renders_escaped() -> None:
    spec = load_catalogue().get("new-customer")
    order = generate(spec, 5)
    payload = "<script>alert('x')</script>"
    billing = order.billing.model_copy(update={"first_name": payload, "company": payload})
    hostile = order.model_copy(update={"billing": billing})
    with SimTarget() as target:
        result = run_scenario(spec, 5, target, load_mapping())

    document = render_html([result], target="sim", orders={spec.name: hostile})

    assert payload not in document
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in document

"""Tax that landed different from WooCommerce's, read for the reason a person can fix.

In order: a gap of exactly the tax on shipping (NetSuite taxes shipping only with a shipping
tax code or a taxable ship item, reference salesorder-semantics 3); tax charged on an order
WooCommerce marked exempt; a header tax code where the subsidiary taxes each line, or line
codes where it takes one header code; another tax code than WooCommerce's rate; no tax at
all; and, when the codes agree, NetSuite's own arithmetic.
"""

from __future__ import annotations

from decimal import Decimal

from harness.landing.expected import ExpectedTaxCode
from harness.landing.failure import field_of, ref_id, sent_lines
from harness.landing.findings.scene import Scene, close
from harness.landing.findings.text import Worded, money, sent_fields, shown
from harness.landing.verdict import Mismatch
from harness.money import round_half_up

HUNDRED = Decimal(100)


def tax_wording(found: list[Mismatch], scene: Scene) -> Worded:
    total = next((m for m in found if m.field == "taxTotal"), found[0])
    line_codes = sorted(
        {tc for line in sent_lines(scene.body) if (tc := ref_id(field_of(line, "taxCode")))}
    )
    sent = sent_fields(scene.body, "taxItem", "taxRate", "isTaxable", "shippingTaxCode")
    extra = [sent + (f", line tax codes {line_codes}" if line_codes else "")] if scene.body else []
    summary = (
        f"Tax on {scene.order} landed as {shown(total.actual)} instead of WooCommerce's "
        f"{shown(total.expected)}."
    )
    for reading in (_shipping_tax, _exempt, _tax_model, _other_code, _no_tax):
        worded = reading(summary, total, scene)
        if worded is not None:
            return worded[0], worded[1], extra
    return (
        summary,
        scene.words(
            "NetSuite computed a different tax from the same code: make shipping taxability "
            "and the discount's 'Apply Before Sales Tax' match WooCommerce, or carry "
            "WooCommerce's tax as one line (tax.strategy: pass-through).",
            "NetSuite computed a different tax from the same code: make shipping taxability "
            "and the discount item's 'Apply Before Sales Tax' match WooCommerce, or carry "
            "WooCommerce's total_tax as one non-taxable line (and tell the harness: "
            "tax.strategy: pass-through).",
        ),
        extra,
    )


def _rate(scene: Scene) -> Decimal | None:
    """The percent NetSuite taxed at, else WooCommerce's first rate."""
    if scene.actual is not None and scene.actual.tax_rate is not None:
        return scene.actual.tax_rate
    return next((c.woo_percent for c in scene.expected.tax_codes if c.woo_percent), None)


def _charged_code(scene: Scene) -> ExpectedTaxCode | None:
    """The tax code of the rate WooCommerce charged (the first with a code)."""
    return next((c for c in scene.expected.tax_codes if c.code is not None), None)


def _shipping_tax(summary: str, total: Mismatch, scene: Scene) -> tuple[str, str] | None:
    """A gap of exactly the tax on shipping, shipping itself landed right."""
    expected, actual = scene.expected, scene.actual
    if actual is None or not isinstance(total.actual, Decimal) or not expected.shipping_cost:
        return None
    if not close(actual.shipping_cost, expected.shipping_cost):
        return None
    gap = total.expected - total.actual
    cost = money(expected.shipping_cost, expected.precision)
    if expected.shipping_tax and close(gap, expected.shipping_tax):
        code = _charged_code(scene)
        times = f" × {code.woo_percent}%" if code and code.woo_percent is not None else ""
        named = str(code.code) if code else "(the code of the rate that taxed shipping)"
        return (
            f"{summary} It is {money(gap, expected.precision)} short: exactly WooCommerce's tax "
            f"on shipping ({cost}{times} = {money(expected.shipping_tax, expected.precision)}). "
            "NetSuite did not tax the shipping.",
            scene.words(
                f"Send shippingTaxCode {named} with the shipping (the code WooCommerce taxed "
                "shipping with, as the mapping's tax.codes name it), or make the ship item "
                "taxable, so NetSuite taxes shipping as WooCommerce does.",
                f"Send shippingTaxCode {named} on the Sales Order when WooCommerce taxed "
                "shipping (shipping_lines[].taxes, tax_lines[].shipping_tax_total), or make "
                "the ship item taxable in NetSuite (Lists > Accounting > Shipping Items), so "
                "NetSuite taxes shipping as WooCommerce does.",
            ),
        )
    rate = _rate(scene)
    if expected.shipping_tax or rate is None:
        return None
    shipping_tax = round_half_up(expected.shipping_cost * rate / HUNDRED, expected.precision)
    if shipping_tax and close(-gap, shipping_tax):
        return (
            f"{summary} It is {money(-gap, expected.precision)} over: exactly the tax on "
            f"shipping ({cost} × {rate}%), which WooCommerce did not charge.",
            "Send no shippingTaxCode for this order (or make the ship item non-taxable in "
            "NetSuite): WooCommerce does not tax shipping here, so NetSuite must not either.",
        )
    return None


def _exempt(summary: str, total: Mismatch, scene: Scene) -> tuple[str, str] | None:
    """Tax charged on an order WooCommerce marked exempt."""
    expected, actual = scene.expected, scene.actual
    if not expected.tax_exempt or not total.actual:
        return None
    held = actual.tax_item if actual else None
    rate = f" at {actual.tax_rate}%" if actual and actual.tax_rate is not None else ""
    carries = f" with tax code {held}{rate}" if held is not None else ""
    exempt = next((c.code for c in expected.tax_codes if c.rate_code == "exempt"), None)
    code = str(exempt) if exempt else "the exempt (not taxable) tax code"
    return (
        f"{summary} WooCommerce charged no tax: the order is tax exempt (meta "
        f"is_vat_exempt = yes), but NetSuite taxed it{carries}.",
        scene.words(
            f"Send {code} (tax.exempt_code in the mapping) as the taxItem for orders "
            "WooCommerce marks exempt: a tax code the connector picks overrides the customer's "
            "exemption in NetSuite.",
            f"For orders WooCommerce marks tax exempt (meta is_vat_exempt = yes), send {code} "
            "as the Sales Order's taxItem (or isTaxable false on every line), not the state's "
            "code: a tax code the connector picks overrides the customer's exemption in "
            "NetSuite. If the customer is always exempt, clear Taxable on its NetSuite record too "
            "(Financial subtab, Tax Information).",
        ),
    )


def _tax_model(summary: str, total: Mismatch, scene: Scene) -> tuple[str, str] | None:
    """A header tax code where lines need their own, or line codes where one header is used."""
    expected = scene.expected
    if not scene.body:
        return None
    header, per_line = scene.sent("taxItem"), scene.line_sent("taxCode")
    where = f" {expected.subsidiary}" if expected.subsidiary else ""
    if expected.tax_per_line and header and not per_line:
        return (
            f"{summary} The connector sent one header tax code (taxItem), but subsidiary"
            f"{where} taxes each line by its own tax code, so NetSuite ignored it.",
            "Send a taxCode on every line: the code of the rate WooCommerce charged on taxed "
            "lines, the subsidiary's zero-rate code on untaxed ones; this subsidiary takes no "
            "header tax item.",
        )
    if not expected.tax_per_line and per_line and not header:
        return (
            f"{summary} The connector sent a tax code per line, but subsidiary{where} uses "
            "one header tax code (taxItem) and a taxable flag per line, so NetSuite ignored "
            "the line codes.",
            "Send the rate's tax code once as the header taxItem and mark each taxed line "
            "isTaxable true (untaxed lines false).",
        )
    return None


def _other_code(summary: str, total: Mismatch, scene: Scene) -> tuple[str, str] | None:
    expected, actual = scene.expected, scene.actual
    wanted = [c for c in expected.tax_codes if c.code is not None]
    held = actual.tax_item if actual else None
    if not wanted or held is None or any(c.code and held.id == c.code.id for c in wanted):
        return None
    code = wanted[0]
    percent = f" ({code.woo_percent}%)" if code.woo_percent is not None else ""
    rate = f" at {actual.tax_rate}%" if actual and actual.tax_rate is not None else ""
    return (
        f"{summary} It carries tax code {held}{rate}, but WooCommerce charged "
        f"{code.rate_code}{percent}.",
        scene.words(
            f"Send tax code {code.code} for {code.rate_code}, as the mapping's tax.codes say.",
            f"Send tax code {code.code} as the taxItem for WooCommerce's tax rate "
            f"{code.rate_code}{percent}.",
        ),
    )


def _no_tax(summary: str, total: Mismatch, scene: Scene) -> tuple[str, str] | None:
    if total.actual or not total.expected:
        return None
    return (
        f"{summary} NetSuite charged no tax at all.",
        scene.words(
            "Send the tax code the mapping names (tax.codes) and mark the taxed lines taxable "
            "(isTaxable, or a taxCode per line): NetSuite taxes nothing else.",
            "Send the tax code of the rate WooCommerce charged (taxItem) and mark the lines "
            "WooCommerce taxed isTaxable true (or a taxCode per line where the subsidiary "
            "taxes lines): NetSuite taxes nothing else.",
        ),
    )

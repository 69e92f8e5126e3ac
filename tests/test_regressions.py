"""Regressions: behaviours whose planted breakage the rest of the suite did not notice.

- `harness run --target live` deletes what each scenario created (the plugin's cleanup was
  tested, the CLI's was not);
- a NetSuite customer whose stored email has capitals is still matched (the connector's
  lower-casing was only tested with the order's email in odd case);
- half-up rounding where half-even gives another cent (0.025 -> 0.03, not 0.02), in
  `harness.money` and wherever WooCommerce's arithmetic rounds (lines, tax, coupons).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from harness.catalogue.spec import load_catalogue
from harness.cli.main import main
from harness.connector.reference import ReferenceConnector
from harness.money import round_half_up
from harness.netsuite.auth import tba_auth
from harness.netsuite.client import NetSuiteClient
from harness.sandbox.account import DEMO_PROFILE
from harness.sandbox.serve import HttpServer, Sandbox
from harness.woo.cart import CouponInput, LineInput, OrderInput, ShippingInput, TaxRate
from harness.woo.generate import generate
from harness.woo.totals import calculate, format_money

D = Decimal

# -- harness run --target live: what a run creates is deleted --------------------------------------


@dataclass
class Served:
    """The embedded sandbox on a loopback port, standing in for a NetSuite account."""

    sandbox: Sandbox
    server: HttpServer

    def client(self) -> NetSuiteClient:
        return NetSuiteClient.from_env()  # the served account's NETSUITE_* are set

    def count(self, query: str) -> int:
        return int(self.client().suiteql_all(query)[0]["n"])

    def sales_orders(self) -> int:
        return self.count("SELECT COUNT(*) AS n FROM transaction WHERE type = 'SalesOrd'")

    def customers(self) -> int:
        return self.count("SELECT COUNT(*) AS n FROM customer")


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Served]:
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))  # this test's own lock folder
    sandbox = Sandbox()
    server = sandbox.serve_http()
    for name, value in sandbox.client_environment(server.url).items():
        monkeypatch.setenv(name, value)
    yield Served(sandbox, server)
    server.stop()
    sandbox.close()


CREATING = "new-customer or coupon-percent"  # a new customer and two Sales Orders


def _run_live(tmp_path: Path, *extra: str) -> tuple[int, str, dict[str, object]]:
    out = tmp_path / "reports"
    result = CliRunner().invoke(
        main, ["run", "--target", "live", "-k", CREATING, "--report-dir", str(out), *extra]
    )
    report = json.loads((out / "harness-report.json").read_text(encoding="utf-8"))
    return result.exit_code, result.output, report


def test_harness_run_live_deletes_the_customers_and_orders_it_created(
    served: Served, tmp_path: Path
) -> None:
    customers = served.customers()
    assert served.sales_orders() == 0
    code, output, report = _run_live(tmp_path)
    assert code == 0, output
    rows = report["results"]
    assert isinstance(rows, list) and len(rows) == 2
    assert all(row["verdict"]["outcome"] == "landed" for row in rows)
    # They did land: the calls created a customer and the orders ...
    assert any("/customer" in call["path"] and call["method"] in ("POST", "PUT")
               for row in rows for call in row["calls"])
    # ... and none of it is left.
    assert served.sales_orders() == 0
    assert served.customers() == customers
    assert "left in the account" not in output


def test_harness_run_live_keeps_them_when_asked(served: Served, tmp_path: Path) -> None:
    customers = served.customers()
    code, output, _ = _run_live(tmp_path, "--keep-records")
    assert code == 0, output
    assert served.sales_orders() == 2
    assert served.customers() == customers + 2  # new-customer's and coupon-percent's


# -- a stored email with capitals ------------------------------------------------------------------


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    box = Sandbox()
    with box.intercept():
        yield box
    box.close()


def _client(sandbox: Sandbox) -> NetSuiteClient:
    credential = sandbox.profile.credentials.tba[0]
    auth = tba_auth(
        sandbox.account_id,
        credential.consumerKey,
        credential.consumerSecret,
        credential.tokenId,
        credential.tokenSecret,
    )
    return NetSuiteClient(sandbox.base_url, auth)


def test_a_customer_stored_with_capitals_is_matched_by_a_lower_case_order_email(
    sandbox: Sandbox,
) -> None:
    client = _client(sandbox)
    client.update("customer", "1001", {"email": "Jane.Doe@Example.COM"})
    stored = client.suiteql_all("SELECT email FROM customer WHERE id = 1001")
    assert stored == [{"email": "Jane.Doe@Example.COM"}]
    customers = client.suiteql_all("SELECT COUNT(*) AS n FROM customer")
    order = generate(load_catalogue().get("existing-customer"), 0)
    assert order.billing.email == "jane.doe@example.com"

    result = ReferenceConnector(client).push(order)

    assert result.status == "pushed", result
    assert result.customer_id == "1001"
    assert client.suiteql_all("SELECT COUNT(*) AS n FROM customer") == customers


def test_a_profile_customer_stored_with_capitals_lands_as_expected(tmp_path: Path) -> None:
    """End to end: the connector matches her and the expectation agrees."""
    profile = yaml.safe_load(DEMO_PROFILE.read_text(encoding="utf-8"))
    (jane,) = [c for c in profile["customers"] if c["id"] == 1001]
    jane["email"] = "Jane.Doe@Example.COM"
    path = tmp_path / "capitals.yaml"
    path.write_text(yaml.safe_dump(profile, sort_keys=False), encoding="utf-8")
    result = CliRunner().invoke(
        main,
        ["run", "--account", str(path), "-k", "existing-customer",
         "--report-dir", str(tmp_path / "out")],
    )
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "out" / "harness-report.json").read_text(encoding="utf-8"))
    assert {row["scenario"]: row["verdict"]["outcome"] for row in report["results"]} == {
        "existing-customer": "landed",
        "existing-customer-email-case": "landed",
    }


# -- half-up, where half-even differs --------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "places", "half_up"),
    [("0.025", 2, "0.03"), ("-0.025", 2, "-0.03"), ("2.665", 2, "2.67"), ("0.5", 0, "1")],
)
def test_money_rounds_half_up_where_half_even_would_not(
    amount: str, places: int, half_up: str
) -> None:
    exact = D(amount)
    assert round_half_up(exact, places) == D(half_up)
    # The case separates the two: half-even lands on the other cent.
    assert exact.quantize(D(1).scaleb(-places), rounding=ROUND_HALF_EVEN) != D(half_up)
    assert format_money(exact, places) == half_up


def test_woocommerce_rounds_a_half_cent_line_total_up() -> None:
    # 2 x 0.0125 = 0.025: WooCommerce's round() makes it 0.03 (half-even: 0.02).
    totals = calculate(OrderInput(lines=(LineInput(2, D("0.0125")),)))
    assert totals.lines[0].subtotal == D("0.03")
    assert totals.total == D("0.03")


def test_woocommerce_rounds_a_half_cent_of_tax_up() -> None:
    # 5% of 0.50 is 0.025 of tax on the line and on the shipping.
    rate = TaxRate(5, "US", "", "Five", D("5"))
    totals = calculate(
        OrderInput(lines=(LineInput(1, D("0.50")),), rates=(rate,),
                   shipping=(ShippingInput(D("0.50")),))
    )
    assert totals.lines[0].total_tax == D("0.03")
    assert totals.shipping_tax == D("0.03")
    assert totals.total == D("1.06")


def test_woocommerce_rounds_a_half_cent_percent_discount_up() -> None:
    # A 5% coupon on 0.50 takes 0.025: 0.03 off (half-even: 0.02).
    totals = calculate(
        OrderInput(
            lines=(LineInput(1, D("0.50")),),
            coupons=(CouponInput("FIVE", "percent", D("5")),),
        )
    )
    assert totals.discount_total == D("0.03")
    assert totals.lines[0].total == D("0.47")

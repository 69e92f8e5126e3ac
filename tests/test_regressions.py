"""Regressions: behaviours whose planted breakage the rest of the suite did not notice.

- `harness run --target live` deletes what each scenario created (the plugin's cleanup was
  tested, the CLI's was not), a scenario cut short by an error included;
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
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from harness.catalogue.spec import load_catalogue
from harness.cli.main import main
from harness.connector.reference import ReferenceConnector
from harness.money import round_half_up
from harness.netsuite.auth import tba_auth
from harness.netsuite.client import NetSuiteClient
from harness.sandbox.account import DEMO_PROFILE
from harness.sandbox.oauth import M2MClient, SandboxAuth
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
    assert any(
        "/customer" in call["path"] and call["method"] in ("POST", "PUT")
        for row in rows
        for call in row["calls"]
    )
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


def test_harness_run_live_cleans_up_a_scenario_cut_short(
    served: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run stops inside a scenario (here: after the push, before the check): what the
    scenario had created is deleted all the same, and the run's own error is the one shown."""
    customers = served.customers()

    def interrupted(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the lock wait timed out")

    monkeypatch.setattr("harness.runner.core.verify", interrupted)
    out = tmp_path / "reports"
    result = CliRunner().invoke(
        main, ["run", "--target", "live", "-k", "new-customer", "--report-dir", str(out)]
    )
    assert result.exit_code == 1
    assert "the lock wait timed out" in result.output
    assert served.sales_orders() == 0
    assert served.customers() == customers


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
        [
            "run",
            "--account",
            str(path),
            "-k",
            "existing-customer",
            "--report-dir",
            str(tmp_path / "out"),
        ],
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
        OrderInput(
            lines=(LineInput(1, D("0.50")),), rates=(rate,), shipping=(ShippingInput(D("0.50")),)
        )
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


# -- an OAuth 2.0 client assertion authenticates one token request -----------------------------

TOKEN_URL = "https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/auth/oauth2/v1/token"
CLIENT_ID = "0b9e7a1c5d3f4e2a8c6b0d9f1e3a5c7b"
OTHER_CLIENT_ID = "7c1d3e5f9a2b4c6d8e0f1a3b5c7d9e2f"


@dataclass
class Clock:
    now: float = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class TokenDesk:
    """The sandbox's token endpoint with two M2M clients (an EC key each), on a fake clock."""

    auth: SandboxAuth
    keys: dict[str, ec.EllipticCurvePrivateKey]
    clock: Clock

    def assertion(self, client: str = CLIENT_ID, **claims: object) -> str:
        import jwt

        issued = int(self.clock())
        payload: dict[str, object] = {
            "iss": client,
            "scope": "rest_webservices",
            "aud": TOKEN_URL,
            "iat": issued,
            "exp": issued + 600,
            **claims,
        }
        payload = {name: value for name, value in payload.items() if value is not None}
        kid = "cert-a" if client == CLIENT_ID else "cert-b"
        return jwt.encode(
            payload, self.keys[client], algorithm="ES256", headers={"kid": kid, "typ": "JWT"}
        )

    def ask(self, assertion: str) -> tuple[int, dict[str, str]]:
        import urllib.parse

        body = urllib.parse.urlencode(
            {
                "grant_type": "client_credentials",
                "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion": assertion,
            }
        ).encode()
        status, _, raw = self.auth.token_endpoint(
            TOKEN_URL, body, "application/x-www-form-urlencoded"
        )
        return status, json.loads(raw)


@pytest.fixture
def desk() -> TokenDesk:
    keys = {
        CLIENT_ID: ec.generate_private_key(ec.SECP256R1()),
        OTHER_CLIENT_ID: ec.generate_private_key(ec.SECP256R1()),
    }

    def public(client: str) -> str:
        return (
            keys[client]
            .public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )

    clock = Clock()
    clients = [
        M2MClient(CLIENT_ID, "cert-a", public(CLIENT_ID), "Integration Role"),
        M2MClient(OTHER_CLIENT_ID, "cert-b", public(OTHER_CLIENT_ID), "Administrator"),
    ]
    return TokenDesk(SandboxAuth("1234567_SB1", [], clients, clock), keys, clock)


REUSED = "invalid_grant"


def test_an_assertion_replayed_with_its_jti_is_refused(desk: TokenDesk) -> None:
    once = desk.assertion(jti="a1b2c3")
    assert desk.ask(once)[0] == 200
    status, answer = desk.ask(once)
    assert status == 400
    assert answer == {
        "error": "invalid_grant",
        "error_description": "its jti has been used already; sign a new assertion (with a new "
        "jti) for every token request",
    }


def test_a_newly_signed_assertion_reusing_a_jti_is_refused(desk: TokenDesk) -> None:
    assert desk.ask(desk.assertion(jti="same"))[0] == 200
    desk.clock.now += 30
    status, answer = desk.ask(desk.assertion(jti="same"))
    assert (status, answer["error"]) == (400, REUSED)


def test_every_new_jti_gets_a_token(desk: TokenDesk) -> None:
    for n in range(5):
        assert desk.ask(desk.assertion(jti=f"jti-{n}"))[0] == 200


def test_a_jti_is_remembered_only_while_its_assertion_is_valid(desk: TokenDesk) -> None:
    assert desk.ask(desk.assertion(jti="later"))[0] == 200  # exp = now + 600
    desk.clock.now += 599
    assert desk.ask(desk.assertion(jti="later"))[0] == 400
    desk.clock.now += 2  # the first assertion has expired: its jti is forgotten
    assert desk.ask(desk.assertion(jti="later"))[0] == 200


def test_a_refused_assertion_does_not_spend_its_jti(desk: TokenDesk) -> None:
    wrong = desk.assertion(jti="kept", aud="https://elsewhere.example/token")
    assert desk.ask(wrong)[1]["error_description"] == "aud must be the token endpoint URL"
    assert desk.ask(desk.assertion(jti="kept"))[0] == 200


def test_a_jti_belongs_to_its_client(desk: TokenDesk) -> None:
    assert desk.ask(desk.assertion(jti="shared"))[0] == 200
    assert desk.ask(desk.assertion(OTHER_CLIENT_ID, jti="shared"))[0] == 200


def test_an_assertion_without_jti_is_single_use_too(desk: TokenDesk) -> None:
    # Oracle's documented payload has no jti: a client that sends none still gets a token
    # for every newly signed assertion, but not twice for the same one.
    first, second = desk.assertion(), desk.assertion()
    assert first != second  # ES256 signatures are randomised
    assert desk.ask(first)[0] == 200
    assert desk.ask(second)[0] == 200
    status, answer = desk.ask(first)
    assert status == 400
    assert answer["error_description"].startswith("this client_assertion has been used already")


def test_a_jti_that_is_not_a_string_is_refused(desk: TokenDesk) -> None:
    status, answer = desk.ask(desk.assertion(jti=12345))
    assert (status, answer["error_description"]) == (400, "jti must be a string")


def test_the_served_sandbox_refuses_a_replayed_assertion(tmp_path: Path) -> None:
    """Over HTTP, as any client meets it, with the demo account's M2M key."""
    import time

    import jwt
    import requests

    from harness.sandbox.account import profile_from

    key = (DEMO_PROFILE.parent / "demo-m2m-key.pem").read_text(encoding="utf-8")
    client = profile_from(None).credentials.m2m[0]
    box = Sandbox()
    server = box.serve_http()
    try:
        url = f"{server.url}/services/rest/auth/oauth2/v1/token"
        now = int(time.time())
        assertion = jwt.encode(
            {
                "iss": client.clientId,
                "scope": "rest_webservices",
                "aud": url,
                "iat": now,
                "exp": now + 300,
                "jti": "served-once",
            },
            key,
            algorithm="ES256",
            headers={"kid": client.certificateId, "typ": "JWT"},
        )
        form = {
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion,
        }
        first = requests.post(url, data=form, timeout=10)
        second = requests.post(url, data=form, timeout=10)
    finally:
        server.stop()
        box.close()
    assert first.status_code == 200, first.text
    assert first.json()["token_type"] == "bearer"
    assert second.status_code == 400
    assert second.json()["error"] == "invalid_grant"

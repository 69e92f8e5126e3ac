"""Scenario specs and the seeded generator that turns one into a realistic WooCommerce order.

A scenario says what kind of order to make (customer, lines, tax situation, shipping,
coupons, fees, status) and what should happen to it in NetSuite (`expect`). `generate` makes
the order itself: names, addresses and dates from Faker, numbers from `harness.woo.totals`.
Everything random is derived from `sha256("<scenario name>:<run seed>")` through private
`random.Random` and `Faker` instances, so the same scenario and seed give byte-identical orders
in any process, on any xdist worker, in any order.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import random
import re
import string
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from faker import Faker
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from harness.categories import CATEGORIES, Category
from harness.woo.order import WooOrder
from harness.woo.totals import (
    CouponInput,
    FeeInput,
    LineInput,
    OrderInput,
    OrderTotals,
    RateAmount,
    ShippingInput,
    TaxRate,
    calculate,
    format_money,
)
from harness.yamlfile import load_model

DEFAULT_CATALOGUE = Path(__file__).resolve().parents[2] / "scenarios" / "catalogue.yaml"
CATALOGUE_ENV = "HARNESS_CATALOGUE"
DEFAULT_STORE_URL = "https://acme-outfitters.example"
WOOCOMMERCE_VERSION = "9.4.3"

Expectation = Literal["landed"] | Category
EXPECTATIONS: tuple[str, ...] = ("landed", *CATEGORIES)
"""`landed`, or the diagnosis category (DESIGN section 3) the scenario must end in."""

CustomerKind = Literal["new", "existing", "existing-case-mismatch", "guest", "ambiguous"]
AMBIGUOUS_EMAIL = "dup@example.com"
ZERO_DECIMAL_CURRENCIES = frozenset({"JPY", "KRW", "VND", "CLP", "ISK", "HUF", "TWD", "UGX"})

Money = Annotated[Decimal, Field(allow_inf_nan=False)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
StatusSlug = Annotated[str, Field(pattern=r"^[a-z0-9_-]+$")]


# ----------------------------------------------------------------------------- the spec


class _Spec(BaseModel):
    """Catalogue entries: a typo is an error, not a silently ignored key."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class CustomerSpec(_Spec):
    """Who orders: a new or existing NetSuite customer, a guest, or an ambiguous email."""

    kind: CustomerKind
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    first_name: str | None = None
    last_name: str | None = None
    company: str = ""
    is_person: bool | None = None
    user_id: int | None = Field(default=None, ge=1, description="WordPress user id")
    address_1: str | None = None
    city: str | None = None
    postcode: str | None = None
    phone: str | None = None

    @model_validator(mode="after")
    def _email_where_needed(self) -> CustomerSpec:
        if self.kind in ("existing", "existing-case-mismatch") and not self.email:
            raise ValueError(f"customer kind {self.kind!r} needs the existing customer's email")
        if self.kind == "guest" and self.user_id is not None:
            raise ValueError("a guest has no user_id (WooCommerce customer_id is 0)")
        return self

    @property
    def person(self) -> bool:
        """Whether NetSuite should hold an individual (`isPerson`) rather than a company."""
        return self.is_person if self.is_person is not None else not self.company


class LineSpec(_Spec):
    """A product line; `price` is the catalogue price (gross when prices include tax)."""

    sku: str = Field(min_length=1)
    quantity: int = Field(default=1, gt=0)
    price: Money = Field(ge=0)
    name: str | None = None
    product_id: int | None = Field(default=None, ge=1)
    variation_id: int = Field(default=0, ge=0)
    parent_name: str | None = None
    attributes: dict[str, str] = Field(default_factory=dict)
    taxable: bool = True
    tax_class: str = ""


class TaxRateSpec(_Spec):
    """A WooCommerce tax rate; its `rate_code` is COUNTRY-STATE-NAME-PRIORITY."""

    id: int = Field(ge=1)
    code: str | None = Field(default=None, description="if given, must match the derived code")
    country: CountryCode
    state: str = ""
    name: str = Field(min_length=1)
    percent: Money = Field(ge=0, le=100)
    priority: int = Field(default=1, ge=1)
    compound: bool = False
    shipping: bool = True

    @model_validator(mode="after")
    def _code_matches(self) -> TaxRateSpec:
        derived = self.to_rate().rate_code
        if self.code is not None and self.code != derived:
            raise ValueError(
                f"code {self.code!r} does not match country/state/name/priority "
                f"(expected {derived!r})"
            )
        return self

    def to_rate(self) -> TaxRate:
        return TaxRate(
            rate_id=self.id,
            country=self.country,
            state=self.state,
            name=self.name,
            percent=self.percent,
            priority=self.priority,
            compound=self.compound,
            shipping=self.shipping,
        )

    @property
    def rate_code(self) -> str:
        return self.to_rate().rate_code


class TaxSpec(_Spec):
    """No tax (no rates), taxed at `rates`, or exempt (rates only back out inclusive prices)."""

    exempt: bool = False
    rates: list[TaxRateSpec] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if data == "none":
            return {}
        if data == "exempt":
            return {"exempt": True}
        return data


class ShippingSpec(_Spec):
    """The chosen shipping method; the cost is ex-tax, as WooCommerce shipping costs are."""

    method_id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    instance_id: str = ""
    cost: Money = Field(default=Decimal(0), ge=0)
    taxable: bool = True


class CouponSpec(_Spec):
    """A coupon applied at checkout: percent off, or a fixed amount off the cart."""

    code: str = Field(min_length=1)
    type: Literal["percent", "fixed_cart"]
    amount: Money = Field(gt=0)

    @field_validator("code")
    @classmethod
    def _lower(cls, code: str) -> str:
        return code.strip().lower()  # WooCommerce lower-cases coupon codes (wc_format_coupon_code)


class FeeSpec(_Spec):
    """A fee line (ex-tax); negative fees are ad-hoc discounts."""

    name: str = Field(min_length=1)
    amount: Money
    taxable: bool = True


class AddressSpec(_Spec):
    country: CountryCode
    state: str = ""


class OrderUpdate(_Spec):
    """A later change that WooCommerce announces with an `order.updated` delivery."""

    status: StatusSlug | None = None
    customer_note: str | None = None


class TargetSpec(_Spec):
    """Knobs of the NetSuite side a scenario needs, named as in the account profile."""

    role: str | None = None  # the NetSuite role the connector must act as
    credential: str | None = None  # the TBA credential (of that role) to sign with


class ScenarioSpec(_Spec):
    """One catalogue scenario: the order to make and what NetSuite should do with it."""

    name: Slug
    description: str = Field(min_length=1)
    customer: CustomerSpec
    lines: list[LineSpec] = Field(min_length=1)
    prices_include_tax: bool = False
    tax: TaxSpec = Field(default_factory=TaxSpec)
    shipping: ShippingSpec | None = None
    coupons: list[CouponSpec] = Field(default_factory=list)
    fees: list[FeeSpec] = Field(default_factory=list)
    currency: CurrencyCode = "USD"
    dp: int | None = Field(default=None, ge=0, le=8)
    billing: AddressSpec
    ship_to: AddressSpec | None = None
    status: StatusSlug = "processing"
    customer_note: str = ""
    updates: list[OrderUpdate] = Field(default_factory=list)
    expect: Expectation
    target: TargetSpec = Field(default_factory=TargetSpec)
    store_url: str = DEFAULT_STORE_URL

    @property
    def store_dp(self) -> int:
        """Price decimals: as given, else the currency's usual minor unit."""
        if self.dp is not None:
            return self.dp
        return 0 if self.currency in ZERO_DECIMAL_CURRENCIES else 2

    def order_input(self) -> OrderInput:
        """The arithmetic part of the scenario, for `harness.woo.totals.calculate`."""
        return OrderInput(
            lines=tuple(LineInput(li.quantity, li.price, li.taxable) for li in self.lines),
            rates=tuple(rate.to_rate() for rate in self.tax.rates),
            shipping=(
                (ShippingInput(self.shipping.cost, self.shipping.taxable),) if self.shipping else ()
            ),
            fees=tuple(FeeInput(fee.amount, fee.taxable) for fee in self.fees),
            coupons=tuple(CouponInput(c.code, c.type, c.amount) for c in self.coupons),
            prices_include_tax=self.prices_include_tax,
            vat_exempt=self.tax.exempt,
            dp=self.store_dp,
        )


class StoreSpec(_Spec):
    """The demo store's catalogue data; scenarios reuse it through YAML anchors."""

    name: str
    url: str = DEFAULT_STORE_URL
    products: list[LineSpec] = Field(default_factory=list)
    tax_rates: list[TaxRateSpec] = Field(default_factory=list)
    shipping_methods: list[ShippingSpec] = Field(default_factory=list)
    customers: list[CustomerSpec] = Field(default_factory=list)


class Catalogue(_Spec):
    """The scenario catalogue (`scenarios/catalogue.yaml`)."""

    store: StoreSpec | None = None
    scenarios: list[ScenarioSpec] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _store_url_for_every_scenario(cls, data: Any) -> Any:
        """Scenarios that name no store URL are orders of the catalogue's store."""
        if not isinstance(data, dict):
            return data
        store, scenarios = data.get("store"), data.get("scenarios")
        url = store.get("url") if isinstance(store, dict) else None
        if not isinstance(url, str) or not isinstance(scenarios, list):
            return data
        filled = [
            {"store_url": url, **entry} if isinstance(entry, dict) else entry
            for entry in scenarios
        ]
        return {**data, "scenarios": filled}

    @field_validator("scenarios")
    @classmethod
    def _unique_names(cls, scenarios: list[ScenarioSpec]) -> list[ScenarioSpec]:
        seen: dict[str, int] = {}
        for index, scenario in enumerate(scenarios):
            if scenario.name in seen:
                raise ValueError(
                    f"scenario names must be unique: {scenario.name!r} is both "
                    f"scenarios.{seen[scenario.name]} and scenarios.{index}"
                )
            seen[scenario.name] = index
        return scenarios

    @property
    def names(self) -> list[str]:
        return [scenario.name for scenario in self.scenarios]

    def get(self, name: str) -> ScenarioSpec:
        """The scenario called `name`; a `KeyError` suggests the closest names."""
        for scenario in self.scenarios:
            if scenario.name == name:
                return scenario
        close = difflib.get_close_matches(name, self.names, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise KeyError(f"no scenario named {name!r} in the catalogue{hint}")

    def __len__(self) -> int:
        return len(self.scenarios)


def catalogue_path(path: str | Path | None = None) -> Path:
    """Precedence: the argument, then `$HARNESS_CATALOGUE`, then the repo's catalogue."""
    if path is not None:
        return Path(path)
    from_env = os.environ.get(CATALOGUE_ENV, "").strip()
    return Path(from_env) if from_env else DEFAULT_CATALOGUE


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Load and validate the catalogue; a bad entry raises `ConfigFileError` (`file:line: ...`)."""
    return load_model(catalogue_path(path), Catalogue)


# ----------------------------------------------------------------------------- seeding


def scenario_digest(name: str, seed: int) -> bytes:
    """The 32 bytes every random choice of (scenario, run seed) comes from."""
    return hashlib.sha256(f"{name}:{seed}".encode()).digest()


@dataclass(frozen=True)
class OrderIdentity:
    """A scenario's stable WooCommerce order id and number (`number` suits an externalId)."""

    order_id: int
    number: str


def order_identity(name: str, seed: int) -> OrderIdentity:
    """Seven-digit ids: collisions between the catalogue's scenarios are vanishingly rare."""
    value = int.from_bytes(scenario_digest(name, seed)[:8], "big")
    order_id = 1_000_000 + value % 9_000_000
    return OrderIdentity(order_id, str(order_id))


# ----------------------------------------------------------------------------- wire assembly


@dataclass(frozen=True)
class ProductRef:
    """What a line item says about its product (everything but the numbers)."""

    name: str
    sku: str
    product_id: int
    variation_id: int = 0
    parent_name: str | None = None
    attributes: tuple[tuple[str, str], ...] = ()
    tax_class: str = ""


@dataclass(frozen=True)
class ShippingRef:
    method_id: str
    title: str
    instance_id: str = ""


@dataclass(frozen=True)
class Payment:
    method: str
    title: str
    transaction_id: str = ""


@dataclass(frozen=True)
class OrderDraft:
    """Everything about an order except its arithmetic, which comes from `OrderInput`."""

    order_id: int
    number: str
    order_key: str
    status: str
    currency: str
    created_gmt: datetime
    paid_gmt: datetime | None
    completed_gmt: datetime | None
    modified_gmt: datetime
    customer_id: int
    billing: dict[str, str]
    shipping: dict[str, str]
    payment: Payment
    inputs: OrderInput
    products: tuple[ProductRef, ...]
    shipping_methods: tuple[ShippingRef, ...] = ()
    fee_names: tuple[str, ...] = ()
    meta: tuple[tuple[str, Any], ...] = ()
    customer_note: str = ""
    customer_ip_address: str = ""
    customer_user_agent: str = ""
    cart_hash: str = ""
    created_via: str = "checkout"
    store_url: str = DEFAULT_STORE_URL
    store_utc_offset: timedelta = timedelta(0)
    first_item_id: int = 1
    first_meta_id: int = 1


CURRENCY_SYMBOLS = {"USD": "$", "CAD": "$", "EUR": "€", "GBP": "£", "AUD": "$", "JPY": "¥"}
_EDITABLE = frozenset({"pending", "on-hold", "auto-draft", "checkout-draft"})


class _Ids:
    """Sequential ids, as WooCommerce's order item and meta tables hand them out."""

    def __init__(self, first: int) -> None:
        self.next = first

    def take(self) -> int:
        self.next += 1
        return self.next - 1


def _date(moment: datetime | None, offset: timedelta = timedelta(0)) -> str | None:
    return None if moment is None else (moment + offset).strftime("%Y-%m-%dT%H:%M:%S")


def _taxes(entries: Sequence[RateAmount], dp: int) -> list[dict[str, Any]]:
    return [
        {
            "id": entry.rate_id,
            "total": format_money(entry.total, dp),
            "subtotal": "" if entry.subtotal is None else format_money(entry.subtotal, dp),
        }
        for entry in entries
    ]


def _meta(
    ids: _Ids, key: str, value: Any, display: tuple[str, str] | None = None
) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": ids.take(), "key": key, "value": value}
    if display is not None:
        entry["display_key"], entry["display_value"] = display
    return entry


def _attribute_display(key: str, value: str) -> tuple[str, str]:
    label = key.removeprefix("pa_").replace("-", " ").replace("_", " ").title()
    return label, value.upper() if len(value) <= 3 else value.title()


def _number(amount: Decimal) -> int | float:
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def build_wire(draft: OrderDraft, totals: OrderTotals) -> dict[str, Any]:
    """The order as `GET /wp-json/wc/v3/orders/<id>` returns it (WooCommerce 9.x key order)."""
    dp = totals.dp
    money = totals.money
    items = _Ids(draft.first_item_id)
    metas = _Ids(draft.first_meta_id)
    local = draft.store_utc_offset
    inputs = draft.inputs

    line_items = []
    for ref, line in zip(draft.products, totals.lines, strict=True):
        line_items.append(
            {
                "id": items.take(),
                "name": ref.name,
                "product_id": ref.product_id,
                "variation_id": ref.variation_id,
                "quantity": line.quantity,
                "tax_class": ref.tax_class,
                "subtotal": money(line.subtotal),
                "subtotal_tax": money(line.subtotal_tax),
                "total": money(line.total),
                "total_tax": money(line.total_tax),
                "taxes": _taxes(line.taxes, dp),
                "meta_data": [
                    _meta(metas, key, value, _attribute_display(key, value))
                    for key, value in ref.attributes
                ],
                "sku": ref.sku,
                "price": line.price,
                "image": {"id": "", "src": ""},
                "parent_name": ref.parent_name,
            }
        )
    summary = ", ".join(
        f"{ref.name} &times; {line.quantity}"
        for ref, line in zip(draft.products, inputs.lines, strict=True)
    )
    shipping_lines = [
        {
            "id": items.take(),
            "method_title": ref.title,
            "method_id": ref.method_id,
            "instance_id": ref.instance_id,
            "total": money(charge.total),
            "total_tax": money(charge.total_tax),
            "taxes": _taxes(charge.taxes, dp),
            "meta_data": [_meta(metas, "Items", summary, ("Items", summary))],
        }
        for ref, charge in zip(draft.shipping_methods, totals.shipping, strict=True)
    ]
    fee_lines = [
        {
            "id": items.take(),
            "name": name,
            "tax_class": "",
            "tax_status": "taxable" if fee_in.taxable else "none",
            "total": money(charge.total),
            "total_tax": money(charge.total_tax),
            "taxes": _taxes(charge.taxes, dp),
            "meta_data": [],
        }
        for name, fee_in, charge in zip(draft.fee_names, inputs.fees, totals.fees, strict=True)
    ]
    coupon_lines = []
    for coupon in totals.coupons:
        coupon_id = items.take()
        info = json.dumps([coupon_id, coupon.code, coupon.kind, _number(coupon.amount)])
        coupon_lines.append(
            {
                "id": coupon_id,
                "code": coupon.code,
                "discount": money(coupon.discount),
                "discount_tax": money(coupon.discount_tax),
                "discount_type": coupon.kind,
                "nominal_amount": _number(coupon.amount),
                "free_shipping": False,
                "meta_data": [_meta(metas, "coupon_info", info)],
            }
        )
    tax_lines: list[dict[str, Any]] = [
        {
            "id": items.take(),
            "rate_code": tax.rate.rate_code,
            "rate_id": tax.rate.rate_id,
            "label": tax.rate.name,
            "compound": tax.rate.compound,
            "tax_total": money(tax.tax_total),
            "shipping_tax_total": money(tax.shipping_tax_total),
            "rate_percent": tax.rate.rate_percent,
            "meta_data": [],
        }
        for tax in totals.tax_lines
    ]
    order_url = f"{draft.store_url}/wp-json/wc/v3/orders/{draft.order_id}"
    links: dict[str, Any] = {
        "self": [{"href": order_url}],
        "collection": [{"href": f"{draft.store_url}/wp-json/wc/v3/orders"}],
    }
    if draft.customer_id:
        customers = f"{draft.store_url}/wp-json/wc/v3/customers/{draft.customer_id}"
        links["customer"] = [{"href": customers}]
    needs_payment = draft.status in ("pending", "failed") and totals.total > 0
    return {
        "id": draft.order_id,
        "parent_id": 0,
        "status": draft.status,
        "currency": draft.currency,
        "version": WOOCOMMERCE_VERSION,
        "prices_include_tax": inputs.prices_include_tax,
        "date_created": _date(draft.created_gmt, local),
        "date_modified": _date(draft.modified_gmt, local),
        "discount_total": money(totals.discount_total),
        "discount_tax": money(totals.discount_tax),
        "shipping_total": money(totals.shipping_total),
        "shipping_tax": money(totals.shipping_tax),
        "cart_tax": money(totals.cart_tax),
        "total": money(totals.total),
        "total_tax": money(totals.total_tax),
        "customer_id": draft.customer_id,
        "order_key": draft.order_key,
        "billing": dict(draft.billing),
        "shipping": dict(draft.shipping),
        "payment_method": draft.payment.method,
        "payment_method_title": draft.payment.title,
        "transaction_id": draft.payment.transaction_id,
        "customer_ip_address": draft.customer_ip_address,
        "customer_user_agent": draft.customer_user_agent,
        "created_via": draft.created_via,
        "customer_note": draft.customer_note,
        "date_completed": _date(draft.completed_gmt, local),
        "date_paid": _date(draft.paid_gmt, local),
        "cart_hash": draft.cart_hash,
        "number": draft.number,
        "meta_data": [_meta(metas, key, value) for key, value in draft.meta],
        "line_items": line_items,
        "tax_lines": tax_lines,
        "shipping_lines": shipping_lines,
        "fee_lines": fee_lines,
        "coupon_lines": coupon_lines,
        "refunds": [],
        "payment_url": (
            f"{draft.store_url}/checkout/order-pay/{draft.order_id}/"
            f"?pay_for_order=true&key={draft.order_key}"
        ),
        "is_editable": draft.status in _EDITABLE,
        "needs_payment": needs_payment,
        "needs_processing": True,
        "date_created_gmt": _date(draft.created_gmt),
        "date_modified_gmt": _date(draft.modified_gmt),
        "date_completed_gmt": _date(draft.completed_gmt),
        "date_paid_gmt": _date(draft.paid_gmt),
        "currency_symbol": CURRENCY_SYMBOLS.get(draft.currency, draft.currency),
        "_links": links,
    }


class GeneratedOrderError(RuntimeError):
    """A generated order broke WooCommerce's arithmetic: a bug here, never in the scenario."""


def render_order(draft: OrderDraft) -> WooOrder:
    """Compute the totals, assemble the JSON and parse it; the invariants must hold."""
    totals = calculate(draft.inputs)
    order = WooOrder.parse(build_wire(draft, totals), dp=totals.dp)
    violations = order.check_invariants()
    if violations:
        details = "; ".join(v.message for v in violations)
        raise GeneratedOrderError(
            f"order {draft.number} breaks WooCommerce's arithmetic: {details}"
        )
    return order


# ----------------------------------------------------------------------------- generation

_LOCALES = {"US": "en_US", "CA": "en_CA", "GB": "en_GB", "AU": "en_AU", "IE": "en_IE"}
_ALPHANUMERIC = string.ascii_letters + string.digits
# The demo store's timezone (America/Los_Angeles, as its NetSuite account), standard time
# all year: generated dates need only be coherent.
STORE_UTC_OFFSET = timedelta(hours=-8)
_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
_PAID_STATUSES = frozenset({"processing", "completed", "refunded"})


# Browsers seen at checkout. Faker's user agents embed dates relative to today, which would
# make an order depend on the day it was generated.
_USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.6478.71 Mobile Safari/537.36",
)


def _phone(rng: random.Random) -> str:
    """A North American number (area and exchange codes never start with 0 or 1)."""
    area, exchange, line = rng.randint(201, 989), rng.randint(201, 989), rng.randint(0, 9999)
    return f"({area}) {exchange}-{line:04d}"


def _random_text(rng: random.Random, size: int, alphabet: str = _ALPHANUMERIC) -> str:
    return "".join(rng.choice(alphabet) for _ in range(size))


def _ascii_slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _mismatched_case(email: str) -> str:
    """The same address with its case changed, as a customer might type it at checkout.

    Only case changes: WooCommerce trims the billing email (`sanitize_email`), so surrounding
    whitespace never reaches the REST API.
    """
    local, _, domain = email.partition("@")
    variant = ".".join(part.capitalize() for part in local.split(".")) + "@" + domain.upper()
    return variant if variant != email else email.upper()


def _user_id_for(email: str) -> int:
    """A stable WordPress user id for a registered demo customer (2..4999)."""
    digest = hashlib.sha256(email.strip().lower().encode()).digest()
    return 2 + int.from_bytes(digest[:4], "big") % 4998


def _postcode(fake: Faker, country: str, state: str) -> str:
    try:
        if country == "US" and state:
            return str(fake.postcode_in_state(state))
        if country == "CA" and state:
            return str(fake.postalcode_in_province(state))
    except (AttributeError, KeyError, ValueError):
        pass
    return str(fake.postcode())


def _address(
    fake: Faker, where: AddressSpec, first: str, last: str, company: str
) -> dict[str, str]:
    second_line = fake.boolean(chance_of_getting_true=25)
    return {
        "first_name": first,
        "last_name": last,
        "company": company,
        "address_1": str(fake.street_address()),
        "address_2": str(fake.secondary_address()) if second_line else "",
        "city": str(fake.city()),
        "state": where.state,
        "postcode": _postcode(fake, where.country, where.state),
        "country": where.country,
    }


@dataclass(frozen=True)
class _Customer:
    customer_id: int
    first_name: str
    last_name: str
    company: str
    email: str


def _customer(spec: CustomerSpec, rng: random.Random, fake: Faker) -> _Customer:
    first = spec.first_name or str(fake.first_name())
    last = spec.last_name or str(fake.last_name())
    company = spec.company
    if not company and spec.is_person is False:
        company = str(fake.company())
    if spec.kind in ("new", "guest"):
        email = spec.email or (
            f"{_ascii_slug(first)}.{_ascii_slug(last)}{rng.randint(10, 9999)}@example.net"
        )
        user = 0 if spec.kind == "guest" else spec.user_id or rng.randint(5000, 99_999)
        return _Customer(user, first, last, company, email)
    email = spec.email or AMBIGUOUS_EMAIL
    user = spec.user_id or _user_id_for(email)
    if spec.kind == "existing-case-mismatch":
        email = _mismatched_case(email)
    return _Customer(user, first, last, company, email)


def _payment(status: str, rng: random.Random) -> Payment:
    if status in ("on-hold",):
        return rng.choice(
            [Payment("bacs", "Direct bank transfer"), Payment("cheque", "Check payments")]
        )
    paid = status in _PAID_STATUSES
    if rng.random() < 0.7:
        charge = "ch_" + _random_text(rng, 24) if paid else ""
        return Payment("stripe", "Credit Card (Stripe)", charge)
    capture = _random_text(rng, 17, string.ascii_uppercase + string.digits) if paid else ""
    return Payment("ppcp-gateway", "PayPal", capture)


def _product(line: LineSpec) -> ProductRef:
    digest = hashlib.sha256(line.sku.encode()).digest()
    product_id = line.product_id or 100 + int.from_bytes(digest[:2], "big") % 9900
    name = line.name or line.sku.replace("-", " ").title()
    return ProductRef(
        name=name,
        sku=line.sku,
        product_id=product_id,
        variation_id=line.variation_id,
        parent_name=line.parent_name,
        attributes=tuple(line.attributes.items()),
        tax_class=line.tax_class,
    )


_FAKERS: dict[str, Faker] = {}


def _faker(locale: str) -> Faker:
    """One Faker per locale and process (building one costs milliseconds); `generate` reseeds
    it before every use, so each order still depends only on (scenario name, seed)."""
    fake = _FAKERS.get(locale)
    if fake is None:
        fake = _FAKERS[locale] = Faker(locale)
    return fake


def generate(spec: ScenarioSpec, seed: int) -> WooOrder:
    """A realistic REST v3 order for `spec`, identical for the same (spec.name, seed)."""
    digest = scenario_digest(spec.name, seed)
    rng = random.Random(int.from_bytes(digest, "big"))
    fake = _faker(_LOCALES.get(spec.billing.country, "en_US"))
    fake.seed_instance(int.from_bytes(digest[8:16], "big"))
    identity = order_identity(spec.name, seed)

    who = _customer(spec.customer, rng, fake)
    billing = _address(fake, spec.billing, who.first_name, who.last_name, who.company)
    known = spec.customer  # an existing customer orders from the address NetSuite knows
    for key in ("address_1", "city", "postcode"):
        value = getattr(known, key)
        if value:
            billing[key], billing["address_2"] = value, ""
    billing["email"] = who.email
    billing["phone"] = known.phone or _phone(rng)
    ship_to = spec.ship_to or spec.billing
    if ship_to == spec.billing:
        shipping = {key: value for key, value in billing.items() if key != "email"}
    else:
        shipping = _address(fake, ship_to, who.first_name, who.last_name, who.company)
        shipping["phone"] = billing["phone"]

    created = _EPOCH + timedelta(seconds=rng.randrange(365 * 24 * 3600))
    paid_after = timedelta(seconds=rng.randint(4, 90))
    paid = created + paid_after if spec.status in _PAID_STATUSES else None
    completed = (
        created + timedelta(hours=rng.randint(20, 96)) if spec.status == "completed" else None
    )
    modified = max(moment for moment in (created, paid, completed) if moment is not None)
    modified += timedelta(seconds=rng.randint(1, 30))

    payment = _payment(spec.status, rng)
    meta: list[tuple[str, Any]] = [("is_vat_exempt", "yes" if spec.tax.exempt else "no")]
    if payment.method == "stripe":
        meta.append(("_stripe_currency", spec.currency))
    shipping_methods = (
        (ShippingRef(spec.shipping.method_id, spec.shipping.title, spec.shipping.instance_id),)
        if spec.shipping
        else ()
    )
    draft = OrderDraft(
        order_id=identity.order_id,
        number=identity.number,
        order_key="wc_order_" + _random_text(rng, 13),
        status=spec.status,
        currency=spec.currency,
        created_gmt=created,
        paid_gmt=paid,
        completed_gmt=completed,
        modified_gmt=modified,
        customer_id=who.customer_id,
        billing=billing,
        shipping=shipping,
        payment=payment,
        inputs=spec.order_input(),
        products=tuple(_product(line) for line in spec.lines),
        shipping_methods=shipping_methods,
        fee_names=tuple(fee.name for fee in spec.fees),
        meta=tuple(meta),
        customer_note=spec.customer_note,
        customer_ip_address=str(fake.ipv4_public()),
        customer_user_agent=rng.choice(_USER_AGENTS),
        cart_hash=f"{rng.getrandbits(128):032x}",
        store_url=spec.store_url,
        store_utc_offset=STORE_UTC_OFFSET,
        first_item_id=rng.randint(1_000, 900_000),
        first_meta_id=rng.randint(10_000, 9_000_000),
    )
    return render_order(draft)


def apply_update(order: WooOrder, update: OrderUpdate, step: int = 1) -> WooOrder:
    """`order` after `update`, as the `order.updated` delivery number `step` would carry it."""
    wire = order.to_wire()
    gmt = datetime.strptime(str(wire["date_modified_gmt"]), "%Y-%m-%dT%H:%M:%S")
    offset = datetime.strptime(str(wire["date_modified"]), "%Y-%m-%dT%H:%M:%S") - gmt
    moment = gmt + timedelta(hours=step)
    if update.status is not None:
        wire["status"] = update.status
        wire["is_editable"] = update.status in _EDITABLE
        if update.status in _PAID_STATUSES and wire.get("date_paid_gmt") is None:
            wire["date_paid_gmt"], wire["date_paid"] = _date(moment), _date(moment, offset)
        if update.status == "completed" and wire.get("date_completed_gmt") is None:
            wire["date_completed_gmt"] = _date(moment)
            wire["date_completed"] = _date(moment, offset)
    if update.customer_note is not None:
        wire["customer_note"] = update.customer_note
    wire["date_modified_gmt"], wire["date_modified"] = _date(moment), _date(moment, offset)
    return WooOrder.parse(wire, dp=order.dp)


__all__ = [
    "AMBIGUOUS_EMAIL",
    "CATALOGUE_ENV",
    "DEFAULT_CATALOGUE",
    "EXPECTATIONS",
    "AddressSpec",
    "Catalogue",
    "CouponSpec",
    "CustomerSpec",
    "FeeSpec",
    "GeneratedOrderError",
    "LineSpec",
    "OrderDraft",
    "OrderIdentity",
    "OrderUpdate",
    "Payment",
    "ProductRef",
    "ScenarioSpec",
    "ShippingRef",
    "ShippingSpec",
    "StoreSpec",
    "TargetSpec",
    "TaxRateSpec",
    "TaxSpec",
    "apply_update",
    "build_wire",
    "catalogue_path",
    "generate",
    "load_catalogue",
    "order_identity",
    "render_order",
    "scenario_digest",
]

"""What kind of WooCommerce order to make: the input of `harness.woo.generate`.

An order spec names the customer, lines, tax situation, shipping, coupons, fees and status;
the catalogue's scenarios extend it with what NetSuite should do with the order.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from harness.woo.cart import CouponInput, FeeInput, LineInput, OrderInput, ShippingInput, TaxRate

DEFAULT_STORE_URL = "https://acme-outfitters.example"

CustomerKind = Literal["new", "existing", "existing-case-mismatch", "guest", "ambiguous"]
AMBIGUOUS_EMAIL = "dup@example.com"
ZERO_DECIMAL_CURRENCIES = frozenset({"JPY", "KRW", "VND", "CLP", "ISK", "HUF", "TWD", "UGX"})

Money = Annotated[Decimal, Field(allow_inf_nan=False)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
StatusSlug = Annotated[str, Field(pattern=r"^[a-z0-9_-]+$")]


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


class OrderSpec(_Spec):
    """The kind of order to make: customer, lines, tax, shipping, coupons, fees, status."""

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

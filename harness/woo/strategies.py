"""Hypothesis strategies for WooCommerce orders: consistent ones, and deliberately broken ones.

`valid_orders()` draws random carts (lines, tax rates, coupons, fees, shipping, price mode,
exemption) and lets `harness.woo.totals` compute them, so every example is an order a real
store could have produced. `malformed_orders()` breaks one thing in such an order and says
where, so a parser can be held to naming the exact field path in its error.
"""

from __future__ import annotations

import copy
import functools
import random
import string
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from harness.woo.cart import (
    CouponInput,
    CouponKind,
    FeeInput,
    LineInput,
    OrderInput,
    ShippingInput,
    TaxRate,
)
from harness.woo.draft import OrderDraft, Payment, ProductRef, ShippingRef, build_wire
from harness.woo.order import WooOrder
from harness.woo.totals import calculate

Wire = dict[str, Any]
Path = tuple[str | int, ...]

_FIRST = ("Jane", "Ana", "Lukas", "Mei", "Omar", "Chloé", "Sean", "Priya", "Tom", "Zoë")
_LAST = ("Doe", "García", "Müller", "Chen", "Haddad", "Dubois", "O'Brien", "Patel", "Smith")
_PLACES = (
    ("US", "CA", "San Francisco", "94103"),
    ("US", "NY", "New York", "10001"),
    ("US", "TX", "Austin", "73301"),
    ("CA", "ON", "Toronto", "M5H 2N2"),
    ("CA", "BC", "Vancouver", "V6B 1A1"),
    ("GB", "", "London", "SW1A 1AA"),
    ("DE", "", "Berlin", "10115"),
    ("IT", "RM", "Roma", "00184"),
)
_PRODUCTS = ("Hoodie", "T-Shirt", "Mug", "Beanie", "Sticker Pack", "Poster", "Cap", "Tote Bag")
_CURRENCIES = ("USD", "CAD", "EUR", "GBP", "AUD")
_STATUSES = ("pending", "processing", "on-hold", "completed", "cancelled", "refunded", "failed")
_PAYMENTS = (
    Payment("stripe", "Credit Card (Stripe)", "ch_3PabcDEF123"),
    Payment("bacs", "Direct bank transfer"),
    Payment("cod", "Cash on delivery"),
    Payment("ppcp-gateway", "PayPal", "8AB12345CD678901E"),
)
_SHIPPING = (
    ShippingRef("flat_rate", "Flat rate", "1"),
    ShippingRef("free_shipping", "Free shipping", "2"),
    ShippingRef("local_pickup", "Local pickup", "3"),
    ShippingRef("table_rate", "Table Rate", "7"),
)
_PERCENTS = ("5", "6.625", "7.25", "8.875", "10", "13", "19", "20", "21", "0")


@functools.cache
def _amount(dp: int, low: int, high: int) -> st.SearchStrategy[Decimal]:
    """Money between `low` and `high` minor units, exact at `dp` decimals."""
    return st.integers(low, high).map(lambda units: Decimal(units).scaleb(-dp))


# Strategies are built once: building them inside every draw costs more than the drawing.
_PLACE = st.sampled_from(_PLACES)
_PERCENT = st.one_of(
    st.sampled_from(_PERCENTS).map(Decimal), st.decimals(min_value=0, max_value=30, places=3)
)
_RATE_NAME = st.sampled_from(("State Tax", "VAT", "GST", "City Tax", ""))
_COUPON_KIND: st.SearchStrategy[CouponKind] = st.sampled_from(("percent", "fixed_cart"))
_COUPON_PERCENT = st.sampled_from((Decimal(5), Decimal(10), Decimal(15), Decimal("12.5")))
_TAXABLE = st.sampled_from((True, True, True, False))
_ALPHANUMERIC = string.ascii_letters + string.digits


@st.composite
def tax_rates(draw: st.DrawFn) -> tuple[TaxRate, ...]:
    """0 to 3 rates of one location; later ones may be compound, as on a real rate table."""
    country, state, _, _ = draw(_PLACE)
    rates = []
    for index in range(draw(st.integers(0, 3))):
        rates.append(
            TaxRate(
                rate_id=index + 1 + draw(st.integers(0, 50)) * 10,
                country=country,
                state=state,
                name=draw(_RATE_NAME),
                percent=draw(_PERCENT),
                priority=index + 1,
                compound=index > 0 and draw(st.booleans()),
                shipping=draw(st.booleans()),
            )
        )
    return tuple(rates)


@functools.cache
def _line_inputs(dp: int) -> st.SearchStrategy[list[LineInput]]:
    price = _amount(dp, 0, 60_000 // 10 ** max(0, 2 - dp))
    line = st.builds(LineInput, quantity=st.integers(1, 12), unit_price=price, taxable=_TAXABLE)
    return st.lists(line, min_size=1, max_size=6)


@st.composite
def order_inputs(draw: st.DrawFn, dp: int = 2) -> OrderInput:
    """A random cart `harness.woo.totals.calculate` accepts."""
    unit = 10**dp
    coupons = []
    for index in range(draw(st.integers(0, 2))):
        kind = draw(_COUPON_KIND)
        amount = draw(_COUPON_PERCENT if kind == "percent" else _amount(dp, 1, 150 * unit))
        coupons.append(CouponInput(f"code{index}", kind, amount))
    shipping = [
        ShippingInput(draw(_amount(dp, 0, 30 * unit)), draw(st.booleans()))
        for _ in range(draw(st.integers(0, 2)))
    ]
    fees = [
        FeeInput(draw(_amount(dp, -80 * unit, 50 * unit)), draw(st.booleans()))
        for _ in range(draw(st.integers(0, 2)))
    ]
    return OrderInput(
        lines=tuple(draw(_line_inputs(dp))),
        rates=draw(tax_rates()),
        shipping=tuple(shipping),
        fees=tuple(fees),
        coupons=tuple(coupons),
        prices_include_tax=draw(st.booleans()),
        vat_exempt=draw(st.integers(0, 5)) == 0,
        dp=dp,
    )


@st.composite
def _drafts(draw: st.DrawFn, dp: int) -> OrderDraft:
    """The cart is drawn field by field (so it shrinks well); who ordered, from where and when
    comes from one drawn seed, which keeps each example cheap."""
    inputs = draw(order_inputs(dp))
    status = draw(st.sampled_from(_STATUSES))
    rng = random.Random(draw(st.integers(0, 2**32)))
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    country, state, city, postcode = rng.choice(_PLACES)
    address = {
        "first_name": first,
        "last_name": last,
        "company": rng.choice(("", "", "Northwind Traders", "Maple Leaf Cafe")),
        "address_1": f"{rng.randint(1, 9999)} Market St",
        "address_2": "",
        "city": city,
        "state": state,
        "postcode": postcode,
        "country": country,
    }
    billing = {
        **address,
        "email": f"{first[0].lower()}.{rng.randint(1, 9999)}@example.com",
        "phone": "(415) 555-0100",
    }
    created = datetime(2015, 1, 1) + timedelta(seconds=rng.randrange(16 * 365 * 24 * 3600))
    paid = created + timedelta(seconds=30) if status in ("processing", "completed") else None
    completed = created + timedelta(days=2) if status == "completed" else None
    products = []
    for index in range(len(inputs.lines)):
        name = rng.choice(_PRODUCTS)
        variation = rng.random() < 0.4
        products.append(
            ProductRef(
                name=f"{name} - Black, M" if variation else name,
                sku=f"{name.upper().replace(' ', '-')[:8]}-{index}",
                product_id=rng.randint(1, 99_999),
                variation_id=rng.randint(1, 99_999) if variation else 0,
                parent_name=name if variation else None,
                attributes=(("pa_color", "black"), ("pa_size", "m")) if variation else (),
            )
        )
    order_id = rng.randint(1, 10**7)
    return OrderDraft(
        order_id=order_id,
        number=str(order_id),
        order_key="wc_order_" + "".join(rng.choices(_ALPHANUMERIC, k=13)),
        status=status,
        currency=rng.choice(_CURRENCIES),
        created_gmt=created,
        paid_gmt=paid,
        completed_gmt=completed,
        modified_gmt=(completed or paid or created) + timedelta(seconds=5),
        customer_id=rng.choice((0, rng.randint(1, 10**6))),
        billing=billing,
        shipping=address,
        payment=rng.choice(_PAYMENTS),
        inputs=inputs,
        products=tuple(products),
        shipping_methods=tuple(rng.choice(_SHIPPING) for _ in inputs.shipping),
        fee_names=tuple(f"Fee {index + 1}" for index in range(len(inputs.fees))),
        meta=(("is_vat_exempt", "yes" if inputs.vat_exempt else "no"),),
        store_utc_offset=timedelta(hours=rng.randint(-10, 10)),
        first_item_id=rng.randint(1, 10**6),
        first_meta_id=rng.randint(1, 10**7),
    )


def valid_orders(dp: int = 2) -> st.SearchStrategy[WooOrder]:
    """Random but WooCommerce-consistent orders (the section 3 invariants hold)."""
    return _drafts(dp).map(
        lambda draft: WooOrder.parse(build_wire(draft, calculate(draft.inputs)), dp=dp)
    )


# ----------------------------------------------------------------------------- defects


def _get(wire: Wire, path: Path) -> Any:
    node: Any = wire
    for part in path:
        node = node[part]
    return node


def _set(wire: Wire, path: Path, value: Any) -> None:
    _get(wire, path[:-1])[path[-1]] = value


def _dotted(path: Path) -> str:
    return ".".join(str(part) for part in path)


def _existing(wire: Wire, candidates: Sequence[Path]) -> list[Path]:
    found = []
    for path in candidates:
        try:
            _get(wire, path)
        except (KeyError, IndexError, TypeError):
            continue
        found.append(path)
    return found


def _lines(wire: Wire, key: str, fields: Sequence[str]) -> list[Path]:
    return [(key, i, name) for i in range(len(wire.get(key, []))) for name in fields]


Defect = Callable[[Wire, st.DrawFn], str]


def _replace(candidates: Callable[[Wire], list[Path]], values: Sequence[Any]) -> Defect:
    """A defect that puts one of `values` at one of the paths `candidates` finds."""

    def apply(wire: Wire, draw: st.DrawFn) -> str:
        path = draw(st.sampled_from(_existing(wire, candidates(wire))))
        _set(wire, path, copy.deepcopy(draw(st.sampled_from(values))))
        return _dotted(path)

    return apply


def _missing(wire: Wire, draw: st.DrawFn) -> str:
    top = ["id", "status", "currency", "total", "total_tax", "cart_tax", "prices_include_tax"]
    top += ["customer_id", "billing", "shipping", "line_items", "tax_lines", "coupon_lines"]
    item = ["id", "product_id", "quantity", "subtotal", "total", "total_tax"]
    candidates = [(name,) for name in top] + _lines(wire, "line_items", item)
    candidates += _lines(wire, "tax_lines", ["rate_id", "tax_total"])
    candidates += _lines(wire, "shipping_lines", ["method_id", "total"])
    candidates += _lines(wire, "fee_lines", ["name", "total"])
    path = draw(st.sampled_from(_existing(wire, candidates)))
    del _get(wire, path[:-1])[path[-1]]
    return _dotted(path)


_MONEY_FIELDS = ("discount_total", "shipping_total", "cart_tax", "total", "total_tax")


def _money_paths(wire: Wire) -> list[Path]:
    paths: list[Path] = [(name,) for name in _MONEY_FIELDS]
    paths += _lines(wire, "line_items", ["subtotal", "subtotal_tax", "total", "total_tax"])
    paths += _lines(wire, "tax_lines", ["tax_total"])
    return paths + _lines(wire, "fee_lines", ["total"])


def _id_paths(wire: Wire) -> list[Path]:
    paths: list[Path] = [("id",), ("customer_id",)]
    paths += _lines(wire, "line_items", ["id", "product_id", "variation_id"])
    return paths + _lines(wire, "tax_lines", ["rate_id"]) + _lines(wire, "shipping_lines", ["id"])


def _bad_meta(wire: Wire, draw: st.DrawFn) -> str:
    holders: list[Path] = [("meta_data",)]
    items = wire["line_items"]
    holders += [("line_items", i, "meta_data") for i, item in enumerate(items) if item["meta_data"]]
    holder = draw(st.sampled_from(holders))
    entries = _get(wire, holder)
    index = draw(st.integers(0, len(entries) - 1))
    how = draw(st.sampled_from(("not-object", "no-key", "key-not-string")))
    if how == "not-object":
        entries[index] = draw(st.sampled_from(("is_vat_exempt", 7, ["key", "value"])))
        return _dotted((*holder, index))
    if how == "no-key":
        del entries[index]["key"]
    else:
        entries[index]["key"] = draw(st.sampled_from((42, None, ["a"])))
    return _dotted((*holder, index, "key"))


def _wrong_container(wire: Wire, draw: st.DrawFn) -> str:
    """A list where WooCommerce sends an object, or an object where it sends a list."""
    key = draw(st.sampled_from(_CONTAINERS))
    if isinstance(wire[key], list):
        wire[key] = {str(i): entry for i, entry in enumerate(wire[key])}
    else:
        wire[key] = [wire[key]]
    return key


def _typed_paths(wire: Wire) -> list[Path]:
    paths: list[Path] = [("prices_include_tax",), ("status",), ("customer_note",), ("number",)]
    paths += [("billing", "first_name"), ("shipping", "city")]
    paths += _lines(wire, "line_items", ["name", "sku"])
    return paths + _lines(wire, "tax_lines", ["compound", "label"])


_CONTAINERS = ("line_items", "tax_lines", "coupon_lines", "meta_data", "billing", "shipping")
_DATES = ("date_created", "date_created_gmt", "date_modified")
_BAD_DATES = (
    "22/03/2017",
    "2017-03-22 16:28:02",
    "2017-02-30T10:00:00",
    "2017-03-22T16:28:02Z",
    1490200082,
    "yesterday",
)
_BAD_EMAILS = (
    "jane",
    "jane@",
    "@example.com",
    "jane doe@example.com",
    "jane@@example.com",
    "jane@example",
    42,
)

DEFECTS: dict[str, Defect] = {
    "missing-field": _missing,
    "wrong-type": _replace(_typed_paths, [42, 3.5, ["x"], {"a": 1}]),
    "bad-money": _replace(
        _money_paths, ["12,50", "1.2.3", "", "$5.00", "abc", 12.5, "1e3", " 5.00", None]
    ),
    "bad-date": _replace(lambda wire: [(name,) for name in _DATES], _BAD_DATES),
    "non-positive-quantity": _replace(
        lambda wire: _lines(wire, "line_items", ["quantity"]), [0, -1, -12]
    ),
    "bad-currency": _replace(
        lambda wire: [("currency",)], ["usd", "US", "DOLLAR", "$", "", 840, None]
    ),
    "bad-email": _replace(lambda wire: [("billing", "email")], _BAD_EMAILS),
    "bad-country": _replace(
        lambda wire: [("billing", "country"), ("shipping", "country")],
        ["USA", "us", "United States", "U", 1, None],
    ),
    "non-integer-id": _replace(_id_paths, ["727", 7.5, -1, True, None, "abc"]),
    "wrong-container": _wrong_container,
    "bad-meta-entry": _bad_meta,
}
DEFECT_KINDS: tuple[str, ...] = tuple(DEFECTS)
"""Every kind of defect `malformed_orders` can make."""


def malformed_orders(
    kinds: Sequence[str] = DEFECT_KINDS, dp: int = 2
) -> st.SearchStrategy[tuple[Wire, str]]:
    """`(wire, defect)`: an order JSON with one defect of `kinds`, and the field path a parser
    must name for it (e.g. `line_items.0.quantity`)."""
    unknown = sorted(set(kinds) - set(DEFECTS))
    if unknown or not kinds:
        raise ValueError(f"kinds: unknown defect kinds {unknown} (expected some of {DEFECT_KINDS})")
    return _malformed(tuple(kinds), dp)


@st.composite
def _malformed(draw: st.DrawFn, kinds: tuple[str, ...], dp: int) -> tuple[Wire, str]:
    wire = draw(valid_orders(dp)).to_wire()
    kind = draw(st.sampled_from(kinds))
    return wire, DEFECTS[kind](wire, draw)


__all__ = [
    "DEFECTS",
    "DEFECT_KINDS",
    "malformed_orders",
    "order_inputs",
    "tax_rates",
    "valid_orders",
]

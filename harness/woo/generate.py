"""The seeded generator that turns an order spec into a realistic WooCommerce order.

`generate` makes the order itself: names, addresses and dates from Faker, the numbers and the
wire JSON from `harness.woo.draft`. Everything random is derived from
`sha256("<scenario name>:<run seed>")` through private `random.Random` and `Faker` instances,
so the same spec and seed give byte-identical orders in any process, on any xdist worker, in
any order.
"""

from __future__ import annotations

import hashlib
import itertools
import random
import re
import string
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar

from faker import Faker

from harness.woo.draft import (
    EDITABLE_STATUSES,
    OrderDraft,
    Payment,
    ProductRef,
    ShippingRef,
    render_order,
    wire_date,
)
from harness.woo.order import WooOrder
from harness.woo.orderspec import (
    AMBIGUOUS_EMAIL,
    AddressSpec,
    CustomerSpec,
    LineSpec,
    OrderSpec,
    OrderUpdate,
)

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


# ----------------------------------------------------------------------------- generation

T = TypeVar("T")

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


class _RememberedWeights(random.Random):
    """`random.Random` that works out the cumulative weights of a weighted population once.

    Faker draws names, streets and cities from tables of thousands of weighted entries
    (`OrderedDict` keys and their frequencies) with `choices(keys, weights=...)`, which adds
    the weights up on every draw. For the same population and weights the sums are the same
    floats, and `choices` with `cum_weights` draws exactly as it would have: the same values
    from the same random numbers (tests/woo/test_generate.py compares with a plain Faker)."""

    _LIMIT = 256

    def __init__(self) -> None:
        super().__init__()
        self._sums: dict[int, tuple[tuple[Any, ...], tuple[Any, ...], list[float]]] = {}

    def choices(  # type: ignore[override]
        self,
        population: Sequence[Any],
        weights: Sequence[float] | None = None,
        *,
        cum_weights: Sequence[float] | None = None,
        k: int = 1,
    ) -> list[Any]:
        if weights is None or cum_weights is not None or type(population) is not tuple:
            return super().choices(population, weights, cum_weights=cum_weights, k=k)
        known = self._sums.get(id(population))
        if known is None or known[0] is not population or known[1] != tuple(weights):
            if len(self._sums) >= self._LIMIT:
                self._sums.clear()
            known = (population, tuple(weights), list(itertools.accumulate(weights)))
            self._sums[id(population)] = known  # holding `population` keeps its id its own
        return super().choices(population, cum_weights=known[2], k=k)


_FAKERS: dict[str, Faker] = {}


def _faker(locale: str) -> Faker:
    """One Faker per locale and process (building one costs milliseconds); `generate` reseeds
    it before every use, so each order still depends only on (scenario name, seed)."""
    fake = _FAKERS.get(locale)
    if fake is None:
        fake = _FAKERS[locale] = Faker(locale)
        fake.random = _RememberedWeights()  # type: ignore[attr-defined]
    return fake


class SpecMemo(Generic[T]):
    """What is made from a frozen spec and a seed, kept from the second time it is asked for:
    a run that makes each order once keeps nothing (nor makes the garbage collector walk it);
    one that lands or reports the same order again makes it once more, then no more. A spec
    is held by identity, as its id alone could be reused once it is gone."""

    def __init__(self, limit: int = 128) -> None:
        self.limit = limit
        self._seen: dict[tuple[int, int], OrderSpec] = {}
        self._kept: dict[tuple[int, int], tuple[OrderSpec, T]] = {}

    def __len__(self) -> int:
        return len(self._kept)

    def kept(self, spec: OrderSpec, seed: int) -> T | None:
        found = self._kept.get((id(spec), seed))
        return found[1] if found is not None and found[0] is spec else None

    def made(self, spec: OrderSpec, seed: int, value: T) -> bool:
        """Note `value`, just made for (spec, seed). True: it is kept now (asked for before),
        so only copies of it may be handed out."""
        key = (id(spec), seed)
        if self._seen.get(key) is not spec:
            _bounded(self._seen, self.limit)[key] = spec
            return False
        _bounded(self._kept, self.limit)[key] = (spec, value)
        return True


def _bounded(kept: dict[Any, Any], limit: int) -> dict[Any, Any]:
    if len(kept) >= limit:
        kept.clear()
    return kept


_ORDERS: SpecMemo[WooOrder] = SpecMemo()


def generate(spec: OrderSpec, seed: int) -> WooOrder:
    """A realistic REST v3 order for `spec`, identical for the same (spec.name, seed).

    An order asked for again is kept and handed out as deep copies (`SpecMemo`): a caller's
    changes to its own reach no other."""
    kept = _ORDERS.kept(spec, seed)
    if kept is not None:
        return kept.deep_copy()
    order = make_order(spec, seed)
    return order.deep_copy() if _ORDERS.made(spec, seed, order) else order


def make_order(spec: OrderSpec, seed: int) -> WooOrder:
    """`generate` without keeping anything: a new order every call."""
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
        wire["is_editable"] = update.status in EDITABLE_STATUSES
        if update.status in _PAID_STATUSES and wire.get("date_paid_gmt") is None:
            wire["date_paid_gmt"], wire["date_paid"] = wire_date(moment), wire_date(moment, offset)
        if update.status == "completed" and wire.get("date_completed_gmt") is None:
            wire["date_completed_gmt"] = wire_date(moment)
            wire["date_completed"] = wire_date(moment, offset)
    if update.customer_note is not None:
        wire["customer_note"] = update.customer_note
    wire["date_modified_gmt"], wire["date_modified"] = wire_date(moment), wire_date(moment, offset)
    return WooOrder.parse(wire, dp=order.dp)

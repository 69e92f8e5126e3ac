"""Bill-to and ship-to that landed missing or different from WooCommerce's.

NetSuite fills a Sales Order's addresses from the customer's default billing and shipping
address when the request carries none (reference salesorder-semantics, headline 1), so an
address that was never sent lands as the customer's, or, for a customer without an address
book, not at all.
"""

from __future__ import annotations

from harness.landing.findings.scene import Scene
from harness.landing.findings.text import Worded
from harness.landing.verdict import Mismatch

# Ways a client may carry an address: the subrecord, or the legacy text and list fields.
_SENT_AS = {
    "billingAddress": ("billingAddress", "billAddress", "billAddressList"),
    "shippingAddress": ("shippingAddress", "shipAddress", "shipAddressList"),
}
_WORDS = {"billingAddress": "billing address", "shippingAddress": "shipping address"}
_WOO = {"billingAddress": "billing", "shippingAddress": "shipping"}


def _which(found: list[Mismatch]) -> list[str]:
    """`billingAddress`, `shippingAddress`: the addresses that landed wrong, in that order."""
    named = {m.field.split(".")[0] for m in found}
    return [name for name in _SENT_AS if name in named]


def address_wording(found: list[Mismatch], scene: Scene) -> Worded:
    which = _which(found)
    missing = [name for name in which if any(m.field == name and m.actual is None for m in found)]
    unsent = [name for name in which if scene.body and not scene.sent(*_SENT_AS[name])]
    words = " and ".join(_WORDS[name] for name in which)
    woo = " and ".join(_WOO[name] for name in which)
    send = (
        f"Send {' and '.join(which)} on the Sales Order as subrecords (country first, then "
        f"addr1, city, state, zip) from WooCommerce's {woo} address (address_1, city, state, "
        "postcode, country)"
    )
    extra = [f"sent no {', '.join(_SENT_AS[name][0] for name in unsent)}"] if unsent else []
    if missing:
        absent = " and ".join(_WORDS[name] for name in missing)
        why = (
            ": none was sent, and the customer has no default address for NetSuite to copy"
            if set(missing) <= set(unsent)
            else ""
        )
        return (
            f"{scene.order} landed without a {absent}{why}.",
            f"{send}; a customer the connector creates can carry them too (addressBook with "
            "defaultBilling / defaultShipping).",
            extra,
        )
    parts = ", ".join(m.field for m in found)
    why = ": it was not sent, so NetSuite copied the customer's default address" if unsent else ""
    return (
        f"The {words} of {scene.order} landed differently from WooCommerce's ({parts}){why}.",
        f"{send}; NetSuite copies the customer's default address only when none is sent.",
        extra,
    )

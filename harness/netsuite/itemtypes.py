"""NetSuite's item types: SuiteQL's `item.itemtype` code and `subtype` <-> REST record type.

The types a sales order uses are those connectors put on one: inventory, non-inventory for
sale, discount and gift certificate items (reference/salesorder-semantics.md section 6,
CONFIRMED), plus service and other-charge items for sale. The codes (`InvtPart`, ...), the
`Sale` subtype of the for-sale variants and the REST names are NetSuite's own (INFERRED: the
reference does not list them). Purchase-only and resale variants, kits, assemblies and item
groups are left out.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

ItemRecordType = Literal[
    "inventoryItem",
    "nonInventorySaleItem",
    "serviceSaleItem",
    "otherChargeSaleItem",
    "discountItem",
    "giftCertificateItem",
]


class ItemType(NamedTuple):
    code: str  # SuiteQL `item.itemtype`
    subtype: str | None  # SuiteQL `item.subtype`
    record_type: ItemRecordType  # REST record type, `/record/v1/<record_type>`


ITEM_TYPES: tuple[ItemType, ...] = (
    ItemType("InvtPart", None, "inventoryItem"),
    ItemType("NonInvtPart", "Sale", "nonInventorySaleItem"),
    ItemType("Service", "Sale", "serviceSaleItem"),
    ItemType("OthCharge", "Sale", "otherChargeSaleItem"),
    ItemType("Discount", None, "discountItem"),
    ItemType("GiftCert", None, "giftCertificateItem"),
)

# `item.itemtype` code -> REST record type (`InvtPart` -> `inventoryItem`).
RECORD_TYPE_OF_CODE: dict[str, str] = {t.code: t.record_type for t in ITEM_TYPES}
# REST record type -> its item type (`inventoryItem` -> `InvtPart`, no subtype).
ITEM_TYPE_OF_RECORD_TYPE: dict[str, ItemType] = {t.record_type: t for t in ITEM_TYPES}
# The REST record types of items, in the table's order.
ITEM_RECORD_TYPES: tuple[str, ...] = tuple(t.record_type for t in ITEM_TYPES)

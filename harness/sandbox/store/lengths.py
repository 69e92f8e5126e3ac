"""How long a text value NetSuite takes, and its words for one that is longer.

NetSuite refuses an over-long value; it never truncates it. The refusal names the field by
its lowercase id and the limit:
"The field addr1 contained more than the maximum number ( 150 ) of characters allowed."
(CONFIRMED wording, with the spaces inside the parentheses, in live errors quoted by
gh:getlago/lago-api#3233, #3245 and #4689 and by public loaders' comments; over REST it is a
400 `USER_ERROR`, CONFIRMED-weak: a public REST loader logged
"USER_ERROR: field phone contained more than the maximum number (32) of characters").
The "Error while accessing a resource." prefix and `o:errorPath` are INFERRED, as on
NetSuite's other REST business errors.

Limits count bytes of UTF-8, not characters: CONFIRMED for custom fields (Oracle's "Field
Type Descriptions for Custom Fields", ORA:section_N2842731: "one character could require up
to four bytes"), INFERRED for standard fields. So "Café" takes five of a field's bytes.

Each limit below says where it comes from; a text field that none names takes NetSuite's
Text Area limit of 4,000 (INFERRED), so no text field is unbounded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from harness.netsuite.errors import BUSINESS_ERROR_PREFIX, error_detail
from harness.sandbox.store.fields import FieldDef, Kind

DEFAULT_TEXT_LENGTH = 4000  # INFERRED: the Text Area limit, for text fields no source names
# CONFIRMED-weak: Free-Form Text custom fields, "EXCEEDED_MAX_FIELD_LENGTH ... The field
# custbody_... contained more than the maximum number ( 300 )" (a public SuiteScript comment).
CUSTOM_TEXT_LENGTH = 300
EXTERNAL_ID_LENGTH = 255  # INFERRED

# Field id -> limit, per part of a record. The sources: "live" = a live NetSuite error quoted
# in public code or issues (CONFIRMED); "template" = a public NetSuite customer import
# template listing character limits (CONFIRMED-weak); everything else INFERRED.
ENTITY_LENGTHS: Mapping[str, int] = {
    "entityid": 83,  # INFERRED: the same limit as the company name it defaults from
    "companyname": 83,  # template
    "firstname": 32,  # INFERRED (gh:getlago/lago-api#3649 cuts names to 30 to be safe)
    "lastname": 32,  # INFERRED, as firstname
    "email": 254,  # INFERRED: RFC 5321's longest address
    "phone": 32,  # CONFIRMED-weak: a live REST error, "(32)"
    "comments": 4000,  # template
    "externalid": EXTERNAL_ID_LENGTH,
}
ADDRESS_LENGTHS: Mapping[str, int] = {
    "addressee": 83,  # template
    "attention": 83,  # template
    "addr1": 150,  # live: "The field addr1 contained more than the maximum number ( 150 )"
    "addr2": 150,  # template
    "addr3": 150,  # INFERRED, as addr1 and addr2
    "city": 50,  # live: "The field city contained ... ( 50 )" (lago-api#4689)
    "state": 30,  # live: "The field state contained ... ( 30 )" (lago-api#3233)
    "zip": 36,  # INFERRED
    "addrphone": 32,  # INFERRED, as phone
}
TRANSACTION_LENGTHS: Mapping[str, int] = {
    "tranid": 45,  # INFERRED
    "otherrefnum": 45,  # INFERRED
    "memo": 999,  # INFERRED for sales orders (it varies by record: a bin transfer's is 40)
    "email": 254,  # INFERRED, as the customer's
    "message": 999,  # INFERRED, as memo
    "source": 50,  # INFERRED
    "externalid": EXTERNAL_ID_LENGTH,
}
TRANSACTION_LINE_LENGTHS: Mapping[str, int] = {
    # CONFIRMED-weak: "Netsuite has a character limit of 999 characters" for a line's
    # description (gh:Ore-Design/Ore-3D-Reports-Changelog#461).
    "description": 999,
}
LIST_LENGTHS: Mapping[str, int] = {"externalid": EXTERNAL_ID_LENGTH}


def limited(fields: tuple[FieldDef, ...], limits: Mapping[str, int]) -> tuple[FieldDef, ...]:
    """`fields` with a length limit on every writable text field: from `limits` by field id,
    else the custom-field or the default limit."""
    return tuple(_limit(fd, limits) for fd in fields)


def _limit(fd: FieldDef, limits: Mapping[str, int]) -> FieldDef:
    if fd.kind is not Kind.TEXT or fd.readonly or fd.max_length is not None:
        return fd
    fallback = CUSTOM_TEXT_LENGTH if fd.custom else DEFAULT_TEXT_LENGTH
    return replace(fd, max_length=limits.get(fd.field_id, fallback))


def text_length(value: str) -> int:
    """A value's length as NetSuite measures it: bytes of UTF-8."""
    return len(value.encode("utf-8", "surrogatepass"))


def too_long(fd: FieldDef, path: str) -> dict[str, str]:
    """NetSuite's refusal of a value longer than `fd` takes (see the module docstring)."""
    return error_detail(
        f"{BUSINESS_ERROR_PREFIX}The field {fd.field_id} contained more than the maximum "
        f"number ( {fd.max_length} ) of characters allowed.",
        "USER_ERROR",
        path=path,
    )
